// Run slots (MAX_CONCURRENT_RUNS) in the executor: containment never waits for a run slot, so a batch's runs can't
// hold a later leaver's sign-in block behind their group removals; a run waiting for a slot parks (no new attempt),
// and a stop ends the wait at once. Containment slots: first come, first contained.
import assert from 'node:assert/strict';
import { Limiter } from '../../src/m365/limiter';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { Executor } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { STEP_KINDS, type StepKind } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import type { RunPeople } from '../../src/offboarding/run';
import { forEachTarget, type StepRunner } from '../../src/offboarding/steps/context';
import { MemoryStore } from '../../src/store/memory';
import { snapshot } from './fixtures';

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('no Microsoft 365 in this test')) }) as GraphPort & ExchangePort;
const people: RunPeople = {
  leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true },
  inheritor: { id: 'tom', displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', accountEnabled: true },
};
const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
const CONTAINMENT: StepKind[] = ['block-sign-in', 'reset-password', 'revoke-sessions'];
const tick = (ms = 2) => new Promise((r) => setTimeout(r, ms));

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** "<run> start <step>" / "<run> end <step>"; a step listed in `hold` for a run waits for that gate. */
function runners(trace: string[], hold: Record<string, Promise<void>> = {}): Partial<Record<StepKind, StepRunner>> {
  const generic: StepRunner = async (ctx) => {
    trace.push(`${ctx.runId} start ${ctx.step.kind}`);
    await (hold[`${ctx.runId} ${ctx.step.kind}`] ?? tick());
    await forEachTarget(ctx, ctx.step.targets, () => Promise.resolve());
    trace.push(`${ctx.runId} end ${ctx.step.kind}`);
  };
  return Object.fromEntries(STEP_KINDS.map((k) => [k, generic]));
}

function executor(store: MemoryStore, r: Partial<Record<StepKind, StepRunner>>, slots: { runSlots?: Limiter; containmentSlots?: Limiter }): Executor {
  return new Executor({ store, graph: unused, exchange: unused, runners: r, ...slots, settings: { sharedPollInitialMs: 1, sharedPollMaxMs: 1, sharedPollTimeoutMs: 5 } });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) {
      return;
    }
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const startedBy = (trace: string[], run: string): StepKind[] => trace.filter((t) => t.startsWith(`${run} start `)).map((t) => t.slice(`${run} start `.length) as StepKind);
const endedBy = (trace: string[], run: string): StepKind[] => trace.filter((t) => t.startsWith(`${run} end `)).map((t) => t.slice(`${run} end `.length) as StepKind);

describe('run slots (executor)', () => {
  it('a run that holds the only slot does not delay the next run’s containment; the rest of that run waits for the slot', async () => {
    const trace: string[] = [];
    const held = gate();
    const ex = executor(new MemoryStore(), runners(trace, { 'a leave-groups': held.wait }), { runSlots: new Limiter(1) });
    const a = ex.start({ runId: 'a', requestId: 'ra', plan, people });
    await until(() => trace.includes('a start leave-groups'), 'run a to hold its slot');
    const b = ex.start({ runId: 'b', requestId: 'rb', plan, people });
    await until(() => endedBy(trace, 'b').includes('revoke-sessions'), 'run b to be contained');
    await tick(20);
    assert.deepEqual(startedBy(trace, 'b'), CONTAINMENT, 'only containment ran while a held the slot');
    const parked = (await ex.view('b')).steps.filter((s) => !CONTAINMENT.includes(s.kind) && s.status !== 'pending');
    assert.deepEqual(
      parked.filter((s) => s.status !== 'skipped').map((s) => s.kind),
      [],
      'no step past containment started',
    );
    held.open();
    const [va, vb] = await Promise.all([a, b]);
    assert.equal(va.run.status, 'completed');
    assert.equal(vb.run.status, 'completed');
    assert.equal(vb.run.attempt, 1, 'taking a parked run up again is not a new attempt');
    // b's steps past containment started only once a had ended (a held the only slot).
    const aEnded = trace.lastIndexOf(`a end ${endedBy(trace, 'a').at(-1)!}`);
    const bRest = trace.findIndex((t) => t.startsWith('b start ') && !CONTAINMENT.includes(t.slice('b start '.length) as StepKind));
    assert.ok(bRest > aEnded, `b's rest started at ${bRest}, before a ended at ${aEnded}`);
  });

  it('a run stopped while it waits for a slot ends stopped at once, without the slot', async () => {
    const trace: string[] = [];
    const held = gate();
    const slots = new Limiter(1);
    const ex = executor(new MemoryStore(), runners(trace, { 'a leave-groups': held.wait }), { runSlots: slots });
    const a = ex.start({ runId: 'a', requestId: 'ra', plan, people });
    await until(() => trace.includes('a start leave-groups'), 'run a to hold its slot');
    const b = ex.start({ runId: 'b', requestId: 'rb', plan, people });
    await until(() => endedBy(trace, 'b').includes('revoke-sessions'), 'run b to be contained');
    await tick(20);
    assert.equal(slots.queued, 1, 'b waits for the slot');
    assert.deepEqual(await ex.stop('b', 'isaac'), { inFlight: 0 });
    const vb = await b;
    assert.equal(vb.run.status, 'stopped');
    assert.deepEqual(startedBy(trace, 'b'), CONTAINMENT);
    held.open();
    assert.equal((await a).run.status, 'completed');
    await tick(10);
    assert.equal(slots.inFlight, 0, 'the slot b waited for was handed back');
    assert.equal(slots.queued, 0);
  });

  it('containment slots: a second run’s containment waits for the first’s containment, not for the rest of its run', async () => {
    const trace: string[] = [];
    const held = gate();
    const rest = gate();
    const ex = executor(new MemoryStore(), runners(trace, { 'a block-sign-in': held.wait, 'a leave-groups': rest.wait }), { containmentSlots: new Limiter(1), runSlots: new Limiter(2) });
    const a = ex.start({ runId: 'a', requestId: 'ra', plan, people });
    await until(() => trace.includes('a start block-sign-in'), 'run a to start containment');
    const b = ex.start({ runId: 'b', requestId: 'rb', plan, people });
    await tick(20);
    assert.deepEqual(startedBy(trace, 'b'), [], 'b waits for a containment slot');
    held.open();
    await until(() => endedBy(trace, 'b').includes('revoke-sessions'), 'run b to be contained');
    assert.ok(!trace.includes('a end leave-groups'), 'b was contained while a was still removing groups');
    rest.open();
    const [va, vb] = await Promise.all([a, b]);
    assert.equal(va.run.status, 'completed');
    assert.equal(vb.run.status, 'completed');
  });

  it('a drive that throws during containment gives its containment slot back', async () => {
    const trace: string[] = [];
    const store = new MemoryStore();
    const put = store.put.bind(store);
    store.put = (collection: string, id: string, value: unknown, etag: string | null) =>
      id === 'a/reset-password' && (value as { status?: string }).status === 'running' ? Promise.reject(new Error('SQLITE_BUSY')) : put(collection, id, value, etag);
    const containment = new Limiter(1);
    const ex = executor(store, runners(trace), { containmentSlots: containment, runSlots: new Limiter(5) });
    await assert.rejects(ex.start({ runId: 'a', requestId: 'ra', plan, people }), /SQLITE_BUSY/);
    assert.equal(containment.inFlight, 0, 'the slot came back');
    assert.equal((await ex.start({ runId: 'b', requestId: 'rb', plan, people })).run.status, 'completed');
  });

  it('a stop that lands while the drive is on its way to wait for a slot still ends the wait', async () => {
    const trace: string[] = [];
    const held = gate();
    // b's containment outlasts the one-second stop read, so the drive reads the stop again right after it; the stop
    // is made during that read, after the drive last looked at its own stops.
    const slowRevoke = new Promise<void>((resolve) => setTimeout(resolve, 1100));
    const ex = executor(new MemoryStore(), runners(trace, { 'a leave-groups': held.wait, 'b revoke-sessions': slowRevoke }), { runSlots: new Limiter(1) });
    let reads = 0;
    ex.stopWhen((requestId) => {
      if (requestId === 'rb' && ++reads === 2) {
        void ex.stop('b', 'isaac');
      }
      return Promise.resolve(false);
    });
    const a = ex.start({ runId: 'a', requestId: 'ra', plan, people });
    await until(() => trace.includes('a start leave-groups'), 'run a to hold its slot');
    const b = ex.start({ runId: 'b', requestId: 'rb', plan, people });
    const vb = await Promise.race([b, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3000))]);
    assert.equal(reads, 2);
    assert.equal(vb?.run.status, 'stopped', 'b ended stopped while a still held the only slot');
    held.open();
    await a;
  });
});
