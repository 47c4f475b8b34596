// The Graph client's middleware chain, assembled by hand (Client.initWithMiddleware) instead of the SDK default:
//   AuthenticationHandler (only with a credential) → RetryHandler → TelemetryHandler → MeteredTransport → HTTPMessageHandler
// MeteredTransport takes the governor's permit, then refreshes the Authorization header the AuthenticationHandler set:
// a request that waited minutes for its budget (or a Retry-After) leaves with a token fetched after the wait.
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
import { classifyGraph, outlookMailbox, type Family, type Governor, type Permit } from './governor';
import type { Limiter } from './limiter';
import type { CallRecord } from './ports';
import { currentSendGuard } from './send-guard';
import { metered, type GatewayPolicy } from './transport';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Per logical request, passed as a middleware option: counts HTTP attempts across the RetryHandler's retries and the
 * gateway's own, and keeps the fetch failure so the gateway can tell a network error from any other thrown error.
 */
export class CallTracker implements MiddlewareOptions {
  attempts = 0;
  fetchFailure: unknown;
  /** What the send guard threw (send-guard.ts): the request never left, and the gateway rethrows it as it is. */
  refused: unknown;
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
    /** A fresh token (the credential caches it), for a request that waited for the governor with an older one. */
    private readonly accessToken?: () => Promise<string>,
    /** Each HTTP attempt (its body included) is aborted after this long (GatewayOptions.requestTimeoutMs). */
    private readonly timeoutMs?: number,
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
    // The governor paces each attempt (the RetryHandler's retries too) to its family's budget. A $batch takes a token
    // per inner request, of each one's family and all together, on every attempt: an outer retry (429/503/504) sends
    // them all again, and Graph counts them again.
    const family = classifyGraph(record.method, record.url);
    const permit: Permit | undefined = !this.governor
      ? undefined
      : family === 'batch'
        ? await this.governor.acquireTogether(batchDemands(context.options?.body), { slot: false })
        : await this.governor.acquire(family, family === 'outlook' ? withMailbox(record.url) : {});
    try {
      if (this.governor || attempt > 1) {
        await this.reauthorize(context); // it may have waited (for the budget, a Retry-After) since its token was attached
      }
      await this.exchange(next, context, tracker, record, permit);
    } finally {
      permit?.release();
    }
    const status = context.response?.status;
    if (this.governor && status !== undefined) {
      const retryAfter = retryAfterMs(context.response!.headers.get('retry-after'));
      for (const d of family === 'batch' ? batchDemands(context.options?.body) : [{ family, mailbox: family === 'outlook' ? outlookMailbox(record.url) : undefined }]) {
        this.governor.observe(d.family, status, retryAfter, d.mailbox);
      }
    }
  }

  /**
   * The AuthenticationHandler attached a token before the request waited (for the governor, for a Retry-After): it is
   * fetched again now, right before the request leaves, so a long wait never sends an expired one. Only a request that
   * already carries one gets it (the handler decides which hosts may receive a token).
   */
  private async reauthorize(context: Context): Promise<void> {
    const headers = context.options?.headers as Headers | Record<string, string> | undefined;
    if (!this.accessToken || headers === undefined) {
      return;
    }
    if (headers instanceof Headers) {
      if (headers.has('Authorization')) {
        headers.set('Authorization', `Bearer ${await this.accessToken()}`);
      }
    } else if (!Array.isArray(headers)) {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
      if (key !== undefined) {
        headers[key] = `Bearer ${await this.accessToken()}`;
      }
    }
  }

  private async exchange(next: Middleware, context: Context, tracker: CallTracker | undefined, record: Omit<CallRecord, 'status' | 'requestId' | 'durationMs'>, permit?: Permit): Promise<void> {
    const guard = currentSendGuard();
    await this.limiter.run(() => {
      try {
        guard?.(); // refused before it leaves (not a network failure: nothing was sent)
      } catch (e) {
        if (tracker) {
          tracker.refused = e;
        }
        throw e;
      }
      return metered(this.onCall, record, async () => {
        try {
          permit?.sent(); // counted in the governor's window from now: it may have waited for this slot since its grant
          if (this.timeoutMs !== undefined && context.options) {
            // A new signal per attempt: the RetryHandler sends the same options again.
            context.options.signal = AbortSignal.timeout(this.timeoutMs);
          }
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
      });
    });
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

/** The Outlook budget's key: the mailbox of /users/{id}/… (none for /me: the app-wide Outlook budget). */
function withMailbox(url: string): { mailbox?: string } {
  const mailbox = outlookMailbox(url);
  return mailbox === undefined ? {} : { mailbox };
}

/**
 * How many requests of each family (and, for Outlook, of each mailbox) a $batch body holds. A 429 on the batch itself
 * pauses all of them.
 */
function batchDemands(body: unknown): Array<{ family: Family; tokens: number; mailbox?: string }> {
  const counts = new Map<string, { family: Family; tokens: number; mailbox?: string }>();
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { requests?: Array<{ method?: string; url?: string }> } | undefined;
    for (const r of parsed?.requests ?? []) {
      const f = classifyGraph(r.method ?? 'GET', r.url ?? '/');
      const family: Family = f === 'batch' ? 'graph-other' : f;
      const mailbox = family === 'outlook' ? outlookMailbox(r.url ?? '/') : undefined;
      const key = `${family}:${mailbox ?? ''}`;
      const d = counts.get(key) ?? { family, tokens: 0, ...(mailbox !== undefined ? { mailbox } : {}) };
      d.tokens++;
      counts.set(key, d);
    }
  } catch {
    // not JSON: nothing to count
  }
  return [...counts.values()];
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
  const auth = options.credential ? new TokenCredentialAuthenticationProvider(options.credential, { scopes: [GRAPH_SCOPE] }) : undefined;
  if (auth) {
    // Attaches a token only to https Graph hosts and the client's customHosts: never over plain http. MeteredTransport
    // fetches it again once the governor lets the request go.
    chain.push(new AuthenticationHandler(auth));
  }
  chain.push(
    retryHandler(options.policy.maxRetries, options.policy.sleep),
    // client-request-id and SdkVersion headers, which Microsoft support asks for.
    new TelemetryHandler(),
    new MeteredTransport(options.limiter, options.policy.onCall, options.toPath, options.governor, auth ? () => auth.getAccessToken() : undefined, options.policy.requestTimeoutMs),
    new HTTPMessageHandler(),
  );
  return chain;
}
