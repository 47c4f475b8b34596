// One Graph request from arrival to answer: injected faults, the write budget, the operation, errors in Graph's
// shape, and the log entry. Top-level requests and requests inside $batch both go through `execute`.
import { randomUUID } from 'node:crypto';
import { GraphError, graphErrorBody } from '../errors';
import { Faults, graphThrottleFamily, isGraphWrite, RANDOM_FAULT_RETRY_AFTER_SECONDS, throttleKey } from '../faults';
import { readableQuery, type LogEntry, type RequestLog } from '../requestLog';
import type { GraphRequest, GraphResult } from './context';
import type { GraphRouter } from './router';

const WIPE_OR_RETIRE = /^\/deviceManagement\/managedDevices\/[^/]+\/(wipe|retire)$/i;

export interface ExecuteMeta {
  batch?: LogEntry['batch'];
  /** The query string as received, for the log. */
  rawQuery: string;
}

export class GraphPipeline {
  constructor(
    private readonly router: GraphRouter,
    private readonly faults: Faults,
    private readonly log: RequestLog,
  ) {}

  static newRequestId(): string {
    return randomUUID();
  }

  errorResult(req: GraphRequest, status: number, code: string, message: string, headers: Record<string, string> = {}): GraphResult {
    return { status, headers, body: graphErrorBody(code, message, req.requestId, new Date(req.state.now())) };
  }

  /** Runs an operation (the router by default) and turns thrown errors into Graph's error responses. */
  safely(req: GraphRequest, handler: (r: GraphRequest) => GraphResult = (r) => this.router.dispatch(r)): GraphResult {
    try {
      return handler(req);
    } catch (e) {
      if (e instanceof GraphError) {
        return this.errorResult(req, e.status, e.code, e.message, e.headers);
      }
      const message = e instanceof Error ? e.message : String(e);
      return this.errorResult(req, 500, 'InternalServerError', `Simulator fault: ${message}`);
    }
  }

  /** Fault injection and throttling in front of the operation; `handler` defaults to the router. */
  execute(req: GraphRequest, meta: ExecuteMeta, handler?: (r: GraphRequest) => GraphResult): GraphResult {
    let fault: LogEntry['fault'];
    let result: GraphResult;
    const injected = this.faults.randomFault();
    if (injected === 429) {
      fault = 'rate429';
      result = this.errorResult(req, 429, 'TooManyRequests', 'Too many requests. Please retry again later.', { 'Retry-After': String(RANDOM_FAULT_RETRY_AFTER_SECONDS) });
    } else if (injected === 503) {
      fault = 'rate503';
      result = this.errorResult(req, 503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.', { 'Retry-After': String(RANDOM_FAULT_RETRY_AFTER_SECONDS) });
    } else {
      const family = graphThrottleFamily(req.method, req.path);
      const familyRetryAfter = this.faults.consumeFamily(family, throttleKey(family, req.path));
      const retryAfter = familyRetryAfter ?? (isGraphWrite(req.method, req.path) ? this.faults.consumeWrite('graph') : undefined);
      if (retryAfter !== undefined) {
        fault = familyRetryAfter !== undefined ? 'familyBudget' : 'writeBudget';
        result = this.errorResult(req, 429, 'Request_ThrottledTemporarily', `Your request is throttled temporarily. Please try after ${retryAfter} seconds.`, {
          'Retry-After': String(retryAfter),
        });
      } else {
        ({ result, fault } = this.loseAnswer(req, this.safely(req, handler)));
      }
    }
    return this.record(req, meta, result, fault);
  }

  /** An applied wipe / retire whose answer a lost-answer fault swallows: no response at all, or a 504. */
  private loseAnswer(req: GraphRequest, result: GraphResult): { result: GraphResult; fault?: LogEntry['fault'] } {
    if (result.noResponse) {
      // A $batch whose inner request lost its answer loses its own.
      return { result, fault: 'noResponse' };
    }
    if (req.method !== 'POST' || !WIPE_OR_RETIRE.test(req.path) || result.status >= 300) {
      return { result };
    }
    const lost = this.faults.takeLostAnswer('wipeRetire');
    if (lost === 'noResponse') {
      return { result: { ...result, noResponse: true }, fault: 'noResponse' };
    }
    if (lost === 'gatewayTimeout') {
      // Text of 504 in "Microsoft Graph error responses".
      const message = "The server, while acting as a proxy, did not receive a timely response from the upstream server it needed to access in attempting to complete the request.";
      return { result: this.errorResult(req, 504, 'GatewayTimeout', message), fault: 'gatewayTimeout' };
    }
    return { result };
  }

  /** Logs an answer and returns it. */
  record(req: GraphRequest, meta: ExecuteMeta, result: GraphResult, fault?: LogEntry['fault']): GraphResult {
    this.log.add({
      time: new Date(req.state.now()).toISOString(),
      service: 'graph',
      method: req.method,
      path: `/v1.0${req.path}`,
      query: readableQuery(meta.rawQuery),
      body: req.body ?? null,
      status: result.status,
      requestId: req.requestId,
      ...(req.headers.consistencylevel !== undefined ? { consistencyLevel: req.headers.consistencylevel } : {}),
      ...(meta.batch ? { batch: meta.batch } : {}),
      ...(fault ? { fault } : {}),
    });
    return result;
  }
}
