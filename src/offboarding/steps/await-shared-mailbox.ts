// Licences go only after Exchange reports the mailbox as shared: poll Get-Mailbox with backoff, never a fixed
// delay (CIPP's 5-minute sleep still raced: issues #1494, #1565). On timeout this step fails, and the licence steps
// fail without running.
import { M365Error } from '../../m365/errors';
import { crashPoint } from '../../testing/crash-points';
import { forEachTarget, type StepRunner } from './context';

export const awaitSharedMailbox: StepRunner = (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const { sharedPollInitialMs, sharedPollMaxMs, sharedPollTimeoutMs } = ctx.settings;
  return forEachTarget(ctx, ctx.step.targets, async () => {
    const deadline = ctx.now() + sharedPollTimeoutMs;
    let wait = sharedPollInitialMs;
    for (let polls = 1; ; polls++) {
      const { value } = await ctx.exchange.invoke<{ RecipientTypeDetails?: string }>('Get-Mailbox', { Identity: upn }, upn);
      const type = value[0]?.RecipientTypeDetails;
      if (type === 'SharedMailbox') {
        return `reported shared after ${polls} ${polls === 1 ? 'check' : 'checks'}`;
      }
      if (ctx.now() + wait > deadline) {
        throw new M365Error({
          service: 'exchange',
          status: 408,
          code: 'MailboxNotSharedYet',
          message: `Exchange still reports ${type ?? 'no mailbox type'} after ${Math.round(sharedPollTimeoutMs / 60000)} min; licences were left in place so the mailbox is not lost`,
          cmdlet: 'Get-Mailbox',
        });
      }
      crashPoint('shared-wait');
      await ctx.sleep(wait);
      wait = Math.min(sharedPollMaxMs, Math.round(wait * 1.5));
    }
  });
};
