// What the domain needs from Microsoft 365, as interfaces. The gateways (graph.ts, exchange.ts) implement them over
// the real transports; tests of the domain may use them directly against the simulated tenant.
import type { M365Error } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface GraphRequest {
  method: HttpMethod;
  /** Path under /v1.0 with its query, e.g. "/users/{id}/memberOf/microsoft.graph.group?$select=id". */
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Not safe to repeat (a wipe): only a 429 is retried, since a throttled request was surely not applied; anything
   * else that leaves its fate unknown (no answer, a timeout, a 5xx) is thrown for the caller to settle.
   */
  once?: boolean;
}

export interface GraphResult<T = unknown> {
  status: number;
  body: T;
  requestId?: string;
}

/** Observes every HTTP exchange with Microsoft 365 (the audit log subscribes). Never sees tokens or passwords. */
export interface CallRecord {
  service: 'graph' | 'exchange';
  method: string;
  /** Graph path, or "InvokeCommand <cmdlet>". */
  url: string;
  status: number;
  requestId?: string;
  attempt: number;
  durationMs: number;
  /** For requests inside a $batch: the batch's own request id. */
  batchRequestId?: string;
}

export interface GraphPort {
  /**
   * One request. Transient failures (429/503/504, network) are retried honouring Retry-After; anything else, or
   * retries exhausted, throws M365Error. 2xx resolves with the parsed body (undefined for 204).
   */
  call<T = unknown>(request: GraphRequest): Promise<GraphResult<T>>;
  /**
   * GET every page of a collection, following @odata.nextLink (as a path relative to the base URL); `enough` stops
   * after the page where it first says so.
   */
  list<T = unknown>(url: string, headers?: Record<string, string>, enough?: (items: T[]) => boolean): Promise<T[]>;
  /**
   * Many independent requests through POST /$batch: at most 20 a batch, several batches in flight. Each inner
   * response is read on its own: inner 429/503/504 are retried with their own Retry-After. Result i answers
   * request i — a GraphResult for 2xx, an M365Error otherwise. Never throws for an inner failure.
   */
  batch<T = unknown>(requests: GraphRequest[]): Promise<Array<GraphResult<T> | M365Error>>;
}

export interface ExchangeResult<T> {
  value: T[];
  warnings: string[];
  requestId?: string;
}

export interface ExchangePort {
  /**
   * Runs one cmdlet through InvokeCommand. `anchorMailbox` (a UPN) routes the call to that mailbox
   * (X-AnchorMailbox: UPN:...); without it the tenant's system mailbox anchors tenant-wide cmdlets.
   * Transient failures are retried honouring Retry-After (with `once`, only a 429: see GraphRequest.once); an Exchange
   * error throws M365Error.
   */
  invoke<T = Record<string, unknown>>(cmdlet: string, parameters: Record<string, unknown>, anchorMailbox?: string, options?: { once?: boolean }): Promise<ExchangeResult<T>>;
}
