// Transient failures through the Graph gateway: the SDK's RetryHandler (429/503/504, Retry-After, maxRetries) with the
// injected sleep, the gateway's own retry of network failures, and the shared concurrency limit.
import assert from 'node:assert/strict';
import { GraphGateway } from '../../src/m365/graph';
import { captureServer, deadUrl, failure, intervals, json, maxOverlap, recorder, seededRandom, useTenant } from './helpers';

describe('m365 GraphGateway: retries', () => {
  const sim = useTenant({ random: seededRandom(42) });

  it('100 GETs all succeed through random 429 (30 %) and 503 (20 %), waiting Retry-After each time', async () => {
    sim.tenant.setFaults({ rate429: 0.3, rate503: 0.2 });
    const rec = recorder();
    // One at a time, so the seeded faults fall on the same requests every run.
    const graph = sim.graph({ maxRetries: 10, maxConcurrency: 1, onCall: rec.onCall, sleep: rec.sleep });
    const ids = [sim.P.jane, sim.P.operator, sim.P.janeManager, sim.P.approver1];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => graph.call<{ id: string }>({ method: 'GET', url: `/users/${ids[i % 4]}?$select=id` })));
    assert.deepEqual(results.map((r) => r.body.id), Array.from({ length: 100 }, (_, i) => ids[i % 4]));

    const log = sim.tenant.requestLog();
    const faults = log.filter((e) => e.fault);
    assert.ok(faults.some((e) => e.status === 429) && faults.some((e) => e.status === 503), 'both fault kinds occurred');
    assert.equal(log.length, 100 + faults.length);
    assert.equal(log.filter((e) => e.status === 200).length, 100);
    // Every fault was followed by a wait of its Retry-After (1 s), requested from the injected sleep.
    assert.equal(rec.sleeps.length, faults.length);
    assert.ok(rec.sleeps.every((ms) => ms === 1000));
    // Attempts are counted per call and every HTTP attempt was reported.
    assert.equal(rec.calls.length, log.length);
    assert.equal(Math.max(...rec.calls.map((c) => c.attempt)) > 1, true);
    assert.deepEqual(rec.calls.filter((c) => c.status !== 200).map((c) => c.status).sort(), faults.map((e) => e.status).sort());
  });

  it("honours a longer Retry-After: the write budget's seconds left in the window", async () => {
    sim.tenant.setFaults({ writeBudget: { writes: 1, windowMs: 30_000 } });
    const rec = recorder(() => sim.tenant.setFaults({ writeBudget: { writes: 1, windowMs: 30_000 } }));
    const graph = sim.graph({ sleep: rec.sleep });
    await graph.call({ method: 'PATCH', url: `/users/${sim.P.jane}`, body: { accountEnabled: false } });
    await graph.call({ method: 'PATCH', url: `/users/${sim.P.operator}/mailboxSettings`, body: { automaticRepliesSetting: { status: 'disabled' } } });
    assert.deepEqual(rec.sleeps, [30_000]);
    assert.deepEqual(sim.tenant.requestLog().map((e) => e.status), [204, 429, 200]);
  });

  it('gives up after maxRetries with a transient 429 M365Error carrying the last request id and Retry-After', async () => {
    sim.tenant.setFaults({ rate429: 1 });
    const rec = recorder();
    const err = await failure(sim.graph({ maxRetries: 3, onCall: rec.onCall, sleep: rec.sleep }).call({ method: 'GET', url: `/users/${sim.P.jane}` }));
    assert.deepEqual([err.status, err.code, err.transient, err.retryAfterMs], [429, 'TooManyRequests', true, 1000]);
    const log = sim.tenant.requestLog();
    assert.equal(log.length, 4);
    assert.equal(err.requestId, log[3]!.requestId);
    assert.deepEqual(rec.calls.map((c) => c.attempt), [1, 2, 3, 4]);
    assert.deepEqual(rec.sleeps, [1000, 1000, 1000]);
  });

  it('maxRetries 0 makes one attempt; more than the SDK allows (10) is refused', async () => {
    sim.tenant.setFaults({ rate503: 1 });
    const err = await failure(sim.graph({ maxRetries: 0 }).call({ method: 'GET', url: '/users' }));
    assert.deepEqual([err.status, err.code], [503, 'serviceNotAvailable']);
    assert.equal(sim.tenant.requestLog().length, 1);
    assert.throws(() => sim.graph({ maxRetries: 11 }), RangeError);
  });

  it('retries network failures and reports them as status 0, then NetworkError', async () => {
    const rec = recorder();
    const graph = new GraphGateway({ baseUrl: await deadUrl(), maxRetries: 2, onCall: rec.onCall, sleep: rec.sleep });
    const err = await failure(graph.call({ method: 'GET', url: '/users' }));
    assert.deepEqual([err.status, err.code, err.transient], [0, 'NetworkError', true]);
    assert.match(err.message, /ECONNREFUSED/);
    assert.deepEqual(rec.calls.map((c) => [c.status, c.attempt, c.url]), [[0, 1, '/users'], [0, 2, '/users'], [0, 3, '/users']]);
    assert.deepEqual(rec.sleeps, [1000, 2000]);
  });

  it('a token that cannot be had fails at once, not transient, without a request', async () => {
    const server = await captureServer((_req, res) => json(res, 200, {}));
    const realFetch = globalThis.fetch;
    try {
      const credential = { getToken: () => Promise.reject(Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), { name: 'AuthenticationError' })) };
      // Tokens are only attached for https hosts: point the client at Graph and route its fetch to the local server.
      globalThis.fetch = (input, init) => realFetch(String(input instanceof Request ? input.url : input).replace('https://graph.microsoft.com', server.url), init);
      const rec = recorder();
      const err = await failure(new GraphGateway({ baseUrl: 'https://graph.microsoft.com', credential, sleep: rec.sleep }).call({ method: 'GET', url: '/users' }));
      assert.deepEqual([err.status, err.code, err.transient], [0, 'AuthenticationError', false]);
      assert.match(err.message, /AADSTS7000215/);
      assert.equal(server.requests.length, 0);
      assert.deepEqual(rec.sleeps, []);
    } finally {
      globalThis.fetch = realFetch;
      await server.close();
    }
  });

  it('attaches the Graph token (scope https://graph.microsoft.com/.default) on https', async () => {
    const server = await captureServer((_req, res) => json(res, 200, { id: 'x' }, { 'request-id': 'rid-1' }));
    const realFetch = globalThis.fetch;
    try {
      const scopes: string[] = [];
      const credential = {
        getToken: (s: string | string[]) => {
          scopes.push(...[s].flat());
          return Promise.resolve({ token: 'eyJ-graph', expiresOnTimestamp: Date.now() + 3600_000 });
        },
      };
      globalThis.fetch = (input, init) => realFetch(String(input instanceof Request ? input.url : input).replace('https://graph.microsoft.com', server.url), init);
      const res = await new GraphGateway({ baseUrl: 'https://graph.microsoft.com', credential }).call({ method: 'GET', url: '/users/x' });
      assert.deepEqual(res, { status: 200, body: { id: 'x' }, requestId: 'rid-1' });
      assert.deepEqual(scopes, ['https://graph.microsoft.com/.default']);
      assert.equal(server.requests[0]!.url, '/v1.0/users/x');
      assert.equal(server.requests[0]!.headers.authorization, 'Bearer eyJ-graph');
      assert.match(String(server.requests[0]!.headers['client-request-id']), /^[0-9a-f-]{36}$/);
    } finally {
      globalThis.fetch = realFetch;
      await server.close();
    }
  });
});

describe('m365 GraphGateway: concurrency limit', () => {
  it('30 parallel calls never have more than maxConcurrency requests in flight', async () => {
    const server = await captureServer((_req, res) => json(res, 200, { value: [] }), 40);
    try {
      const rec = recorder();
      const graph = new GraphGateway({ baseUrl: server.url, maxConcurrency: 4, onCall: rec.onCall });
      await Promise.all(Array.from({ length: 30 }, (_, i) => graph.call({ method: 'GET', url: `/users?$top=${i + 1}` })));
      assert.equal(server.requests.length, 30);
      assert.equal(server.maxInFlight, 4, 'measured at the server');
      assert.equal(maxOverlap(intervals(rec, () => true)), 4, 'measured from the call records');
      assert.equal(graph.limiter.inFlight, 0);
    } finally {
      await server.close();
    }
  });

  it('the limit is shared by calls, lists and batches of one gateway', async () => {
    const server = await captureServer((req, res) => {
      if (req.url.endsWith('/$batch')) {
        const { requests } = JSON.parse(req.body) as { requests: Array<{ id: string }> };
        json(res, 200, { responses: requests.map((r) => ({ id: r.id, status: 200, headers: {}, body: {} })) });
      } else {
        json(res, 200, { value: [{ id: '1' }] });
      }
    }, 30);
    try {
      const graph = new GraphGateway({ baseUrl: server.url, maxConcurrency: 3 });
      const gets = Array.from({ length: 40 }, () => ({ method: 'GET' as const, url: '/users/x' }));
      await Promise.all([
        ...Array.from({ length: 5 }, () => graph.call({ method: 'GET', url: '/me' })),
        graph.list('/groups'),
        graph.batch(gets),
        graph.batch(gets),
      ]);
      assert.equal(server.requests.length, 5 + 1 + 4);
      assert.equal(server.maxInFlight, 3);
    } finally {
      await server.close();
    }
  });
});
