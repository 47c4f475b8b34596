// Small readers of the incoming activity, shared by commands and card actions.
import { TurnContext } from 'botbuilder';
import type { Actor } from '../offboarding/requests';
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

export const NO_IDENTITY = "I can't tell who you are (this message has no Entra ID user), so I can't do that.";
