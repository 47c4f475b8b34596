// Where an offboarding is asked for, and so who sees what the bot posts there (the request card, the plan preview,
// the progress card, maybe an approval card): a pending offboarding is confidential. No Teams types here: the Teams
// layer reads the activity into a Venue (teams/turn.ts venueOf).
//  - a 1:1 chat with the bot: only the requester sees it; always allowed;
//  - a group chat or a meeting chat: its members are whoever was added, nobody controls them: always refused;
//  - a team channel: every member of the team sees it: allowed when the channel is listed in OPERATIONS_CHANNEL_IDS
//    (if set) and the leaver is not a member of the team (checkMemberGroups with the team's group id).

export type Venue =
  | { kind: 'personal' }
  | { kind: 'group-chat' }
  /** `teamGroupId`: the team's Microsoft 365 group (Entra object id); undefined when Teams didn't say and it couldn't be read. */
  | { kind: 'channel'; channelId: string; teamGroupId?: string };

export const GROUP_CHAT_REFUSAL =
  "I don't start offboardings in a group chat or a meeting chat: anyone can be added to one and would see the plan and its progress. Ask me in a 1:1 chat with me, or in a team channel. Nothing was changed.";
export const CHANNEL_NOT_LISTED =
  'Offboardings are started only in the operations channels set for this bot, or in a 1:1 chat with me. Nothing was changed.';
export const TEAM_UNKNOWN =
  "I couldn't tell which team this channel belongs to, so I can't check who would see the plan here. Ask me in a 1:1 chat with me. Nothing was changed.";
export const leaverInTeam = (leaver: string): string =>
  `${leaver} is a member of this team and would see the plan and its progress here. Ask me in a 1:1 chat with me instead. Nothing was changed.`;

/** The rules that need no directory read: the kind of conversation and the allowed channels. */
export function venueRefusal(where: Venue, operationsChannelIds: readonly string[] | undefined): string | undefined {
  if (where.kind === 'group-chat') {
    return GROUP_CHAT_REFUSAL;
  }
  if (where.kind === 'channel') {
    if (operationsChannelIds && operationsChannelIds.length > 0 && !operationsChannelIds.includes(where.channelId)) {
      return CHANNEL_NOT_LISTED;
    }
    if (!where.teamGroupId) {
      return TEAM_UNKNOWN;
    }
  }
  return undefined;
}

/** The group whose membership the leaver must not have: the channel's team. */
export function venueGroupId(where: Venue): string | undefined {
  return where.kind === 'channel' ? where.teamGroupId : undefined;
}
