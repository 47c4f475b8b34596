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

/** An audit entry as stored: numbered in append order and always timed. */
export type AuditRecord = AuditEntry & { seq: number; time: string };

export interface Store {
  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined>;
  /**
   * Creates (expectedEtag null: must not exist yet) or replaces (expectedEtag must match the stored one) a
   * document, atomically. Resolves with the new etag; rejects with ConflictError otherwise.
   */
  put<T>(collection: string, id: string, value: T, expectedEtag: string | null): Promise<string>;
  /** Deletes when the etag matches; ConflictError otherwise. */
  delete(collection: string, id: string, expectedEtag: string): Promise<void>;
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
