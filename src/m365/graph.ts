// The Graph gateway: one request, every page of a collection, or many requests through $batch, over
// @microsoft/microsoft-graph-client with the chain of graphChain.ts. Every failure leaves as an M365Error, translated
// here from the raw response (the SDK's RAW response type), so the request id and Retry-After always survive.
import type { TokenCredential } from '@azure/identity';
import { Client, GraphError as SdkGraphError, ResponseType, RetryHandlerOptions, type GraphRequest as SdkRequest } from '@microsoft/microsoft-graph-client';
import { withAdvancedQuery } from './advanced-query';
import { clientError, graphError, networkError, type M365Error } from './errors';
import { runBatch } from './graphBatch';
import { CallTracker, graphMiddleware } from './graphChain';
import { classifyGraph, outlookMailbox, type Family, type Governor } from './governor';
import { Limiter } from './limiter';
import type { GraphPort, GraphRequest, GraphResult } from './ports';
import { parseBody, resolvePolicy, withRetries, type GatewayOptions, type GatewayPolicy } from './transport';

export interface GraphGatewayOptions extends GatewayOptions {
  /** e.g. https://graph.microsoft.com (config GRAPH_BASE_URL); requests go to `${baseUrl}/v1.0/...`. */
  baseUrl: string;
  /** No credential: no Authorization header at all (the simulated tenant). */
  credential?: TokenCredential;
  /** The process's governor (governor.ts): paces every request to its family's budget. None: no pacing. */
  governor?: Governor;
}

const VERSION = 'v1.0';
/**
 * The root that @odata.bind / @odata.id references name. Graph resolves them by path, but documents the public
 * cloud's absolute form; national clouds (graph.microsoft.us, …) are not supported by this bot yet. One constant, so
 * every reference agrees.
 */
export const GRAPH_REFERENCE_ROOT = 'https://graph.microsoft.com/v1.0';
/** Statuses the SDK's RetryHandler already retried; the gateway's own loop must not retry them again. */
const SDK_RETRIED = new Set([429, 503, 504]);

/** Maps absolute Graph URLs to paths under the version and back. */
export class GraphPaths {
  private readonly root: URL;

  constructor(baseUrl: string) {
    this.root = new URL(`${baseUrl.replace(/\/+$/, '')}/${VERSION}/`);
  }

  /**
   * "/users?$skiptoken=…" from an absolute @odata.nextLink. The client mis-parses absolute http:// links (it only
   * strips https:// hosts — DOMAIN.md), so a link always travels as a path; one on another origin is refused so a token
   * is never sent elsewhere.
   */
  relative(link: string): string {
    const url = new URL(link, this.root);
    if (url.origin !== this.root.origin || !url.pathname.startsWith(this.root.pathname)) {
      throw new Error(`Graph nextLink ${url.origin}${url.pathname} is outside ${this.root.href}`);
    }
    return `/${url.pathname.slice(this.root.pathname.length)}${url.search}`;
  }

  /** For call records: the path when under the base URL, else the URL as it is. */
  display(url: string): string {
    try {
      return this.relative(url);
    } catch {
      return url;
    }
  }
}

export class GraphGateway implements GraphPort {
  private readonly client: Client;
  private readonly policy: GatewayPolicy;
  private readonly paths: GraphPaths;
  /** Shared by every call of this gateway: bounds the HTTP requests in flight. */
  readonly limiter: Limiter;
  /** The RetryHandler's options for requests sent `once`: a 429 is retried (never applied), a 503/504 is not. */
  private readonly onlyThrottled: RetryHandlerOptions;
  private readonly governor?: Governor;

  constructor(options: GraphGatewayOptions) {
    this.policy = resolvePolicy(options);
    this.limiter = new Limiter(this.policy.maxConcurrency);
    this.paths = new GraphPaths(options.baseUrl);
    this.governor = options.governor;
    this.onlyThrottled = new RetryHandlerOptions(undefined, this.policy.maxRetries, (_delay, _attempt, _request, _options, response) => response.status === 429);
    const base = new URL(options.baseUrl);
    this.client = Client.initWithMiddleware({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/`,
      defaultVersion: VERSION,
      // A sovereign or proxied Graph host gets the token too (the SDK only knows the public Graph hosts).
      customHosts: new Set([base.hostname]),
      middleware: graphMiddleware({ credential: options.credential, policy: this.policy, limiter: this.limiter, toPath: (u) => this.paths.display(u), governor: options.governor }),
    });
  }

  async call<T = unknown>(request: GraphRequest): Promise<GraphResult<T>> {
    // A cast on a directory-object list travels as an advanced query (advanced-query.ts), its next pages too.
    request = withAdvancedQuery(request);
    // One tracker for the whole call, so attempt numbers keep counting across the SDK's retries and ours.
    const tracker = new CallTracker();
    // The SDK retried 429/503/504 already; what is left to retry here: network failures and Entra's concurrency 409.
    // A request sent `once` is retried only on 429 (by the SDK): any other failure may have been applied.
    const retryable = request.once ? () => false : (e: M365Error) => e.transient && !SDK_RETRIED.has(e.status);
    return withRetries(this.policy, retryable, () => this.attempt<T>(request, tracker));
  }

  async list<T = unknown>(url: string, headers?: Record<string, string>, enough?: (items: T[]) => boolean): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = url;
    while (next !== undefined && !enough?.(items)) {
      const page: GraphResult<{ value?: T[]; '@odata.nextLink'?: string } | undefined> = await this.call({ method: 'GET', url: next, headers });
      items.push(...(page.body?.value ?? []));
      const link = page.body?.['@odata.nextLink'];
      next = link === undefined ? undefined : this.paths.relative(link);
    }
    return items;
  }

  batch<T = unknown>(requests: GraphRequest[]): Promise<Array<GraphResult<T> | M365Error>> {
    // The advanced query header goes on each inner request: the outer POST's headers don't reach them.
    const governor = this.governor;
    const family = (r: GraphRequest): Family => {
      const f = classifyGraph(r.method, r.url);
      return f === 'batch' ? 'graph-other' : f;
    };
    const mailbox = (r: GraphRequest): string | undefined => (family(r) === 'outlook' ? outlookMailbox(r.url) : undefined);
    return runBatch<T>(requests.map(withAdvancedQuery), {
      call: (r) => this.call(r),
      policy: this.policy,
      ...(governor
        ? {
            // Each inner request takes a token of its own family, as Graph counts them, in the transport (graphChain.ts):
            // all together right before each attempt of the batch leaves (a batch holds at most the burst).
            maxPerBatch: (r: GraphRequest) => governor.maxAtOnce(family(r), mailbox(r)),
            observe: (r: GraphRequest, status: number, retryAfterMs: number | undefined) => governor.observe(family(r), status, retryAfterMs, mailbox(r)),
          }
        : {}),
    });
  }

  private async attempt<T>(request: GraphRequest, tracker: CallTracker): Promise<GraphResult<T>> {
    const target = { method: request.method, url: request.url };
    tracker.fetchFailure = undefined;
    tracker.refused = undefined;
    let res: Response;
    try {
      const api = this.client
        .api(request.url)
        .headers(request.headers ?? {})
        .middlewareOptions(request.once ? [tracker, this.onlyThrottled] : [tracker])
        .responseType(ResponseType.RAW);
      res = (await send(api, request)) as Response;
    } catch (e) {
      if (tracker.refused !== undefined) {
        throw tracker.refused as Error;
      }
      if (tracker.fetchFailure !== undefined) {
        throw networkError('graph', tracker.fetchFailure, target);
      }
      // The SDK wraps what its chain threw (a token that could not be had, say) in a GraphError; `code` keeps its name.
      throw clientError('graph', e instanceof SdkGraphError && e.code ? Object.assign(new Error(e.message), { name: e.code }) : e, target);
    }
    const body = parseBody(await res.text());
    if (!res.ok) {
      throw graphError(res.status, body, res.headers, target);
    }
    return { status: res.status, body: body as T, requestId: res.headers.get('request-id') ?? undefined };
  }
}

function send(api: SdkRequest, request: GraphRequest): Promise<unknown> {
  switch (request.method) {
    case 'GET':
      return api.get();
    case 'DELETE':
      return api.delete();
    case 'POST':
      return api.post(request.body);
    case 'PATCH':
      return api.patch(request.body);
    case 'PUT':
      return api.put(request.body);
  }
}
