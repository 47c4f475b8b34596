// The HTTP front of the simulated tenant: Graph v1.0 under /v1.0, Exchange's InvokeCommand under
// /adminapi/beta/{tenantId}/InvokeCommand, and the control API under /_simulator/ (outside both services' paths).
// Tokens are neither required nor checked: the bot runs with M365_CREDENTIAL=none against it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runBatch } from './batch';
import { graphErrorBody } from './errors';
import { invokeCommand, cmdletNameOf } from './exchange/invoke';
import { Faults, isExchangeWrite, RANDOM_FAULT_RETRY_AFTER_SECONDS, type FaultSettings } from './faults';
import { decodePath, type GraphRequest, type GraphResult } from './graph/context';
import { createGraphRouter } from './graph';
import { GraphPipeline } from './graph/pipeline';
import { readableQuery, RequestLog, type LogEntry } from './requestLog';
import { deviceControl, tenantControl } from './controls';
import { TenantState } from './state';
import type { SeedTenant } from './types';

const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Applied, but the answer is lost: the connection is destroyed without a response. */
  noResponse?: boolean;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new Error('request body too large');
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) {
      out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
  }
  return out;
}

export class SimulatorCore {
  state: TenantState;
  readonly faults: Faults;
  readonly log = new RequestLog();
  private readonly pipeline: GraphPipeline;

  constructor(
    readonly seed: SeedTenant,
    private readonly initialFaults: FaultSettings,
    random: () => number,
    private readonly info: () => unknown,
  ) {
    this.state = new TenantState(seed);
    this.faults = new Faults(structuredClone(initialFaults), random);
    this.pipeline = new GraphPipeline(createGraphRouter(), this.faults, this.log);
  }

  reset(): void {
    this.state = new TenantState(this.seed);
    this.log.clear();
    this.faults.settings = structuredClone(this.initialFaults);
    this.faults.resetBudgets();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const headers = lowerHeaders(req);
    const requestId = randomUUID();
    // The token as received, whole ("Bearer …") and bare: the secret scan looks for both.
    this.log.noteSecret(headers.authorization);
    this.log.noteSecret(headers.authorization?.replace(/^Bearer\s+/i, ''));
    let answer: Answer;
    try {
      const text = await readBody(req);
      if (url.pathname.startsWith('/_simulator/')) {
        answer = this.control(method, url.pathname.slice('/_simulator/'.length), text);
      } else {
        if (this.faults.settings.latencyMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.faults.settings.latencyMs));
        }
        answer = this.service(method, url, origin, headers, text, requestId);
      }
    } catch (e) {
      answer = { status: 500, body: graphErrorBody('InternalServerError', e instanceof Error ? e.message : String(e), requestId) };
    }
    if (answer.noResponse) {
      // A lost-answer fault: the tenant applied the request; the client sees the connection reset.
      res.destroy();
      return;
    }
    const outHeaders: Record<string, string> = {
      'request-id': requestId,
      'client-request-id': headers['client-request-id'] ?? requestId,
      ...(answer.headers ?? {}),
    };
    if (answer.body !== undefined) {
      outHeaders['Content-Type'] = url.pathname.startsWith('/v1.0') ? GRAPH_JSON : 'application/json; charset=utf-8';
    }
    res.writeHead(answer.status, outHeaders);
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  private service(method: string, url: URL, origin: string, headers: Record<string, string>, text: string, requestId: string): Answer {
    let body: unknown = null;
    let badJson = false;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        badJson = true;
        body = text;
      }
    }
    if (/^\/v1\.0(\/|$)/i.test(url.pathname)) {
      const req: GraphRequest = {
        method,
        path: decodePath(url.pathname.slice('/v1.0'.length)) || '/',
        query: url.searchParams,
        headers,
        body,
        origin,
        requestId,
        state: this.state,
        params: {},
      };
      const meta = { rawQuery: url.search };
      if (badJson) {
        return this.pipeline.record(req, meta, this.pipeline.errorResult(req, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'));
      }
      const isBatch = req.path.toLowerCase() === '/$batch';
      return this.pipeline.execute(req, meta, isBatch ? (r): GraphResult => runBatch(r, this.pipeline) : undefined);
    }
    const exchange = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i.exec(url.pathname);
    if (exchange) {
      return this.exchange(method, url, origin, exchange[1]!, body, requestId);
    }
    return {
      status: 404,
      body: graphErrorBody('NotFound', `The simulated tenant serves Microsoft Graph under /v1.0 and Exchange under /adminapi/beta/{tenantId}/InvokeCommand; nothing at ${url.pathname}.`, requestId),
    };
  }

  private exchange(method: string, url: URL, origin: string, tenant: string, body: unknown, requestId: string): Answer {
    const t = this.state.data.tenant;
    const cmdlet = cmdletNameOf(body);
    let answer: Answer;
    let fault: LogEntry['fault'];
    const error = (status: number, code: string, message: string, extra: Record<string, string> = {}): Answer => ({ status, headers: extra, body: { error: { code, message } } });
    if (![t.id, t.initialDomain, ...t.verifiedDomains].some((x) => x.toLowerCase() === decodeURIComponent(tenant).toLowerCase())) {
      answer = error(404, 'NotFound', `The tenant '${tenant}' was not found.`);
    } else if (method !== 'POST') {
      answer = error(405, 'MethodNotAllowed', `The HTTP method '${method}' is not allowed for InvokeCommand.`);
    } else {
      const injected = this.faults.randomFault();
      // Microsoft publishes no InvokeCommand limit: the family budget counts every cmdlet (the stricter reading).
      const familyRetryAfter = injected === undefined ? this.faults.consumeFamily('exchange') : undefined;
      const retryAfter = familyRetryAfter ?? (injected === undefined && isExchangeWrite(cmdlet) ? this.faults.consumeWrite('exchange') : undefined);
      if (injected === 429) {
        fault = 'rate429';
        answer = error(429, 'TooManyRequests', 'Too many requests. Please retry later.', { 'Retry-After': String(RANDOM_FAULT_RETRY_AFTER_SECONDS) });
      } else if (injected === 503) {
        fault = 'rate503';
        answer = error(503, 'ServiceUnavailable', 'The service is temporarily unavailable.', { 'Retry-After': String(RANDOM_FAULT_RETRY_AFTER_SECONDS) });
      } else if (retryAfter !== undefined) {
        fault = familyRetryAfter !== undefined ? 'familyBudget' : 'writeBudget';
        answer = error(429, 'TooManyRequests', `Too many write requests. Please retry after ${retryAfter} seconds.`, { 'Retry-After': String(retryAfter) });
      } else {
        const result = invokeCommand(this.state, body, { origin, tenant, select: url.searchParams.get('$select'), mailboxConversionDelayMs: this.faults.settings.mailboxConversionDelayMs });
        ({ answer, fault } = this.loseExchangeAnswer(result.cmdlet, result));
      }
    }
    this.log.add({
      time: this.state.isoNow(),
      service: 'exchange',
      method,
      path: url.pathname,
      query: readableQuery(url.search),
      body,
      status: answer.status,
      requestId,
      cmdlet,
      ...(fault ? { fault } : {}),
    });
    return answer;
  }

  /** An applied Clear-MobileDevice whose answer a lost-answer fault swallows: no response at all, or a 504. */
  private loseExchangeAnswer(cmdlet: string, answer: Answer): { answer: Answer; fault?: LogEntry['fault'] } {
    if (answer.status !== 200 || cmdlet !== 'Clear-MobileDevice') {
      return { answer };
    }
    const lost = this.faults.takeLostAnswer('clearMobileDevice');
    if (lost === 'noResponse') {
      return { answer: { ...answer, noResponse: true }, fault: 'noResponse' };
    }
    if (lost === 'gatewayTimeout') {
      return { answer: { status: 504, body: { error: { code: 'GatewayTimeout', message: 'The gateway did not receive a timely response from the upstream server.' } } }, fault: 'gatewayTimeout' };
    }
    return { answer };
  }

  private control(method: string, action: string, text: string): Answer {
    const parse = (): Record<string, unknown> => (text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>));
    switch (`${method} ${action}`) {
      case 'GET info':
        return { status: 200, body: this.info() };
      case 'GET log':
        return { status: 200, body: this.log.all() };
      case 'DELETE log':
        this.log.clear();
        return { status: 204 };
      case 'GET state':
        return { status: 200, body: this.state.dump() };
      case 'GET faults':
        return { status: 200, body: this.faults.settings };
      case 'POST faults':
        try {
          this.faults.update(parse());
        } catch (e) {
          return { status: 400, body: { error: { code: 'BadRequest', message: e instanceof Error ? e.message : String(e) } } };
        }
        return { status: 200, body: this.faults.settings };
      case 'POST reset':
        this.reset();
        return { status: 204 };
      default:
        return (
          deviceControl(this.state, method, action, parse) ??
          tenantControl(this.state, method, action, parse) ?? {
            status: 404,
            body: {
              error: {
                code: 'NotFound',
                message: `Unknown control ${method} /_simulator/${action}. Try GET info, GET log, DELETE log, GET state, GET|POST faults, POST reset, POST managedDevices/{id}/checkIn, POST managedDevices/{id}/actionState, DELETE managedDevices/{id}, POST mobileDevices/{guid}/sync, GET|PATCH policies/temporaryAccessPass, POST clock.`,
              },
            },
          }
        );
    }
  }
}
