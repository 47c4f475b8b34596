import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const hideFromAddressList: StepRunner = (ctx) => onLeaverMailbox(ctx, 'Set-Mailbox', { HiddenFromAddressListsEnabled: true });
