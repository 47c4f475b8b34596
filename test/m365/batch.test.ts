// GraphGateway.batch against the simulated tenant: chunks of at most 20 sent concurrently, results in request order,
// inner throttling retried in later batches after the inner Retry-After, permanent inner failures as M365Error.
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { GraphRequest, GraphResult } from '../../src/m365/ports';
import type { LogEntry } from '../../src/simulator';
import { intervals, maxOverlap, recorder, seededRandom, useTenant, JANE_UPN } from './helpers';

/** Inner log entries grouped by the batch they came in. */
function batches(log: LogEntry[]): Map<string, LogEntry[]> {
  const by = new Map<string, LogEntry[]>();
  for (const e of log.filter((x) => x.batch)) {
    by.set(e.batch!.batchRequestId, [...(by.get(e.batch!.batchRequestId) ?? []), e]);
  }
  return by;
}

function ok<T>(r: GraphResult<T> | M365Error): GraphResult<T> {
  assert.ok(!(r instanceof M365Error), `expected success, got ${r instanceof M365Error ? r.summary() : ''}`);
  return r;
}

describe('m365 GraphGateway: $batch', () => {
  const sim = useTenant({ random: seededRandom(7) });

  it('sends 45 requests as 3 concurrent batches of at most 20, results in request order', async () => {
    const groups = await sim.graph().list<{ id: string }>(`/users/${sim.P.jane}/memberOf/microsoft.graph.group?$select=id`);
    sim.tenant.reset();
    const latencyMs = 250;
    sim.tenant.setFaults({ latencyMs });
    const rec = recorder();
    const ids = groups.slice(0, 45).map((g) => g.id);
    const started = performance.now();
    const results = await sim.graph({ onCall: rec.onCall }).batch<{ id: string }>(ids.map((id) => ({ method: 'GET', url: `/groups/${id}?$select=id` })));
    const elapsed = performance.now() - started;

    assert.deepEqual(results.map((r) => ok(r).body.id), ids);
    const log = sim.tenant.requestLog();
    assert.equal(log.filter((e) => e.path === '/v1.0/$batch').length, 3);
    const sizes = [...batches(log).values()].map((b) => b.length).sort((a, b) => a - b);
    assert.deepEqual(sizes, [5, 20, 20]);
    // Inner URLs went without the version (the simulator refuses absolute or versioned ones as Graph does).
    assert.ok(log.filter((e) => e.batch).every((e) => /^\/v1\.0\/groups\/[0-9a-f-]+$/.test(e.path)));
    // Concurrent: every batch started before the first one ended, and the whole took well under 3 × latency.
    const outer = rec.calls.filter((c) => c.url === '/$batch');
    assert.equal(outer.length, 3);
    assert.equal(maxOverlap(intervals(rec, (c) => c.url === '/$batch')), 3);
    assert.ok(elapsed < 2.5 * latencyMs, `3 batches took ${Math.round(elapsed)} ms; sequential would take over ${3 * latencyMs} ms`);
    assert.ok(outer.every((c) => c.durationMs >= latencyMs - 5));
  });

  it('returns mixed inner results in request order: 2xx as GraphResult, failures as M365Error with the inner request id', async () => {
    const rec = recorder();
    const requests: GraphRequest[] = [
      { method: 'GET', url: `/users/${JANE_UPN}?$select=displayName` },
      { method: 'GET', url: '/users/nobody@contoso.com' },
      { method: 'PATCH', url: `/users/${sim.P.syncedUser}`, body: { accountEnabled: false } },
      { method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions` },
      { method: 'GET', url: `/users/${sim.P.jane}/manager?$select=id` },
    ];
    const results = await sim.graph({ onCall: rec.onCall }).batch(requests);
    assert.deepEqual((ok(results[0]!).body as { displayName: string }).displayName, 'Jane Doe');
    assert.deepEqual([ok(results[3]!).status, (ok(results[3]!).body as { value: boolean }).value], [200, true]);
    assert.equal((ok(results[4]!).body as { id: string }).id, sim.P.janeManager);
    const notFound = results[1] as M365Error;
    const synced = results[2] as M365Error;
    assert.ok(notFound instanceof M365Error && synced instanceof M365Error);
    assert.deepEqual([notFound.status, notFound.code], [404, 'Request_ResourceNotFound']);
    assert.deepEqual([synced.status, synced.code], [400, 'Request_BadRequest']);
    const inner = sim.tenant.requestLog().filter((e) => e.batch);
    assert.equal(notFound.requestId, inner.find((e) => e.path === '/v1.0/users/nobody@contoso.com')!.requestId);
    assert.equal(synced.info.url, `/users/${sim.P.syncedUser}`);
    // The PATCH body reached Graph as JSON.
    assert.deepEqual(inner.find((e) => e.method === 'PATCH')!.body, { accountEnabled: false });
    // One record for the batch itself and one per inner request, each naming the batch's request id.
    const outerId = sim.tenant.requestLog().find((e) => e.path === '/v1.0/$batch')!.requestId;
    assert.deepEqual(rec.calls.filter((c) => c.url === '/$batch').map((c) => c.requestId), [outerId]);
    const innerCalls = rec.calls.filter((c) => c.batchRequestId === outerId);
    assert.deepEqual(innerCalls.map((c) => c.status), [200, 404, 400, 200, 200]);
    assert.equal(innerCalls[1]!.requestId, notFound.requestId);
  });

  it('a batch with one 404 and the others 2xx', async () => {
    const requests: GraphRequest[] = [sim.P.jane, 'no-such-user', sim.P.operator].map((id) => ({ method: 'GET', url: `/users/${id}?$select=id` }));
    const results = await sim.graph().batch<{ id: string }>(requests);
    assert.equal(ok(results[0]!).body.id, sim.P.jane);
    assert.equal((results[1] as M365Error).status, 404);
    assert.equal(ok(results[2]!).body.id, sim.P.operator);
    assert.deepEqual(await sim.graph().batch([]), []);
    assert.equal(sim.tenant.requestLog().filter((e) => e.path === '/v1.0/$batch').length, 1);
  });

  it('retries only the throttled inner requests, in a later batch, after the largest inner Retry-After', async () => {
    const budget = { writes: 3, windowMs: 60_000 };
    // Sleeping "waits out" the window: the fake sleep opens a new budget, as real time would.
    const rec = recorder(() => sim.tenant.setFaults({ writeBudget: budget }));
    sim.tenant.setFaults({ writeBudget: budget });
    const requests: GraphRequest[] = ['operator', 'inheritorCandidate', 'approver1', 'approver2', 'secondJane'].map((p) => ({
      method: 'PATCH',
      url: `/users/${sim.P[p]}/mailboxSettings`,
      body: { automaticRepliesSetting: { status: 'disabled' } },
    }));
    const results = await sim.graph({ onCall: rec.onCall, sleep: rec.sleep }).batch(requests);
    assert.ok(results.every((r) => !(r instanceof M365Error)), 'all five eventually succeed');

    const by = [...batches(sim.tenant.requestLog()).values()];
    assert.deepEqual(by.map((b) => b.length), [5, 2]);
    assert.deepEqual(by[0]!.map((e) => e.status), [200, 200, 200, 429, 429]);
    assert.deepEqual(by[1]!.map((e) => [e.path, e.status]), [
      [`/v1.0/users/${sim.P.approver2}/mailboxSettings`, 200],
      [`/v1.0/users/${sim.P.secondJane}/mailboxSettings`, 200],
    ]);
    // The simulator's Retry-After is the seconds left in the window (60 s), and that is what was waited.
    assert.deepEqual(rec.sleeps, [60_000]);
    const retried = rec.calls.filter((c) => c.url.startsWith(`/users/${sim.P.approver2}`));
    assert.deepEqual(retried.map((c) => [c.status, c.attempt]), [[429, 1], [200, 2]]);
  });

  it('gives up after maxRetries: the inner 429 comes back as a transient M365Error', async () => {
    sim.tenant.setFaults({ writeBudget: { writes: 0, windowMs: 60_000 } });
    const rec = recorder();
    const [read, write] = await sim.graph({ maxRetries: 2, sleep: rec.sleep }).batch([
      { method: 'GET', url: `/users/${sim.P.jane}?$select=id` },
      { method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions` },
    ]);
    ok(read!);
    assert.ok(write instanceof M365Error);
    assert.deepEqual([write.status, write.code, write.transient, write.retryAfterMs], [429, 'Request_ThrottledTemporarily', true, 60_000]);
    assert.equal(sim.tenant.requestLog().filter((e) => e.path.endsWith('/revokeSignInSessions')).length, 3);
    assert.equal(rec.sleeps.length, 2);
  });

  it('when the batch itself keeps failing, every request in it gets that error', async () => {
    sim.tenant.setFaults({ rate429: 1 });
    const rec = recorder();
    const results = await sim.graph({ maxRetries: 1, sleep: rec.sleep }).batch([
      { method: 'GET', url: `/users/${sim.P.jane}` },
      { method: 'GET', url: `/users/${sim.P.operator}` },
    ]);
    const outer = sim.tenant.requestLog().filter((e) => e.path === '/v1.0/$batch');
    assert.deepEqual(outer.map((e) => e.status), [429, 429]);
    assert.ok(results.every((r) => r instanceof M365Error && r.status === 429 && r.transient && r.requestId === outer[1]!.requestId));
    assert.deepEqual(rec.sleeps, [1000]);
  });

  it('rides out random inner and outer 429/503 faults', async () => {
    sim.tenant.setFaults({ rate429: 0.25, rate503: 0.15 });
    const rec = recorder();
    const ids = [sim.P.jane, sim.P.operator, sim.P.janeManager, sim.P.approver1, sim.P.approver2, sim.P.secondJane];
    const results = await sim.graph({ maxRetries: 10, maxConcurrency: 1, sleep: rec.sleep }).batch<{ id: string }>(
      [...ids, ...ids, ...ids, ...ids].map((id) => ({ method: 'GET', url: `/users/${id}?$select=id` })),
    );
    assert.deepEqual(results.map((r) => ok(r).body.id), [...ids, ...ids, ...ids, ...ids]);
    const log = sim.tenant.requestLog();
    assert.ok(log.some((e) => e.batch && e.fault), 'some inner requests were faulted');
    assert.ok(log.some((e) => !e.batch && e.fault), 'some batches were faulted as a whole');
    assert.ok(rec.sleeps.every((ms) => ms === 1000), `waited Retry-After (1 s) each time: ${rec.sleeps.join(',')}`);
  });
});
