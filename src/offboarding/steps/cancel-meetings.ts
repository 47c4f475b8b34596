// On request only: cancel the meetings the leaver organised (attendees get cancellations), up to five years ahead.
import type { StepRunner } from './context';
import { onLeaverMailbox } from './exchange-mailbox';

export const cancelMeetings: StepRunner = (ctx) =>
  onLeaverMailbox(ctx, 'Remove-CalendarEvents', { CancelOrganizedMeetings: true, QueryWindowInDays: 1825, Confirm: false });
