// What the Graph and Exchange gateways share: their options, the retry policy for transient failures, and reading a
// response body. The Graph SDK's RetryHandler covers Graph's top-level 429/503/504; this covers the rest (Exchange,
// network failures, inner $batch responses) the same way: wait Retry-After, else back off exponentially.
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../config';
import type { CallRecord } from './ports';
import { M365Error } from './errors';

export interface GatewayOptions {
  /** Retries after the first attempt, for each transient failure. Default 6; at most 10 (the Graph SDK's limit). */
  maxRetries?: number;
  /** HTTP requests in flight at once, across every call of the gateway. Default 8. */
  maxConcurrency?: number;
  /** Sees every HTTP attempt; must not throw (an error thrown here is ignored). Never receives bodies. */
  onCall?: (record: CallRecord) => void;
  /** How to wait before a retry; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * An HTTP attempt (its answer's body included) not done in this long is aborted: a network error, in doubt for a
   * one-shot action. It bounds how long a request sent by an owner that lost its lease can still arrive (config.ts).
   */
  requestTimeoutMs?: number;
}

export interface GatewayPolicy {
  maxRetries: number;
  maxConcurrency: number;
  onCall: (record: CallRecord) => void;
  sleep: (ms: number) => Promise<void>;
  requestTimeoutMs: number;
}

export const DEFAULT_MAX_RETRIES = 6;
/** RetryHandlerOptions.MAX_MAX_RETRIES in @microsoft/microsoft-graph-client 3.x: it throws above this. */
export const MAX_RETRIES_LIMIT = 10;
export const DEFAULT_MAX_CONCURRENCY = 8;
/** RetryHandlerOptions.MAX_DELAY (180 s): the SDK never waits longer, so neither do the other retry paths. */
export const MAX_RETRY_DELAY_MS = 180_000;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function resolvePolicy(options: GatewayOptions): GatewayPolicy {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
    throw new RangeError(`maxRetries must be an integer from 0 to ${MAX_RETRIES_LIMIT}; got ${maxRetries}`);
  }
  const maxConcurrency = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError(`maxConcurrency must be a positive integer; got ${maxConcurrency}`);
  }
  const observer = options.onCall;
  return {
    maxRetries,
    maxConcurrency,
    sleep: options.sleep ?? realSleep,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    onCall: (record) => {
      try {
        observer?.(record);
      } catch {
        // An observer's failure (the audit log, say) must not fail or repeat the Microsoft 365 call it observed.
      }
    },
  };
}

/** Retry-After when the service sent one, else 1 s, 2 s, 4 s… for retry n (1-based); capped like the SDK. */
export function retryDelayMs(retryAfterMs: number | undefined, retry: number): number {
  return Math.min(retryAfterMs ?? 1000 * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
}

/** Runs `attempt` (1-based number) until it succeeds, throws a non-retryable error, or retries run out. */
export async function withRetries<T>(
  policy: Pick<GatewayPolicy, 'maxRetries' | 'sleep'>,
  retryable: (e: M365Error) => boolean,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof M365Error) || n > policy.maxRetries || !retryable(e)) {
        throw e;
      }
      await policy.sleep(retryDelayMs(e.retryAfterMs, n));
    }
  }
}

/** A body as JSON when it is JSON, else its text (NUL padding and blanks removed — Exchange's 403s are NULs). */
export function parseBody(text: string): unknown {
  const trimmed = text.replace(/\0/g, '').trim();
  if (trimmed === '') {
    return undefined;
  }
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
  }
}

/** Times one HTTP exchange and reports it, whatever its outcome; `status` 0 when no answer came. */
export async function metered<T extends { status: number; requestId?: string }>(
  onCall: GatewayPolicy['onCall'],
  record: Omit<CallRecord, 'status' | 'requestId' | 'durationMs'>,
  exchange: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const answer = await exchange();
    onCall({ ...record, status: answer.status, requestId: answer.requestId, durationMs: Math.round(performance.now() - started) });
    return answer;
  } catch (e) {
    onCall({ ...record, status: 0, durationMs: Math.round(performance.now() - started) });
    throw e;
  }
}
