// Who may learn that an offboarding request exists: a pending offboarding is among the most sensitive facts in a
// company. Operators see every request, approvers the requests they decide, the requester their own. Nobody else, and
// never the leaver, even one who is an operator or an approver (IT staff leave too). Everyone who may not see a request
// gets exactly the answer given for a request that does not exist. Seeing is not acting: who may cancel, retry or
// decide is checked on top of this (requests.ts, service.ts).
import type { OffboardingRequest } from './requests';
import type { Venue } from './venue';

export function canSee(request: OffboardingRequest, viewer: { id: string }, isOperator: boolean): boolean {
  if (viewer.id === request.leaver.id) {
    return false;
  }
  return isOperator || viewer.id === request.requester.id || request.approvers.some((a) => a.id === viewer.id);
}

/** The answer for a request id nobody may know of: unknown, or not visible to the one asking. `id` as they gave it. */
export function requestNotFound(id: string): string {
  return `There is no offboarding request ${id}.`;
}

/**
 * Whether an answer naming `request` may be posted where it was asked: a reply reaches everyone in the conversation,
 * not only the one who asked. A 1:1 chat: yes. A channel: only a request started in that channel (its preview and
 * progress are there already). A group or meeting chat: never.
 */
export function mayShowHere(request: OffboardingRequest, where: Venue): boolean {
  if (where.kind === 'personal') {
    return true;
  }
  return where.kind === 'channel' && request.where?.kind === 'channel' && request.where.channelId === where.channelId;
}

export const ASK_IN_PERSONAL_CHAT = 'Ask me about offboarding requests in a 1:1 chat with me: everyone in this conversation would see the answer.';
