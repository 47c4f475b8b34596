// Who may learn that an offboarding request exists: a pending offboarding is among the most sensitive facts in a
// company. Operators see every request, approvers the requests they decide, the requester their own. Nobody else, and
// never the leaver, even one who is an operator or an approver (IT staff leave too). Everyone who may not see a request
// gets exactly the answer given for a request that does not exist. Seeing is not acting: who may cancel, retry or
// decide is checked on top of this (requests.ts, service.ts).
import type { OffboardingRequest } from './requests';

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
