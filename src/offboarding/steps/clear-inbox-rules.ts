// Every inbox rule goes, hidden ones included: a forwarding rule — often one hidden from Outlook and from Get-InboxRule
// without -IncludeHidden — is how mail keeps leaking out after someone leaves. The system rules (junk e-mail, the
// Microsoft.Exchange.OOF.* rules of the automatic reply) stay.
import type { M365Error } from '../../m365/errors';
import { toInboxRule } from '../preflight/mailbox';
import { forEachTarget, targetsOf, type StepRunner, type TargetOutcome } from './context';

const gone = (error: M365Error): TargetOutcome =>
  /ManagementObjectNotFound|couldn't be found/i.test(`${error.code} ${error.message}`) ? { status: 'done', detail: 'already gone' } : { status: 'failed', error };

export const clearInboxRules: StepRunner = async (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const targets = await targetsOf(ctx, async () => {
    const { value } = await ctx.exchange.invoke<{ Identity: string; Name: string }>('Get-InboxRule', { Mailbox: upn, IncludeHidden: true }, upn);
    return value.map((r) => toInboxRule(r, [])).filter((r) => !r.system).map((r) => ({ id: r.identity, label: r.name }));
  });
  await forEachTarget(
    ctx,
    targets,
    async (rule) => {
      // Remove-InboxRule has no -IncludeHidden: the identity Get-InboxRule -IncludeHidden gave names a hidden rule too.
      await ctx.exchange.invoke('Remove-InboxRule', { Identity: rule.id, Mailbox: upn, Confirm: false }, upn);
    },
    gone,
  );
};
