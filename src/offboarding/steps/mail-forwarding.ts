// Forward to the inheritor (keeping a copy in the shared mailbox) when chosen; otherwise remove any forwarding, the
// quiet way mail leaks out after someone leaves. For a synced leaver the plan may say to clear only the cloud
// forwarding: on-premises AD masters ForwardingAddress (altRecipient), which is then a follow-up (planner/hybrid.ts).
import { CLOUD_FORWARDING_ONLY } from '../planner/hybrid';
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const mailForwarding: StepRunner = (ctx) => {
  const inheritor = ctx.people.inheritor;
  if (ctx.options.forwardToInheritor) {
    return onLeaverMailbox(ctx, 'Set-Mailbox', { ForwardingSmtpAddress: inheritor.mail ?? inheritor.userPrincipalName, DeliverToMailboxAndForward: true });
  }
  const cloudOnly = ctx.step.params?.[CLOUD_FORWARDING_ONLY] === true;
  return onLeaverMailbox(ctx, 'Set-Mailbox', { ForwardingSmtpAddress: null, ...(cloudOnly ? {} : { ForwardingAddress: null }), DeliverToMailboxAndForward: false });
};
