// The governor through the real gateways: against the simulated tenant's family budgets (a top-level 429, an inner
// $batch 429, an Exchange 429 each pause their family through the transport; batches cut to the burst), and against a
// capturing server (an outer $batch retry takes its inner tokens again; tokens are fetched after the permit).
import assert from 'node:assert/strict';
import { ExchangeGateway } from '../../src/m365/exchange';
import { Governor, type Budget, type Family } from '../../src/m365/governor';
import { GraphGateway } from '../../src/m365/graph';
import type { LogEntry } from '../../src/simulator';
import { FakeClock, settle } from './fake-clock';
import { captureServer, json, recorder, useTenant, JANE_UPN } from './helpers';

const PLENTY: Budget = { requests: 1000, windowMs: 1000, burst: 100 };

function family(g: Governor, f: Family): ReturnType<Governor['snapshot']>['families'][number] {
  return g.snapshot().families.find((x) => x.family === f)!;
}

/** Milliseconds from the tenant's first 429 to the next request of the same kind that reached it. */
function gapAfter429(log: LogEntry[], match: (e: LogEntry) => boolean): { gapMs: number } {
  const i = log.findIndex((e) => match(e) && e.status === 429);
  assert.ok(i >= 0, 'the tenant answered 429');
  const next = log.slice(i + 1).find(match);
  assert.ok(next, 'a request went after the 429');
  return { gapMs: Date.parse(next.time) - Date.parse(log[i]!.time) };
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) {
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(ok(), 'condition reached');
}

describe('governor through the gateways: simulated tenant', function () {
  this.timeout(20_000);
  const sim = useTenant();

  it('a top-level 429 with Retry-After pauses the whole family through the transport, and no write goes before it ends', async () => {
    const g = new Governor({ budgets: { 'identity-write': PLENTY } });
    sim.tenant.setFaults({ familyBudgets: { identityWrites: { requests: 1, windowMs: 1_000 } } });
    const graph = sim.graph({ governor: g, sleep: recorder().sleep }); // the RetryHandler's own wait is instant
    const patch = (id: string | undefined): Promise<unknown> => graph.call({ method: 'PATCH', url: `/users/${id}`, body: { accountEnabled: false } });
    await patch(sim.P.jane);
    const throttled = patch(sim.P.secondJane);
    await until(() => family(g, 'identity-write').throttled >= 1);
    // Another caller, after the 429: it waits for the Retry-After too.
    await Promise.all([throttled, patch(sim.P.operator)]);
    const writes = sim.tenant.requestLog().filter((e) => e.method === 'PATCH');
    const { gapMs } = gapAfter429(writes, () => true);
    // The simulated tenant's Retry-After is whole seconds (1 here): every caller waited it out, not only the one throttled.
    assert.ok(gapMs >= 950, `the next write reached the tenant ${gapMs} ms after the 429`);
    const snap = family(g, 'identity-write');
    assert.ok(snap.pauses >= 1 && snap.throttled >= 1, JSON.stringify(snap));
  });

  it('an inner $batch 429 (through graphBatch) pauses the family before the inner retry', async () => {
    const g = new Governor({ budgets: { 'identity-write': PLENTY } });
    sim.tenant.setFaults({ familyBudgets: { identityWrites: { requests: 2, windowMs: 1_000 } } });
    const graph = sim.graph({ governor: g, sleep: recorder().sleep }); // graphBatch's own wait is instant: the governor waits
    const results = await graph.batch([sim.P.jane, sim.P.secondJane, sim.P.operator].map((id) => ({ method: 'POST' as const, url: `/users/${id}/revokeSignInSessions` })));
    assert.ok(results.every((r) => !(r instanceof Error)), 'every inner request succeeded in the end');
    const inner = sim.tenant.requestLog().filter((e) => e.path.endsWith('/revokeSignInSessions'));
    assert.equal(inner.filter((e) => e.status === 429).length, 1);
    const { gapMs } = gapAfter429(inner, () => true);
    assert.ok(gapMs >= 950, `the inner retry reached the tenant ${gapMs} ms after the 429`);
    assert.equal(family(g, 'identity-write').pauses, 1);
  });

  it('cuts batches to the family burst', async () => {
    const g = new Governor({ budgets: { 'identity-write': { requests: 1000, windowMs: 1000, burst: 3 } } });
    const graph = sim.graph({ governor: g });
    const ids = [sim.P.jane, sim.P.secondJane, sim.P.operator, sim.P.approver2, sim.P.jane, sim.P.secondJane, sim.P.operator];
    const results = await graph.batch(ids.map((id) => ({ method: 'POST' as const, url: `/users/${id}/revokeSignInSessions` })));
    assert.equal(results.length, 7);
    const batches = sim.tenant.requestLog().filter((e) => e.path.endsWith('/$batch'));
    assert.equal(batches.length, 3, 'at most 3 a batch: 3 + 3 + 1');
    assert.equal(family(g, 'identity-write').granted, 7);
  });

  it('an Exchange 429 pauses every cmdlet', async () => {
    const g = new Governor({ budgets: { exchange: { ...PLENTY, concurrency: 8 } } });
    sim.tenant.setFaults({ familyBudgets: { exchange: { requests: 1, windowMs: 1_000 } } });
    const exchange = sim.exchange({ governor: g, sleep: recorder().sleep });
    const get = (): Promise<unknown> => exchange.invoke('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN);
    await get();
    const throttled = get();
    await until(() => family(g, 'exchange').throttled >= 1);
    await Promise.all([throttled, get()]);
    const cmdlets = sim.tenant.requestLog().filter((e) => e.service === 'exchange');
    const { gapMs } = gapAfter429(cmdlets, () => true);
    assert.ok(gapMs >= 950, `the next cmdlet reached the tenant ${gapMs} ms after the 429`);
    assert.ok(family(g, 'exchange').pauses >= 1);
  });

  it('Outlook: a 429 of one mailbox pauses that mailbox only (limits per app and mailbox)', async () => {
    const g = new Governor({ budgets: { outlook: { ...PLENTY, concurrency: 4 } } });
    sim.tenant.setFaults({ familyBudgets: { outlook: { requests: 1, windowMs: 10_000 } } });
    const graph = sim.graph({ governor: g, maxRetries: 0 });
    await graph.call({ method: 'GET', url: `/users/${sim.P.jane}/mailboxSettings` });
    await assert.rejects(graph.call({ method: 'GET', url: `/users/${sim.P.jane}/mailboxSettings` }), /429|throttl/i);
    const started = Date.now();
    // Another mailbox: its own budget at the tenant, and its own at the governor (not paused).
    const other = await graph.call({ method: 'GET', url: `/users/${sim.P.secondJane}/mailboxSettings` });
    assert.equal(other.status, 200);
    assert.ok(Date.now() - started < 900, 'not held by the other mailbox’s pause');
    assert.equal(g.snapshot().mailboxes.busy.length, 1, 'one mailbox paused');
  });
});

describe('governor through the gateways: the request on the wire', () => {
  it('an outer $batch retry (429 on the batch itself) takes the inner requests’ tokens again', async () => {
    let n = 0;
    const server = await captureServer((req, res) => {
      const body = JSON.parse(req.body) as { requests: Array<{ id: string }> };
      if (++n === 1) {
        json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '0' });
      } else {
        json(res, 200, { responses: body.requests.map((r) => ({ id: r.id, status: 204 })) });
      }
    });
    try {
      const g = new Governor({ budgets: { 'identity-write': PLENTY, outlook: { ...PLENTY, concurrency: 4 } } });
      const graph = new GraphGateway({ baseUrl: server.url, governor: g, sleep: recorder().sleep });
      await graph.batch([
        { method: 'POST', url: '/users/a/revokeSignInSessions' },
        { method: 'POST', url: '/users/b/revokeSignInSessions' },
        { method: 'PATCH', url: '/users/a/mailboxSettings', body: {} },
      ]);
      assert.equal(server.requests.length, 2, 'the batch went twice');
      assert.equal(family(g, 'identity-write').granted, 4, 'two identity writes, twice');
      assert.equal(family(g, 'identity-write').throttled, 1);
    } finally {
      await server.close();
    }
  });

  it('Graph: the token is fetched after the permit, so a request that waited never sends an older one', async () => {
    const server = await captureServer((_req, res) => json(res, 200, { id: 'x' }));
    const realFetch = globalThis.fetch;
    try {
      const clock = new FakeClock();
      const g = new Governor({ budgets: { 'identity-read': PLENTY }, clock });
      const tokenTimes: number[] = [];
      const credential = {
        getToken: () => {
          tokenTimes.push(clock.now());
          return Promise.resolve({ token: `t${clock.now()}`, expiresOnTimestamp: Date.now() + 3600_000 });
        },
      };
      globalThis.fetch = (input, init) => realFetch(String(input instanceof Request ? input.url : input).replace('https://graph.microsoft.com', server.url), init);
      g.pause('identity-read', 5_000);
      const call = new GraphGateway({ baseUrl: 'https://graph.microsoft.com', credential, governor: g }).call({ method: 'GET', url: '/users/x' });
      await settle();
      // The pause ends with an empty bucket: the first token comes 1 ms later at this pace.
      await clock.advance(5_100);
      await call;
      assert.equal(server.requests.length, 1);
      const last = tokenTimes.at(-1)!;
      assert.ok(last >= 5_000, `token fetched at ${last}`);
      assert.equal(server.requests[0]!.headers.authorization, `Bearer t${last}`, 'the token fetched after the wait');
    } finally {
      globalThis.fetch = realFetch;
      await server.close();
    }
  });

  it('Exchange: the token is fetched only once the permit is granted', async () => {
    const server = await captureServer((_req, res) => json(res, 200, { value: [] }));
    try {
      const clock = new FakeClock();
      const g = new Governor({ budgets: { exchange: { ...PLENTY, concurrency: 8 } }, clock });
      const tokenTimes: number[] = [];
      const credential = {
        getToken: () => {
          tokenTimes.push(clock.now());
          return Promise.resolve({ token: `t${clock.now()}`, expiresOnTimestamp: Date.now() + 3600_000 });
        },
      };
      g.pause('exchange', 5_000);
      const call = new ExchangeGateway({ baseUrl: server.url, tenantId: 't', credential, governor: g }).invoke('Get-Mailbox', {});
      await settle();
      assert.deepEqual(tokenTimes, [], 'no token while waiting for the permit');
      await clock.advance(5_100);
      await call;
      assert.equal(tokenTimes.length, 1);
      assert.ok(tokenTimes[0]! >= 5_000, `token fetched at ${tokenTimes[0]}`);
      assert.equal(server.requests[0]!.headers.authorization, `Bearer t${tokenTimes[0]}`);
    } finally {
      await server.close();
    }
  });
});
