// Stopping a run and resuming it, in the executor with stub runners over the in-memory store: no step starts after a
// stop, steps in flight finish (found running after a crash too), the run ends stopped; a resume settles every one-shot
// action in doubt before anything is sent, then runs each remaining step once.
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { Executor } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { STEP_KINDS, type StepKind } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import type { ItemRecord, RunPeople, StepState } from '../../src/offboarding/run';
import { forEachTarget, type StepRunner } from '../../src/offboarding/steps/context';
import { oneShot, type OneShotAction } from '../../src/offboarding/steps/one-shot';
import { MemoryStore } from '../../src/store/memory';
import { snapshot } from './fixtures';

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('no Microsoft 365 in this test')) }) as GraphPort & ExchangePort;
const people: RunPeople = {
  leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true },
  inheritor: { id: 'tom', displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', accountEnabled: true },
};
const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
const runnable = plan.steps.filter((s) => s.skip === undefined).map((s) => s.kind);
const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));

/** What happened, in order: "start <step>", "end <step>", "stop", "send <target>", "settle <target>". */
type Trace = string[];

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Every step acts on its planned targets; `hold` makes a step wait for its gate before it ends. */
function runners(trace: Trace, hold: Partial<Record<StepKind, Promise<void>>> = {}, overrides: Partial<Record<StepKind, StepRunner>> = {}): Partial<Record<StepKind, StepRunner>> {
  const generic: StepRunner = async (ctx) => {
    trace.push(`start ${ctx.step.kind}`);
    await (hold[ctx.step.kind] ?? tick());
    await forEachTarget(ctx, ctx.step.targets, () => Promise.resolve());
    trace.push(`end ${ctx.step.kind}`);
  };
  return Object.fromEntries(STEP_KINDS.map((k) => [k, overrides[k] ?? generic]));
}

function executor(store: MemoryStore, r: Partial<Record<StepKind, StepRunner>>, maxConcurrentSteps?: number, intune?: OneShotAction): Executor {
  return new Executor({
    store,
    graph: unused,
    exchange: unused,
    runners: r,
    maxConcurrentSteps,
    ...(intune ? { oneShotActions: { 'intune-devices': () => intune } } : {}),
    settings: { sharedPollInitialMs: 1, sharedPollMaxMs: 1, sharedPollTimeoutMs: 5 },
  });
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) {
      return;
    }
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const started = (trace: Trace): string[] => trace.filter((t) => t.startsWith('start ')).map((t) => t.slice('start '.length));

describe('stopping and resuming a run (executor)', () => {
  it('a stop mid-run: no step starts after it, the steps in flight finish, the run ends stopped with the rest pending', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    const held = gate();
    const ex = executor(store, runners(trace, { 'revoke-sessions': held.wait }));
    const running = ex.start({ runId: 'stop1', requestId: 'req1', plan, people });
    await until(() => trace.includes('start revoke-sessions'), 'revoke-sessions to start');
    const inFlightAtStop = (await ex.view('stop1')).steps.filter((s) => s.status === 'running').map((s) => s.kind);
    const { inFlight } = await ex.stop('stop1', 'isaac');
    trace.push('stop');
    assert.equal(inFlight, inFlightAtStop.length);
    assert.ok(inFlightAtStop.includes('revoke-sessions'));
    held.open();
    const view = await running;

    assert.equal(view.run.status, 'stopped');
    assert.deepEqual(view.run.stop && { by: view.run.stop.by }, { by: 'isaac' });
    assert.deepEqual(trace.slice(trace.indexOf('stop')).filter((t) => t.startsWith('start ')), [], 'a step started after the stop');
    const byKind = new Map(view.steps.map((s) => [s.kind, s]));
    for (const kind of inFlightAtStop) {
      assert.equal(byKind.get(kind)?.status, 'done', `${kind} was in flight and finishes`);
    }
    const pending = view.steps.filter((s) => s.status === 'pending').map((s) => s.kind);
    assert.ok(pending.length > 10, `only ${pending.length} steps left`);
    assert.ok(pending.every((k) => !started(trace).includes(k)));
    // A second stop, or a stop of a run that ended, changes nothing.
    assert.deepEqual(await ex.stop('stop1'), { inFlight: 0 });
    assert.equal((await ex.view('stop1')).run.status, 'stopped');

    // Resumed: every step that had not run runs, once; none that ran runs again.
    const before = started(trace);
    const resumed = await ex.resume('stop1');
    assert.equal(resumed.run.status, 'completed');
    assert.equal(resumed.run.stop, undefined);
    const all = started(trace);
    for (const kind of runnable) {
      assert.equal(all.filter((k) => k === kind).length, 1, `${kind} ran ${all.filter((k) => k === kind).length} times`);
    }
    assert.deepEqual(new Set(all.slice(before.length)), new Set(pending.filter((k) => runnable.includes(k))));
    assert.ok(resumed.steps.every((s) => s.attempts <= 1));
    const audit = await store.readAudit({ runId: 'stop1' });
    assert.ok(audit.some((e) => (e.data as { event?: string }).event === 'stop'));
    assert.ok(audit.some((e) => (e.data as { event?: string }).event === 'resumed'));
  });

  it('a stop that comes when nothing is left to start: the run ends as it would have', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    const held = gate();
    const ex = executor(store, runners(trace, { 'delete-account': held.wait, 'leave-licence-groups': held.wait, 'remove-direct-licences': held.wait }));
    const running = ex.start({ runId: 'stop2', requestId: 'req2', plan, people });
    // The licence steps are the last to start: once they run, every other step has started or ended.
    await until(async () => (await ex.view('stop2')).steps.every((s) => s.status !== 'pending'), 'every step to start');
    await ex.stop('stop2');
    held.open();
    assert.equal((await running).run.status, 'completed');
  });

  it('a stop persisted before a crash: after a restart, the step found running runs to its end and nothing else starts', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    const first = executor(store, runners(trace, { 'revoke-sessions': new Promise(() => undefined) })); // the process dies in it
    void first.start({ runId: 'stop3', requestId: 'req3', plan, people });
    await until(() => trace.includes('start revoke-sessions'), 'revoke-sessions to start');
    await first.stop('stop3');
    await tick(20);

    const after: Trace = [];
    const second = executor(store, runners(after));
    assert.deepEqual(await second.resumeUnfinished(), ['stop3']);
    const view = await second.drive('stop3');
    assert.equal(view.run.status, 'stopped');
    assert.deepEqual(started(after), ['revoke-sessions'], 'only the step in flight at the crash ran');
    assert.equal(view.steps.find((s) => s.kind === 'revoke-sessions')?.status, 'done');
  });

  it('a resume settles every one-shot action in doubt from the service record before anything is sent', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    // Intune's own record: the laptop's wipe arrived, though no answer came back.
    const received = new Map<string, number>();
    let readable = false;
    const wipeSent = gate();
    const held = gate();
    const intune: OneShotAction = {
      service: 'Intune',
      async send(t) {
        trace.push(`send ${t.id}`);
        received.set(t.id, (received.get(t.id) ?? 0) + 1);
        if (t.id === 'laptop' && received.get(t.id) === 1) {
          wipeSent.open();
          await held.wait;
          throw new M365Error({ service: 'graph', status: 504, code: 'GatewayTimeout', message: 'no answer' });
        }
        return { state: 'requested', detail: 'wipe requested' };
      },
      settle(t) {
        trace.push(`settle ${t.id}`);
        if (!readable) {
          return Promise.reject(new M365Error({ service: 'graph', status: 503, code: 'ServiceUnavailable', message: 'Intune is down' }));
        }
        return Promise.resolve(received.has(t.id) ? { state: 'requested', detail: 'wipe requested (confirmed by Intune: pending)' } : { state: 'absent' });
      },
    };
    const overrides = {
      'intune-devices': async (ctx: Parameters<StepRunner>[0]) => {
        trace.push('start intune-devices');
        await oneShot(ctx, ctx.step.targets, intune);
      },
    };
    // One step at a time: when the wipe is in flight, every step after it is pending.
    const ex = executor(store, runners(trace, {}, overrides), 1, intune);
    const running = ex.start({ runId: 'stop4', requestId: 'req4', plan, people });
    await wipeSent.wait;
    assert.equal((await ex.stop('stop4')).inFlight, 1);
    held.open();
    const stopped = await running;
    assert.equal(stopped.run.status, 'stopped');
    const wipeStep = stopped.steps.find((s) => s.kind === 'intune-devices')!;
    assert.equal(wipeStep.status, 'failed');
    const laptop = await store.get<ItemRecord>('items', 'stop4/intune-devices/laptop');
    assert.equal(laptop?.value.status, 'failed');
    assert.ok(laptop?.value.sentAt, 'in doubt: its send time is kept');

    readable = true;
    const mark = trace.length;
    const resumed = await ex.resume('stop4');
    const afterResume = trace.slice(mark);
    assert.equal(afterResume[0], 'settle laptop', `resume began with ${afterResume[0]}`);
    assert.ok(afterResume.indexOf('settle laptop') < afterResume.findIndex((t) => t.startsWith('start ') || t.startsWith('send ')));
    assert.equal(received.get('laptop'), 1, 'the wipe that arrived was not sent again');
    assert.equal(received.get('iphone'), 1);
    assert.equal(resumed.run.status, 'completed');
    const intuneStep = resumed.steps.find((s) => s.kind === 'intune-devices')!;
    assert.equal(intuneStep.status, 'done');
    assert.deepEqual(intuneStep.counts, { total: 2, done: 0, failed: 0, skipped: 0, requested: 2 });
    // Settled to requested, the step did not run again.
    assert.ok(!afterResume.includes('start intune-devices'));
    const steps = await store.list<StepState>('steps', 'stop4/');
    assert.ok(steps.every((s) => s.value.status !== 'pending'));
  });
});

describe('a stop that lands while a run is being resumed or created (the request says so)', () => {
  it('a cancel during the resume’s settling: the run record had no stop to keep, the request stops it anyway', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    const held = gate();
    const ex = executor(store, runners(trace, { 'revoke-sessions': held.wait }));
    let requestStopping = false;
    ex.stopWhen((requestId) => Promise.resolve(requestId === 'req5' && requestStopping));
    const running = ex.start({ runId: 'stop5', requestId: 'req5', plan, people });
    await until(() => trace.includes('start revoke-sessions'), 'revoke-sessions to start');
    requestStopping = true;
    await ex.stop('stop5');
    held.open();
    assert.equal((await running).run.status, 'stopped');

    // Resumed: the request went back to running...
    requestStopping = false;
    const resuming = ex.resume('stop5');
    // ...and a cancel lands before the run record is running again: stop() finds nothing running to mark.
    requestStopping = true;
    assert.deepEqual(await ex.stop('stop5'), { inFlight: 0 });
    trace.push('stop');
    const view = await resuming;
    assert.equal(view.run.status, 'stopped');
    assert.deepEqual(trace.slice(trace.indexOf('stop')).filter((t) => t.startsWith('start ')), [], 'a step started after the second stop');
  });

  it('a stop before the run record exists (another instance took the cancel): no step starts', async () => {
    const store = new MemoryStore();
    const trace: Trace = [];
    const ex = executor(store, runners(trace));
    ex.stopWhen(() => Promise.resolve(true));
    const view = await ex.start({ runId: 'stop6', requestId: 'req6', plan, people });
    assert.equal(view.run.status, 'stopped');
    assert.deepEqual(started(trace), []);
  });
});
