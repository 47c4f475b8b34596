// One approver's click on a batch approval card: the server decides exactly the stored requests of that approver's
// cards in the batch that are assigned to the clicker (each request's own approvers, and what they may see), never what the card claims. A toggle
// set to false leaves its request waiting; a toggle naming a request not assigned to the clicker changes nothing and is
// audited as forged. Each decision is the single rule (decisions.ts), stored before the click is answered.
import type { Decisions } from '../decisions';
import { commentRefusal } from '../decisions';
import type { Actor, OffboardingRequest } from '../requests';
import type { Refused } from '../start';
import { canSee } from '../visibility';
import { batchNotFound, inSlots, type BatchRecords } from './records';
import type { BatchDecided, BatchDeps } from './use-case';

const READING_AT_ONCE = 16;

export async function decideBatch(
  deps: BatchDeps,
  records: BatchRecords,
  click: { batchId: string; approvalId: string; by: Actor; outcome: 'approved' | 'rejected'; include?: Record<string, boolean>; comment?: string },
): Promise<BatchDecided | Refused> {
  const { batchId, approvalId, by, outcome, include = {}, comment } = click;
  const tooLongComment = commentRefusal(comment);
  if (tooLongComment) {
    return tooLongComment;
  }
  const decisions: Pick<Decisions, 'decideMany' | 'isOperator'> = deps.decisions;
  const [batch, operator] = await Promise.all([records.get(batchId), decisions.isOperator(by.id)]);
  // Only the clicker's own cards: one sent to someone else (forwarded, or forged) decides nothing.
  const approval = batch?.status === 'submitted' ? batch.approvals?.find((a) => a.id === approvalId && a.approverId === by.id) : undefined;
  // All of this approver's leavers go ahead on one click (the issue): a card holds at most MAX_LEAVERS_PER_APPROVAL,
  // so an approver with more has several cards, and a click on any of them decides the leavers of all of them (the
  // card says so); the toggles of the card clicked leave its own leavers out.
  const ids = approval ? [...new Set((batch!.approvals ?? []).filter((a) => a.approverId === approval.approverId).flatMap((a) => a.requestIds))] : [];
  const onCard = (await inSlots(ids, READING_AT_ONCE, (id) => deps.get(id))).filter((r): r is OffboardingRequest => r !== undefined);
  // Assigned to the clicker: the stored request's own approvers, and only what they may see (never the leaver).
  const assigned = onCard.filter((r) => r.approvers.some((a) => a.id === by.id) && canSee(r, by, operator));
  const forged = Object.keys(include).filter((id) => !assigned.some((r) => r.id === id));
  if (!batch || assigned.length === 0) {
    const reason = batchNotFound(batchId);
    await deps.audit.record({ kind: 'batch', requestId: batch?.id ?? batchId, data: { event: 'decide-refused', batchId, approvalId, by: by.id, outcome, reason, ...(forged.length > 0 ? { forged } : {}) } });
    return { ok: false, reason };
  }
  if (forged.length > 0) {
    await deps.audit.record({ kind: 'batch', requestId: batch.id, data: { event: 'forged', batchId: batch.id, approvalId, by: by.id, requestIds: forged } });
  }
  // A request sent back for a new decision (scheduled-start.ts) is decided on its own card, which names what changed:
  // never from the batch card, which showed the plan first approved.
  const waitingNow = (r: OffboardingRequest) => r.status === 'requested' && !r.reapproval;
  const toDecide = assigned.filter((r) => waitingNow(r) && include[r.id] !== false);
  const result = await decisions.decideMany(
    toDecide.map((r) => r.id),
    by,
    outcome,
    operator,
    comment,
  );
  const decidedIds = new Set(result.decided.map((r) => r.id));
  // Those that moved meanwhile (another approver, a cancel, the deadline): their state now.
  const moved = await inSlots(result.refused, READING_AT_ONCE, async ({ requestId }) => deps.get(requestId));
  const current = new Map(moved.filter((r): r is OffboardingRequest => r !== undefined).map((r) => [r.id, r]));
  const waiting = assigned.filter((r) => waitingNow(r) && include[r.id] === false);
  const already = assigned.filter((r) => !decidedIds.has(r.id) && !(waitingNow(r) && include[r.id] === false)).map((r) => current.get(r.id) ?? r);
  await deps.audit.record({
    kind: 'batch',
    requestId: batch.id,
    data: { event: outcome, batchId: batch.id, approvalId, by: by.id, decided: [...decidedIds], waiting: waiting.map((r) => r.id), already: already.map((r) => r.id) },
  });
  return { ok: true, batch, decided: result.decided, waiting, already };
}
