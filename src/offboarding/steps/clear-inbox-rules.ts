// Every inbox rule goes: a forwarding rule is how mail keeps leaking out after someone leaves.
import type { M365Error } from '../../m365/errors';
import { forEachTarget, targetsOf, type StepRunner, type TargetOutcome } from './context';

const gone = (error: M365Error): TargetOutcome =>
  /ManagementObjectNotFound|couldn't be found/i.test(`${error.code} ${error.message}`) ? { status: 'done', detail: 'already gone' } : { status: 'failed', error };

export const clearInboxRules: StepRunner = async (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const targets = await targetsOf(ctx, async () => {
    const { value } = await ctx.exchange.invoke<{ Identity: string; Name: string }>('Get-InboxRule', { Mailbox: upn }, upn);
    return value.map((r) => ({ id: r.Identity, label: r.Name }));
  });
  await forEachTarget(
    ctx,
    targets,
    async (rule) => {
      await ctx.exchange.invoke('Remove-InboxRule', { Identity: rule.id, Mailbox: upn, Confirm: false }, upn);
    },
    gone,
  );
};
