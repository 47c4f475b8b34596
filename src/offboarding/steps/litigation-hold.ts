// Preserve: litigation hold before anything that could lose mail. Only Exchange can set it (not Graph).
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const litigationHold: StepRunner = (ctx) => onLeaverMailbox(ctx, 'Set-Mailbox', { LitigationHoldEnabled: true });
