// offboard.approve / offboard.reject with { batchId, approvalId }: one approver's click on a batch approval card (issue
// 15, *Bulk*). The domain decides exactly the stored requests of that card assigned to the clicker and still waiting,
// never what the card claims; `include.<requestId>` "false" leaves one waiting. The answer is the card re-rendered for
// the clicker from stored state: what they decided, what still waits.
import { z } from 'zod';
import { BATCH_ID } from '../../offboarding/batch/batch';
import { LIMITS } from '../../offboarding/limits';
import type { OffboardingService } from '../../offboarding/service';
import { batchApprovalCard } from '../batch-cards';
import { cardAction, type CardAction } from './action';
import { REQUEST_ID } from './decide';

const INCLUDE_PREFIX = 'include.';

export const batchDecideData = z
  .object({
    batchId: z.string().regex(BATCH_ID),
    approvalId: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
    comment: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().max(LIMITS.comment).optional()),
  })
  .passthrough()
  .superRefine((d, ctx) => {
    for (const [key, value] of Object.entries(d)) {
      if (key.startsWith(INCLUDE_PREFIX) && (!REQUEST_ID.test(key.slice(INCLUDE_PREFIX.length)) || (value !== 'true' && value !== 'false' && value !== true && value !== false))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'not a leaver toggle of this card' });
      }
    }
  })
  .transform((d) => ({
    ...d,
    include: Object.fromEntries(
      Object.entries(d)
        .filter(([key]) => key.startsWith(INCLUDE_PREFIX))
        .map(([key, value]) => [key.slice(INCLUDE_PREFIX.length).toUpperCase(), value !== 'false' && value !== false]),
    ),
  }));

export function batchDecideAction(service: OffboardingService, verb: string, outcome: 'approved' | 'rejected'): CardAction {
  const invalid = (error: z.ZodError) =>
    error.issues[0]?.path[0] === 'comment' ? `The comment is longer than ${LIMITS.comment} characters: shorten it and click again. Nothing was changed.` : 'This card carries no valid batch approval. Nothing was changed.';
  return cardAction(verb, batchDecideData, invalid, async (_context, by, { batchId, approvalId, include, comment }) => {
    const result = await service.batches.decide(batchId, approvalId, by, outcome, include, comment?.trim());
    if (!result.ok) {
      return result.reason;
    }
    const approval = result.batch.approvals?.find((a) => a.id.toUpperCase() === approvalId.toUpperCase());
    if (!approval) {
      return `${result.decided.length} decided. Nothing else was changed.`;
    }
    return batchApprovalCard(result.batch, approval, [...result.decided, ...result.waiting, ...result.already]).content as Record<string, unknown>;
  });
}
