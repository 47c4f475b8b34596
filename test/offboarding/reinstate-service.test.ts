// Reinstatement as a use case against the simulated tenant: a full offboarding of Jane, then its reinstatement after
// the same approval. What Microsoft 365 reports afterwards equals what it reported before the offboarding for
// everything restorable; each refusal changes nothing.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS, type OffboardingOptions } from '../../src/offboarding/options';
import { PassVault } from '../../src/offboarding/reinstate/pass-vault';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { OffboardingService } from '../../src/offboarding/service';
import type { SimulatedTenant } from '../../src/simulator';
import { MemoryStore } from '../../src/store/memory';
import { recordingNotifier } from '../fakes/recording-notifier';
import { isM365Write, simulatedTenantPerSuite } from '../fakes/simulated-tenant';
import { observe } from './reinstate-fixtures';

describe('reinstatement (use case, simulated tenant)', function () {
  this.timeout(120_000);
  let tenant: SimulatedTenant;
  let clock: Date;
  const events: string[] = [];
  let graph: GraphPort;
  let exchange: ExchangePort;
  let passes: PassVault;
  let store: MemoryStore;

  function service(): OffboardingService {
    store = new MemoryStore();
    const audit = new Audit(store);
    ({ graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall }));
    passes = new PassVault();
    const engine = new OffboardingEngine({ graph, exchange, store, audit, passes, settings: { sharedPollInitialMs: 20 } });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, passes, now: () => clock });
    s.setNotifier(recordingNotifier(events));
    return s;
  }

  const P = () => tenant.personas;
  const isaac = () => ({ id: P().operator!, displayName: 'Isaac Ito' });
  const marcus = () => ({ id: P().janeManager!, displayName: 'Marcus Reed' });
  const personal = { kind: 'personal' as const };

  simulatedTenantPerSuite(
    (t) => (tenant = t),
    () => {
      clock = new Date();
      events.length = 0;
    },
  );

  async function offboardJane(s: OffboardingService, options: Partial<OffboardingOptions> = {}): Promise<OffboardingRequest> {
    const submitted = await s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: { ...DEFAULT_OPTIONS, ...options }, teams: {}, where: personal });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    assert.ok((await s.decide(submitted.request.id, marcus(), 'approved')).ok);
    await s.idle();
    const done = (await s.get(submitted.request.id))!;
    assert.equal(done.status, 'completed', JSON.stringify(done.status));
    return done;
  }

  it('restores what the offboarding changed, after the manager approves; the pass goes only to the vault, once', async () => {
    const s = service();
    const jane = tenant.state().users.find((u) => u.id === P().jane)!;
    const tom = tenant.state().users.find((u) => u.id === P().inheritorCandidate)!;
    const driveId = tenant.state().drives.find((d) => d.ownerId === P().jane)?.id;
    const heir = { id: tom.id, upn: tom.userPrincipalName };
    // One of Jane's licences with a service plan turned off (not Exchange): it must come back the same way.
    const skus = (await graph.call<{ value: Array<{ skuId: string; servicePlans: Array<{ servicePlanId: string; servicePlanName: string }> }> }>({ method: 'GET', url: '/subscribedSkus' })).body.value;
    const sku = skus.find((k) => k.skuId === jane.assignedLicenses[0]!.skuId)!;
    const plan = sku.servicePlans.find((p) => !p.servicePlanName.startsWith('EXCHANGE'))!;
    await graph.call({ method: 'POST', url: `/users/${jane.id}/assignLicense`, body: { addLicenses: [{ skuId: sku.skuId, disabledPlans: [plan.servicePlanId] }], removeLicenses: [] } });
    const before = await observe(graph, exchange, jane.id, jane.userPrincipalName, heir, driveId);
    assert.ok(JSON.stringify(before).includes(plan.servicePlanId));

    const offboarding = await offboardJane(s, { oneDriveAccess: true, disableEntraDevices: true });
    const after = await observe(graph, exchange, jane.id, jane.userPrincipalName, heir, driveId);
    assert.notDeepEqual(after, before, 'the offboarding changed the tenant');

    const prepared = await s.reinstatements.prepare(isaac(), jane.userPrincipalName, personal);
    assert.ok(prepared.ok, prepared.ok ? '' : prepared.reason);
    assert.equal(prepared.preview.offboarding.id, offboarding.id);
    assert.deepEqual(prepared.preview.approvers.map((a) => a.id), [P().janeManager]);
    assert.ok((prepared.preview.plan.notRestorable ?? []).some((n) => /MFA method/.test(n.what)));

    const writesBefore = tenant.requestLog().filter((e) => isM365Write(e) && e.status < 400).length;
    const submitted = await s.reinstatements.submit({ requester: isaac(), offboardingId: offboarding.id, removeHandovers: true, reason: 'HR-1234: resignation withdrawn', teams: {}, where: personal });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const request = submitted.request;
    assert.match(request.id, /^RST-/);
    assert.equal(request.kind, 'reinstatement');
    assert.equal(tenant.requestLog().filter((e) => isM365Write(e) && e.status < 400).length, writesBefore, 'nothing is written before approval');

    // The requester and the person can never approve.
    assert.equal((await s.decide(request.id, isaac(), 'approved')).ok, false);
    assert.equal((await s.decide(request.id, { id: P().jane!, displayName: 'Jane Doe' }, 'approved')).ok, false);
    assert.ok((await s.decide(request.id, marcus(), 'approved')).ok);
    await s.idle();

    const ended = (await s.get(request.id))!;
    const view = (await s.runView(ended))!;
    assert.equal(ended.status, 'completed', view.steps.filter((x) => x.status === 'failed').map((x) => `${x.kind}: ${x.reason}`).join('; '));
    const restored = await observe(graph, exchange, jane.id, jane.userPrincipalName, heir, driveId);
    assert.deepEqual(restored, before, 'everything restorable is as it was before the offboarding');
    assert.equal(await s.openRequestFor(P().jane!), undefined, 'the person is free again');
    const retried = await s.retry(offboarding.id, isaac());
    assert.ok(!retried.ok && /was undone by RST-/.test(retried.reason), 'the undone offboarding is never run again');
    const again = await s.reinstatements.prepare(isaac(), offboarding.id, personal);
    assert.ok(!again.ok && /already reinstated/.test(again.reason));

    // The pass: held for the requester's click only; never in the store or the audit log.
    assert.ok(passes.has(request.id));
    assert.ok(events.includes(`pass-ready ${request.id}`), 'the requester is offered the pass');
    assert.ok((await s.get(request.id))?.passOfferedAt, 'and that is recorded');
    // A process that died before offering it: the next one offers it at start-up (its click makes a new pass).
    const stored = (await store.get<OffboardingRequest>('requests', request.id))!;
    await store.put('requests', request.id, { ...stored.value, passOfferedAt: undefined }, stored.etag);
    const audit2 = new Audit(store);
    const restarted = new OffboardingService({ store, engine: new OffboardingEngine({ graph, exchange, store, audit: audit2 }), access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit: audit2, approvalTtlHours: 72, now: () => clock });
    const offered: string[] = [];
    restarted.setNotifier(recordingNotifier(offered));
    await restarted.resume();
    await restarted.idle();
    assert.deepEqual(offered, [`pass-ready ${request.id}`]);
    assert.equal((await s.reinstatements.showPass(request.id, marcus())).ok, false, 'only the requester');
    const shown = await s.reinstatements.showPass(request.id, isaac());
    assert.ok(shown.ok, shown.ok ? '' : shown.reason);
    assert.ok(shown.pass.pass.length >= 8);
    assert.equal((await s.reinstatements.showPass(request.id, isaac())).ok, false, 'shown once');
    const everything = JSON.stringify(await Promise.all(['requests', 'runs', 'steps', 'items', 'open-by-leaver'].map((c) => store.list(c))));
    assert.ok(everything.includes(request.id) && !everything.includes(shown.pass.pass), 'the pass is in no store document');
    const audit = JSON.stringify(await store.readAudit());
    assert.ok(audit.includes('pass-shown') && !audit.includes(shown.pass.pass), 'nor in the audit log');
  });

  it('refuses, changing nothing: an open offboarding, the person themself, an unknown id, another open request, a non-operator', async () => {
    const s = service();
    const open = await s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: personal });
    assert.ok(open.ok);
    const stillOpen = await s.reinstatements.prepare(isaac(), open.request.id, personal);
    assert.ok(!stillOpen.ok && /still open/.test(stillOpen.reason), JSON.stringify(stillOpen));
    const unknown = await s.reinstatements.prepare(isaac(), 'OFB-ZZZZZZ', personal);
    assert.ok(!unknown.ok && unknown.reason === 'There is no offboarding request OFB-ZZZZZZ.');
    const notOperator = await s.reinstatements.prepare({ id: P().approver1!, displayName: 'Approver One' }, open.request.id, personal);
    assert.ok(!notOperator.ok && /operators group/.test(notOperator.reason));
    const cancelledNow = await s.cancel(open.request.id, isaac());
    assert.ok(cancelledNow.ok, JSON.stringify(cancelledNow));
    const cancelled = await s.reinstatements.prepare(isaac(), open.request.id, personal);
    assert.ok(!cancelled.ok && /never ran/.test(cancelled.reason));
    assert.equal(tenant.requestLog().filter((e) => isM365Write(e) && e.status < 400).length, 0);
  });

  it('refuses after the offboarding too: the person themself, a reinstatement id, another open request; a rejection writes nothing', async () => {
    const s = service();
    const offboarding = await offboardJane(s);
    // Jane made an operator (say she was IT): her own offboarding does not exist for her (visibility.ts).
    await graph.call({ method: 'POST', url: `/groups/${tenant.groups.operatorsGroupId}/members/$ref`, body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${P().jane!}` } });
    const herself = await s.reinstatements.prepare({ id: P().jane!, displayName: 'Jane Doe' }, offboarding.id, personal);
    assert.deepEqual(herself, { ok: false, reason: `There is no offboarding request ${offboarding.id}.` });
    const byName = await s.reinstatements.submit({ requester: { id: P().jane!, displayName: 'Jane Doe' }, offboardingId: offboarding.id, removeHandovers: false, teams: {}, where: personal });
    assert.equal(byName.ok, false);
    // A reinstatement id is not an offboarding's.
    const submitted = await s.reinstatements.submit({ requester: isaac(), offboardingId: offboarding.id, removeHandovers: false, teams: {}, where: personal });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const byOwnId = await s.reinstatements.prepare(isaac(), submitted.request.id, personal);
    assert.ok(!byOwnId.ok && /is a reinstatement/.test(byOwnId.reason));
    // One open request per person, of any kind.
    const second = await s.reinstatements.submit({ requester: isaac(), offboardingId: offboarding.id, removeHandovers: false, teams: {}, where: personal });
    assert.ok(!second.ok && second.reason.includes(`already has an open request, ${submitted.request.id}`), JSON.stringify(second));
    const offboardAgain = await s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: personal });
    assert.ok(!offboardAgain.ok && offboardAgain.reason.includes(submitted.request.id));
    // Rejected: nothing written, the person free again.
    const writes = tenant.requestLog().filter((e) => isM365Write(e) && e.status < 400).length;
    assert.ok((await s.decide(submitted.request.id, marcus(), 'rejected')).ok);
    await s.idle();
    assert.equal(tenant.requestLog().filter((e) => isM365Write(e) && e.status < 400).length, writes);
    assert.equal(await s.openRequestFor(P().jane!), undefined);
  });

  it('a stopped offboarding hands its claim over, gets it back on a rejection, and is closed for good on approval', async () => {
    const s = service();
    const done = await offboardJane(s);
    // As a stop leaves it: stopped, still holding Jane's claim.
    await store.put('requests', done.id, { ...done, status: 'stopped', stop: { by: isaac(), at: clock.toISOString() } }, (await store.get('requests', done.id))!.etag);
    await store.put('open-by-leaver', P().jane!, { requestId: done.id }, null);
    const first = await s.reinstatements.submit({ requester: isaac(), offboardingId: done.id, removeHandovers: false, teams: {}, where: personal });
    assert.ok(first.ok, first.ok ? '' : first.reason);
    assert.equal((await s.openRequestFor(P().jane!))?.id, first.request.id, 'the reinstatement holds the claim');
    assert.equal((await s.retry(done.id, isaac())).ok, false, 'the stopped offboarding can no longer be resumed');
    assert.ok((await s.decide(first.request.id, marcus(), 'rejected')).ok);
    await s.idle();
    assert.equal((await s.openRequestFor(P().jane!))?.id, done.id, 'rejected: the claim goes back to the stopped offboarding');
    const second = await s.reinstatements.submit({ requester: isaac(), offboardingId: done.id, removeHandovers: false, teams: {}, where: personal });
    assert.ok(second.ok, second.ok ? '' : second.reason);
    assert.ok((await s.decide(second.request.id, marcus(), 'approved')).ok);
    await s.idle();
    assert.equal((await s.get(done.id))?.status, 'closed', 'closed for good');
    assert.equal((await s.get(second.request.id))?.status, 'completed');
    assert.equal(await s.openRequestFor(P().jane!), undefined);
  });

  it('an account deleted more than 30 days ago is refused', async () => {
    const s = service();
    const deleted = await offboardJane(s, { convertToShared: false, grantFullAccess: false, grantSendAs: false, autoReply: false, forwardToInheritor: false, deleteAccount: true });
    tenant.advanceClock(31 * 86_400_000);
    clock = new Date(Date.now() + 31 * 86_400_000);
    const late = await s.reinstatements.prepare(isaac(), deleted.id, personal);
    assert.ok(late.ok, late.ok ? '' : late.reason);
    assert.match(late.preview.plan.refusals.join(' '), /deleted more than 30 days ago/);
    const refused = await s.reinstatements.submit({ requester: isaac(), offboardingId: deleted.id, removeHandovers: false, teams: {}, where: personal });
    assert.ok(!refused.ok && /more than 30 days ago/.test(refused.reason));
  });
});
