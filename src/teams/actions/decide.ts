// Shared by offboard.approve and offboard.reject: the clicker is checked against the stored request, never against
// the card. A request already decided, cancelled or expired answers with its current state.
import { z } from 'zod';
import { LIMITS } from '../../offboarding/limits';
import type { OffboardingService } from '../../offboarding/service';
import { renderDecidedCard } from '../cards';
import { decidedCardData } from '../view';
import { cardAction, type CardAction } from './action';
import { batchDecideAction } from './batch-decide';

const MAX_COMMENT = LIMITS.comment;
/** An offboarding (OFB-…) or a reinstatement (RST-…): approvals, retries and the pass cards carry either. */
export const REQUEST_ID = /^(OFB|RST)-[A-Z0-9]{6}$/i;
export const REQUEST_ID_DATA = z.object({ requestId: z.string().regex(REQUEST_ID) });
const DECIDE_DATA = REQUEST_ID_DATA.extend({
  round: z.string().max(40).optional(),
  comment: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(MAX_COMMENT).optional()),
});

/** A batch approval card's click carries { batchId, approvalId } (actions/batch-decide.ts); a single one { requestId }. */
const batchForm = z.object({ batchId: z.unknown() }).refine((d) => d.batchId !== undefined);

export function decideAction(service: OffboardingService, verb: string, outcome: 'approved' | 'rejected'): CardAction {
  const single = singleDecideAction(service, verb, outcome);
  const batch = batchDecideAction(service, verb, outcome);
  return { verb, handle: (context, data) => (batchForm.safeParse(data).success ? batch.handle(context, data) : single.handle(context, data)) };
}

function singleDecideAction(service: OffboardingService, verb: string, outcome: 'approved' | 'rejected'): CardAction {
  const invalid = (error: z.ZodError) =>
    error.issues[0]?.path[0] === 'comment' ? `The comment is longer than ${MAX_COMMENT} characters: shorten it and click again. Nothing was changed.` : 'This card carries no valid request id. Nothing was changed.';
  return cardAction(verb, DECIDE_DATA, invalid, async (_context, by, { requestId, comment, round }) => {
    const result = await service.decide(requestId, by, outcome, comment?.trim(), round);
    if (result.ok) {
      return renderDecidedCard(decidedCardData(result.request)).content as Record<string, unknown>;
    }
    const current = await service.get(requestId);
    // A double click or a late click on a stale card: show where the request stands now.
    if (current && current.status !== 'requested' && current.approvers.some((a) => a.id === by.id)) {
      return renderDecidedCard(decidedCardData(current, by.id)).content as Record<string, unknown>;
    }
    return result.reason;
  });
}
