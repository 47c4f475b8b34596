// Devices: Entra-registered devices (registeredDevices, ownedDevices, PATCH /devices/{id}) and Intune managed
// devices (GET /users/{id}/managedDevices, wipe, retire). Every wipe and retire is counted in state so tests can
// assert a device never received one twice, and recorded in the device's deviceActionResults (deviceActions.ts).
// device-update: with application permissions only Windows devices' accountEnabled may be changed; others answer 403.
import { GraphError, graphErrors } from '../errors';
import type { DeviceRecord, ManagedDeviceRecord } from '../types';
import { bodyObject, byParam, noContent, type GraphRequest, type GraphResult } from './context';
import { entityResponse, listResponse } from './collection';
import { recordDeviceAction, type DeviceActionName } from './deviceActions';
import type { GraphRouter } from './router';
import { requireUser } from './users';
import { DEVICE, deviceView, MANAGED_DEVICE, managedDeviceView, typed } from './views';

function requireDevice(req: GraphRequest): DeviceRecord {
  return byParam(req, req.state.data.devices, 'device');
}

function requireManagedDevice(req: GraphRequest): ManagedDeviceRecord {
  // Intune (microsoft.management.services.api) answers unknown ids with ResourceNotFound.
  return byParam(req, req.state.data.managedDevices, 'device', (id) => new GraphError(404, 'ResourceNotFound', `{"_version": 3, "Message": "Resource not found: managedDevices('${id}')"}`));
}

const UPDATABLE_DEVICE = new Set(['accountEnabled', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'extensionAttributes']);

function patchDevice(req: GraphRequest): GraphResult {
  const device = requireDevice(req);
  const body = bodyObject(req);
  for (const k of Object.keys(body)) {
    if (!UPDATABLE_DEVICE.has(k)) {
      throw graphErrors.badRequest(`Property '${k}' is read-only and cannot be set.`);
    }
  }
  if ('accountEnabled' in body) {
    if (typeof body.accountEnabled !== 'boolean') {
      throw graphErrors.badRequest("Invalid value specified for property 'accountEnabled' of resource 'Device'.");
    }
    if (device.operatingSystem.toLowerCase() !== 'windows') {
      throw graphErrors.insufficientPrivileges();
    }
    device.accountEnabled = body.accountEnabled;
  }
  if (typeof body.displayName === 'string') {
    device.displayName = body.displayName;
  }
  return noContent();
}

function deviceAction(req: GraphRequest, action: DeviceActionName): GraphResult {
  const device = requireManagedDevice(req);
  req.state.count(req.state.actions[action], device.id);
  recordDeviceAction(req.state, device, action);
  return noContent();
}

export function registerDevices(router: GraphRouter): void {
  const registered = (req: GraphRequest, relation: 'registeredUsers' | 'registeredOwners'): Record<string, unknown>[] => {
    const user = requireUser(req);
    return req.state.data.devices.filter((d) => d[relation].includes(user.id)).map((d) => typed('device', deviceView(d)));
  };
  router
    .add('GET', '/users/:user/registeredDevices', (req) => listResponse(req, registered(req, 'registeredUsers'), { type: DEVICE, context: 'directoryObjects' }))
    .add('GET', '/users/:user/ownedDevices', (req) => listResponse(req, registered(req, 'registeredOwners'), { type: DEVICE, context: 'directoryObjects' }))
    .add('GET', '/devices/:device', (req) => entityResponse(req, deviceView(requireDevice(req)), DEVICE, 'devices'))
    .add('PATCH', '/devices/:device', patchDevice)
    .add('GET', '/users/:user/managedDevices', (req) => {
      const user = requireUser(req);
      const items = req.state.data.managedDevices.filter((d) => d.userId === user.id).map((d) => managedDeviceView(d, user));
      return listResponse(req, items, { type: MANAGED_DEVICE, context: `users('${user.id}')/managedDevices` });
    })
    .add('GET', '/deviceManagement/managedDevices/:device', (req) => {
      const device = requireManagedDevice(req);
      return entityResponse(req, managedDeviceView(device, req.state.findUser(device.userId)), MANAGED_DEVICE, 'deviceManagement/managedDevices');
    })
    .add('POST', '/deviceManagement/managedDevices/:device/wipe', (req) => deviceAction(req, 'wipe'))
    .add('POST', '/deviceManagement/managedDevices/:device/retire', (req) => deviceAction(req, 'retire'));
}
