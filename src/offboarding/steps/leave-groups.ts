// Security and Microsoft 365 groups (Teams membership follows the group), removed in $batch; a 404 means already out.
import { batchTargets, enc, goneIsDone, targetsOf, type StepRunner } from './context';
import { readMemberships } from './graph-groups';

export const leaveGroups: StepRunner = async (ctx) => {
  const leaverId = ctx.people.leaver.id;
  const licenceGroups = new Set(ctx.plan.steps.find((s) => s.kind === 'leave-licence-groups')?.targets.map((t) => t.id) ?? []);
  const targets = await targetsOf(ctx, () => readMemberships(ctx.graph, leaverId, 'graph', licenceGroups, ctx.options.removeFromRoleAssignableGroups));
  await batchTargets(ctx, targets, (g) => ({ method: 'DELETE', url: `/groups/${enc(g.id)}/members/${enc(leaverId)}/$ref` }), goneIsDone('was no longer a member'));
};
