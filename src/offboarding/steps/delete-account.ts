// Only when chosen and allowed (never while the mailbox is kept as shared: deleting the account deletes it).
// Restorable for 30 days from deleted items.
import { enc, forEachTarget, goneIsDone, type StepRunner } from './context';

export const deleteAccount: StepRunner = (ctx) =>
  forEachTarget(ctx, ctx.step.targets, async (leaver) => {
    await ctx.graph.call({ method: 'DELETE', url: `/users/${enc(leaver.id)}` });
  }, goneIsDone('already deleted'));
