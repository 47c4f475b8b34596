// Group-assigned licences can't be removed from the user ("User license is inherited from a group membership and it
// cannot be removed directly from the user"): leave the group instead, after the mailbox reports shared.
import { batchTargets, enc, goneIsDone, type StepRunner } from './context';
import { readLicenceDecision } from './licence-state';

export const leaveLicenceGroups: StepRunner = async (ctx) => {
  const leaverId = ctx.people.leaver.id;
  const targets = ctx.step.readAtRun
    ? (await readLicenceDecision(ctx)).leaveGroups.map((g) => ({ id: g.groupId, label: g.groupName ?? g.groupId }))
    : ctx.step.targets;
  await batchTargets(ctx, targets, (g) => ({ method: 'DELETE', url: `/groups/${enc(g.id)}/members/${enc(leaverId)}/$ref` }), goneIsDone('was no longer a member'));
};
