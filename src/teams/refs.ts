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
  /**
   * The re-approval it was sent for (OffboardingRequest.reapproval.at); unset: the first approval. Cards of an earlier
   * round are kept (a decision still updates them) but don't count as the approver having a card.
   */
  round?: string;
  /** A batch's approval card (BatchApproval.id): saved on every request it covers, updated as one card. */
  batchApprovalId?: string;
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

/** The approval cards sent for the request's current round (the first approval, or its latest re-approval). */
export function currentApprovals(request: OffboardingRequest): ApprovalCardRef[] {
  const round = request.reapproval?.at;
  return (refsOf(request).approvals ?? []).filter((a) => a.round === round);
}
