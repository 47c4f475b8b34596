// One-shot actions against the simulated tenant through the real gateways: a wipe or an ActiveSync wipe whose answer
// was lost (the tenant applied it, then dropped the connection or answered 504) is settled from Intune's or
// Exchange's own record — never sent twice — and `status` (engine.currentView) reads requested actions again: done
// after the device checks in, failed with a follow-up when Intune cancels it or the device is gone.
import assert from 'node:assert/strict';
import { createM365, type GraphPort, type GraphRequest } from '../../src/m365';
import { Audit } from '../../src/offboarding/audit';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { COLLECTIONS, type ItemRecord } from '../../src/offboarding/run';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { MemoryStore } from '../../src/store/memory';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { TOM_ID } from './jane';

async function offboardJane(tenant: SimulatedTenant, wrap: (graph: GraphPort) => GraphPort = (g) => g) {
  const store = new MemoryStore();
  const audit = new Audit(store);
  const m365 = createM365(
    { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
    { onCall: audit.onCall, sleep: () => Promise.resolve() },
  );
  const graph = wrap(m365.graph);
  const exchange = m365.exchange;
  // sleep: the settling's wait for a late record passes at once here (the tenant records actions as it applies them).
  const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 20, sharedPollMaxMs: 20, sharedPollTimeoutMs: 5_000 } });
  const preview = await engine.preview(tenant.personas.jane!, TOM_ID, DEFAULT_OPTIONS);
  const view = await engine.execute('req-settle', preview);
  const items = async (kind: string) => (await store.list<ItemRecord>(COLLECTIONS.items, `req-settle/${kind}/`)).map((d) => d.value);
  return { view, engine, store, items };
}

describe('engine: one-shot actions settled from Microsoft 365 (simulated tenant)', function () {
  this.timeout(30_000);
  let tenant: SimulatedTenant;
  beforeEach(async () => (tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 })));
  afterEach(() => tenant.close());

  const janeDevices = () => tenant.state().managedDevices.filter((d) => d.userId === tenant.personas.jane);
  const janePhones = () => tenant.state().mailboxes.find((m) => m.userId === tenant.personas.jane)!.mobileDevices;

  for (const fault of ['no answer', '504'] as const) {
    it(`the tenant applied every wipe, retire and ActiveSync wipe but the answer was lost (${fault}): each received exactly once, and requested as Microsoft 365 confirms`, async () => {
      tenant.setFaults(fault === 'no answer' ? { wipeRetireNoResponse: 5, clearMobileDeviceNoResponse: 5 } : { wipeRetire504: 5, clearMobileDevice504: 5 });
      const { view, items } = await offboardJane(tenant);
      assert.equal(view.run.status, 'completed');
      const s = tenant.state();
      for (const d of janeDevices()) {
        const action = d.managedDeviceOwnerType === 'company' ? 'wipe' : 'retire';
        assert.equal(s.actions[action][d.id], 1, `${d.deviceName}: ${action} received once`);
      }
      for (const p of janePhones()) {
        assert.equal(s.actions.clearMobileDevice[p.Guid], 1, `${p.FriendlyName}: Clear-MobileDevice received once`);
      }
      const intune = await items('intune-devices');
      assert.equal(intune.length, 2);
      assert.ok(intune.every((i) => i.status === 'requested' && /confirmed by Intune/.test(i.detail ?? '')), JSON.stringify(intune));
      const phones = await items('remove-mobile-mail');
      assert.ok(phones.length > 0 && phones.every((i) => i.status === 'requested' && /confirmed by Exchange.*may not be delivered/.test(i.detail ?? '')), JSON.stringify(phones));
      // Settled by reading, not by sending again.
      const log = tenant.requestLog();
      assert.ok(log.some((e) => e.method === 'GET' && /\/deviceManagement\/managedDevices\/[^/]+$/.test(e.path) && /deviceActionResults/.test(e.query)));
      assert.ok(log.some((e) => e.cmdlet === 'Get-MobileDeviceStatistics'));
      const step = view.steps.find((x) => x.kind === 'intune-devices')!;
      assert.deepEqual([step.status, step.counts.requested, step.counts.done], ['done', 2, 0]);
    });
  }

  it('status reads requested actions again: done once the device checked in; the blocked account’s phone never syncs, so it stays requested', async () => {
    const { view, engine, items } = await offboardJane(tenant);
    assert.equal(view.steps.find((x) => x.kind === 'intune-devices')?.counts.requested, 2);
    const unchanged = await engine.currentView(view.run.id);
    assert.equal(unchanged.steps.find((x) => x.kind === 'intune-devices')?.counts.requested, 2, 'nothing confirmed yet');
    for (const d of janeDevices()) {
      tenant.checkInManagedDevice(d.id);
    }
    for (const p of janePhones()) {
      assert.equal(tenant.syncMobileDevice(p.Guid).synced, false, 'a blocked account cannot sync');
    }
    const now = await engine.currentView(view.run.id);
    const intune = now.steps.find((x) => x.kind === 'intune-devices')!;
    assert.deepEqual([intune.status, intune.counts.done, intune.counts.requested], ['done', 2, 0]);
    assert.ok((await items('intune-devices')).every((i) => /done \(confirmed by Intune\)/.test(i.detail ?? '')));
    const phones = now.steps.find((x) => x.kind === 'remove-mobile-mail')!;
    assert.ok((phones.counts.requested ?? 0) > 0, 'still requested: may not be delivered');
    assert.equal(now.run.status, 'completed');
    // Reading is all it does: no new wipe.
    assert.ok(janeDevices().every((d) => (tenant.state().actions.wipe[d.id] ?? 0) + (tenant.state().actions.retire[d.id] ?? 0) === 1));
  });

  it('status after Intune cancelled a wipe: failed with a follow-up, the run completed with failures, nothing resent; a device Intune removed after accepting its action is done', async () => {
    const { view, engine, items } = await offboardJane(tenant);
    const [laptop, phone] = janeDevices();
    tenant.setDeviceActionState(laptop!.id, 'canceled');
    // Intune drops a device once its wipe or retire is carried out.
    tenant.removeManagedDevice(phone!.id);
    const now = await engine.currentView(view.run.id);
    const intune = now.steps.find((x) => x.kind === 'intune-devices')!;
    assert.equal(intune.status, 'failed');
    assert.deepEqual([intune.counts.failed, intune.counts.done], [1, 1]);
    assert.equal(now.run.status, 'completed-with-failures');
    assert.deepEqual(intune.followUps?.map((f) => f.split(':')[0]), [laptop!.deviceName]);
    assert.match(intune.followUps[0]!, /Intune reports the \w+ as canceled/);
    assert.match((await items('intune-devices')).find((i) => i.label === phone!.deviceName)?.detail ?? '', /^done: no longer in Intune, which removes a device once its wipe or retire is carried out$/);
    const s = tenant.state();
    assert.equal((s.actions.wipe[laptop!.id] ?? 0) + (s.actions.retire[laptop!.id] ?? 0), 1);
  });

  it('a lost answer for a device Intune no longer knows: in doubt, not done (nothing proves the action arrived)', async () => {
    const [, phone] = janeDevices();
    tenant.setFaults({ wipeRetire504: 5 });
    const real = tenant.state().managedDevices.length;
    // The retire is applied, its answer lost, and the device is gone when the bot reads: only a follow-up can say.
    const removing = (graph: GraphPort): GraphPort => ({
      list: (url, headers, enough) => graph.list(url, headers, enough),
      batch: (requests) => graph.batch(requests),
      call: <T>(request: GraphRequest) =>
        graph.call<T>(request).catch((err: unknown) => {
          if (request.url.endsWith(`${phone!.id}/retire`)) {
            tenant.removeManagedDevice(phone!.id);
          }
          throw err;
        }),
    });
    const { view } = await offboardJane(tenant, removing);
    assert.equal(tenant.state().managedDevices.length, real - 1);
    const intune = view.steps.find((x) => x.kind === 'intune-devices')!;
    assert.equal(intune.status, 'failed');
    assert.ok(intune.followUps?.some((f) => f.startsWith(`${phone!.deviceName}: no longer in Intune`)), JSON.stringify(intune.followUps));
  });
});
