// Requests sent `once` (a wipe, an ActiveSync wipe): a 429 was surely not applied and is retried; a 503/504, a dropped
// connection or any other answer that leaves the fate unknown is not retried — the caller settles it from the
// service's record instead of sending blindly again.
import assert from 'node:assert/strict';
import { captureServer, failure, json, recorder, useTenant } from './helpers';
import { GraphGateway } from '../../src/m365/graph';
import { ExchangeGateway } from '../../src/m365/exchange';

describe('m365 gateways: requests sent once', () => {
  const sim = useTenant();

  it('Graph: a 503 (or 504) is not retried for a request sent once, but is for any other', async () => {
    sim.tenant.setFaults({ rate503: 1 });
    const rec = recorder();
    const err = await failure(sim.graph({ sleep: rec.sleep }).call({ method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions`, once: true }));
    assert.equal(err.status, 503);
    assert.equal(sim.tenant.requestLog().length, 1, 'one attempt only');
    sim.tenant.reset();
    sim.tenant.setFaults({ rate503: 1 });
    await failure(sim.graph({ sleep: rec.sleep, maxRetries: 2 }).call({ method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions` }));
    assert.equal(sim.tenant.requestLog().length, 3, 'retried when not sent once');
  });

  it('Graph: a 429 is retried for a request sent once (throttled requests are not applied)', async () => {
    sim.tenant.setFaults({ rate429: 1 });
    const rec = recorder(() => sim.tenant.setFaults({ rate429: 0 }));
    const ok = await sim.graph({ sleep: rec.sleep }).call({ method: 'POST', url: `/users/${sim.P.jane}/revokeSignInSessions`, once: true });
    assert.equal(ok.status, 200);
    assert.deepEqual(sim.tenant.requestLog().map((e) => e.status), [429, 200]);
  });

  it('Graph and Exchange: a dropped connection is not retried for a request sent once', async () => {
    const server = await captureServer((_req, res) => res.socket?.destroy());
    try {
      const graph = new GraphGateway({ baseUrl: server.url, sleep: () => Promise.resolve() });
      const g = await failure(graph.call({ method: 'POST', url: '/deviceManagement/managedDevices/d1/wipe', once: true }));
      assert.deepEqual([g.status, g.code], [0, 'NetworkError']);
      assert.equal(server.requests.length, 1);
      const exchange = new ExchangeGateway({ baseUrl: server.url, tenantId: sim.tenant.tenantId, sleep: () => Promise.resolve() });
      const e = await failure(exchange.invoke('Clear-MobileDevice', { Identity: 'x', AccountOnly: true }, 'jane.doe@contoso.com', { once: true }));
      assert.deepEqual([e.status, e.code], [0, 'NetworkError']);
      assert.equal(server.requests.length, 2);
      // Without `once`, the same failure is retried.
      await failure(exchange.invoke('Get-MobileDevice', { Mailbox: 'x' }, undefined));
      assert.ok(server.requests.length > 3);
    } finally {
      await server.close();
    }
  });

  it('Exchange: a 504 is not retried for a cmdlet sent once; a 429 is', async () => {
    let answers = [504, 429, 200];
    const server = await captureServer((_req, res) => {
      const status = answers.shift() ?? 200;
      json(res, status, status === 200 ? { value: [] } : { error: { code: 'x', message: 'busy' } }, status === 429 ? { 'Retry-After': '1' } : {});
    });
    try {
      const exchange = new ExchangeGateway({ baseUrl: server.url, tenantId: sim.tenant.tenantId, sleep: () => Promise.resolve() });
      const e = await failure(exchange.invoke('Clear-MobileDevice', { Identity: 'x' }, undefined, { once: true }));
      assert.equal(e.status, 504);
      assert.equal(server.requests.length, 1);
      await exchange.invoke('Clear-MobileDevice', { Identity: 'x' }, undefined, { once: true });
      assert.equal(server.requests.length, 3);
      answers = [];
    } finally {
      await server.close();
    }
  });
});
