// Distribution lists and mail-enabled security groups: only Exchange can add members (Graph refuses them).
// -BypassSecurityGroupManagerCheck: the app isn't the list's manager. "already a member" is done.
import type { M365Error } from '../../../m365/errors';
import { forEachTarget, type StepRunner, type TargetOutcome } from '../context';
import { ALREADY_BACK } from './shared';

function alreadyMember(error: M365Error): TargetOutcome {
  return /MemberAlreadyExists|is already a member/i.test(`${error.code} ${error.message}`) ? { status: 'done', detail: ALREADY_BACK } : { status: 'failed', error };
}

export const rejoinDistributionLists: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  return forEachTarget(
    ctx,
    ctx.step.targets,
    async (g) => {
      const identity = typeof g.data?.mail === 'string' && g.data.mail ? g.data.mail : g.id;
      await ctx.exchange.invoke('Add-DistributionGroupMember', { Identity: identity, Member: upn, BypassSecurityGroupManagerCheck: true });
      return 'member again';
    },
    alreadyMember,
  );
};
