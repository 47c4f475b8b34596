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
  fault?: 'rate429' | 'rate503' | 'writeBudget' | 'familyBudget' | 'noResponse' | 'gatewayTimeout';
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

/** Keys whose string values are secrets the tenant received (the password a reset sets, any client secret or token). */
const SECRET_KEY = /^(password|newPassword|currentPassword|clientSecret|client_secret|accessToken|access_token|secretText)$/i;

/** The raw secret values in a request body (test-only: the secret scan looks for them everywhere the bot writes). */
export function secretValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => secretValues(v, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && typeof v === 'string') {
        out.push(v);
      } else {
        secretValues(v, out);
      }
    }
  }
  return out;
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
  /** Raw secret values received (bodies' passwords, Authorization headers); kept across clear() and reset. */
  private readonly secrets = new Set<string>();

  add(entry: LogEntry): void {
    secretValues(entry.body).forEach((s) => this.noteSecret(s));
    this.entries.push({ ...entry, body: redact(entry.body) });
  }

  /** Records a secret value the tenant received (test-only accessor: receivedSecrets). */
  noteSecret(value: string | undefined): void {
    if (value !== undefined && value !== '') {
      this.secrets.add(value);
    }
  }

  /** Test-only: every raw secret value the tenant received, unmasked (the secret scan's needles). */
  receivedSecrets(): string[] {
    return [...this.secrets];
  }

  all(): LogEntry[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
