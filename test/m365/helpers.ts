// Plumbing for the gateway tests: a simulated tenant per describe, gateways pointed at it with recorded calls and
// sleeps, a seeded random for deterministic faults, and a tiny HTTP server that captures what a gateway sent.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { M365Error } from '../../src/m365/errors';
import { ExchangeGateway, type ExchangeGatewayOptions } from '../../src/m365/exchange';
import { GraphGateway, type GraphGatewayOptions } from '../../src/m365/graph';
import type { CallRecord } from '../../src/m365/ports';
import { startSimulatedTenant, type SimulatedTenant, type SimulatorOptions } from '../../src/simulator';

export const JANE_UPN = 'jane.doe@contoso.com';

/** [start, end] of each reported call whose record matches; 1 ms narrower, as durationMs is rounded to whole ms. */
export function intervals(rec: Recorder, match: (r: CallRecord) => boolean): Array<[number, number]> {
  return rec.calls.flatMap((r, i) => (match(r) ? [[rec.endedAt[i]! - r.durationMs + 1, rec.endedAt[i]!] as [number, number]] : []));
}

/** The most intervals open at one moment (an end at the same instant as a start does not overlap it). */
export function maxOverlap(spans: Array<[number, number]>): number {
  const events = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as Array<[number, number]>).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of events) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}

/** mulberry32: a small seeded PRNG, so random faults fall the same way on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a gateway reported and how long it was asked to wait. */
export interface Recorder {
  calls: CallRecord[];
  /** performance.now() when each call was reported, i.e. when it ended. */
  endedAt: number[];
  sleeps: number[];
  onCall: (r: CallRecord) => void;
  /** Resolves at once: retries run without real waiting. */
  sleep: (ms: number) => Promise<void>;
}

export function recorder(onSleep?: (ms: number) => void): Recorder {
  const rec: Recorder = {
    calls: [],
    endedAt: [],
    sleeps: [],
    onCall: (r) => {
      rec.calls.push(r);
      rec.endedAt.push(performance.now());
    },
    sleep: (ms) => {
      rec.sleeps.push(ms);
      onSleep?.(ms);
      return Promise.resolve();
    },
  };
  return rec;
}

export interface Fixture {
  tenant: SimulatedTenant;
  P: Record<string, string>;
  graph(options?: Partial<GraphGatewayOptions>): GraphGateway;
  exchange(options?: Partial<ExchangeGatewayOptions>): ExchangeGateway;
}

/** One simulated tenant for the enclosing describe, reset before each test. */
export function useTenant(options: SimulatorOptions = {}): Fixture {
  const fixture = {} as Fixture;
  before(async () => {
    fixture.tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0, ...options });
    fixture.P = fixture.tenant.personas;
    fixture.graph = (o = {}): GraphGateway => new GraphGateway({ baseUrl: fixture.tenant.graphBaseUrl, ...o });
    fixture.exchange = (o = {}): ExchangeGateway => new ExchangeGateway({ baseUrl: fixture.tenant.exchangeBaseUrl, tenantId: fixture.tenant.tenantId, ...o });
  });
  after(() => fixture.tenant.close());
  beforeEach(() => fixture.tenant.reset());
  return fixture;
}

/** The M365Error a promise rejects with (fails the test if it resolves or throws something else). */
export async function failure(p: Promise<unknown>): Promise<M365Error> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof M365Error, `expected an M365Error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

export interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CaptureServer {
  url: string;
  requests: Captured[];
  /** Most requests in flight at the same moment. */
  maxInFlight: number;
  close(): Promise<void>;
}

/** A loopback server that records requests and answers through `answer` (after `delayMs`). */
export async function captureServer(answer: (req: Captured, res: ServerResponse) => void, delayMs = 0): Promise<CaptureServer> {
  let inFlight = 0;
  const state = { requests: [] as Captured[], maxInFlight: 0 };
  const server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.requests.push(captured);
      setTimeout(() => {
        inFlight--;
        answer(captured, res);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: state.requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL where nothing listens (a port just released). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
