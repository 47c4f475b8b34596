// A scheduled run plans again when it starts (issue 12, part 1), against the simulated tenant with a fake clock: what
// appeared since the approval is handled and listed in the summary; a change the approval did not cover (the leaver
// protected or now an admin, the inheritor disabled) writes nothing and asks for a new decision; a read that fails
// leaves the request scheduled for a later tick. Plus the plan diff and the lease, as units.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import type { RequesterNews } from '../../src/offboarding/housekeeping';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { Plan, PlannedStep, StepKind } from '../../src/offboarding/plan';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { planChanges, rolesNotApproved, ScheduledStart } from '../../src/offboarding/scheduled-start';
import { OffboardingService } from '../../src/offboarding/service';
import type { SimulatedTenant } from '../../src/simulator';
import { MemoryStore } from '../../src/store/memory';
import { statusCardData, summaryCardData } from '../../src/teams/view';
import { isM365Write, simulatedTenantPerSuite } from '../fakes/simulated-tenant';
import { recordingNotifier } from '../fakes/recording-notifier';

const EFFECTIVE = '2026-11-28T09:00:00.000Z';
const MFA_ID = '0c6f7a4e-5b1d-4a57-9f7e-2f6d1a9c8b01';
const DEVICE_ID = '5e2b7c1a-9d3f-4e8b-a6c2-7f1e0d9b3a55';
const FINANCE_ALL = 'b43effc1-9559-5e73-a13d-125e80f7d6f6';
const MARKETING_TEAM = '9dc0ff89-61c5-55d4-b6f6-e966e95a8fd8';
const OFFBOARDABLE_STAFF = '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d'; // the seed's administrative unit: Jane is in it

describe('a scheduled run plans again when it starts', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  let clock: Date;
  const events: string[] = [];
  const told: Array<{ id: string; news: RequesterNews }> = [];
  let store: MemoryStore;
  let engine: OffboardingEngine;

  /** `shared`: a second instance over the same store and engine (as several App Service instances share a store). */
  function service(shared = false, offboardableUnitId?: string): OffboardingService {
    store = shared ? store : new MemoryStore();
    const audit = new Audit(store);
    const { graph, exchange } = createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
      { onCall: audit.onCall, maxRetries: 2, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    );
    engine = shared ? engine : new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 20 } });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now: () => clock, ...(offboardableUnitId ? { offboardableUnitId } : {}) });
    s.setNotifier(
      recordingNotifier(events, {
        tellRequester: (r, news) => (told.push({ id: r.id, news }), Promise.resolve('thread' as const)),
        reapprovalNeeded: (r) => (events.push(`reapproval ${r.id} ${r.approvers.map((a) => a.displayName).join(',')}`), Promise.resolve()),
      }),
    );
    return s;
  }

  const P = () => tenant.personas;
  const actor = (key: string, name: string) => ({ id: P()[key]!, displayName: name });
  /** Every Microsoft 365 write so far (DOMAIN.md's definition), from the tenant's request log. */
  const writes = () =>
    tenant
      .requestLog()
      .filter(isM365Write)
      .map((e) => `${e.method} ${e.path}${e.cmdlet ? ` ${e.cmdlet}` : ''}`);

  simulatedTenantPerSuite(
    (t) => (tenant = t),
    () => {
      clock = new Date('2026-11-27T10:00:00.000Z');
      events.length = 0;
      told.length = 0;
    },
  );

  /** Jane, approved by her manager to run at EFFECTIVE: scheduled, nothing written. */
  async function approvedForLater(s: OffboardingService, leaverKey = 'jane', approverKey = 'janeManager'): Promise<OffboardingRequest> {
    const submitted = await s.submit({ requester: actor('operator', 'Isaac Ito'), leaverId: P()[leaverKey]!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, effectiveAt: EFFECTIVE, teams: {}, where: { kind: 'personal' } });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const approver = submitted.request.approvers.find((a) => a.id === P()[approverKey]) ?? submitted.request.approvers[0]!;
    assert.ok((await s.decide(submitted.request.id, approver, 'approved')).ok);
    await s.idle();
    const r = (await s.get(submitted.request.id))!;
    assert.equal(r.status, 'scheduled');
    assert.deepEqual(writes(), []);
    return r;
  }

  async function atEffectiveTime(s: OffboardingService, ms = 1000): Promise<void> {
    clock = new Date(Date.parse(EFFECTIVE) + ms);
    await s.tick();
    await s.idle();
  }

  const auditEvents = async (id: string) => (await store.readAudit({ requestId: id })).filter((e) => e.kind !== 'call').map((e) => e.data?.event);

  it('groups, a device and an MFA method added after the approval are all handled, and the summary lists them', async () => {
    const s = service();
    const r = await approvedForLater(s);
    const jane = P().jane!;
    tenant.editTenant((t) => {
      for (const g of t.groups.filter((x) => x.id === FINANCE_ALL || x.id === MARKETING_TEAM)) {
        g.members.push(jane);
      }
      const laptop = t.managedDevices.find((d) => d.userId === jane)!;
      t.managedDevices.push({ ...structuredClone(laptop), id: DEVICE_ID, deviceName: 'JANE-LAPTOP', serialNumber: 'NEW0001', azureADDeviceId: 'a3f0c9d2-1b7e-4c55-8e2a-6d9b0f4e7c13' });
      t.authenticationMethods[jane]!.methods.push({ '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: MFA_ID, secretKey: null });
    });

    // Not before its time.
    await s.tick();
    await s.idle();
    assert.equal((await s.get(r.id))?.status, 'scheduled');

    await atEffectiveTime(s);
    const done = (await s.get(r.id))!;
    assert.equal(done.status, 'completed');
    const added = (kind: StepKind) => done.replanned!.added.filter((c) => c.step === kind).map((c) => c.label);
    assert.deepEqual(added('leave-groups').sort(), ['Marketing Team', 'SG-Finance-All']);
    assert.deepEqual(added('intune-devices'), ['JANE-LAPTOP']);
    assert.deepEqual(added('remove-mfa-methods'), ['softwareOath']);
    assert.deepEqual(done.replanned!.gone, []);
    // The run executed the fresh plan: the tenant shows them handled.
    const state = tenant.state();
    assert.ok(!state.groups.find((g) => g.id === FINANCE_ALL)!.members.includes(jane));
    assert.ok(!state.groups.find((g) => g.id === MARKETING_TEAM)!.members.includes(jane));
    assert.equal(state.managedDevices.find((d) => d.id === DEVICE_ID)?.deviceActionResults?.[0]?.actionName, 'wipe');
    assert.ok(!state.authenticationMethods[jane]!.methods.some((m) => m.id === MFA_ID));
    // Listed in the summary, and audited.
    const summary = summaryCardData(done, await s.runView(done));
    const fact = summary.facts.find((f) => f.title === 'Added since approval');
    assert.match(fact?.value ?? '', /^2 groups \((Marketing Team, SG-Finance-All|SG-Finance-All, Marketing Team)\), 1 device \(JANE-LAPTOP\), 1 MFA method$/);
    assert.ok((await auditEvents(r.id)).includes('replanned'));
    assert.ok(events.includes(`started ${r.id}`));
  });

  it('a leaver made protected before the effective time: no write, back to requested with a new approval naming it, the requester told', async () => {
    const s = service();
    const r = await approvedForLater(s);
    tenant.editTenant((t) => t.groups.find((g) => g.id === tenant.groups.protectedGroupId)!.members.push(P().jane!));

    await atEffectiveTime(s);
    const back = (await s.get(r.id))!;
    assert.deepEqual(writes(), [], 'nothing written to Microsoft 365');
    assert.equal(back.status, 'requested');
    assert.equal(back.decision, undefined);
    assert.match(back.reapproval!.changes.join(' '), /Jane Doe is now in the protected group/);
    assert.equal(back.reapproval!.previous?.by.displayName, 'Marcus Reed');
    assert.deepEqual(back.approvers.map((a) => a.displayName), ['Marcus Reed']);
    assert.equal(back.expiresAt, new Date(clock.getTime() + 72 * 3600_000).toISOString());
    assert.deepEqual(told, [{ id: r.id, news: 'reapproval' }]);
    assert.ok(events.includes(`reapproval ${r.id} Marcus Reed`));
    assert.deepEqual((await auditEvents(r.id)).slice(-2), ['re-approval', 'requester-told']);
    // It still holds its leaver: nobody else starts an offboarding for Jane meanwhile.
    assert.equal((await s.openRequestFor(P().jane!))?.id, r.id);

    // Approved again while still protected: planned again at once (the next tick), asked again, still no write.
    assert.ok((await s.decide(r.id, actor('janeManager', 'Marcus Reed'), 'approved')).ok);
    await s.idle();
    assert.equal((await s.get(r.id))?.status, 'scheduled');
    await s.tick();
    await s.idle();
    assert.equal((await s.get(r.id))?.status, 'requested');
    assert.deepEqual(writes(), []);

    // No longer protected, approved again: it runs.
    tenant.editTenant((t) => {
      const g = t.groups.find((x) => x.id === tenant.groups.protectedGroupId)!;
      g.members = g.members.filter((m) => m !== P().jane);
    });
    assert.ok((await s.decide(r.id, actor('janeManager', 'Marcus Reed'), 'approved')).ok);
    await s.idle();
    await s.tick();
    await s.idle();
    assert.equal((await s.get(r.id))?.status, 'completed');
  });

  it('an inheritor disabled since the approval: no write, a new decision naming it', async () => {
    const s = service();
    const r = await approvedForLater(s);
    tenant.editTenant((t) => (t.users.find((u) => u.id === P().inheritorCandidate)!.accountEnabled = false));
    await atEffectiveTime(s);
    const back = (await s.get(r.id))!;
    assert.deepEqual(writes(), []);
    assert.equal(back.status, 'requested');
    assert.deepEqual(back.reapproval!.changes, ['Tom Alvarez, who inherits the mailbox and OneDrive, is now disabled.']);
    assert.deepEqual(told.map((t) => t.news), ['reapproval']);
  });

  it('a leaver who got an admin role since the approval: no write, a new decision naming the role; a role held at approval does not', async () => {
    const s = service();
    const r = await approvedForLater(s);
    tenant.editTenant((t) => t.directoryRoles.find((x) => x.displayName === 'Exchange Administrator')!.members.push(P().jane!));
    await atEffectiveTime(s);
    const back = (await s.get(r.id))!;
    assert.deepEqual(writes(), []);
    assert.equal(back.status, 'requested');
    assert.match(back.reapproval!.changes[0]!, /Jane Doe now holds an admin \(directory\) role the approval did not cover: Exchange Administrator/);
    // The re-approval shows the role: a decision on it covers it.
    assert.deepEqual(back.rolesAtApproval?.map((x) => x.displayName), ['Exchange Administrator']);

    // Priya already held Global Administrator when it was approved: that alone asks for nothing new.
    tenant.reset();
    clock = new Date('2026-11-27T10:00:00.000Z');
    const s2 = service();
    const priya = await approvedForLater(s2, 'adminUser');
    assert.ok(priya.rolesAtApproval?.some((x) => x.displayName === 'Global Administrator'));
    await atEffectiveTime(s2);
    assert.equal(told.length, 1);
    assert.ok(['completed', 'completed-with-failures'].includes((await s2.get(priya.id))!.status));
  });

  it('a leaver deleted since the approval: no write, a new decision naming it, from those asked before', async () => {
    const s = service();
    const r = await approvedForLater(s);
    tenant.editTenant((t) => {
      t.users = t.users.filter((u) => u.id !== P().jane);
    });
    await atEffectiveTime(s);
    const back = (await s.get(r.id))!;
    assert.deepEqual(writes(), []);
    assert.equal(back.status, 'requested');
    assert.deepEqual(back.reapproval!.changes, ["Jane Doe's account no longer exists in Entra ID (deleted since the approval)."]);
    assert.deepEqual(back.approvers, r.approvers);
    assert.deepEqual(back.plan, r.plan);
  });

  it('a leaver taken out of the administrative unit the bot may offboard: no write, a new decision naming it', async () => {
    const s = service(false, OFFBOARDABLE_STAFF);
    const r = await approvedForLater(s);
    tenant.editTenant((t) => {
      const u = t.administrativeUnits!.find((x) => x.id === OFFBOARDABLE_STAFF)!;
      u.members = u.members.filter((m) => m !== P().jane);
    });
    await atEffectiveTime(s);
    const back = (await s.get(r.id))!;
    assert.deepEqual(writes(), []);
    assert.equal(back.status, 'requested');
    assert.equal(back.reapproval!.changes.length, 1);
    assert.match(back.reapproval!.changes[0]!, /no longer in the administrative unit this bot may offboard/);
  });

  it('Microsoft 365 unreadable at the effective time: no write, stays scheduled with the reason, tried again a minute later', async () => {
    const s = service();
    const r = await approvedForLater(s);
    tenant.setFaults({ rate503: 1 });
    await atEffectiveTime(s);
    const delayed = (await s.get(r.id))!;
    tenant.setFaults({ rate503: 0 });
    assert.deepEqual(writes(), []);
    assert.equal(delayed.status, 'scheduled');
    assert.equal(delayed.starting, undefined);
    assert.match(delayed.startDelayed!.reason, /503/);
    assert.ok((await auditEvents(r.id)).includes('start-delayed'));
    assert.deepEqual(told, [{ id: r.id, news: 'start-delayed' }], 'the requester hears of the first miss');
    const line = statusCardData([delayed]).requests[0]!.status;
    assert.match(line, /not started yet: .*503.*tried again every minute/);

    // Not on the next tick: after the backoff.
    const calls = tenant.requestLog().length;
    await atEffectiveTime(s, 30_000);
    assert.equal(tenant.requestLog().length, calls, 'no read before the backoff');
    assert.equal((await s.get(r.id))?.status, 'scheduled');
    await atEffectiveTime(s, 62_000);
    const done = (await s.get(r.id))!;
    assert.equal(done.status, 'completed');
    assert.deepEqual(told, [{ id: r.id, news: 'start-delayed' }], 'told once');
    assert.equal(done.startDelayed, undefined);
  });

  it('two instances ticking at once take the preflight once (a lease); a lapsed lease is taken over', async () => {
    const s = service();
    const r = await approvedForLater(s);
    const s2 = service(true);
    clock = new Date(Date.parse(EFFECTIVE) + 1000);
    await Promise.all([s.tick(), s2.tick()]);
    await Promise.all([s.idle(), s2.idle()]);
    assert.equal((await s.get(r.id))?.status, 'completed');
    assert.equal((await auditEvents(r.id)).filter((e) => e === 'replanned').length, 1);

    // A lease whose holder died: taken over once it lapses (5 minutes), not before.
    const starts = new ScheduledStart({} as never);
    const leased = { ...r, status: 'scheduled' as const, starting: { at: new Date(Date.parse(EFFECTIVE) + 1000).toISOString() } };
    assert.equal(starts.isDue(leased, new Date(Date.parse(EFFECTIVE) + 4 * 60_000)), false);
    assert.equal(starts.isDue(leased, new Date(Date.parse(EFFECTIVE) + 6 * 60_000)), true);
  });
});

describe('planChanges: a plan taken again against the approved one', () => {
  const step = (kind: StepKind, targets: Array<[string, string]>, extra: Partial<PlannedStep> = {}): PlannedStep => ({
    kind,
    phase: 'remove',
    title: kind,
    dependsOn: [],
    targets: targets.map(([id, label]) => ({ id, label })),
    rounds: 1,
    ...extra,
  });
  const plan = (steps: PlannedStep[]): Plan => ({ leaverId: 'jane', inheritorId: 'tom', options: DEFAULT_OPTIONS, steps, warnings: [], followUps: [], refusals: [] });

  it('lists targets added and gone, step by step', () => {
    const before = plan([step('leave-groups', [['g1', 'Sales'], ['g2', 'Old']]), step('intune-devices', [['d1', 'JANE-LT-01']])]);
    const after = plan([step('leave-groups', [['g1', 'Sales'], ['g3', 'Project X']]), step('intune-devices', [['d1', 'JANE-LT-01'], ['d2', 'JANE-LAPTOP']])]);
    assert.deepEqual(planChanges(before, after), {
      added: [
        { step: 'leave-groups', id: 'g3', label: 'Project X' },
        { step: 'intune-devices', id: 'd2', label: 'JANE-LAPTOP' },
      ],
      gone: [{ step: 'leave-groups', id: 'g2', label: 'Old' }],
    });
  });

  it('a step with nothing to do before counts its new targets as added; a skipped step acts on none', () => {
    const before = plan([step('remove-mfa-methods', [], { skip: 'nothing to do' }), step('revoke-oauth-grants', [['o1', 'App']], { skip: 'not chosen' })]);
    const after = plan([step('remove-mfa-methods', [['m1', 'phone']]), step('revoke-oauth-grants', [['o1', 'App'], ['o2', 'Other']], { skip: 'not chosen' })]);
    assert.deepEqual(planChanges(before, after), { added: [{ step: 'remove-mfa-methods', id: 'm1', label: 'phone' }], gone: [] });
  });

  it('targets read only when the step runs, and the leaver and inheritor themselves, are not compared', () => {
    const before = plan([step('leave-groups', [], { readAtRun: true }), step('block-sign-in', [['jane', 'Jane']], { skip: 'already done' })]);
    const after = plan([step('leave-groups', [['g1', 'Sales']]), step('block-sign-in', [['jane', 'Jane']]), step('grant-full-access', [['tom', 'Tom']])]);
    assert.deepEqual(planChanges(before, after), { added: [], gone: [] });
  });
});

describe('rolesNotApproved: admin roles the approval did not cover', () => {
  const GA = { id: 'r-ga', displayName: 'Global Administrator' };
  const EXO = { id: 'r-exo', displayName: 'Exchange Administrator' };
  const basePlan = { leaverId: 'jane', inheritorId: 'tom', options: DEFAULT_OPTIONS, steps: [], followUps: [], refusals: [] };

  it('against the roles kept at approval', () => {
    assert.deepEqual(rolesNotApproved({ rolesAtApproval: [GA], plan: { ...basePlan, warnings: [] } }, [GA, EXO]), [EXO]);
    assert.deepEqual(rolesNotApproved({ rolesAtApproval: [], plan: { ...basePlan, warnings: [] } }, []), []);
  });

  it('an older request without them: the roles its plan warned about were seen; with no warning, every role is new', () => {
    const warned = { ...basePlan, warnings: [{ code: 'directory-roles' as const, message: 'Priya holds directory roles (Global Administrator): ...' }] };
    assert.deepEqual(rolesNotApproved({ plan: warned }, [GA, EXO]), [EXO]);
    assert.deepEqual(rolesNotApproved({ plan: { ...basePlan, warnings: [] } }, [GA]), [GA]);
    // Whole names only: "Application Administrator" seen does not cover "Cloud Application Administrator".
    const app = { ...basePlan, warnings: [{ code: 'directory-roles' as const, message: 'Priya holds directory roles (Cloud Application Administrator, Exchange Administrator): ...' }] };
    const APP = { id: 'r-app', displayName: 'Application Administrator' };
    assert.deepEqual(rolesNotApproved({ plan: app }, [APP, EXO]), [APP]);
  });
});
