// Intune: wipe corporate devices, retire personal ones (retire removes only company data and apps). One-shot
// (one-shot.ts): Intune accepts the action and carries it out when the device next checks in, so a target is
// 'requested' until Intune's deviceActionResults report it done.
// https://learn.microsoft.com/graph/api/intune-devices-manageddevice-wipe / -retire / -get
import { M365Error } from '../../m365/errors';
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { enc, targetsOf, type StepRunner } from './context';
import { isSince, oneShot, type OneShotAction, type Settled } from './one-shot';

interface ManagedDevice {
  id: string;
  deviceName: string;
  managedDeviceOwnerType?: string;
}

/** deviceActionResult (actionState: none, pending, canceled, active, done, failed, notSupported). */
export interface DeviceActionResult {
  actionName?: string;
  actionState?: string;
  startDateTime?: string;
  lastUpdatedDateTime?: string;
}

export interface DeviceActionRecord {
  managementState?: string;
  deviceActionResults?: DeviceActionResult[] | null;
}

type IntuneAction = 'wipe' | 'retire';

async function readDevices(graph: GraphPort, userId: string, wipeCorporate: boolean): Promise<Target[]> {
  const devices = await graph.list<ManagedDevice>(`/users/${enc(userId)}/managedDevices?$select=id,deviceName,managedDeviceOwnerType`);
  return devices.map((d) => ({ id: d.id, label: d.deviceName, data: { action: wipeCorporate && d.managedDeviceOwnerType === 'company' ? 'wipe' : 'retire' } }));
}

const actionOf = (device: Target): IntuneAction => (device.data?.action === 'wipe' ? 'wipe' : 'retire');

const REFUSED = new Set(['canceled', 'failed', 'notsupported']);

/** What Intune's record says of `action` sent at `sentAt` (pure: the settling table of docs/ENGINE.md). */
export function intuneState(record: DeviceActionRecord, action: IntuneAction, sentAt: string, label: string): Settled {
  const ours = (record.deviceActionResults ?? [])
    .filter((r) => r.actionName?.toLowerCase() === action && (r.startDateTime === undefined || isSince(r.startDateTime, sentAt)))
    .sort((a, b) => (a.startDateTime ?? '').localeCompare(b.startDateTime ?? ''))
    .at(-1);
  const actionState = ours?.actionState?.toLowerCase();
  const management = record.managementState ?? '';
  // Management states name their action: wipePending / wipeIssued say a wipe is under way, retire* a retire.
  const state = management.toLowerCase();
  const underWay = state === `${action}pending` || state === `${action}issued`;
  const refused = state === `${action}canceled` || state === `${action}failed`;
  if (actionState === 'done') {
    return { state: 'done', detail: `${action} done (confirmed by Intune)` };
  }
  if (actionState === 'pending' || actionState === 'active' || underWay) {
    return { state: 'requested', detail: `${action} requested (confirmed by Intune: ${actionState ?? management}); carried out when the device next checks in` };
  }
  if ((actionState !== undefined && REFUSED.has(actionState)) || refused) {
    const shown = ours?.actionState ?? management;
    return {
      state: 'failed',
      detail: `Intune reports the ${action} as ${shown}; not sent again`,
      followUp: `${label}: Intune reports the ${action} as ${shown}: check the device in Intune and ${action} it by hand if it still holds company data`,
    };
  }
  return { state: 'absent' };
}

export function intuneAction(graph: GraphPort): OneShotAction {
  return {
    service: 'Intune',
    // "Wipe: … the device is removed from Intune management"; retire: removed at its next check-in (Intune docs).
    goneAfterAccepted: 'done: no longer in Intune, which removes a device once its wipe or retire is carried out',
    async send(device) {
      const action = actionOf(device);
      await graph.call({
        method: 'POST',
        url: `/deviceManagement/managedDevices/${enc(device.id)}/${action}`,
        ...(action === 'wipe' ? { body: { keepEnrollmentData: false, keepUserData: false } } : {}),
        once: true,
      });
      return { state: 'requested', detail: `${action} requested; Intune carries it out when the device next checks in` };
    },
    async settle(device, sentAt) {
      try {
        const { body } = await graph.call<DeviceActionRecord>({ method: 'GET', url: `/deviceManagement/managedDevices/${enc(device.id)}?$select=id,managementState,deviceActionResults` });
        return intuneState(body, actionOf(device), sentAt, device.label);
      } catch (err) {
        if (err instanceof M365Error && err.status === 404) {
          return { state: 'failed', gone: true, detail: 'no longer in Intune: check', followUp: `${device.label}: no longer in Intune: check whether it was wiped, retired or removed by someone`, error: err };
        }
        throw err;
      }
    },
  };
}

export const intuneDevices: StepRunner = async (ctx) => {
  const wipeCorporate = ctx.options.intuneDevices === 'wipe-corporate-retire-personal';
  const targets = await targetsOf(ctx, () => readDevices(ctx.graph, ctx.people.leaver.id, wipeCorporate));
  await oneShot(ctx, targets, intuneAction(ctx.graph));
};
