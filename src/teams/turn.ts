// Small readers of the incoming activity, shared by commands and card actions.
import { TeamsInfo, TurnContext, type TeamsChannelData } from 'botbuilder';
import type { Actor } from '../offboarding/requests';
import type { Venue } from '../offboarding/venue';
import { governedTurnCall } from './connector-governor';
import type { TeamsRefs } from './refs';

/** Who sent the activity, by Entra object id (Teams always sends aadObjectId for users). */
export function actorOf(context: TurnContext): Actor | undefined {
  const from = context.activity.from;
  return from?.aadObjectId ? { id: from.aadObjectId, displayName: from.name ?? from.aadObjectId } : undefined;
}

/** The requester's IANA time zone: the activity's localTimezone, or Teams' clientInfo entity. */
export function timeZoneOf(context: TurnContext): string | undefined {
  const a = context.activity;
  const clientInfo = a.entities?.find((e) => e.type === 'clientInfo') as { timezone?: string } | undefined;
  return a.localTimezone ?? clientInfo?.timezone;
}

export function tenantOf(context: TurnContext): string {
  const a = context.activity;
  const channelData = a.channelData as { tenant?: { id?: string } } | undefined;
  return a.conversation?.tenantId ?? channelData?.tenant?.id ?? '';
}

export function refsFrom(context: TurnContext): TeamsRefs {
  const a = context.activity;
  return {
    thread: TurnContext.getConversationReference(a),
    serviceUrl: a.serviceUrl,
    tenantId: tenantOf(context),
    bot: { id: a.recipient?.id ?? '', ...(a.recipient?.name ? { name: a.recipient.name } : {}) },
    ...(a.replyToId ? { submitCardId: a.replyToId } : {}),
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where the activity comes from (offboarding/venue.ts). A 1:1 chat is 'personal'; a channel post is 'channel', with the
 * team's Microsoft 365 group id from channelData.team.aadGroupId (botbuilder's TeamInfo) or, when Teams leaves it out,
 * from the Bot Connector (TeamsInfo.getTeamDetails: GET /v3/teams/{id}); unknown if that fails too (the service then
 * refuses). Anything else, and any meeting chat (channelData.meeting), counts as a group chat.
 */
export async function venueOf(context: TurnContext): Promise<Venue> {
  const a = context.activity;
  const channelData = a.channelData as TeamsChannelData | undefined;
  const type = a.conversation?.conversationType;
  if (channelData?.meeting || (type !== 'personal' && type !== 'channel')) {
    return { kind: 'group-chat' };
  }
  if (type === 'personal') {
    return { kind: 'personal' };
  }
  const channelId = channelData?.channel?.id ?? (a.conversation.id ?? '').split(';')[0]!;
  let teamGroupId = channelData?.team?.aadGroupId;
  if (!teamGroupId && channelData?.team?.id) {
    // A Bot Connector call like any other: through the governor (the app's budget; a 429 pauses the bot family).
    teamGroupId = await governedTurnCall(context, () => TeamsInfo.getTeamDetails(context))
      .then((d) => d.aadGroupId)
      .catch(() => undefined);
  }
  return { kind: 'channel', channelId, ...(teamGroupId && GUID.test(teamGroupId) ? { teamGroupId } : {}) };
}

export const NO_IDENTITY = "I can't tell who you are (this message has no Entra ID user), so I can't do that.";

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The message's text with its line breaks. Teams may deliver a multi-line message's `text` with the breaks turned into
 * spaces, keeping them only in the `text/html` attachment (microsoft/botframework-sdk#3238); a list typed one per line
 * must keep its lines. The HTML's mentions (`<at>…</at>`) are dropped, as removeRecipientMention drops the bot's from
 * `text`. The plain text when there is no HTML or it has no more lines.
 */
export function textWithLines(activity: Pick<TurnContext['activity'], 'text' | 'attachments'>): string {
  const text = activity.text ?? '';
  const html = activity.attachments?.find((a) => a.contentType === 'text/html' && typeof a.content === 'string')?.content as string | undefined;
  if (!html) {
    return text;
  }
  const fromHtml = html
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(?:p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, e: string) => ENTITIES[e] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
  const lines = (s: string) => s.split('\n').length;
  return lines(fromHtml) > lines(text.trim()) ? fromHtml : text;
}
