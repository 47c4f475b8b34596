// ActiveSync, POP and IMAP off. MAPI, EWS and OWA stay on: the inheritor reaches the shared mailbox through them.
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const disableMobileProtocols: StepRunner = (ctx) =>
  onLeaverMailbox(ctx, 'Set-CASMailbox', { ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false });
