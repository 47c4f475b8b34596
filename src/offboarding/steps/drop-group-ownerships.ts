// After the hand-over, the leaver stops owning groups. Removing the last owner is refused by Graph, which is why the
// hand-over runs first.
import { batchTargets, enc, goneIsDone, targetsOf, type StepRunner } from './context';
import { readOwnerships } from './graph-groups';

export const dropGroupOwnerships: StepRunner = async (ctx) => {
  const leaverId = ctx.people.leaver.id;
  const targets = await targetsOf(ctx, () => readOwnerships(ctx.graph, leaverId));
  await batchTargets(ctx, targets, (g) => ({ method: 'DELETE', url: `/groups/${enc(g.id)}/owners/${enc(leaverId)}/$ref` }), goneIsDone('was no longer an owner'));
};
