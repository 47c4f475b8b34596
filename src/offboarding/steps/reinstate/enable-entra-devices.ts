// Entra-registered devices the offboarding disabled are enabled again (device-update), in $batch. Read first, also in
// $batch: a device already enabled is left alone; one whose read failed is patched all the same.
import { M365Error } from '../../../m365/errors';
import { alreadyFinished, batchTargets, enc, recordOutcome, type StepRunner } from '../context';
import { ALREADY_BACK } from './shared';

export const enableEntraDevices: StepRunner = async (ctx) => {
  const pending = ctx.step.targets.filter((t) => !alreadyFinished(ctx, t));
  if (pending.length === 0) {
    return;
  }
  const reads = await ctx.graph.batch<{ accountEnabled?: boolean }>(pending.map((d) => ({ method: 'GET', url: `/devices/${enc(d.id)}?$select=id,accountEnabled` })));
  const enabled = pending.filter((_, i) => {
    const r = reads[i]!;
    return !(r instanceof M365Error) && r.body.accountEnabled === true;
  });
  await Promise.all(enabled.map((d) => recordOutcome(ctx, d, { status: 'done', detail: ALREADY_BACK })));
  await batchTargets(
    ctx,
    pending.filter((d) => !enabled.includes(d)),
    (d) => ({ method: 'PATCH', url: `/devices/${enc(d.id)}`, body: { accountEnabled: true } }),
    undefined,
    () => ({ status: 'done', detail: 'enabled' }),
  );
};
