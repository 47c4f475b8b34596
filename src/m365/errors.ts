// Every failure from Microsoft 365 becomes one error type, built here and nowhere else, so a step's result always
// carries the same fields: status, code, message and the service's request id (DOMAIN.md: "failed with the error
// and the Graph request id").

export type M365Service = 'graph' | 'exchange';

export interface M365ErrorInfo {
  service: M365Service;
  /** HTTP status (inner status for a $batch item); 0 when the request never got an answer. */
  status: number;
  /** Graph `error.code` (e.g. Request_ResourceNotFound) or the Exchange exception type. */
  code: string;
  message: string;
  /** Graph `innerError.request-id` / `request-id` header; Exchange `x-requestid`/`request-id`. */
  requestId?: string;
  date?: string;
  /** From Retry-After, when the service sent one. */
  retryAfterMs?: number;
  method?: string;
  url?: string;
  cmdlet?: string;
}

const TRANSIENT_STATUS = new Set([429, 503, 504]);
const NETWORK_ERROR = 'NetworkError';

export class M365Error extends Error {
  readonly service: M365Service;
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(readonly info: M365ErrorInfo) {
    super(info.message);
    this.name = 'M365Error';
    this.service = info.service;
    this.status = info.status;
    this.code = info.code;
    this.requestId = info.requestId;
    this.retryAfterMs = info.retryAfterMs;
  }

  /**
   * Worth retrying: throttling, unavailable, gateway timeout, network failure, and Entra's concurrency 409. A failure
   * on our side before any request left (clientError: a token that could not be acquired) is not.
   */
  get transient(): boolean {
    return (
      TRANSIENT_STATUS.has(this.status) ||
      (this.status === 0 && this.code === NETWORK_ERROR) ||
      (this.status === 409 && this.code === 'Directory_ConcurrencyViolation')
    );
  }

  /** One line for chat and logs: "403 Authorization_RequestDenied: Insufficient privileges… (request id …)". */
  summary(): string {
    const id = this.requestId ? ` (request id ${this.requestId})` : '';
    return `${this.status || 'no answer'} ${this.code}: ${this.message}${id}`;
  }

  toJSON(): M365ErrorInfo {
    return { ...this.info };
  }
}

/** Retry-After is seconds (Graph, Exchange) or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type HeaderSource = Headers | Record<string, string | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers === undefined) {
    return undefined;
  }
  if (headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { 'request-id'?: string; 'client-request-id'?: string; date?: string } };
}

/**
 * Graph's error body: {"error":{"code","message","innerError":{"date","request-id"}}}
 * (https://learn.microsoft.com/graph/errors). Works for top-level responses and for $batch items alike.
 */
export function graphError(status: number, body: unknown, headers?: HeaderSource, request?: { method?: string; url?: string }): M365Error {
  const error = (typeof body === 'object' && body !== null ? (body as GraphErrorBody).error : undefined) ?? {};
  return new M365Error({
    service: 'graph',
    status,
    code: error.code ?? (status === 0 ? NETWORK_ERROR : `HTTP${status}`),
    message: error.message ?? (typeof body === 'string' && body ? body : `Graph answered ${status}`),
    requestId: error.innerError?.['request-id'] ?? header(headers, 'request-id'),
    date: error.innerError?.date ?? header(headers, 'date'),
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after')),
    method: request?.method,
    url: request?.url,
  });
}

interface ExchangeErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: Array<{ code?: string; message?: string }>;
    innererror?: { internalexception?: { message?: string; type?: string } };
  };
}

/**
 * Exchange InvokeCommand's error body: {"error":{"code","message","details":[{"code","message"}],
 * "innererror":{"internalexception":{"message","type"}}}} where a details message reads
 * "Ex6F9304|Microsoft.Exchange...ExceptionType|Text". `error.message` is only "Invalid Operation" or "Error executing
 * cmdlet"; the exception type becomes the code and its text the message. Some errors (parameter transformation,
 * unknown cmdlet) carry no details, only innererror.internalexception — CIPP's New-ExoRequest reads the same three
 * places.
 */
export function exchangeError(status: number, body: unknown, headers?: HeaderSource, cmdlet?: string): M365Error {
  const error = (typeof body === 'object' && body !== null ? (body as ExchangeErrorBody).error : undefined) ?? {};
  const internal = error.innererror?.internalexception;
  const raw = error.details?.find((d) => d.message)?.message ?? internal?.message ?? error.message ?? (typeof body === 'string' && body ? body : `Exchange answered ${status}`);
  // "Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't…"
  const parts = raw.split('|');
  const typeName = parts.length >= 3 ? parts[parts.length - 2] : internal?.type;
  const text = parts.length >= 3 ? parts.slice(parts.length - 1).join('|') : raw;
  return new M365Error({
    service: 'exchange',
    status,
    code: typeName?.split('.').pop() || error.code || (status === 0 ? NETWORK_ERROR : `HTTP${status}`),
    message: text.trim(),
    requestId: header(headers, 'request-id') ?? header(headers, 'x-requestid') ?? header(headers, 'x-ms-diagnostics'),
    date: header(headers, 'date'),
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after')),
    cmdlet,
  });
}

type Unanswered = { method?: string; url?: string; cmdlet?: string };

/** Node's fetch throws "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error…) in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) {
    return String(err);
  }
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
}

function unanswered(service: M365Service, code: string, err: unknown, request?: Unanswered): M365Error {
  return new M365Error({ service, status: 0, code, message: describe(err), method: request?.method, url: request?.url, cmdlet: request?.cmdlet });
}

/** A failure with no HTTP answer (DNS, connection reset, timeout). Transient. */
export function networkError(service: M365Service, err: unknown, request?: Unanswered): M365Error {
  return unanswered(service, NETWORK_ERROR, err, request);
}

/**
 * A failure on our side before any request was answered, other than the network: the credential could not produce a
 * token (e.g. @azure/identity's AuthenticationError for a wrong secret). Not transient: retrying will not fix it.
 */
export function clientError(service: M365Service, err: unknown, request?: Unanswered): M365Error {
  return unanswered(service, err instanceof Error && err.name !== 'Error' ? err.name : 'ClientError', err, request);
}
