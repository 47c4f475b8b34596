// Direct licences go in one assignLicense call, after the mailbox reports shared, keeping the one a kept mailbox
// needs (Exchange Online Plan 2 for a hold, an archive or more than 50 GB).
import { enc, forEachTarget, type StepRunner } from './context';
import type { Target } from '../plan';
import { licenceData } from '../planner';
import { readLicenceDecision } from './licence-state';

export const removeDirectLicences: StepRunner = async (ctx) => {
  const decision = await readLicenceDecision(ctx);
  const stillDirect = new Set(decision.removeDirect.map((l) => l.skuId));
  const targets: Target[] = ctx.step.readAtRun ? decision.removeDirect.map((l) => ({ id: l.skuId, label: l.skuPartNumber ?? l.skuId, data: licenceData(l) })) : ctx.step.targets;
  const toRemove = targets.filter((t) => stillDirect.has(t.id) && t.id !== decision.keep?.skuId);

  let call: Promise<unknown> | undefined;
  await forEachTarget(ctx, targets, async (target) => {
    if (!toRemove.includes(target)) {
      return target.id === decision.keep?.skuId ? 'kept for the mailbox' : 'already removed';
    }
    // One request for every licence still assigned; each target shares its outcome.
    call ??= ctx.graph.call({ method: 'POST', url: `/users/${enc(ctx.people.leaver.id)}/assignLicense`, body: { addLicenses: [], removeLicenses: toRemove.map((t) => t.id) } });
    await call;
  });
};
