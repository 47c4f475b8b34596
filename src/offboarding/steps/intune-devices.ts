// Intune: wipe corporate devices, retire personal ones (retire removes only company data and apps). Each action is
// one-shot: recorded before it is sent and never sent again, even after a crash.
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { enc, oneShot, targetsOf, type StepRunner } from './context';

interface ManagedDevice {
  id: string;
  deviceName: string;
  managedDeviceOwnerType?: string;
}

async function readDevices(graph: GraphPort, userId: string, wipeCorporate: boolean): Promise<Target[]> {
  const devices = await graph.list<ManagedDevice>(`/users/${enc(userId)}/managedDevices?$select=id,deviceName,managedDeviceOwnerType`);
  return devices.map((d) => ({ id: d.id, label: d.deviceName, data: { action: wipeCorporate && d.managedDeviceOwnerType === 'company' ? 'wipe' : 'retire' } }));
}

export const intuneDevices: StepRunner = async (ctx) => {
  const wipeCorporate = ctx.options.intuneDevices === 'wipe-corporate-retire-personal';
  const targets = await targetsOf(ctx, () => readDevices(ctx.graph, ctx.people.leaver.id, wipeCorporate));
  await oneShot(ctx, targets, async (device) => {
    const action = device.data?.action === 'wipe' ? 'wipe' : 'retire';
    // https://learn.microsoft.com/graph/api/intune-devices-manageddevice-wipe / -retire
    await ctx.graph.call({
      method: 'POST',
      url: `/deviceManagement/managedDevices/${enc(device.id)}/${action}`,
      ...(action === 'wipe' ? { body: { keepEnrollmentData: false, keepUserData: false } } : {}),
    });
    return action === 'wipe' ? 'wipe sent' : 'retire sent';
  });
};
