// A batch's approval cards (issue 15, *Bulk*): one card per approver covering all of their leavers in the batch (at most
// MAX_LEAVERS_PER_APPROVAL per card, more split across cards), with action data { batchId, approvalId } and a toggle
// include.<requestId> per leaver. Delivered like a single request's card (1:1 chat, installing the app, else the thread
// with a mention), its reference saved on every request it covers, so housekeeping's redelivery and the decision's
// card updates work per request as for a single one.
import type { Batch } from '../offboarding/batch/batch';
import type { DeliveryOutcome } from '../offboarding/housekeeping';
import type { OffboardingRequest } from '../offboarding/requests';

export class BatchApprovals {
  /** After the submit: every approver's card(s), at once; the outcomes go back per request (service.approvalsDelivered). */
  requested(_batch: Batch, _requests: OffboardingRequest[]): Promise<void> {
    throw new Error('not implemented');
  }

  /** Housekeeping's redelivery for one of a batch's requests: the card(s) of these approvers covering it. Never throws. */
  deliver(_request: OffboardingRequest, _approverIds: string[], _storedChatOnly = false): Promise<Record<string, DeliveryOutcome>> {
    throw new Error('not implemented');
  }

  /** A batch's request was decided (or cancelled, expired): its approval cards show it, coalesced per card. Never throws. */
  decided(_request: OffboardingRequest): Promise<void> {
    throw new Error('not implemented');
  }
}
