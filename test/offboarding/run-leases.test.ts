// Run ownership by lease, with fencing: two executors (two instances) on one store and one simulated tenant. Only
// the lease holder drives a run; an owner that loses its lease sends nothing more, its writes are refused and the run
// is not ended by it; the next owner takes the run over, finishes it with every step done once, and settles a
// one-shot action in doubt only after the old owner's requests have surely arrived (settleNotBefore).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createM365, type GraphPort } from '../../src/m365';
import { Audit } from '../../src/offboarding/audit';
import { OffboardingEngine, peopleOf } from '../../src/offboarding/engine';
import { Executor, RunHeldElsewhereError, type ExecutorDeps } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { Plan } from '../../src/offboarding/plan';
import { AccessPolicy } from '../../src/offboarding/access';
import { Directory } from '../../src/offboarding/directory';
import { RequestRuns } from '../../src/offboarding/request-runs';
import { OffboardingService, OPEN_BY_LEAVER } from '../../src/offboarding/service';
import * as lifecycle from '../../src/offboarding/requests';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { COLLECTIONS, type RunPeople, type RunRecord, type StepState } from '../../src/offboarding/run';
import { RUNNERS } from '../../src/offboarding/steps';
import type { RequestNotifier } from '../../src/offboarding/service';
import { createLogger } from '../../src/logger';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { LeaseLostError, runLeaseName } from '../../src/store/leases';
import { MemoryStore } from '../../src/store/memory';
import { ConflictError, FencedError } from '../../src/store/store';
import { LeaseBoard } from '../fakes/fake-leases';
import { recordingNotifier } from '../fakes/recording-notifier';
import { TOM_ID } from './jane';

const REQUEST_TIMEOUT_MS = 100_000;
const SETTINGS = { sharedPollInitialMs: 20, sharedPollMaxMs: 20, sharedPollTimeoutMs: 5_000 };

/** Writes the tenant received, as "METHOD path cmdlet body": each must appear once. */
const writes = (log: LogEntry[]): string[] =>
  log.filter((e) => e.method !== 'GET' && !e.path.endsWith('/$batch') && !(e.cmdlet ?? 'x').startsWith('Get-')).map((e) => `${e.method} ${e.path} ${e.cmdlet ?? ''} ${JSON.stringify(e.body ?? null)}`);

describe('run ownership by lease (two executors, one store)', function () {
  this.timeout(30_000);
  let tenant: SimulatedTenant;
  let store: MemoryStore;
  let board: LeaseBoard;
  let plan: Plan;
  let people: RunPeople;
  let clock: number;

  /** An instance's executor over the shared store and tenant, with its own gateways and leases. */
  const instance = (name: string, extra: Partial<ExecutorDeps> = {}): Executor => {
    const audit = new Audit(store);
    const { graph, exchange } = createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
      { onCall: audit.onCall, sleep: () => Promise.resolve() },
    );
    return new Executor({ store, graph, exchange, audit, settings: SETTINGS, leases: board.instance(name), ...extra });
  };

  beforeEach(async () => {
    tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 0 });
    store = new MemoryStore();
    clock = Date.now();
    board = new LeaseBoard(store, { now: () => clock, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, {});
    const preview = await new OffboardingEngine({ graph, exchange, store }).preview(tenant.personas.jane!, TOM_ID, DEFAULT_OPTIONS);
    plan = preview.plan;
    people = peopleOf(preview.snapshot);
  });
  afterEach(() => tenant.close());

  const steps = async (runId: string) => (await store.list<StepState>(COLLECTIONS.steps, `${runId}/`)).map((d) => d.value);
  const run = async (runId: string) => (await store.get<RunRecord>(COLLECTIONS.runs, runId))!.value;

  it('only the holder drives a run: the other instance’s drive, resume and retry do nothing and say it is driven elsewhere', async () => {
    const a = instance('a');
    const b = instance('b');
    const driving = a.start({ runId: 'r1', requestId: 'r1', plan, people });
    await until(() => board.holder(runLeaseName('r1'))?.instance === 'a', 'a to hold the run');
    const before = tenant.requestLog().length;
    await assert.rejects(b.drive('r1'), RunHeldElsewhereError);
    await assert.rejects(b.resume('r1'), RunHeldElsewhereError);
    await assert.rejects(b.retryFailed('r1'), RunHeldElsewhereError);
    const view = await driving;
    assert.equal(view.run.status, 'completed');
    assert.equal(board.granted.filter((l) => l.name === 'run/r1').length, 1, 'b never held it');
    assert.ok(tenant.requestLog().length >= before);
    // Released at the end: nobody holds it now.
    assert.equal(board.holder(runLeaseName('r1')), undefined);
    const w = writes(tenant.requestLog());
    assert.equal(new Set(w).size, w.length, 'no write sent twice');
  });

  for (const how of ['paused', 'renewal failed'] as const) {
    it(`an owner that loses its lease mid-run (${how}) sends nothing more, writes nothing, ends nothing; the next owner finishes with every step done once`, async () => {
      let logAtLoss = -1;
      const a = instance('a', {
        maxConcurrentSteps: 1,
        runners: {
          'leave-groups': async (ctx) => {
            logAtLoss = tenant.requestLog().length;
            if (how === 'paused') {
              board.pause(runLeaseName('r2'));
            } else {
              board.fail(runLeaseName('r2'));
            }
            await RUNNERS['leave-groups'](ctx);
          },
        },
      });
      const lost = board.granted.length;
      await assert.rejects(a.start({ runId: 'r2', requestId: 'r2', plan, people }), LeaseLostError);
      const aLease = board.granted[lost]!;
      assert.equal(tenant.requestLog().length, logAtLoss, 'nothing sent after the lease was lost');
      // Not ended, and the step cut short still shows running (its new owner runs it again).
      const stored = await run('r2');
      assert.equal(stored.status, 'running');
      assert.equal(stored.endedAt, undefined);
      assert.equal((await steps('r2')).find((s) => s.kind === 'leave-groups')?.status, 'running');
      assert.ok(!(await store.readAudit({ runId: 'r2' })).some((e) => (e.data as { event?: string } | undefined)?.event === 'ended'));

      const sleeps: number[] = [];
      const b = instance('b', { now: () => clock, sleep: (ms) => ((clock += ms), sleeps.push(ms), Promise.resolve()) });
      const view = await b.drive('r2');
      assert.equal(view.run.status, 'completed');
      assert.ok(view.steps.every((s) => s.status === 'done' || s.status === 'skipped'), JSON.stringify(view.steps.map((s) => [s.kind, s.status])));
      assert.equal(view.steps.find((s) => s.kind === 'leave-groups')?.attempts, 2);
      // Every step's writes reached the tenant once, across both owners.
      const w = writes(tenant.requestLog());
      assert.equal(new Set(w).size, w.length, `a write sent twice: ${w.filter((x, i) => w.indexOf(x) !== i).join('; ')}`);
      assert.equal(tenant.state().users.find((u) => u.id === tenant.personas.jane)?.accountEnabled, false);

      // The old owner's writes, should one still be on its way, are fenced out.
      const doc = (await store.get<StepState>(COLLECTIONS.steps, 'r2/leave-groups'))!;
      await assert.rejects(store.put(COLLECTIONS.steps, 'r2/leave-groups', { ...doc.value, status: 'failed' }, doc.etag, aLease.fence), FencedError);
      assert.ok(board.granted.at(-1)!.fence.epoch > aLease.fence.epoch);
    });
  }

  it('a one-shot action in doubt when its owner lost the lease is settled by the next owner only after settleNotBefore, and never sent twice', async () => {
    const name = runLeaseName('r3');
    const a = instance('a', {
      runners: {
        // The tenant applies the wipes; the owner is paused before it can record the answers.
        'intune-devices': (ctx) =>
          RUNNERS['intune-devices']({
            ...ctx,
            graph: {
              ...ctx.graph,
              call: async (request) => {
                const answer = await ctx.graph.call(request);
                if (/\/(wipe|retire)$/.test(request.url) && board.holder(name)?.instance === 'a') {
                  board.pause(name);
                }
                return answer;
              },
            } as GraphPort,
          }),
      },
    });
    await assert.rejects(a.start({ runId: 'r3', requestId: 'r3', plan, people }), LeaseLostError);
    const doubtful = (await store.list<{ status: string }>(COLLECTIONS.items, 'r3/intune-devices/')).filter((d) => d.value.status === 'sent');
    assert.ok(doubtful.length >= 1, 'a wipe in doubt');

    const events: string[] = [];
    const audit = new Audit(store);
    const m365 = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall, sleep: () => Promise.resolve() });
    const graph: GraphPort = {
      ...m365.graph,
      call: (request) => {
        if (request.method === 'GET' && /\/deviceManagement\/managedDevices\/[^/?]+/.test(request.url)) {
          events.push(`read at ${clock}`);
        }
        return m365.graph.call(request);
      },
      list: (...args) => m365.graph.list(...args),
      batch: (requests) => m365.graph.batch(requests),
    };
    const start = clock;
    const b = new Executor({
      store,
      graph,
      exchange: m365.exchange,
      audit,
      settings: SETTINGS,
      leases: board.instance('b'),
      now: () => clock,
      sleep: (ms) => ((clock += ms), events.push(`slept ${ms}`), Promise.resolve()),
    });
    const view = await b.drive('r3');
    assert.equal(view.run.status, 'completed', JSON.stringify(view.steps.filter((x) => x.status === 'failed')));
    const settleNotBefore = board.granted.at(-1)!.settleNotBefore!;
    assert.equal(settleNotBefore, start + REQUEST_TIMEOUT_MS);
    const firstRead = events.findIndex((e) => e.startsWith('read'));
    assert.ok(firstRead > 0, JSON.stringify(events));
    for (const e of events.slice(firstRead).filter((x) => x.startsWith('read'))) {
      assert.ok(Number(e.slice('read at '.length)) >= settleNotBefore, `read before settleNotBefore: ${JSON.stringify(events)}`);
    }
    const s = tenant.state();
    for (const d of s.managedDevices.filter((x) => x.userId === tenant.personas.jane)) {
      const action = d.managedDeviceOwnerType === 'company' ? 'wipe' : 'retire';
      assert.equal(s.actions[action][d.id], 1, `${d.deviceName}: ${action} received once`);
    }
  });

  it('request runs: a run driven elsewhere gets no card and no end here; a drive that lost its lease ends nothing; the next owner ends the request once', async () => {
    const requestId = 'REQ-LEASE';
    const request = { id: requestId, status: 'running', runId: requestId, plan, leaver: people.leaver, inheritor: people.inheritor, createdAt: new Date().toISOString() } as unknown as OffboardingRequest;
    await store.put('requests', requestId, request, null);
    const told: string[] = [];
    const requestRuns = (name: string, executor: Executor): RequestRuns => {
      const notifier = {
        started: () => (told.push(`${name} started`), Promise.resolve()),
        ended: (r: OffboardingRequest) => (told.push(`${name} ended ${r.status}`), Promise.resolve()),
      } as unknown as RequestNotifier;
      const get = async (id: string) => (await store.get<OffboardingRequest>('requests', id))?.value;
      return new RequestRuns({
        engine: { executor } as unknown as OffboardingEngine,
        store,
        audit: new Audit(store),
        claims: 'claims',
        now: () => new Date(),
        get,
        update: async (id, change) => {
          const doc = (await store.get<OffboardingRequest>('requests', id))!;
          const result = change(doc.value);
          if (!result.ok) {
            return { ok: false, reason: result.reason };
          }
          await store.put('requests', id, result.value, doc.etag).catch((err: unknown) => assert.ok(err instanceof ConflictError));
          return { ok: true, request: result.value };
        },
        release: () => Promise.resolve(),
        notifier: () => notifier,
      });
    };
    const bRuns = requestRuns('b', instance('b'));
    const a = instance('a', {
      maxConcurrentSteps: 1,
      runners: {
        'leave-groups': async (ctx) => {
          // While a holds it, b's attempt does nothing at all.
          await bRuns.run(requestId);
          assert.deepEqual(told, ['a started']);
          board.fail(runLeaseName(requestId));
          await RUNNERS['leave-groups'](ctx);
        },
      },
    });
    await requestRuns('a', a).run(requestId); // resolves: the lost lease is logged, not thrown
    assert.deepEqual(told, ['a started']);
    assert.equal((await store.get<OffboardingRequest>('requests', requestId))!.value.status, 'running');
    await bRuns.run(requestId);
    assert.deepEqual(told, ['a started', 'b started', 'b ended completed']);
    const ended = (await store.get<OffboardingRequest>('requests', requestId))!.value;
    assert.equal(ended.status, 'completed');
    assert.ok(lifecycle.isFinal(ended));
    // Taken up again later (a tick on a third instance): the request has ended, so nothing happens.
    await requestRuns('c', instance('c')).run(requestId);
    assert.equal(told.length, 3);
  });

  it('request runs: a retry puts the leaver’s claim back; one still there is fine; a store that refuses it is a warning, not a silent loss', async () => {
    const warnings: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        const line = JSON.parse(chunk.toString()) as { level: number; msg: string };
        if (line.level === 40) {
          warnings.push(line.msg);
        }
        done();
      },
    });
    let down = false;
    const claimsStore = Object.assign(Object.create(store) as MemoryStore, {
      put: (collection: string, id: string, value: unknown, etag: string | null) => (down && collection === 'claims' ? Promise.reject(new Error('storage unavailable')) : store.put(collection, id, value, etag)),
    });
    const runs = new RequestRuns({
      engine: { executor: instance('r') } as unknown as OffboardingEngine,
      store: claimsStore,
      audit: new Audit(store),
      logger: createLogger({ level: 'debug', destination }),
      claims: 'claims',
      now: () => new Date(),
      get: () => Promise.resolve(undefined),
      update: () => Promise.resolve({ ok: false, reason: 'unused' }),
      release: () => Promise.resolve(),
      notifier: () => undefined,
    });
    const request = { id: 'REQ-CLAIM', leaver: people.leaver } as unknown as OffboardingRequest;
    await runs.reclaim(request);
    assert.deepEqual((await store.get<{ requestId: string }>('claims', people.leaver.id))?.value, { requestId: 'REQ-CLAIM' });
    await runs.reclaim(request); // still there: a conflict, said nowhere
    assert.deepEqual(warnings, []);
    await store.delete('claims', people.leaver.id, (await store.get('claims', people.leaver.id))!.etag);
    down = true;
    await runs.reclaim(request);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /claim was not put back/);
  });

  // takeOverDue: what the housekeeping loop runs each interval while a slow tick is still under way.
  for (const how of ['tick', 'takeOverDue'] as const) {
    it(`service: the ${how} of another instance leaves a run its owner holds alone, and takes over one whose owner lost its lease; the request ends once`, async () => {
      const events = { a: [] as string[], b: [] as string[] };
      const service = (name: 'a' | 'b', extra: Partial<ExecutorDeps> = {}): OffboardingService => {
        const audit = new Audit(store);
        const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall, sleep: () => Promise.resolve() });
        // Runners reach the executor through the engine's deps (tests only).
        const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: SETTINGS, leases: board.instance(name), ...extra });
        const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72 });
        s.setNotifier(recordingNotifier(events[name]));
        return s;
      };
      let requestId = '';
      const b = service('b');
      const a = service('a', {
        maxConcurrentSteps: 1,
        runners: {
          'leave-groups': async (ctx) => {
            await b[how](); // a holds the run: b tries it and leaves it alone
            await b.idle();
            assert.deepEqual(events.b, []);
            board.pause(runLeaseName(requestId));
            await RUNNERS['leave-groups'](ctx);
          },
        },
      });
      const P = tenant.personas;
      const submitted = await a.submit({ requester: { id: P.operator!, displayName: 'Isaac Ito' }, leaverId: P.jane!, inheritorId: P.inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' } });
      assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
      requestId = submitted.request.id;
      assert.ok((await a.decide(requestId, submitted.request.approvers[0]!, 'approved')).ok);
      await a.idle();
      assert.equal((await a.get(requestId))?.status, 'running', 'a lost its lease: the request is not ended');
      assert.ok(!events.a.some((e) => e.startsWith('ended')), JSON.stringify(events.a));

      await b[how](); // takes it over
      await b.idle();
      assert.equal((await b.get(requestId))?.status, 'completed');
      assert.deepEqual(events.b, [`started ${requestId}`, `ended ${requestId} completed`]);
      await a.tick();
      await a.idle();
      assert.ok(!events.a.some((e) => e.startsWith('ended')), 'ended once, by b');
      const w = writes(tenant.requestLog());
      assert.equal(new Set(w).size, w.length, 'no write sent twice');
    });
  }

  it('service: a retry stored by an instance that died before running it is run by the instance whose housekeeping takes the run', async () => {
    const events = { a: [] as string[], b: [] as string[] };
    let failOnce = true;
    const service = (name: 'a' | 'b'): OffboardingService => {
      const audit = new Audit(store);
      const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { onCall: audit.onCall, sleep: () => Promise.resolve() });
      const runners = {
        'revoke-oauth-grants': async (ctx: Parameters<(typeof RUNNERS)['revoke-oauth-grants']>[0]) => {
          if (failOnce) {
            failOnce = false;
            throw new Error('a transient failure');
          }
          await RUNNERS['revoke-oauth-grants'](ctx);
        },
      };
      const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: SETTINGS, leases: board.instance(name), ...({ runners } as Partial<ExecutorDeps>) });
      const s = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72 });
      s.setNotifier(recordingNotifier(events[name]));
      return s;
    };
    const a = service('a');
    const b = service('b');
    const P = tenant.personas;
    const operator = { id: P.operator!, displayName: 'Isaac Ito' };
    const submitted = await a.submit({ requester: operator, leaverId: P.jane!, inheritorId: P.inheritorCandidate!, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' } });
    assert.ok(submitted.ok, submitted.ok ? '' : submitted.reason);
    const requestId = submitted.request.id;
    assert.ok((await a.decide(requestId, submitted.request.approvers[0]!, 'approved')).ok);
    await a.idle();
    assert.equal((await a.get(requestId))?.status, 'completed-with-failures');

    // The operator's retry is stored on a, which dies before its drive takes the run's lease; b's housekeeping ticks.
    const doc = (await store.get<OffboardingRequest>('requests', requestId))!;
    const retried = lifecycle.resume(doc.value, operator, new Date());
    assert.ok(retried.ok);
    await store.put('requests', requestId, retried.value, doc.etag);
    await store.put(OPEN_BY_LEAVER, P.jane!, { requestId }, null); // the click gives the leaver's claim back at once
    await b.tick();
    await b.idle();
    await a.idle();
    assert.equal((await a.get(requestId))?.status, 'completed', 'the failed step ran again');
    const ended = [...events.a, ...events.b].filter((e) => e.startsWith(`ended ${requestId}`));
    assert.deepEqual(ended, [`ended ${requestId} completed-with-failures`, `ended ${requestId} completed`], 'ended once per run, the retry included');
    // a, back, finds nothing to do: its tick leaves the completed request alone.
    await a.tick();
    await a.idle();
    assert.equal(events.a.filter((e) => e.startsWith('ended')).length, 1);
    assert.equal((await steps(requestId)).find((x) => x.kind === 'revoke-oauth-grants')?.status, 'done');
    assert.deepEqual(events.b.filter((e) => e.startsWith('ended')), [`ended ${requestId} completed`], "b's tick took the retry: it ran the failed step, not just recorded the old end");
  });
});

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) {
      return;
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}
