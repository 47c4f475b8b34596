// Batches (issue 15, *Bulk*): many leavers in one `offboard`, each still a request of its own, grouped by batch id.
// prepare resolves every entry like a single `offboard` (start.ts) and stores a draft; submit re-checks each leaver and
// opens its request (read-only preflight, paced by the governor); decide applies one approver's click to exactly the
// stored requests assigned to them; status and cancel act on every request of the batch the viewer may see.
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import type { OffboardingOptions } from '../options';
import type { Actor, ChannelData, OffboardingRequest } from '../requests';
import type { OffboardingStart, Refused, StartDeps } from '../start';
import type { Venue } from '../venue';
import type { Batch, BatchEntryInput } from './batch';

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

export interface BatchSubmitInput {
  batchId: string;
  /** Who clicked: an operator. */
  requester: Actor;
  /** leaver id → inheritor id, from the card; a row the card did not carry keeps its preset. */
  inheritors: Record<string, string>;
  options: OffboardingOptions;
  /** For rows without their own (ISO UTC). */
  effectiveAt?: string;
  timeZone?: string;
  reason?: string;
  teams: ChannelData;
  where: Venue;
}

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
  get: (id: string) => Promise<OffboardingRequest | undefined>;
  logger?: Logger;
}

export class Batches implements BatchUseCase {
  constructor(protected readonly deps: BatchDeps) {}

  prepare(_input: PrepareInput): Promise<{ ok: true; batch: Batch } | Refused> {
    throw new Error('not implemented');
  }
  get(_batchId: string): Promise<Batch | undefined> {
    throw new Error('not implemented');
  }
  submit(_input: BatchSubmitInput): Promise<BatchSubmitted | Refused> {
    throw new Error('not implemented');
  }
  decide(_batchId: string, _approvalId: string, _by: Actor, _outcome: 'approved' | 'rejected', _include?: Record<string, boolean>, _comment?: string): Promise<BatchDecided | Refused> {
    throw new Error('not implemented');
  }
  view(_batchId: string, _viewer: Actor, _where: Venue): Promise<BatchView | Refused> {
    throw new Error('not implemented');
  }
  cancel(_batchId: string, _by: Actor, _where: Venue): Promise<BatchCancelled | Refused> {
    throw new Error('not implemented');
  }
  requests(_batch: Batch): Promise<OffboardingRequest[]> {
    throw new Error('not implemented');
  }
  annotate(_batchId: string, _change: (teams: ChannelData) => ChannelData): Promise<Batch | undefined> {
    throw new Error('not implemented');
  }
  claimSummary(_batchId: string): Promise<BatchView | undefined> {
    throw new Error('not implemented');
  }
  recordSummary(_batchId: string, _outcome: { postedAt?: string; error?: string }): Promise<void> {
    throw new Error('not implemented');
  }
}
