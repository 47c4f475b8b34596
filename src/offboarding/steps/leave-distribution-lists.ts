// Distribution lists and mail-enabled security groups: Graph refuses ("Cannot Update a mail-enabled security groups
// and or distribution list."), Exchange can. -BypassSecurityGroupManagerCheck: the app isn't the list's manager.
import type { M365Error } from '../../m365/errors';
import { forEachTarget, targetsOf, type StepRunner, type TargetOutcome } from './context';
import { readMemberships } from './graph-groups';

function notAMember(error: M365Error): TargetOutcome {
  return /MemberNotFound|isn't a member|is not a member/i.test(`${error.code} ${error.message}`) ? { status: 'done', detail: 'was no longer a member' } : { status: 'failed', error };
}

export const leaveDistributionLists: StepRunner = async (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const targets = await targetsOf(ctx, () => readMemberships(ctx.graph, ctx.people.leaver.id, 'exchange'));
  await forEachTarget(
    ctx,
    targets,
    async (g) => {
      await ctx.exchange.invoke('Remove-DistributionGroupMember', { Identity: g.data?.mail ?? g.id, Member: upn, BypassSecurityGroupManagerCheck: true, Confirm: false });
    },
    notAMember,
  );
};
