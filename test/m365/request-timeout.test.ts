// Every HTTP attempt to Microsoft 365 is bounded (GatewayOptions.requestTimeoutMs): an answer slower than that is
// aborted and counts as no answer (NetworkError: retried for a safe request, in doubt for a one-shot action). The
// settling of a lost owner's one-shot actions relies on this bound.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { M365Error } from '../../src/m365/errors';
import type { CallRecord } from '../../src/m365/ports';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { JANE_UPN } from './helpers';

describe('gateways: request timeout', function () {
  this.timeout(20_000);
  let tenant: SimulatedTenant;
  before(async () => (tenant = await startSimulatedTenant({ latencyMs: 300 })));
  after(() => tenant.close());

  const gateways = (requestTimeoutMs?: number, calls: CallRecord[] = []) =>
    createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
      { maxRetries: 1, sleep: () => Promise.resolve(), onCall: (c) => calls.push(c), ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}) },
    );

  it('Graph: each attempt slower than the timeout is aborted (retried once, then a NetworkError); a `once` request is not retried', async () => {
    const calls: CallRecord[] = [];
    const { graph } = gateways(100, calls);
    const err = await graph.call({ method: 'GET', url: `/users/${JANE_UPN}` }).then(
      () => assert.fail('answered'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof M365Error);
    assert.deepEqual([err.status, err.code], [0, 'NetworkError']);
    assert.deepEqual(calls.map((c) => [c.attempt, c.status]), [[1, 0], [2, 0]]);
    assert.ok(calls.every((c) => c.durationMs < 290), JSON.stringify(calls));
    calls.length = 0;
    await assert.rejects(graph.call({ method: 'POST', url: `/users/${JANE_UPN}/revokeSignInSessions`, once: true }), (e: M365Error) => e.code === 'NetworkError');
    assert.equal(calls.length, 1);
  });

  it('Exchange: a cmdlet slower than the timeout is a NetworkError', async () => {
    const { exchange } = gateways(100);
    await assert.rejects(exchange.invoke('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN, { once: true }), (e: M365Error) => e.status === 0 && e.code === 'NetworkError');
  });

  it('answers within the timeout (the default: 100 s) go through', async () => {
    const { graph, exchange } = gateways();
    assert.equal((await graph.call({ method: 'GET', url: `/users/${JANE_UPN}` })).status, 200);
    assert.ok((await exchange.invoke('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN)).value.length > 0);
  });
});
