// The audit log as JSON lines: one object per entry, every field present (null when absent) so each line has the
// same shape for jq, a SIEM or a spreadsheet import.
import { once } from 'node:events';
import type { AuditFilter, AuditRecord, Store } from './store';

function toLine(record: AuditRecord): string {
  const { seq, time, kind, requestId = null, runId = null, stepId = null, m365RequestId = null, data = null } = record;
  return `${JSON.stringify({ seq, time, kind, requestId, runId, stepId, m365RequestId, data })}\n`;
}

/** Writes the (filtered) audit log to `out` when given, honouring backpressure; resolves with the same text. */
export async function exportAuditJsonLines(store: Store, filter: AuditFilter = {}, out?: NodeJS.WritableStream): Promise<string> {
  const lines = (await store.readAudit(filter)).map(toLine);
  if (out) {
    for (const line of lines) {
      if (!out.write(line)) {
        await once(out, 'drain');
      }
    }
  }
  return lines.join('');
}
