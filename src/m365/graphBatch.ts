// JSON batching (https://learn.microsoft.com/graph/json-batching): POST /$batch with at most 20 requests whose URLs are
// relative to the version ("/users/…", no "/v1.0"). The batch answers 200 even when inner requests fail, so each inner
// response is read on its own; inner 429/503/504 are re-sent — only those, in a later, smaller batch — after the
// largest inner Retry-After (the SDK's RetryHandler sees only the outer response). A plain JSON body is used rather
// than the SDK's BatchRequestContent, which writes "/v1.0"-prefixed URLs that Graph rejects. The governor's tokens for
// the inner requests are taken in the transport (graphChain.ts), on every attempt of the outer POST.
import { graphError, M365Error } from './errors';
import type { GraphRequest, GraphResult } from './ports';
import { retryDelayMs, type GatewayPolicy } from './transport';
import { crashPoint } from '../testing/crash-points';

export const MAX_BATCH_REQUESTS = 20;

interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Graph answered the batch without a response for one of its requests (not expected; not retried). */
const MISSING = { error: { code: 'BatchResponseMissing', message: 'The $batch response has no response for this request.' } };

interface BatchContext {
  /** The gateway's single request: concurrency limit, outer retries, outer errors. */
  call: (request: GraphRequest) => Promise<GraphResult>;
  policy: Pick<GatewayPolicy, 'maxRetries' | 'sleep' | 'onCall'>;
  /** The most requests of this one's kind a batch may hold (the governor's burst for its family); default 20. */
  maxPerBatch?: (request: GraphRequest) => number;
  /** Each inner answer, for the governor: an inner 429's Retry-After pauses that request's whole family. */
  observe?: (request: GraphRequest, status: number, retryAfterMs: number | undefined) => void;
}

function innerRequest(request: GraphRequest, id: string): Record<string, unknown> {
  const hasBody = request.body !== undefined;
  const headers = { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...request.headers };
  return {
    id,
    method: request.method,
    url: request.url.startsWith('/') ? request.url : `/${request.url}`,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(hasBody ? { body: request.body } : {}),
  };
}

function innerHeader(headers: Record<string, string> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers![key];
}

/** Results in request order: a GraphResult for each 2xx, an M365Error for anything else. Never throws. */
export async function runBatch<T>(requests: GraphRequest[], ctx: BatchContext): Promise<Array<GraphResult<T> | M365Error>> {
  const results = new Array<GraphResult<T> | M365Error>(requests.length);
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let limit = MAX_BATCH_REQUESTS;
  requests.forEach((request, i) => {
    const own = Math.max(1, Math.min(MAX_BATCH_REQUESTS, ctx.maxPerBatch?.(request) ?? MAX_BATCH_REQUESTS));
    if (chunk.length >= Math.min(limit, own)) {
      chunks.push(chunk);
      chunk = [];
      limit = MAX_BATCH_REQUESTS;
    }
    chunk.push(i);
    limit = Math.min(limit, own);
  });
  if (chunk.length > 0) {
    chunks.push(chunk);
  }
  // All chunks start at once; the gateway's limiter decides how many batches are actually in flight.
  await Promise.all(chunks.map((indices) => runChunk(indices, requests, results, ctx)));
  return results;
}

async function runChunk<T>(indices: number[], requests: GraphRequest[], results: Array<GraphResult<T> | M365Error>, ctx: BatchContext): Promise<void> {
  let pending = indices;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const started = performance.now();
    let outer: GraphResult;
    try {
      outer = await ctx.call({ method: 'POST', url: '/$batch', body: { requests: pending.map((i, k) => innerRequest(requests[i]!, String(k + 1))) } });
    } catch (e) {
      // The batch itself failed (after the outer retries): every request in it failed the same way.
      const error = e instanceof M365Error ? e : graphError(0, String(e));
      pending.forEach((i) => (results[i] = error));
      return;
    }
    const durationMs = Math.round(performance.now() - started);
    crashPoint('batch');
    const responses = new Map(((outer.body as { responses?: InnerResponse[] } | undefined)?.responses ?? []).map((r) => [r.id, r]));
    const retry: number[] = [];
    let waitMs = 0;
    pending.forEach((i, k) => {
      const request = requests[i]!;
      const inner = responses.get(String(k + 1));
      const status = inner?.status ?? 0;
      const headers = inner?.headers;
      const error = status >= 200 && status < 300 ? undefined : graphError(status, inner ? inner.body : MISSING, headers, request);
      const requestId = error?.requestId ?? innerHeader(headers, 'request-id');
      ctx.policy.onCall({ service: 'graph', method: request.method, url: request.url, status, requestId, attempt, durationMs, batchRequestId: outer.requestId });
      ctx.observe?.(request, status, error?.retryAfterMs);
      if (!error) {
        results[i] = { status, body: inner?.body as T, requestId };
      } else if (error.transient && attempt <= ctx.policy.maxRetries) {
        retry.push(i);
        waitMs = Math.max(waitMs, retryDelayMs(error.retryAfterMs, attempt));
      } else {
        results[i] = error;
      }
    });
    if (retry.length > 0) {
      await ctx.policy.sleep(waitMs);
    }
    pending = retry;
  }
}
