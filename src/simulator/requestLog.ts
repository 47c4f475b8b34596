// The request log tests assert on: one entry per request, including each request inside a $batch (marked with the
// batch it came in) and each Exchange cmdlet. Secrets in bodies (password, newPassword, currentPassword) are masked.

export interface LogEntry {
  time: string;
  service: 'graph' | 'exchange';
  method: string;
  /** The path as sent, e.g. `/v1.0/users/{id}/manager`; for a request inside $batch, `/v1.0` + its url. */
  path: string;
  /** The query string without `?`, percent-decoded for readability. */
  query: string;
  body: unknown;
  status: number;
  requestId: string;
  /** Graph: the ConsistencyLevel header the request carried (for a request inside $batch, its own), when it had one. */
  consistencyLevel?: string;
  /** Present on requests that came inside a $batch. */
  batch?: { batchRequestId: string; id: string; dependsOn: string[] };
  /** Exchange: the cmdlet name. */
  cmdlet?: string;
  /**
   * Set when the simulator answered with an injected fault rather than the operation. noResponse / gatewayTimeout:
   * the operation was applied (status is what the tenant did, for noResponse) but its answer was lost.
   */
  fault?: 'rate429' | 'rate503' | 'writeBudget' | 'noResponse' | 'gatewayTimeout';
}

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redact);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /^(password|newPassword|currentPassword)$/i.test(k) && v !== null && typeof v !== 'object' ? '[redacted]' : redact(v)]));
  }
  return value;
}

export function readableQuery(search: string): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

export class RequestLog {
  private entries: LogEntry[] = [];

  add(entry: LogEntry): void {
    this.entries.push({ ...entry, body: redact(entry.body) });
  }

  all(): LogEntry[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
