// Persistence behind one small interface with compare-and-swap, so a shared store for several instances can
// replace the embedded SQLite one without touching the engine. Every method is async for that reason.

export interface Versioned<T> {
  id: string;
  value: T;
  /** Opaque version tag; changes on every write. */
  etag: string;
}

/** A write lost a race: the document changed (or appeared, or vanished) since it was read. */
export class ConflictError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`conflicting write to ${collection}/${id}`);
    this.name = 'ConflictError';
  }
}

export interface AuditEntry {
  /** ISO time; set by the store when omitted. */
  time?: string;
  /** e.g. "request", "decision", "plan", "step", "call", "notify" */
  kind: string;
  requestId?: string;
  runId?: string;
  stepId?: string;
  /** Microsoft 365 request id, when the entry is about a call. */
  m365RequestId?: string;
  /** Anything else worth keeping; never secrets. */
  data?: Record<string, unknown>;
}

/** Which audit entries to read: all of them, or only those of one request and/or run (both must match). */
export interface AuditFilter {
  requestId?: string;
  runId?: string;
}

/**
 * A run's fencing token: the epoch its owner took with `advanceFence(key)`. A write carrying a fence succeeds only while
 * `key`'s current epoch is still `epoch`, in the same atomic step as the write itself, so an owner that lost its lease
 * (paused, partitioned) can't overwrite what the new owner wrote. A fenced document's id is `key` or starts with
 * `key/` (a run and its steps and targets), so a store may keep it beside the fence (one Azure Table partition).
 */
export interface Fence {
  key: string;
  epoch: number;
}

/** A fenced write came from a stale owner: `key` has moved on to a later epoch. Nothing was written. */
export class FencedError extends Error {
  constructor(
    readonly fence: Fence,
    readonly current: number | undefined,
  ) {
    super(`fenced out: ${fence.key} is at epoch ${current ?? 'none'}, the write carried ${fence.epoch}`);
    this.name = 'FencedError';
  }
}

/**
 * An audit entry as stored: numbered in append order and always timed. seq increases in append order; it is dense
 * (1, 2, 3…) in memory and SQLite but not on Azure, where it is derived from the entry's place in its blob.
 */
export type AuditRecord = AuditEntry & { seq: number; time: string };

export interface Store {
  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined>;
  /**
   * Creates (expectedEtag null: must not exist yet) or replaces (expectedEtag must match the stored one) a
   * document, atomically. Resolves with the new etag; rejects with ConflictError otherwise.
   */
  put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string>;
  /** Deletes when the etag matches; ConflictError otherwise. */
  delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void>;
  /**
   * Starts the next fencing epoch of `key` (1 for a key never fenced) and returns it: from now on every write fenced
   * with an earlier epoch fails with FencedError. Atomic: of two callers at once, each gets its own epoch.
   */
  advanceFence(key: string): Promise<number>;
  /** The names of the collections holding at least one document (store:copy walks them). */
  collections(): Promise<string[]>;
  /** Documents of a collection whose id starts with `idPrefix` (all when omitted), in id order. */
  list<T>(collection: string, idPrefix?: string): Promise<Array<Versioned<T>>>;
  /** Append-only audit log. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Several entries at once, in order and atomically (one transaction where the store has them). */
  appendAuditBatch(entries: AuditEntry[]): Promise<void>;
  /** Audit entries in the order they were appended, optionally only those of one request or run. */
  readAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
  close(): Promise<void>;
}
