// What the Teams layer keeps with a request (OffboardingRequest.teams): where things were posted, so they can be
// updated in place later, from any process.
import type { ConversationReference } from 'botbuilder';
import type { ChannelData, OffboardingRequest } from '../offboarding/requests';

export interface ApprovalCardRef {
  approverId: string;
  reference: Partial<ConversationReference>;
  activityId: string;
  /** '1:1' in the approver's personal chat; 'thread' when that failed and the card went to the thread with a mention. */
  where: '1:1' | 'thread';
}

export interface TeamsRefs {
  /** The conversation where `offboard` was typed (a channel thread, a group chat or a 1:1 chat). */
  thread: Partial<ConversationReference>;
  serviceUrl: string;
  tenantId: string;
  /** The bot as seen in that conversation (needed to open 1:1 chats). */
  bot: { id: string; name?: string };
  /** The request card that was submitted (updated with the outcome of the submit). */
  submitCardId?: string;
  progressActivityId?: string;
  approvals?: ApprovalCardRef[];
}

export function refsOf(request: OffboardingRequest): TeamsRefs {
  return request.teams as unknown as TeamsRefs;
}

export function asChannelData(refs: TeamsRefs): ChannelData {
  return refs as unknown as ChannelData;
}
