// Entra-registered Windows devices are disabled (app-only calls may change Windows devices only).
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { batchTargets, enc, targetsOf, type StepRunner } from './context';

interface Device {
  '@odata.type'?: string;
  id: string;
  displayName: string;
  operatingSystem?: string;
  accountEnabled?: boolean;
}

async function readWindowsDevices(graph: GraphPort, userId: string): Promise<Target[]> {
  // As the preflight reads it: "List registeredDevices" documents no cast to microsoft.graph.device (the simulated
  // tenant serves none), so the devices are kept by @odata.type.
  const items = await graph.list<Device>(`/users/${enc(userId)}/registeredDevices?$select=id,displayName,operatingSystem,accountEnabled`);
  const devices = items.filter((d) => d['@odata.type'] === undefined || d['@odata.type'] === '#microsoft.graph.device');
  return devices.filter((d) => /^windows/i.test(d.operatingSystem ?? '') && d.accountEnabled !== false).map((d) => ({ id: d.id, label: d.displayName }));
}

export const disableEntraDevices: StepRunner = async (ctx) => {
  const targets = await targetsOf(ctx, () => readWindowsDevices(ctx.graph, ctx.people.leaver.id));
  await batchTargets(ctx, targets, (d) => ({ method: 'PATCH', url: `/devices/${enc(d.id)}`, body: { accountEnabled: false } }));
};
