// Stopping a running offboarding and resuming it, through the service against the simulated tenant (fake clock for the
// request's times): a cancel mid-run starts no step after it and ends the request stopped, keeping its leaver; the
// summary says what was done and what was not; an operator resumes it and every step and one-shot action happens
// exactly once across the stop; who may not stop, resume or close is refused with nothing changed.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import type { RunView } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import * as lifecycle from '../../src/offboarding/requests';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { OffboardingService, OPEN_BY_LEAVER, REQUESTS } from '../../src/offboarding/service';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { MemoryStore } from '../../src/store/memory';
import { progressCardData, summaryCardData } from '../../src/teams/view';
import { recordingNotifier } from '../fakes/recording-notifier';

describe('stopping and resuming an offboarding (service, simulated tenant)', function () {
  this.timeout(60_000);
  let tenant: SimulatedTenant;
  let clock: Date;
  let store: MemoryStore;
  const ended: Array<{ request: OffboardingRequest; view?: RunView }> = [];

  function service(on = new MemoryStore()): OffboardingService {
    store = on;
    const audit = new Audit(store);
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall });
    const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 20, sharedPollMaxMs: 100 } });
    const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now: () => clock });
    s.setNotifier(recordingNotifier([], { ended: (request, view) => (ended.push({ request, view }), Promise.resolve()) }));
    return s;
  }

  const P = () => tenant.personas;
  const isaac = () => ({ id: P().operator!, displayName: 'Isaac Ito' });
  const marcus = () => ({ id: P().janeManager!, displayName: 'Marcus Reed' });
  const tom = () => ({ id: P().inheritorCandidate!, displayName: 'Tom Alvarez' });

  before(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
  });
  after(() => tenant.close());
  beforeEach(() => {
    tenant.reset();
    // Marcus approves Jane's offboarding; in the seed he is an operator too: here he is only her approver.
    tenant.editTenant((data) => {
      const operators = data.groups.find((g) => g.id === tenant.groups.operatorsGroupId)!;
      operators.members = operators.members?.filter((m) => m !== tenant.personas.janeManager);
    });
    clock = new Date('2026-11-27T10:00:00.000Z');
    ended.length = 0;
  });

  async function approvedJane(s: OffboardingService): Promise<OffboardingRequest> {
    const submitted = await s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' } });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const decided = await s.decide(submitted.request.id, marcus(), 'approved');
    assert.ok(decided.ok);
    return submitted.request;
  }

  async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
    for (let i = 0; i < 5000; i++) {
      const value = await read();
      if (value !== undefined) {
        return value;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** The stored request document (value and etag): refusals must leave it as it was. */
  const stored = async (id: string) => JSON.stringify(await store.get(REQUESTS, id));

  /** One-shot sends in the tenant's log, by target: Intune wipe/retire by device, ActiveSync wipes by phone. */
  function oneShotSends(log: LogEntry[]): Map<string, number> {
    const sends = new Map<string, number>();
    for (const e of log) {
      const intune = /\/managedDevices\/([^/]+)\/(wipe|retire)$/.exec(e.path);
      const key = intune && e.method === 'POST' ? `intune ${intune[1]}` : e.cmdlet === 'Clear-MobileDevice' ? `activesync ${JSON.stringify(e.body)}` : undefined;
      if (key) {
        sends.set(key, (sends.get(key) ?? 0) + 1);
      }
    }
    return sends;
  }

  it('a cancel mid-run: no step starts after it, steps in flight finish, the request ends stopped and keeps its leaver; resumed, every step and one-shot action happens exactly once', async () => {
    // Every request takes a while: the cancel lands while containment runs, before the devices are touched.
    tenant.setFaults({ latencyMs: 40 });
    const s = service();
    const r = await approvedJane(s);
    const runView = async () => {
      const current = await s.get(r.id);
      return current ? s.runView(current) : undefined;
    };
    await until(async () => ((await runView())?.steps.some((st) => st.status === 'running') ? true : undefined), 'a step to run');

    clock = new Date('2026-11-27T10:05:00.000Z');
    const cancelled = await s.cancel(r.id, isaac());
    const logAtStop = tenant.requestLog().length;
    const atStop = (await runView())!;
    assert.ok(cancelled.ok, cancelled.ok ? '' : cancelled.reason);
    assert.equal(cancelled.request.status, 'stopping');
    const inFlight = atStop.steps.filter((st) => st.status === 'running').map((st) => st.kind);
    assert.ok(inFlight.length >= 1);
    assert.equal(cancelled.inFlight, inFlight.length);
    const pendingAtStop = atStop.steps.filter((st) => st.status === 'pending').map((st) => st.kind);
    assert.ok(pendingAtStop.includes('intune-devices') && pendingAtStop.includes('remove-mobile-mail'), 'the cancel came before the devices');

    await s.idle();
    tenant.setFaults({ latencyMs: 0 });
    const stopped = (await s.get(r.id))!;
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.stop?.by.id, isaac().id);
    assert.equal(stopped.stoppedAt, clock.toISOString());
    const view = (await s.runView(stopped))!;
    assert.equal(view.run.status, 'stopped');
    // No step started after the cancel: the steps that ran are the ones running or done before it.
    const startedAfter = view.steps.filter((st) => st.startedAt && !atStop.steps.find((a) => a.kind === st.kind && a.startedAt === st.startedAt));
    assert.deepEqual(startedAfter.map((st) => st.kind), [], 'steps started after the cancel');
    for (const kind of inFlight) {
      assert.ok(['done', 'skipped', 'failed'].includes(view.steps.find((st) => st.kind === kind)!.status), `${kind} was in flight and finished`);
    }
    const notRun = view.steps.filter((st) => st.status === 'pending').map((st) => st.kind);
    assert.ok(notRun.length > 0);
    assert.ok(notRun.every((k) => pendingAtStop.includes(k)));
    // Nothing a pending step does reached the tenant: no device action, no licence removed.
    const afterStop = tenant.requestLog().slice(logAtStop);
    assert.equal(oneShotSends(tenant.requestLog()).size, 0, 'a one-shot action was sent after the cancel');
    assert.ok(!afterStop.some((e) => /assignLicense$/.test(e.path)));

    // The summary and the progress card say what was done and what was not.
    const last = ended.at(-1)!;
    assert.equal(last.request.status, 'stopped');
    const summary = summaryCardData(last.request, last.view);
    assert.match(summary.title, /: Stopped$/);
    assert.match(summary.outcome, new RegExp(`Stopped by Isaac Ito .*; ${notRun.length} not run\\.`));
    const lines = new Map(summary.steps.map((l, i) => [r.plan.steps[i]!.kind, l]));
    for (const kind of notRun) {
      assert.deepEqual([lines.get(kind)?.icon, lines.get(kind)?.note], ['⏹', 'not run: stopped by Isaac Ito'], kind);
    }
    for (const st of view.steps.filter((x) => x.status === 'done')) {
      assert.notEqual(lines.get(st.kind)?.icon, '⏹');
    }
    assert.ok(summary.facts.some((f) => f.title === 'Stopped' && f.value.startsWith('Isaac Ito')));
    const progress = progressCardData(stopped, view);
    assert.equal(progress.retry?.title, 'Resume');

    // The stopped request keeps its leaver: a new request for Jane is refused.
    assert.equal((await s.openRequestFor(P().jane!))?.id, r.id);
    const second = await s.submit({ requester: isaac(), leaverId: P().jane!, inheritorId: P().inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' } });
    assert.ok(!second.ok && second.reason.includes(r.id), second.ok ? '' : second.reason);

    // Approvers see it but can't resume or close it; nor can the requester stop it again.
    const before = await stored(r.id);
    const byApprover = await s.retry(r.id, marcus());
    assert.ok(!byApprover.ok && /operators group can retry failed steps or resume/.test(byApprover.reason), byApprover.ok ? "" : byApprover.reason);
    const closeByApprover = await s.close(r.id, marcus());
    assert.ok(!closeByApprover.ok && /Only members of the offboarding operators group can close/.test(closeByApprover.reason));
    const cancelAgain = await s.cancel(r.id, isaac());
    assert.ok(!cancelAgain.ok && /already stopped/.test(cancelAgain.reason));
    assert.equal(await stored(r.id), before);

    // An operator resumes it: the rest runs once, nothing that ran runs again, each device action is sent once.
    clock = new Date('2026-11-27T10:10:00.000Z');
    const resumed = await s.retry(r.id, isaac());
    assert.ok(resumed.ok, resumed.ok ? '' : resumed.reason);
    assert.equal(resumed.request.status, 'running');
    assert.equal(resumed.request.resumed?.by.id, isaac().id);
    await s.idle();
    const done = (await s.get(r.id))!;
    assert.equal(done.status, 'completed');
    const final = (await s.runView(done))!;
    for (const st of final.steps) {
      assert.ok(st.attempts <= 1, `${st.kind} started ${st.attempts} times`);
      assert.notEqual(st.status, 'pending');
    }
    const sends = oneShotSends(tenant.requestLog());
    const intune = final.steps.find((st) => st.kind === 'intune-devices')!;
    const phones = final.steps.find((st) => st.kind === 'remove-mobile-mail')!;
    assert.equal([...sends.keys()].filter((k) => k.startsWith('intune ')).length, intune.counts.total);
    assert.equal([...sends.keys()].filter((k) => k.startsWith('activesync ')).length, phones.counts.total);
    assert.ok(sends.size > 0);
    for (const [target, n] of sends) {
      assert.equal(n, 1, `${target} sent ${n} times`);
    }
    assert.equal(await s.openRequestFor(P().jane!), undefined, 'completed: the leaver is free');
    const audit = await store.readAudit({ requestId: r.id });
    const events = audit.map((e) => (e.data as { event?: string }).event);
    for (const event of ['stop', 'stopped', 'resume', 'completed']) {
      assert.ok(events.includes(event), `no audit event ${event}`);
    }
  });

  /** The store as a process killed now would leave it (a copy: the first process's drive goes on in its own). */
  async function crashCopy(from: MemoryStore): Promise<MemoryStore> {
    const copy = new MemoryStore();
    for (const collection of [REQUESTS, OPEN_BY_LEAVER, 'runs', 'steps', 'items']) {
      for (const doc of await from.list(collection)) {
        await copy.put(collection, doc.id, doc.value, null);
      }
    }
    return copy;
  }

  it('across a crash: a stopping request is finished as stopped at start-up, and a resume the process died in is taken up', async () => {
    tenant.setFaults({ latencyMs: 40 });
    const first = service();
    const firstStore = store;
    const r = await approvedJane(first);
    await until(async () => {
      const current = await first.get(r.id);
      return current && (await first.runView(current))?.steps.some((st) => st.status === 'running') ? true : undefined;
    }, 'a step to run');
    assert.ok((await first.cancel(r.id, isaac())).ok);
    const crashed = await crashCopy(firstStore);
    const inFlight = (await first.runView((await first.get(r.id))!))!.steps.filter((st) => st.status === 'running').map((st) => st.kind);
    await first.idle();

    // The restarted process: the request is stopping, its run carries the stop; steps found running finish.
    const second = service(crashed);
    assert.deepEqual(await second.resume(), [r.id]);
    await second.idle();
    tenant.setFaults({ latencyMs: 0 });
    const stopped = (await second.get(r.id))!;
    assert.equal(stopped.status, 'stopped');
    const view = (await second.runView(stopped))!;
    assert.equal(view.run.status, 'stopped');
    const ran = view.steps.filter((st) => st.startedAt).map((st) => st.kind);
    assert.ok(ran.every((k) => inFlight.includes(k) || ['done', 'skipped', 'failed'].includes(view.steps.find((st) => st.kind === k)!.status)));
    assert.ok(view.steps.some((st) => st.status === 'pending'));
    assert.equal((await second.openRequestFor(P().jane!))?.id, r.id, 'a stopped request keeps its leaver');

    // An operator's click moved the request to running, and the process died before its run was taken up.
    const diedAfterClick = await crashCopy(store);
    const doc = (await diedAfterClick.get<OffboardingRequest>(REQUESTS, r.id))!;
    const clicked = lifecycle.resume(doc.value, isaac(), clock);
    assert.ok(clicked.ok);
    await diedAfterClick.put(REQUESTS, r.id, clicked.value, doc.etag);
    const third = service(diedAfterClick);
    assert.deepEqual(await third.resume(), [r.id]);
    await third.idle();
    assert.equal((await third.get(r.id))?.status, 'completed');
    for (const [target, n] of oneShotSends(tenant.requestLog())) {
      assert.equal(n, 1, `${target} sent ${n} times`);
    }
  });

  it('refusals change nothing: a cancel by someone not allowed, a close of a running request, a cancel of a finished one; an operator closes a stopped request', async () => {
    // The mailbox takes seconds to report shared: the run is still going when the refusals have been made.
    tenant.setFaults({ mailboxConversionDelayMs: 3000 });
    const s = service();
    const r = await approvedJane(s);
    await until(async () => ((await s.get(r.id))?.status === 'running' ? true : undefined), 'the run to start');
    const before = await stored(r.id);
    const byTom = await s.cancel(r.id, tom()); // may not see it: as for an unknown id
    assert.ok(!byTom.ok && byTom.reason.startsWith(`There is no offboarding request ${r.id}`), byTom.ok ? '' : byTom.reason);
    const byMarcus = await s.cancel(r.id, marcus()); // the approver sees it but may not stop it
    assert.ok(!byMarcus.ok && byMarcus.reason === `Only Isaac Ito (who asked for it) or an operator can cancel ${r.id}.`, byMarcus.ok ? '' : byMarcus.reason);
    const closeRunning = await s.close(r.id, isaac());
    assert.ok(!closeRunning.ok && closeRunning.reason.includes(`stop it first with \`cancel ${r.id}\``), closeRunning.ok ? '' : closeRunning.reason);
    const resumeRunning = await s.retry(r.id, isaac());
    assert.ok(!resumeRunning.ok && /still running/.test(resumeRunning.reason));
    assert.equal(await stored(r.id), before);

    // Stopped, then closed by an operator: nothing more runs, and the leaver is free.
    assert.ok((await s.cancel(r.id, isaac())).ok);
    await s.idle();
    tenant.setFaults({ mailboxConversionDelayMs: 0 });
    assert.equal((await s.get(r.id))?.status, 'stopped');
    const closed = await s.close(r.id, isaac());
    assert.ok(closed.ok, closed.ok ? '' : closed.reason);
    assert.equal(closed.request.status, 'closed');
    assert.equal(await store.get(OPEN_BY_LEAVER, P().jane!), undefined);
    const last = ended.at(-1)!;
    assert.equal(last.request.status, 'closed');
    assert.match(summaryCardData(last.request, last.view).outcome, /^Closed by Isaac Ito .*after Isaac Ito stopped it: .* not run\. Nothing more will run\.$/);
    const afterClose = await stored(r.id);
    const resumeClosed = await s.retry(r.id, isaac());
    assert.ok(!resumeClosed.ok);
    const cancelClosed = await s.cancel(r.id, isaac());
    assert.ok(!cancelClosed.ok && /has already ended \(closed\)/.test(cancelClosed.reason), cancelClosed.ok ? '' : cancelClosed.reason);
    assert.equal(await stored(r.id), afterClose);

    // A finished request: a clear refusal, nothing changed.
    const next = await approvedJane(s);
    await s.idle();
    assert.equal((await s.get(next.id))?.status, 'completed');
    const finished = await stored(next.id);
    const cancelDone = await s.cancel(next.id, isaac());
    assert.ok(!cancelDone.ok && cancelDone.reason === `${next.id} has already ended (completed): nothing is left to cancel or stop. Nothing was changed.`, cancelDone.ok ? '' : cancelDone.reason);
    const closeDone = await s.close(next.id, isaac());
    assert.ok(!closeDone.ok && /Only a stopped request can be closed/.test(closeDone.reason));
    assert.equal(await stored(next.id), finished);
  });
});
