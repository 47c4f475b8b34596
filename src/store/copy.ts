// Copying one store into another (store:copy): every collection's documents, created only (never over something
// already there), then the audit log in its order with its original times, in batches. Then the counts, side by side.
import type { Store } from './store';

/** Audit entries per appendAuditBatch: one append block each, well under its 4 MiB. */
export const AUDIT_BATCH = 500;
/** Document writes in flight at once. */
const CONCURRENCY = 16;

export interface CopyCounts {
  /** A collection's name, or AUDIT_LOG for the audit log. */
  name: string;
  source: number;
  target: number;
}

export const AUDIT_LOG = '(audit log)';

export async function copyStore(source: Store, target: Store): Promise<void> {
  for (const collection of await source.collections()) {
    const docs = await source.list(collection);
    for (let i = 0; i < docs.length; i += CONCURRENCY) {
      await Promise.all(docs.slice(i, i + CONCURRENCY).map((doc) => target.put(collection, doc.id, doc.value, null)));
    }
  }
  const audit = await source.readAudit();
  for (let i = 0; i < audit.length; i += AUDIT_BATCH) {
    await target.appendAuditBatch(audit.slice(i, i + AUDIT_BATCH).map(({ seq: _seq, ...entry }) => entry));
  }
}

/** Per-collection document counts (of the collections on either side) and the audit entry count, on both sides. */
export async function verifyCopy(source: Store, target: Store): Promise<CopyCounts[]> {
  const names = [...new Set([...(await source.collections()), ...(await target.collections())])].sort();
  const counts: CopyCounts[] = [];
  for (const name of names) {
    counts.push({ name, source: (await source.list(name)).length, target: (await target.list(name)).length });
  }
  counts.push({ name: AUDIT_LOG, source: (await source.readAudit()).length, target: (await target.readAudit()).length });
  return counts;
}
