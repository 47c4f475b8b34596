// Batches (issue 15, *Bulk*): many leavers in one `offboard`, each still a request of its own, grouped by batch id.
// prepare resolves every entry like a single `offboard` (start.ts) and stores a draft; submit re-checks each leaver and
// opens its request (read-only preflight, paced by the governor); decide applies one approver's click to exactly the
// stored requests assigned to them; status and cancel act on every request of the batch the viewer may see.
import type { Logger } from '../../logger';
import type { Leases } from '../../store/leases';
import type { Store } from '../../store/store';
import type { Decisions } from '../decisions';
import type { Actor, ChannelData, OffboardingRequest } from '../requests';
import type { OffboardingStart, Refused, StartDeps } from '../start';
import type { Venue } from '../venue';
import type { Batch, BatchEntryInput, BatchSubmission } from './batch';
import { decideBatch } from './decide';
import { prepareBatch } from './prepare';
import { BatchRecords } from './records';
import { resumeSubmitting, submitBatch } from './submit';
import { batchRequests, cancelBatch, claimBatchSummary, dueBatchSummaries, recordBatchSummary, viewBatch } from './view';

export interface PrepareInput {
  requester: Actor;
  entries: BatchEntryInput[];
  /** Repeated entries already dropped by the parser (entries.ts, csv.ts): listed as left out. */
  duplicates?: string[];
  source: Batch['source'];
  where: Venue;
  teams: ChannelData;
  timeZone?: string;
}

/** A submit click on a batch's request card: its choices (the clicker, an operator, is `requester`). */
export type BatchSubmitInput = BatchSubmission & { batchId: string };

export interface BatchSubmitted {
  ok: true;
  batch: Batch;
  /** The requests opened, in row order. */
  requests: OffboardingRequest[];
}

export interface BatchDecided {
  ok: true;
  batch: Batch;
  /** Decided by this click. */
  decided: OffboardingRequest[];
  /** Assigned to the clicker on this card but left out by a toggle, still waiting for a decision. */
  waiting: OffboardingRequest[];
  /** Assigned to the clicker, but already decided, cancelled or expired: their current state. */
  already: OffboardingRequest[];
}

export interface BatchView {
  batch: Batch;
  /** The batch's requests this viewer may see here (visibility.ts), in row order. */
  requests: OffboardingRequest[];
}

export interface BatchCancelled {
  ok: true;
  batch: Batch;
  outcomes: Array<{ requestId: string; leaver: string; outcome: 'cancelled' | 'stopping' | 'refused'; reason?: string }>;
}

export interface BatchUseCase {
  /** Resolves every entry (left out with a reason, never blocking the rest) and stores a draft. Nothing is written to Microsoft 365. */
  prepare(input: PrepareInput): Promise<{ ok: true; batch: Batch } | Refused>;
  get(batchId: string): Promise<Batch | undefined>;
  /** Opens a request per row (each re-checked, preflighted and planned, read-only) and groups the approvals. */
  submit(input: BatchSubmitInput): Promise<BatchSubmitted | Refused>;
  /**
   * One approver's click on one approval card: applies `outcome` to exactly the stored requests of that card assigned
   * to `by` and still waiting (never what the card claims); `include[requestId] === false` leaves one waiting.
   */
  decide(batchId: string, approvalId: string, by: Actor, outcome: 'approved' | 'rejected', include?: Record<string, boolean>, comment?: string): Promise<BatchDecided | Refused>;
  /** The batch's requests as `viewer` may see them `where` they ask; none visible: as if the batch did not exist. */
  view(batchId: string, viewer: Actor, where: Venue): Promise<BatchView | Refused>;
  /** Cancels (or stops) every open request of the batch that `by` may cancel here. */
  cancel(batchId: string, by: Actor, where: Venue): Promise<BatchCancelled | Refused>;
  /** The batch's requests, in row order (for the Teams layer's cards). */
  requests(batch: Batch): Promise<OffboardingRequest[]>;
  /** Merges Teams references into the batch (e.g. the progress card's activity id). */
  annotate(batchId: string, change: (teams: ChannelData) => ChannelData): Promise<Batch | undefined>;
  /** Once every request of the batch has ended: claims its summary (once, compare-and-swap); undefined otherwise. */
  claimSummary(batchId: string): Promise<BatchView | undefined>;
  recordSummary(batchId: string, outcome: { postedAt?: string; error?: string }): Promise<void>;
}

/** What the batch use case needs from the service around it. */
export interface BatchDeps extends StartDeps {
  store: Store;
  start: OffboardingStart;
  /** Deciding many requests in one click, under the single decision's rules (decisions.ts). */
  decisions: Pick<Decisions, 'decideMany' | 'isOperator'>;
  get: (id: string) => Promise<OffboardingRequest | undefined>;
  /** The single cancel (service.cancel): cancelled before the run, stopping while it runs. */
  cancel: (requestId: string, by: Actor, where: Venue) => Promise<{ ok: true; request: OffboardingRequest } | Refused>;
  /** A new batch id; default "BAT-" + 6 random characters. */
  newBatchId?: () => string;
  /** With several instances on one store: one instance submits a batch at a time (submit.ts). */
  leases?: Leases;
  logger?: Logger;
}

export class Batches implements BatchUseCase {
  private readonly records: BatchRecords;

  constructor(protected readonly deps: BatchDeps) {
    this.records = new BatchRecords(deps.store);
  }

  prepare(input: PrepareInput): Promise<{ ok: true; batch: Batch } | Refused> {
    return prepareBatch(this.deps, this.records, input);
  }
  get(batchId: string): Promise<Batch | undefined> {
    return this.records.get(batchId);
  }
  submit(input: BatchSubmitInput): Promise<BatchSubmitted | Refused> {
    return submitBatch(this.deps, this.records, input);
  }
  /**
   * At start-up (service.resume) and from housekeeping, with every stored request: batches left 'submitting' by a
   * process that died, or by a submit that failed part-way (one whose submit is under way holds its lease: skipped).
   */
  resumeSubmitting(all: readonly OffboardingRequest[]): Promise<Batch[]> {
    return resumeSubmitting(this.deps, this.records, all);
  }
  /** Whether any batch is left 'submitting' (housekeeping reads every request only then). */
  async anySubmitting(): Promise<boolean> {
    return (await this.records.list()).some((b) => b.status === 'submitting');
  }
  decide(batchId: string, approvalId: string, by: Actor, outcome: 'approved' | 'rejected', include?: Record<string, boolean>, comment?: string): Promise<BatchDecided | Refused> {
    return decideBatch(this.deps, this.records, { batchId, approvalId, by, outcome, ...(include ? { include } : {}), ...(comment !== undefined ? { comment } : {}) });
  }
  view(batchId: string, viewer: Actor, where: Venue): Promise<BatchView | Refused> {
    return viewBatch(this.deps, this.records, batchId, viewer, where);
  }
  cancel(batchId: string, by: Actor, where: Venue): Promise<BatchCancelled | Refused> {
    return cancelBatch(this.deps, this.records, batchId, by, where);
  }
  requests(batch: Batch): Promise<OffboardingRequest[]> {
    return batchRequests(this.deps, batch);
  }
  /** The leavers of a request's batch (every row), for planning and approving it again at its effective time. */
  async leaversOf(request: Pick<OffboardingRequest, 'batchId'>): Promise<string[] | undefined> {
    const batch = request.batchId ? await this.records.get(request.batchId) : undefined;
    return batch?.rows.map((r) => r.leaver.id);
  }
  async annotate(batchId: string, change: (teams: ChannelData) => ChannelData): Promise<Batch | undefined> {
    const result = await this.records.update(batchId, (b) => ({ ...b, teams: change(b.teams) }));
    return result.ok ? result.batch : undefined;
  }
  /** At start-up: batches whose requests all ended and whose summary never went out (view.ts). */
  dueSummaries(all: readonly OffboardingRequest[]): ReturnType<typeof dueBatchSummaries> {
    return dueBatchSummaries(this.records, all);
  }
  claimSummary(batchId: string): Promise<BatchView | undefined> {
    return claimBatchSummary(this.deps, this.records, batchId);
  }
  recordSummary(batchId: string, outcome: { postedAt?: string; error?: string }): Promise<void> {
    return recordBatchSummary(this.deps, this.records, batchId, outcome);
  }
}
