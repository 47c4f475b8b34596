// The conversation's use cases without Teams, against the simulated tenant: scheduled starts, retrying failed steps,
// and one open request per leaver even when two submits race.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { OffboardingService } from '../../src/offboarding/service';
import { MemoryStore } from '../../src/store/memory';
import type { SimulatedTenant } from '../../src/simulator';
import { simulatedTenantPerSuite } from '../fakes/simulated-tenant';
import { recordingNotifier } from '../fakes/recording-notifier';

describe('offboarding service', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  let clock: Date;
  const events: string[] = [];

  function service(): OffboardingService {
    const store = new MemoryStore();
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall });
    const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 20 } });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now: () => clock });
    s.setNotifier(recordingNotifier(events));
    return s;
  }

  const P = () => tenant.personas;
  const actor = (key: string, name: string) => ({ id: P()[key]!, displayName: name });

  simulatedTenantPerSuite(
    (t) => (tenant = t),
    () => {
      clock = new Date('2026-11-27T10:00:00.000Z');
      events.length = 0;
    },
  );

  async function submit(s: OffboardingService, leaverKey: string, extra: Partial<Parameters<OffboardingService['submit']>[0]> = {}): Promise<OffboardingRequest> {
    const result = await s.submit({ requester: actor('operator', 'Isaac Ito'), leaverId: P()[leaverKey]!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const }, ...extra });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    return result.request;
  }

  it('a later effective time schedules the run; it starts when the time comes, not before', async () => {
    const s = service();
    const r = await submit(s, 'jane', { effectiveAt: '2026-11-28T09:00:00.000Z', timeZone: 'Europe/London' });
    const decided = await s.decide(r.id, actor('janeManager', 'Marcus Reed'), 'approved');
    assert.ok(decided.ok);
    await s.idle();
    assert.equal((await s.get(r.id))?.status, 'scheduled');
    await s.tick();
    assert.equal((await s.get(r.id))?.status, 'scheduled');
    const writesBefore = tenant.requestLog().filter((e) => e.method === 'PATCH').length;
    assert.equal(writesBefore, 0);

    clock = new Date('2026-11-28T09:00:01.000Z');
    await s.tick();
    await s.idle();
    const done = (await s.get(r.id))!;
    assert.equal(done.status, 'completed');
    assert.ok(events.includes(`started ${r.id}`));
    assert.ok(events.includes(`ended ${r.id} completed`));
    // A finished request frees the leaver for a new one.
    assert.equal(await s.openRequestFor(P().jane!), undefined);
  });

  it('failed steps can be retried by an operator; a failing containment skips everything else', async () => {
    const s = service();
    // Priya holds Global Administrator: the app (a User Administrator) gets 403 blocking her.
    const r = await submit(s, 'adminUser');
    assert.ok(r.warnings.some((w) => w.code === 'directory-roles'));
    await s.decide(r.id, r.approvers[0]!, 'approved');
    await s.idle();
    const failed = (await s.get(r.id))!;
    assert.equal(failed.status, 'completed-with-failures');
    const view = (await s.runView(failed))!;
    const block = view.steps.find((st) => st.kind === 'block-sign-in')!;
    assert.equal(block.status, 'failed');
    assert.equal(block.error?.code, 'Authorization_RequestDenied');
    assert.ok(block.error?.requestId);
    const leave = view.steps.find((st) => st.kind === 'leave-groups')!;
    assert.equal(leave.status, 'skipped');
    assert.equal(leave.blocked, true);
    assert.equal(leave.reason, 'not run: "Revoke sign-in sessions" did not run');

    const refused = await s.retry(r.id, actor('inheritorCandidate', 'Tom Alvarez'));
    assert.ok(!refused.ok && /operators group/.test(refused.reason));
    // Two clicks at once: the status is checked inside the compare-and-swap, so only one retry starts.
    const both = await Promise.all([s.retry(r.id, actor('operator', 'Isaac Ito')), s.retry(r.id, actor('operator', 'Isaac Ito'))]);
    assert.equal(both.filter((x) => x.ok).length, 1);
    assert.match((both.find((x) => !x.ok) as { reason: string }).reason, /still running/);
    await s.idle();
    const again = (await s.runView((await s.get(r.id))!))!;
    assert.equal(again.steps.find((st) => st.kind === 'block-sign-in')!.attempts, 2);
    assert.equal((await s.get(r.id))?.status, 'completed-with-failures');

    // A newer request for the same person closes retry on the old one.
    const newer = await submit(s, 'adminUser');
    const closed = await s.retry(r.id, actor('operator', 'Isaac Ito'));
    assert.ok(!closed.ok && closed.reason.includes(`newer open request, ${newer.id}`));
  });

  it('two submits for the same leaver at once: one request, the other refused', async () => {
    const s = service();
    const input = { requester: actor('operator', 'Isaac Ito'), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } };
    const [a, b] = await Promise.all([s.submit(input), s.submit(input)]);
    assert.equal([a, b].filter((x) => x.ok).length, 1);
    const loser = [a, b].find((x) => !x.ok) as { ok: false; reason: string };
    assert.match(loser.reason, /already has an open offboarding request/);
    assert.equal((await s.list()).length, 1);
  });

  it('no manager: every active member of the approvers group may decide; the requester is never one of them', async () => {
    const s = service();
    const r = await submit(s, 'noManagerUser');
    assert.deepEqual(r.approvers.map((a) => a.role), r.approvers.map(() => 'approvers-group'));
    assert.ok(r.approvers.length >= 2 && r.approvers.length <= 10);
    assert.ok(!r.approvers.some((a) => a.id === P().operator));
    assert.match(r.approverNote ?? '', /no manager/);
  });
});
