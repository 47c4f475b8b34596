// Fault and load controls: random 429/503 with Retry-After (honoured by the client's RetryHandler), latency, the
// write budget (top level, inside $batch, and for Exchange), and the HTTP control API.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, invoke, noRetry } from './helpers';

describe('simulator faults and controls', () => {
  const draws: number[] = [];
  const sim = useTenant({ random: () => draws.shift() ?? 0.99 });
  beforeEach(() => {
    draws.length = 0;
  });

  it('answers 429 with Retry-After, and the Graph client retries after waiting', async () => {
    sim.tenant.setFaults({ rate429: 0.5 });
    draws.push(0.1, 0.9);
    const started = Date.now();
    const user = (await sim.client.api(`/users/${sim.P.jane}`).select('displayName').get()) as { displayName: string };
    assert.equal(user.displayName, 'Jane Doe');
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    const log = sim.tenant.requestLog();
    assert.deepEqual(log.map((e) => [e.status, e.fault]), [[429, 'rate429'], [200, undefined]]);
  });

  it('answers 503 with Retry-After and a Graph error body', async () => {
    sim.tenant.setFaults({ rate503: 1 });
    const res = await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = (await res.json()) as { error: { code: string; innerError: { 'request-id': string } } };
    assert.equal(body.error.innerError['request-id'], res.headers.get('request-id'));
    const err = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).middlewareOptions(noRetry).get());
    assert.equal(err.statusCode, 503);
  });

  it('adds latency to every request', async () => {
    sim.tenant.setFaults({ latencyMs: 120 });
    const started = Date.now();
    await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}`);
    assert.ok(Date.now() - started >= 115);
  });

  it('throttles writes beyond the budget with 429 + Retry-After; reads and read-only actions pass', async () => {
    sim.tenant.setFaults({ writeBudget: { writes: 2, windowMs: 60_000 } });
    await sim.client.api(`/users/${sim.P.jane}`).patch({ accountEnabled: false });
    await sim.client.api(`/users/${sim.P.jane}/revokeSignInSessions`).post({});
    const third = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).middlewareOptions(noRetry).patch({ accountEnabled: false }));
    assert.equal(third.statusCode, 429);
    const retryAfter = Number(third.headers?.get('Retry-After'));
    assert.ok(retryAfter >= 59 && retryAfter <= 60, String(retryAfter));
    await sim.client.api(`/users/${sim.P.jane}`).get();
    await sim.client.api(`/users/${sim.P.jane}/checkMemberGroups`).post({ groupIds: [sim.tenant.groups.operatorsGroupId] });
    assert.equal(sim.tenant.requestLog().at(-3)!.fault, 'writeBudget');
  });

  it('throttles writes inside $batch per inner request, each with its own Retry-After', async () => {
    sim.tenant.setFaults({ writeBudget: { writes: 1, windowMs: 30_000 } });
    const res = (await sim.client.api('/$batch').post({
      requests: [
        { id: '1', method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions` },
        { id: '2', method: 'POST', url: `/users/${sim.P.secondJane}/revokeSignInSessions` },
        { id: '3', method: 'GET', url: `/users/${sim.P.jane}` },
      ],
    })) as { responses: { id: string; status: number; headers: Record<string, string> }[] };
    assert.deepEqual(res.responses.map((r) => r.status), [200, 429, 200]);
    assert.ok(Number(res.responses[1]!.headers['Retry-After']) >= 29);
  });

  it('throttles Exchange write cmdlets, not Get-*', async () => {
    sim.tenant.setFaults({ writeBudget: { writes: 1, windowMs: 10_000 } });
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.jane, HiddenFromAddressListsEnabled: true })).status, 200);
    const second = await invoke(sim.tenant, 'Set-CASMailbox', { Identity: sim.P.jane, PopEnabled: false });
    assert.equal(second.status, 429);
    assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: sim.P.jane })).status, 200);
  });

  it('enforces budgets per service family (identity writes, Intune, Outlook, Exchange cmdlets), top level and inside $batch, counting throttled requests too', async () => {
    sim.tenant.setFaults({ familyBudgets: { identityWrites: { requests: 2, windowMs: 20_000 }, outlook: { requests: 1, windowMs: 10_000 }, exchange: { requests: 1, windowMs: 10_000 } } });
    await sim.client.api(`/users/${sim.P.jane}`).patch({ accountEnabled: false });
    // Outlook has a budget of its own: a mailbox setting is not an identity write.
    await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({ automaticRepliesSetting: { status: 'disabled' } });
    const res = (await sim.client.api('/$batch').post({
      requests: [
        { id: '1', method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions` },
        { id: '2', method: 'POST', url: `/users/${sim.P.secondJane}/revokeSignInSessions` },
        { id: '3', method: 'GET', url: `/users/${sim.P.jane}/mailboxSettings` },
      ],
    })) as { responses: { id: string; status: number; headers: Record<string, string> }[] };
    assert.deepEqual(res.responses.map((r) => r.status), [200, 429, 429]);
    assert.ok(Number(res.responses[1]!.headers['Retry-After']) >= 19);
    // The refused request counted: the window now holds three, so the next one waits for two to age out.
    const again = await graphFailure(sim.client.api(`/users/${sim.P.jane}`).middlewareOptions(noRetry).patch({ accountEnabled: false }));
    assert.equal(again.statusCode, 429);
    assert.equal(sim.tenant.requestLog().at(-1)!.fault, 'familyBudget');
    // Reads of the directory have no budget set here.
    await sim.client.api(`/users/${sim.P.jane}`).get();
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.jane, HiddenFromAddressListsEnabled: true })).status, 200);
    assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: sim.P.jane })).status, 429, 'every cmdlet counts: Microsoft publishes no limit, so the stricter reading');
    assert.throws(() => sim.tenant.setFaults({ familyBudgets: { identityWrites: { requests: 0, windowMs: 1 } } }), RangeError);
  });

  it('counts the Outlook budget per mailbox, as Microsoft does (per app ID and mailbox)', async () => {
    sim.tenant.setFaults({ familyBudgets: { outlook: { requests: 1, windowMs: 10_000 } } });
    await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).get();
    const again = await graphFailure(sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).middlewareOptions(noRetry).get());
    assert.equal(again.statusCode, 429);
    // Another mailbox has a budget of its own.
    await sim.client.api(`/users/${sim.P.secondJane}/mailboxSettings`).get();
    assert.equal(sim.tenant.requestLog().at(-1)!.status, 200);
  });

  it('offers the same controls over HTTP under /_simulator/', async () => {
    const info = (await (await fetch(`${sim.tenant.url}/_simulator/info`)).json()) as { tenantId: string; personas: Record<string, string>; groups: Record<string, string> };
    assert.equal(info.tenantId, sim.tenant.tenantId);
    assert.deepEqual(info.personas, sim.tenant.personas);
    const set = await fetch(`${sim.tenant.url}/_simulator/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 5, rate429: 0 }) });
    assert.equal(((await set.json()) as { latencyMs: number }).latencyMs, 5);
    const bad = await fetch(`${sim.tenant.url}/_simulator/faults`, { method: 'POST', body: JSON.stringify({ rate503: 3 }) });
    assert.equal(bad.status, 400);
    await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}?$select=id`);
    const log = (await (await fetch(`${sim.tenant.url}/_simulator/log`)).json()) as { path: string; query: string; status: number }[];
    assert.deepEqual(log.map((e) => [e.path, e.query, e.status]), [[`/v1.0/users/${sim.P.jane}`, '$select=id', 200]]);
    const state = (await (await fetch(`${sim.tenant.url}/_simulator/state`)).json()) as { users: unknown[] };
    assert.equal(state.users.length, 50);
    await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.inheritorCandidate}`, { method: 'DELETE' });
    assert.equal((await fetch(`${sim.tenant.url}/_simulator/reset`, { method: 'POST' })).status, 204);
    assert.equal((await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.inheritorCandidate}`)).status, 200);
    const faults = (await (await fetch(`${sim.tenant.url}/_simulator/faults`)).json()) as { latencyMs: number };
    assert.equal(faults.latencyMs, 0);
    assert.equal((await fetch(`${sim.tenant.url}/_simulator/nothing`)).status, 404);
  });

  it('serves only documented paths: other Graph versions and paths are refused', async () => {
    assert.equal((await fetch(`${sim.tenant.url}/beta/users`)).status, 404);
    const unknown = await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}/bogusSegment`);
    assert.equal(unknown.status, 400);
    const method = await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${sim.P.jane}/manager`, { method: 'DELETE' });
    assert.equal(method.status, 405);
  });
});
