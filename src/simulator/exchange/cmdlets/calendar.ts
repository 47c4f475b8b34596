// Remove-CalendarEvents: cancels the meetings a mailbox organised (-CancelOrganizedMeetings) in a window of at most
// 1825 days from -QueryStartDate (Remove-CalendarEvents reference). -PreviewOnly changes nothing.
import { exchangeErrors } from '../../errors';
import { bool, int, requireStr, type CmdletDef } from '../context';
import { requireMailbox } from '../recipients';

const removeCalendarEvents: CmdletDef = {
  name: 'Remove-CalendarEvents',
  parameters: ['Identity', 'CancelOrganizedMeetings', 'RemoveAttendeeEvents', 'QueryStartDate', 'QueryWindowInDays', 'PreviewOnly'],
  required: ['Identity'],
  run(ctx) {
    const { mailbox, user } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const cancel = bool(ctx, 'CancelOrganizedMeetings', true) === true;
    const attendee = bool(ctx, 'RemoveAttendeeEvents', true) === true;
    if (!cancel && !attendee) {
      throw exchangeErrors.missingParameter(ctx.cmdlet, 'CancelOrganizedMeetings');
    }
    const window = int(ctx, 'QueryWindowInDays');
    if (window !== undefined && (window < 1 || window > 1825)) {
      throw exchangeErrors.badValue('QueryWindowInDays', window, 'System.Int32 (1..1825)');
    }
    if (bool(ctx, 'PreviewOnly', true)) {
      ctx.warnings.push(`${mailbox.organizedMeetings} meeting(s) organized by ${user.displayName} would be cancelled.`);
      return [];
    }
    if (cancel) {
      mailbox.organizedMeetings = 0;
      ctx.state.count(ctx.state.actions.removeCalendarEvents, user.id);
    }
    return [];
  },
};

export const calendarCmdlets = [removeCalendarEvents];
