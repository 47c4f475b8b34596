// How both stores turn values into stored form and back, so the in-memory store behaves exactly like SQLite:
// documents are kept as JSON text (callers get a fresh copy on every read), audit records drop absent fields.
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditFilter, AuditRecord, Fence } from './store';

/** A fresh, unguessable version tag: two writes in the same millisecond still differ. */
export function newEtag(): string {
  return randomBytes(12).toString('base64url');
}

export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) {
    throw new TypeError('value is not JSON-serialisable');
  }
  return text;
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** Runs a synchronous body as a promise, so a throw becomes a rejection like any other failed call. */
export function settle<T>(body: () => T): Promise<T> {
  return new Promise((resolve) => resolve(body()));
}

/** The stored columns of an audit entry, absent optional fields as null. */
export function auditColumns(entry: AuditEntry): {
  time: string;
  kind: string;
  requestId: string | null;
  runId: string | null;
  stepId: string | null;
  m365RequestId: string | null;
  data: string | null;
} {
  return {
    time: entry.time ?? new Date().toISOString(),
    kind: entry.kind,
    requestId: entry.requestId ?? null,
    runId: entry.runId ?? null,
    stepId: entry.stepId ?? null,
    m365RequestId: entry.m365RequestId ?? null,
    data: entry.data === undefined ? null : encodeJson(entry.data),
  };
}

export type AuditColumns = ReturnType<typeof auditColumns> & { seq: number };

const OPTIONAL_IDS = ['requestId', 'runId', 'stepId', 'm365RequestId'] as const;

/** Back from stored columns to the record callers see; null columns become absent fields. */
export function auditRecord(row: AuditColumns): AuditRecord {
  const record: AuditRecord = { seq: row.seq, time: row.time, kind: row.kind };
  for (const key of OPTIONAL_IDS) {
    const value = row[key];
    if (value !== null) {
      record[key] = value;
    }
  }
  if (row.data !== null) {
    record.data = decodeJson<Record<string, unknown>>(row.data);
  }
  return record;
}

/** Whether a record passes a readAudit filter. */
export function matchesAudit(row: AuditColumns, filter: AuditFilter): boolean {
  return (filter.requestId === undefined || row.requestId === filter.requestId) && (filter.runId === undefined || row.runId === filter.runId);
}

/** Id order as SQLite sorts TEXT (UTF-8 bytes), which differs from JS string order above U+FFFF. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A fenced document lives beside its fence: its id is the fence's key or starts with `key/` (store.ts Fence). */
export function assertFencedId(id: string, fence: Fence): void {
  if (id !== fence.key && !id.startsWith(`${fence.key}/`)) {
    throw new RangeError(`a write fenced by ${fence.key} can't touch ${id}: its id must be the key or start with "${fence.key}/"`);
  }
}
