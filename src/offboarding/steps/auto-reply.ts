// Automatic reply through Graph's mailboxSettings (one of the few mailbox changes Graph can make). The reply that was
// on before is read first and named in the detail: a reinstatement leaves the reply on rather than switch off one the
// person had set (REPLACED_AUTO_REPLY).
import { M365Error } from '../../m365/errors';
import { enc, forEachTarget, type StepRunner } from './context';

/** How the done detail starts when the leaver's own automatic reply was on (the reinstatement planner reads it). */
export const REPLACED_AUTO_REPLY = 'replaced an automatic reply that was on';

export function defaultAutoReply(leaverName: string, inheritorName: string, inheritorAddress: string): string {
  return `${leaverName} no longer works here. Please contact ${inheritorName} (${inheritorAddress}), who is taking over.`;
}

export const autoReply: StepRunner = (ctx) => {
  const { leaver, inheritor } = ctx.people;
  const message = ctx.options.autoReplyMessage ?? defaultAutoReply(leaver.displayName, inheritor.displayName, inheritor.mail ?? inheritor.userPrincipalName);
  return forEachTarget(ctx, ctx.step.targets, async () => {
    // user-get-mailboxsettings (MailboxSettings.Read, within MailboxSettings.ReadWrite); a failed read does not block.
    let before: string | undefined;
    let unread = false;
    try {
      const setting = (await ctx.graph.call<{ status?: string; internalReplyMessage?: string }>({ method: 'GET', url: `/users/${enc(leaver.id)}/mailboxSettings/automaticRepliesSetting` })).body;
      // Our own reply, set by an attempt whose answer was lost, is not the leaver's.
      // Graph answers the message as HTML: compared as text.
      before = plainText(setting?.internalReplyMessage) === plainText(message) ? 'disabled' : setting?.status;
    } catch (err) {
      if (!(err instanceof M365Error)) {
        throw err;
      }
      unread = true;
    }
    await ctx.graph.call({
      method: 'PATCH',
      url: `/users/${enc(leaver.id)}/mailboxSettings`,
      body: {
        automaticRepliesSetting: { status: 'alwaysEnabled', externalAudience: 'all', internalReplyMessage: message, externalReplyMessage: message },
      },
    });
    if (unread) {
      return 'set (the earlier reply could not be read)';
    }
    return before && before !== 'disabled' ? `${REPLACED_AUTO_REPLY} (${before})` : 'set';
  });
};

/** An automatic reply's text without its HTML markup and spacing, to compare what Graph answers with what was set. */
function plainText(html: string | undefined): string {
  return (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
