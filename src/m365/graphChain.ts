// The Graph client's middleware chain, assembled by hand (Client.initWithMiddleware) instead of the SDK default:
//   AuthenticationHandler (only with a credential) → RetryHandler → TelemetryHandler → MeteredTransport → HTTPMessageHandler
// RetryHandler sits above the metering so that every retry is a separate, observed, concurrency-limited HTTP attempt,
// and a request waiting out a Retry-After holds no slot.
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { classifyGraph, type Family, type Governor, type Permit } from './governor';
import type { Limiter } from './limiter';
import type { CallRecord } from './ports';
import { metered, type GatewayPolicy } from './transport';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Per logical request, passed as a middleware option: counts HTTP attempts across the RetryHandler's retries and the
 * gateway's own, and keeps the fetch failure so the gateway can tell a network error from any other thrown error.
 */
export class CallTracker implements MiddlewareOptions {
  attempts = 0;
  fetchFailure: unknown;
}

/** Responses that may not carry a body (the Response constructor throws if given one). */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** Holds a concurrency slot for exactly one HTTP exchange (body included) and reports it through onCall. */
class MeteredTransport implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly limiter: Limiter,
    private readonly onCall: GatewayPolicy['onCall'],
    private readonly toPath: (url: string) => string,
    private readonly governor?: Governor,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) {
      throw new Error('MeteredTransport must be followed by the HTTPMessageHandler');
    }
    const tracker = context.middlewareControl?.getMiddlewareOptions(CallTracker) as CallTracker | undefined;
    const attempt = tracker ? ++tracker.attempts : 1;
    // The SDK types `request` as the DOM's RequestInfo, which this Node build does not declare.
    const request = context.request as unknown as string | Request;
    const url = typeof request === 'string' ? request : request.url;
    const record: Omit<CallRecord, 'status' | 'requestId' | 'durationMs'> = {
      service: 'graph',
      method: context.options?.method ?? 'GET',
      url: this.toPath(url),
      attempt,
    };
    // The governor paces each attempt (the RetryHandler's retries too) to its family's budget; a $batch is paced by
    // its inner requests before it is sent (graphBatch.ts), so only its answer is observed here.
    const family = classifyGraph(record.method, record.url);
    const permit: Permit | undefined = family === 'batch' || !this.governor ? undefined : await this.governor.acquire(family);
    try {
      await this.exchange(next, context, tracker, record);
    } finally {
      permit?.release();
    }
    const status = context.response?.status;
    if (this.governor && status !== undefined) {
      const retryAfter = retryAfterMs(context.response!.headers.get('retry-after'));
      for (const f of family === 'batch' ? batchFamilies(context.options?.body) : [family]) {
        this.governor.observe(f, status, retryAfter);
      }
    }
  }

  private async exchange(next: Middleware, context: Context, tracker: CallTracker | undefined, record: Omit<CallRecord, 'status' | 'requestId' | 'durationMs'>): Promise<void> {
    await this.limiter.run(() =>
      metered(this.onCall, record, async () => {
        try {
          await next.execute(context);
          const res = context.response!;
          // Read the body inside the slot: "in flight" then covers the whole exchange, and durationMs is its length.
          const text = await res.text();
          context.response = new Response(NULL_BODY_STATUS.has(res.status) ? null : text, { status: res.status, statusText: res.statusText, headers: res.headers });
          return { status: res.status, requestId: res.headers.get('request-id') ?? undefined };
        } catch (e) {
          if (tracker) {
            tracker.fetchFailure = e;
          }
          throw e;
        }
      }),
    );
  }
}

/** Retry-After in ms: seconds, or an HTTP date. */
export function retryAfterMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The families of the requests inside a $batch body (a 429 on the batch itself pauses all of them). */
function batchFamilies(body: unknown): Family[] {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { requests?: Array<{ method?: string; url?: string }> } | undefined;
    const families = new Set((parsed?.requests ?? []).map((r) => classifyGraph(r.method ?? 'GET', r.url ?? '/')).filter((f): f is Family => f !== 'batch'));
    return [...families];
  } catch {
    return [];
  }
}

/**
 * The SDK's RetryHandler retries 429/503/504 (not network errors), waits Retry-After seconds (or the HTTP date) when
 * given, else 3 s plus exponential back-off with jitter, never more than 180 s; maxRetries above 10 throws. Its sleep is
 * private and always real; here it is routed through the gateway's `sleep` so tests need not wait and can see the
 * delays. Guarded: if an SDK update renames it, construction fails instead of silently sleeping for real.
 */
function retryHandler(maxRetries: number, sleep: GatewayPolicy['sleep']): RetryHandler {
  const handler = new RetryHandler(new RetryHandlerOptions(undefined, maxRetries));
  const internals = handler as unknown as { sleep?: unknown };
  if (typeof internals.sleep !== 'function') {
    throw new Error('@microsoft/microsoft-graph-client RetryHandler no longer has sleep(seconds); review graphChain.ts');
  }
  internals.sleep = (seconds: number): Promise<void> => sleep(seconds * 1000);
  return handler;
}

export function graphMiddleware(options: {
  credential?: TokenCredential;
  policy: GatewayPolicy;
  limiter: Limiter;
  toPath: (url: string) => string;
  governor?: Governor;
}): Middleware[] {
  const chain: Middleware[] = [];
  if (options.credential) {
    // Attaches a token only to https Graph hosts and the client's customHosts: never over plain http.
    chain.push(new AuthenticationHandler(new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] })));
  }
  chain.push(
    retryHandler(options.policy.maxRetries, options.policy.sleep),
    // client-request-id and SdkVersion headers, which Microsoft support asks for.
    new TelemetryHandler(),
    new MeteredTransport(options.limiter, options.policy.onCall, options.toPath, options.governor),
    new HTTPMessageHandler(),
  );
  return chain;
}
