// A run's ports under its lease: nothing leaves once the lease is lost, not even the retry of a throttled one-shot
// action that was waiting out its Retry-After when the lease went (each HTTP attempt checks it, not only the call).
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { guardedPorts } from '../../src/offboarding/lease-guard';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { LeaseLostError } from '../../src/store/leases';
import { MemoryStore } from '../../src/store/memory';
import { LeaseBoard } from '../fakes/fake-leases';

describe('lease-guarded ports', function () {
  this.timeout(20_000);
  let tenant: SimulatedTenant;
  beforeEach(async () => (tenant = await startSimulatedTenant({ rate429: 1 })));
  afterEach(() => tenant.close());

  async function setUp() {
    const board = new LeaseBoard(new MemoryStore());
    const lease = (await board.instance('a').acquire('run/g1', 'g1'))!;
    // Every request is throttled; the lease is lost while the first one waits out its Retry-After.
    const m365 = createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
      { maxRetries: 3, sleep: () => (board.pause('run/g1'), Promise.resolve()) },
    );
    return { ports: guardedPorts(m365, lease), board };
  }

  it('Graph: a throttled one-shot action is not sent again after the lease was lost during its Retry-After', async () => {
    const { ports } = await setUp();
    const jane = tenant.personas.jane!;
    await assert.rejects(ports.graph.call({ method: 'POST', url: `/deviceManagement/managedDevices/x/wipe`, body: {}, once: true }), LeaseLostError);
    assert.equal(tenant.requestLog().filter((e) => e.path.endsWith('/wipe')).length, 1, 'sent once, throttled, never again');
    // And a new call is refused before anything leaves.
    const before = tenant.requestLog().length;
    await assert.rejects(ports.graph.call({ method: 'GET', url: `/users/${jane}` }), LeaseLostError);
    await assert.rejects(ports.graph.batch([{ method: 'GET', url: `/users/${jane}` }]), LeaseLostError);
    assert.equal(tenant.requestLog().length, before);
  });

  it('Exchange: the same for a cmdlet', async () => {
    const { ports } = await setUp();
    const upn = 'jane.doe@contoso.com';
    await assert.rejects(ports.exchange.invoke('Clear-MobileDevice', { Identity: 'x' }, upn, { once: true }), LeaseLostError);
    assert.equal(tenant.requestLog().filter((e) => e.cmdlet === 'Clear-MobileDevice').length, 1);
  });
});
