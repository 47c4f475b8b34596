// JSON batching (https://learn.microsoft.com/graph/json-batching): POST /v1.0/$batch with up to 20 requests; the
// batch answers 200 and each inner request carries its own status, headers and body. A request whose dependsOn
// target did not succeed is not run and answers 424 Failed Dependency. Inner requests go through the same pipeline
// as top-level ones (faults, write budget, log), so an inner 429 carries its own Retry-After.
import { randomUUID } from 'node:crypto';
import { GraphError } from './errors';
import { bodyObject, decodePath, type GraphRequest, type GraphResult } from './graph/context';
import type { GraphPipeline } from './graph/pipeline';

const MAX_REQUESTS = 20;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

function parseInner(raw: unknown): InnerRequest {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '' || typeof r.method !== 'string' || typeof r.url !== 'string') {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format: every request needs a string id, method and url.');
  }
  if (/^https?:/i.test(r.url)) {
    throw new GraphError(400, 'BadRequest', `Invalid request URL '${r.url}': batched requests use URLs relative to the version, such as /users.`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) {
    headers[k.toLowerCase()] = String(v);
  }
  const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
  if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
    throw new GraphError(400, 'BadRequest', `Invalid dependsOn for request '${r.id}'.`);
  }
  return { id: r.id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn: dependsOn as string[] };
}

/** A body sent as a string is either JSON text or base64 (the SDK's BatchRequestContent uses both). */
function innerBody(body: unknown): unknown {
  if (typeof body !== 'string') {
    return body ?? null;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    try {
      return JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as unknown;
    } catch {
      return body;
    }
  }
}

function withoutConsistencyLevel(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'consistencylevel'));
}

export function runBatch(outer: GraphRequest, pipeline: GraphPipeline): GraphResult {
  const requests = bodyObject(outer).requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  }
  if (requests.length > MAX_REQUESTS) {
    throw new GraphError(400, 'BadRequest', `The number of batch requests exceeds the limit of ${MAX_REQUESTS}.`);
  }
  const inner = requests.map(parseInner);
  const ids = new Set<string>();
  for (const r of inner) {
    if (ids.has(r.id)) {
      throw new GraphError(400, 'BadRequest', `Batch request ids must be unique; '${r.id}' is repeated.`);
    }
    ids.add(r.id);
  }
  for (const r of inner) {
    for (const d of r.dependsOn) {
      if (!ids.has(d) || d === r.id) {
        throw new GraphError(400, 'BadRequest', `Request '${r.id}' depends on '${d}', which is not in the batch.`);
      }
    }
  }

  const statusById = new Map<string, number>();
  // An inner request whose answer is lost (lost-answer fault) loses the whole batch's answer.
  let noResponse = false;
  const responses: Record<string, unknown>[] = [];
  const pending = [...inner];
  // Run in an order that respects dependsOn (Graph runs dependent requests after their dependencies).
  while (pending.length > 0) {
    const index = pending.findIndex((r) => r.dependsOn.every((d) => statusById.has(d)));
    if (index === -1) {
      throw new GraphError(400, 'BadRequest', 'The dependsOn graph of the batch has a cycle.');
    }
    const r = pending.splice(index, 1)[0]!;
    const requestId = randomUUID();
    const failedDependency = r.dependsOn.find((d) => (statusById.get(d) ?? 0) >= 400);
    let result: GraphResult;
    const url = new URL(r.url.startsWith('/') ? r.url : `/${r.url}`, 'http://batch.invalid');
    const req: GraphRequest = {
      method: r.method,
      path: decodePath(url.pathname),
      query: url.searchParams,
      // The outer request's headers (the token) carry over, but not ConsistencyLevel: "To use advanced query
      // capabilities in batch requests, specify the ConsistencyLevel header in the JSON body" (advanced queries doc).
      headers: { ...withoutConsistencyLevel(outer.headers), ...r.headers },
      body: innerBody(r.body),
      origin: outer.origin,
      requestId,
      state: outer.state,
      params: {},
    };
    const meta = { rawQuery: url.search, batch: { batchRequestId: outer.requestId, id: r.id, dependsOn: r.dependsOn } };
    if (failedDependency !== undefined) {
      result = pipeline.record(req, meta, pipeline.errorResult(req, 424, 'FailedDependency', `The request depends on request '${failedDependency}', which failed.`));
    } else {
      result = pipeline.execute(req, meta);
    }
    statusById.set(r.id, result.status);
    noResponse ||= result.noResponse === true;
    const headers: Record<string, string> = { ...(result.headers ?? {}) };
    if (result.body !== undefined) {
      headers['Content-Type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
    }
    responses.push({ id: r.id, status: result.status, headers, ...(result.body !== undefined ? { body: result.body } : {}) });
  }
  const order = new Map(inner.map((r, i) => [r.id, i]));
  responses.sort((a, b) => order.get(a.id as string)! - order.get(b.id as string)!);
  return { status: 200, body: { responses }, ...(noResponse ? { noResponse } : {}) };
}
