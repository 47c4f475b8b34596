// Reading a batch with Confidentiality's rules (visibility.ts): a draft is its requester's and the operators'; once
// submitted, a viewer sees the batch's requests they may see, where they ask. Nothing visible: the batch does not
// exist for them. `cancel <batch id>` cancels (or stops) every open request the viewer may see there, each under the
// single cancel's rules. The summary is claimed once, when every request of the batch has ended.
import * as lifecycle from '../requests';
import type { Actor, OffboardingRequest } from '../requests';
import type { Refused } from '../start';
import type { Venue } from '../venue';
import { canSee, mayShowHere } from '../visibility';
import type { Batch } from './batch';
import { batchMayShowHere, batchNotFound, inSlots, type BatchRecords } from './records';
import type { BatchCancelled, BatchDeps, BatchView } from './use-case';

const READING_AT_ONCE = 16;
const CANCELLING_AT_ONCE = 4;

/** The batch's requests, in row order. */
export async function batchRequests(deps: Pick<BatchDeps, 'get'>, batch: Batch): Promise<OffboardingRequest[]> {
  const requests = await inSlots(batch.requestIds ?? [], READING_AT_ONCE, (id) => deps.get(id));
  return requests.filter((r): r is OffboardingRequest => r !== undefined);
}

export async function viewBatch(deps: BatchDeps, records: BatchRecords, batchId: string, viewer: Actor, where: Venue): Promise<BatchView | Refused> {
  const [batch, operator] = await Promise.all([records.get(batchId), deps.access.isOperator(viewer.id).catch(() => false)]);
  if (!batch) {
    return { ok: false, reason: batchNotFound(batchId) };
  }
  const all = await batchRequests(deps, batch);
  if (all.length === 0) {
    // A draft (or a batch none of whose rows became a request): as a request card, its requester's and the operators'.
    // Never to one of its leavers, even an operator (visibility.ts: IT staff leave too).
    const leaving = batch.rows.some((r) => r.leaver.id === viewer.id);
    const mine = !leaving && (operator || viewer.id === batch.requester.id) && batchMayShowHere(batch, where);
    return mine ? { batch, requests: [] } : { ok: false, reason: batchNotFound(batchId) };
  }
  const requests = all.filter((r) => canSee(r, viewer, operator) && mayShowHere(r, where));
  return requests.length > 0 ? { batch, requests } : { ok: false, reason: batchNotFound(batchId) };
}

export async function cancelBatch(deps: BatchDeps, records: BatchRecords, batchId: string, by: Actor, where: Venue): Promise<BatchCancelled | Refused> {
  const seen = await viewBatch(deps, records, batchId, by, where);
  if ('ok' in seen) {
    return seen;
  }
  if (seen.batch.status === 'submitting') {
    // Its requests are being opened (their ids are stored when the submit ends): none could be named yet.
    return { ok: false, reason: `${seen.batch.id} is being submitted right now: try again once its card says it was submitted. Nothing was changed.` };
  }
  const open = seen.requests.filter((r) => !lifecycle.isFinal(r));
  if (open.length === 0) {
    const why = seen.batch.status === 'submitted' ? 'every request in it has ended' : 'it was never submitted';
    return { ok: false, reason: `Nothing is left to cancel in ${seen.batch.id}: ${why}. Nothing was changed.` };
  }
  const outcomes = await inSlots(open, CANCELLING_AT_ONCE, async (r): Promise<BatchCancelled['outcomes'][number]> => {
    const result = await deps.cancel(r.id, by, where).catch((err: unknown) => ({ ok: false as const, reason: err instanceof Error ? err.message : String(err) }));
    if (!result.ok) {
      return { requestId: r.id, leaver: r.leaver.displayName, outcome: 'refused', reason: result.reason };
    }
    return { requestId: r.id, leaver: r.leaver.displayName, outcome: result.request.status === 'stopping' ? 'stopping' : 'cancelled' };
  });
  await deps.audit.record({ kind: 'batch', requestId: seen.batch.id, data: { event: 'cancel', batchId: seen.batch.id, by: by.id, outcomes: outcomes.map((o) => ({ requestId: o.requestId, outcome: o.outcome })) } });
  return { ok: true, batch: seen.batch, outcomes };
}

/** Every request of a submitted batch has ended and nobody claimed the summary yet: claimed now (compare-and-swap). */
export async function claimBatchSummary(deps: BatchDeps, records: BatchRecords, batchId: string): Promise<BatchView | undefined> {
  const batch = await records.get(batchId);
  if (batch?.status !== 'submitted' || batch.summary) {
    return undefined;
  }
  const requests = await batchRequests(deps, batch);
  if (requests.length === 0 || !requests.every(lifecycle.isFinal)) {
    return undefined;
  }
  const claimedAt = deps.now().toISOString();
  const claimed = await records.update(batch.id, (b) => (b.summary ? { ok: false, reason: 'claimed already' } : { ...b, summary: { claimedAt } }));
  return claimed.ok ? { batch: claimed.batch, requests } : undefined;
}

export async function recordBatchSummary(deps: BatchDeps, records: BatchRecords, batchId: string, outcome: { postedAt?: string; error?: string }): Promise<void> {
  const at = deps.now().toISOString();
  await records.update(batchId, (b) => ({ ...b, summary: { claimedAt: b.summary?.claimedAt ?? at, ...outcome } }));
  await deps.audit.record({ kind: 'notify', requestId: batchId.trim().toUpperCase(), data: { event: 'batch-summary', batchId, ...outcome } });
}

/**
 * At start-up: submitted batches whose every request has ended but whose summary never went out (the process died
 * before the last one's update claimed it, or after the claim and before the post). `claimed`: post the claimed one.
 */
export async function dueBatchSummaries(records: BatchRecords, all: readonly OffboardingRequest[]): Promise<Array<{ batchId: string; requestId: string; claimed: boolean }>> {
  const byId = new Map(all.map((r) => [r.id, r]));
  return (await records.list())
    .filter((b) => b.status === 'submitted' && !b.summary?.postedAt && !b.summary?.error && (b.requestIds?.length ?? 0) > 0)
    .filter((b) => b.requestIds!.every((id) => byId.has(id) && lifecycle.isFinal(byId.get(id)!)))
    .map((b) => ({ batchId: b.id, requestId: b.requestIds![0]!, claimed: b.summary !== undefined }));
}
