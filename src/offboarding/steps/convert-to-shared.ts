// Preserve: a shared mailbox keeps the mail without a licence of its own (except on hold, with an archive or > 50 GB).
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const convertToShared: StepRunner = (ctx) => onLeaverMailbox(ctx, 'Set-Mailbox', { Type: 'Shared' });
