// Forward to the inheritor (keeping a copy in the shared mailbox) when chosen; otherwise remove any forwarding, the
// quiet way mail leaks out after someone leaves.
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const mailForwarding: StepRunner = (ctx) => {
  const inheritor = ctx.people.inheritor;
  return ctx.options.forwardToInheritor
    ? onLeaverMailbox(ctx, 'Set-Mailbox', { ForwardingSmtpAddress: inheritor.mail ?? inheritor.userPrincipalName, DeliverToMailboxAndForward: true })
    : onLeaverMailbox(ctx, 'Set-Mailbox', { ForwardingSmtpAddress: null, ForwardingAddress: null, DeliverToMailboxAndForward: false });
};
