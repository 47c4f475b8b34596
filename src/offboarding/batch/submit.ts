// Submitting a batch: the draft moves to 'submitting' by compare-and-swap (a second click, or a concurrent one, is
// refused), then every row becomes a request of its own through the single submit (start.ts: every rule checked again,
// a read-only preflight and plan, the approvers picked), a few at a time. A row that can't be submitted is listed with
// the reason and never blocks the rest. The approval cards are grouped per approver, and the batch is 'submitted'.
// Crash-safe: the click's choices are stored with 'submitting', so a process that dies mid-way finishes at start-up.
import { LIMITS, tooLong } from '../limits';
import * as lifecycle from '../requests';
import type { OffboardingRequest } from '../requests';
import { NOT_AN_OPERATOR, type Refused } from '../start';
import type { Venue } from '../venue';
import type { Lease } from '../../store/leases';
import { groupApprovals } from './approvals';
import type { Batch, BatchRow, BatchSubmission, NotSubmitted } from './batch';
import { batchNotFound, inSlots, type BatchRecords } from './records';
import type { BatchDeps, BatchSubmitInput, BatchSubmitted } from './use-case';

/** Rows submitted at once: each takes a preflight (dozens of Graph reads, paced by the governor). */
const SUBMITTING_AT_ONCE = 4;

const refused = (reason: string): Refused => ({ ok: false, reason });

/** The same conversation: the card was clicked where the batch was prepared. */
function sameVenue(a: Venue, b: Venue): boolean {
  return a.kind === b.kind && (a.kind !== 'channel' || (b.kind === 'channel' && a.channelId === b.channelId));
}

function whereItStands(batch: Batch): string {
  return batch.status === 'submitting'
    ? `${batch.id} is being submitted right now. Nothing was changed.`
    : `${batch.id} was already submitted by ${batch.submittedBy?.displayName ?? 'someone'}${batch.submittedAt ? ` at ${batch.submittedAt}` : ''}: type \`status ${batch.id}\` to see where it stands. Nothing was changed.`;
}

export async function submitBatch(deps: BatchDeps, records: BatchRecords, input: BatchSubmitInput): Promise<BatchSubmitted | Refused> {
  if (!(await deps.access.isOperator(input.requester.id))) {
    return refused(NOT_AN_OPERATOR);
  }
  const draft = await records.get(input.batchId);
  if (!draft || !sameVenue(draft.where, input.where)) {
    return refused(batchNotFound(input.batchId));
  }
  // Bounded input, once for the whole batch (the single submit checks it again per row).
  if ((input.reason?.length ?? 0) > LIMITS.reason) {
    return refused(`${tooLong('The reason', LIMITS.reason, input.reason!.length)}. Nothing was changed.`);
  }
  if ((input.options.autoReplyMessage?.length ?? 0) > LIMITS.autoReplyMessage) {
    return refused(`${tooLong('The automatic reply text', LIMITS.autoReplyMessage, input.options.autoReplyMessage!.length)}. Nothing was changed.`);
  }
  const { batchId: _id, ...submission } = input;
  // Held while it submits, so that no other instance (or housekeeping here) takes the batch for an abandoned one.
  const lease = await deps.leases?.acquire(batchLeaseName(input.batchId));
  try {
    const claimed = await records.update(input.batchId, (b) => (b.status === 'draft' ? { ...b, status: 'submitting', submission } : refused(whereItStands(b))));
    if (!claimed.ok) {
      return claimed;
    }
    if (deps.leases && !lease) {
      return refused(whereItStands(claimed.batch)); // impossible: a draft nobody submits; never submitted twice at once all the same
    }
    return await finish(deps, records, claimed.batch, submission, new Map());
  } finally {
    await lease?.release();
  }
}

export const batchLeaseName = (batchId: string): string => `batch/${batchId}`;

/**
 * Batches found 'submitting' at start-up or by housekeeping (the process died mid-submit, or the submit failed
 * part-way; one whose submit is under way holds its lease and is left alone): a row whose leaver already holds an open
 * request of this batch (or one that has ended since) counts as submitted; the others are submitted now. `all`: every
 * stored request (the service's start-up read). The service then tells Teams (RequestNotifier.batchSubmitted), which
 * sends the approval cards as after a submit; housekeeping's redelivery covers a card that still doesn't arrive.
 */
export async function resumeSubmitting(deps: BatchDeps, records: BatchRecords, all: readonly OffboardingRequest[]): Promise<Batch[]> {
  const resumed: Batch[] = [];
  for (const batch of await records.list()) {
    if (batch.status !== 'submitting' || !batch.submission) {
      continue;
    }
    let lease: Lease | undefined;
    if (deps.leases) {
      lease = await deps.leases.acquire(batchLeaseName(batch.id));
      if (!lease) {
        continue; // its submit is under way, here or on another instance
      }
    }
    try {
      const result = await resumeOne(deps, records, batch, all);
      if (result) {
        resumed.push(result);
      }
    } finally {
      await lease?.release();
    }
  }
  return resumed;
}

/** Finishes one batch cut short mid-submit (read again under its lease: it may have been finished meanwhile). */
async function resumeOne(deps: BatchDeps, records: BatchRecords, found: Batch, all: readonly OffboardingRequest[]): Promise<Batch | undefined> {
  const batch = await records.get(found.id);
  if (batch?.status !== 'submitting' || !batch.submission) {
    return undefined;
  }
  const done = new Map<string, OffboardingRequest>();
  for (const r of all) {
    if (r.batchId === batch.id && r.status !== 'withdrawn' && (lifecycle.isFinal(r) || (await deps.openRequestFor(r.leaver.id))?.id === r.id)) {
      done.set(r.leaver.id, r);
    }
  }
  const result = await finish(deps, records, batch, batch.submission, done);
  return result.ok ? result.batch : undefined;
}

/** Submits the rows not in `done`, groups the approvals and marks the batch submitted (compare-and-swap). */
async function finish(deps: BatchDeps, records: BatchRecords, batch: Batch, submission: BatchSubmission, done: Map<string, OffboardingRequest>): Promise<BatchSubmitted | Refused> {
  const leaving = batch.rows.map((r) => r.leaver.id);
  const outcomes = await inSlots(batch.rows, SUBMITTING_AT_ONCE, async (row) => done.get(row.leaver.id) ?? (await submitRow(deps, batch, submission, row, leaving)));
  const requests = outcomes.filter((o): o is OffboardingRequest => 'status' in o);
  const notSubmitted = outcomes.filter((o): o is NotSubmitted => !('status' in o));
  const approvals = groupApprovals(requests);
  const at = deps.now().toISOString();
  const stored = await records.update(batch.id, (b) =>
    b.status === 'submitting'
      ? { ...b, status: 'submitted', submission: undefined, submittedBy: submission.requester, submittedAt: at, requestIds: requests.map((r) => r.id), notSubmitted, approvals }
      : refused(whereItStands(b)),
  );
  if (!stored.ok) {
    return stored;
  }
  await deps.audit.record({
    kind: 'batch',
    requestId: batch.id,
    data: {
      event: 'submitted',
      batchId: batch.id,
      by: submission.requester.id,
      requestIds: requests.map((r) => r.id),
      notSubmitted: notSubmitted.map((n) => ({ leaver: n.leaverId, reason: n.reason })),
      approvals: approvals.map((a) => ({ id: a.id, approver: a.approverId, requestIds: a.requestIds })),
      ...(done.size > 0 ? { resumed: [...done.values()].map((r) => r.id) } : {}),
    },
  });
  return { ok: true, batch: stored.batch, requests };
}

/** One row through the single submit; its refusal (or failure) becomes the row's reason. */
async function submitRow(deps: BatchDeps, batch: Batch, submission: BatchSubmission, row: BatchRow, leaving: readonly string[]): Promise<OffboardingRequest | NotSubmitted> {
  const not = (reason: string): NotSubmitted => ({ leaverId: row.leaver.id, displayName: row.leaver.displayName, reason });
  const inheritorId = submission.inheritors[row.leaver.id] ?? row.inheritor?.id;
  if (!inheritorId) {
    return not('no inheritor chosen');
  }
  if (inheritorId === row.leaver.id) {
    return not(`${row.leaver.displayName} can't inherit their own mailbox`);
  }
  if (leaving.includes(inheritorId)) {
    const heir = batch.rows.find((r) => r.leaver.id === inheritorId)!.leaver;
    return not(`the inheritor, ${heir.displayName}, is leaving in this batch too`);
  }
  const effectiveAt = row.effectiveAt ?? submission.effectiveAt;
  try {
    const result = await deps.start.submit({
      requester: submission.requester,
      leaverId: row.leaver.id,
      inheritorId,
      options: submission.options,
      ...(effectiveAt ? { effectiveAt } : {}),
      ...(submission.timeZone ? { timeZone: submission.timeZone } : {}),
      ...(submission.reason ? { reason: submission.reason } : {}),
      teams: submission.teams,
      where: submission.where,
      batchId: batch.id,
      batchLeavers: leaving,
    });
    if (result.ok) {
      return result.request;
    }
    // Two instances finishing the same batch at start-up: the other one's request for this leaver counts.
    const open = await deps.openRequestFor(row.leaver.id);
    return open?.batchId === batch.id ? open : not(result.reason);
  } catch (err) {
    deps.logger?.warn({ err, batchId: batch.id, leaverId: row.leaver.id }, 'batch row not submitted');
    return not(`it could not be submitted (${err instanceof Error ? err.message : String(err)}); try it on its own`);
  }
}
