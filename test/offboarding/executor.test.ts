// The executor with stub runners over the in-memory store: order, concurrency, failure propagation, resume after a
// crash with one-shot actions never sent twice, and retry of failed steps.
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { Executor, randomPassword, type ProgressEvent } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS, optionsSchema } from '../../src/offboarding/options';
import { STEP_KINDS, type StepKind } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import type { RunPeople } from '../../src/offboarding/run';
import { forEachTarget, type StepRunner } from '../../src/offboarding/steps/context';
import { oneShot, type OneShotAction } from '../../src/offboarding/steps/one-shot';
import { MemoryStore } from '../../src/store/memory';
import { snapshot } from './fixtures';

const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('no Microsoft 365 in this test')) }) as GraphPort & ExchangePort;
const people: RunPeople = {
  leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true },
  inheritor: { id: 'tom', displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', accountEnabled: true },
};
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

interface Trace {
  started: Map<StepKind, number>;
  ended: Map<StepKind, number>;
  sends: Map<string, number>;
}

/** Every step acts on its planned targets after a short wait; `overrides` replace some. */
function stubRunners(trace: Trace, overrides: Partial<Record<StepKind, StepRunner>> = {}): Partial<Record<StepKind, StepRunner>> {
  let clock = 0;
  const generic: StepRunner = async (ctx) => {
    trace.started.set(ctx.step.kind, ++clock);
    await tick();
    await forEachTarget(ctx, ctx.step.targets, () => Promise.resolve());
    trace.ended.set(ctx.step.kind, ++clock);
  };
  return Object.fromEntries(STEP_KINDS.map((k) => [k, overrides[k] ?? generic]));
}

function newTrace(): Trace {
  return { started: new Map(), ended: new Map(), sends: new Map() };
}

function executor(store: MemoryStore, runners: Partial<Record<StepKind, StepRunner>>, onProgress?: (e: ProgressEvent) => void): Executor {
  return new Executor({ store, graph: unused, exchange: unused, runners, onProgress, settings: { sharedPollInitialMs: 1, sharedPollMaxMs: 1, sharedPollTimeoutMs: 5 } });
}

const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
const failWith = (status: number, code: string): StepRunner => (ctx) =>
  forEachTarget(ctx, ctx.step.targets, () => Promise.reject(new M365Error({ service: 'graph', status, code, message: `${code} happened`, requestId: `req-${ctx.step.kind}` })));

describe('executor', () => {
  it('runs every step after its dependencies, independent ones concurrently, and completes', async () => {
    const trace = newTrace();
    const store = new MemoryStore();
    const events: ProgressEvent[] = [];
    const view = await executor(store, stubRunners(trace), (e) => events.push(e)).start({ runId: 'run1', requestId: 'req1', plan, people });

    assert.equal(view.run.status, 'completed');
    for (const step of plan.steps.filter((s) => !s.skip)) {
      assert.ok(trace.started.has(step.kind), `${step.kind} never ran`);
      for (const dep of step.dependsOn) {
        if (trace.ended.has(dep)) {
          assert.ok(trace.ended.get(dep)! < trace.started.get(step.kind)!, `${step.kind} started before ${dep} ended`);
        }
      }
    }
    // After containment, many steps are in flight at once.
    const revokeEnd = trace.ended.get('revoke-sessions')!;
    const firstEnd = Math.min(...[...trace.ended.entries()].filter(([k]) => trace.started.get(k)! > revokeEnd).map(([, v]) => v));
    const startedBeforeFirstEnd = [...trace.started.values()].filter((s) => s > revokeEnd && s < firstEnd).length;
    assert.ok(startedBeforeFirstEnd >= 10, `only ${startedBeforeFirstEnd} steps overlapped`);

    const byKind = new Map(view.steps.map((s) => [s.kind, s]));
    assert.equal(byKind.get('grant-send-as')?.status, 'skipped');
    assert.equal(byKind.get('grant-send-as')?.reason, 'not chosen');
    assert.equal(byKind.get('leave-groups')?.status, 'done');
    assert.deepEqual(byKind.get('leave-groups')?.counts, { total: 3, done: 3, failed: 0, skipped: 0, requested: 0 });
    assert.ok(view.steps.every((s) => ['done', 'skipped'].includes(s.status)));
    assert.ok(events.some((e) => e.kind === 'run' && e.run?.status === 'completed'));
    assert.ok(events.some((e) => e.kind === 'item'));
    const audit = await store.readAudit({ runId: 'run1' });
    assert.ok(audit.some((a) => a.kind === 'step' && a.stepId === 'leave-groups'));
    assert.ok(audit.some((a) => a.kind === 'target'));
  });

  it('skips the dependents of a failed step with the reason; independent steps go on', async () => {
    const trace = newTrace();
    const view = await executor(new MemoryStore(), stubRunners(trace, { 'hand-over-owned-groups': failWith(403, 'Authorization_RequestDenied') })).start({ runId: 'run2', requestId: 'req2', plan, people });
    const byKind = new Map(view.steps.map((s) => [s.kind, s]));
    assert.equal(view.run.status, 'completed-with-failures');
    const failed = byKind.get('hand-over-owned-groups')!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'Authorization_RequestDenied');
    assert.equal(failed.error?.requestId, 'req-hand-over-owned-groups');
    assert.match(failed.reason ?? '', /1 of 1 failed/);
    for (const dependent of ['leave-groups', 'leave-distribution-lists', 'drop-group-ownerships'] as const) {
      assert.equal(byKind.get(dependent)?.status, 'skipped', dependent);
      assert.match(byKind.get(dependent)?.reason ?? '', /not run: "Make Marcus Reed owner.*" failed/);
    }
    assert.equal(byKind.get('leave-licence-groups')?.status, 'skipped'); // planned skip keeps its reason
    assert.equal(byKind.get('remove-direct-licences')?.status, 'done');
    assert.equal(byKind.get('intune-devices')?.status, 'done');
    assert.equal(byKind.get('delete-account')?.reason, 'not chosen: the disabled account is kept (recommended)');
  });

  it('fails the licence steps without running them when the mailbox never reports shared', async () => {
    const trace = newTrace();
    const noHoldPlan = planOffboarding(snapshot(), optionsSchema.parse({ litigationHold: false }));
    const view = await executor(new MemoryStore(), stubRunners(trace, { 'await-shared-mailbox': failWith(408, 'MailboxNotSharedYet') })).start({ runId: 'run3', requestId: 'req3', plan: noHoldPlan, people });
    const byKind = new Map(view.steps.map((s) => [s.kind, s]));
    for (const kind of ['remove-direct-licences', 'leave-licence-groups'] as const) {
      assert.equal(byKind.get(kind)?.status, 'failed', kind);
      assert.match(byKind.get(kind)?.reason ?? '', /not run: "Wait until Exchange reports the mailbox as shared" failed/);
      assert.equal(trace.started.has(kind), false);
    }
  });

  it('turns ActiveSync off after the ActiveSync wipe was sent, and even when that wipe failed (order only)', async () => {
    const mobile = plan.steps.find((st) => st.kind === 'disable-mobile-protocols')!;
    assert.ok(mobile.dependsOn.includes('remove-mobile-mail'));
    assert.deepEqual(mobile.orderOnly, ['remove-mobile-mail']);
    const trace = newTrace();
    let wipeEnded = false;
    let wipeEndedBeforeOff: boolean | undefined;
    const wipe: StepRunner = async (ctx) => {
      await tick(5);
      await failWith(403, 'AccessDenied')(ctx);
      wipeEnded = true;
    };
    const off: StepRunner = (ctx) => {
      wipeEndedBeforeOff = wipeEnded;
      return forEachTarget(ctx, ctx.step.targets, () => Promise.resolve());
    };
    const view = await executor(new MemoryStore(), stubRunners(trace, { 'remove-mobile-mail': wipe, 'disable-mobile-protocols': off })).start({ runId: 'run-eas', requestId: 'req-eas', plan, people });
    const byKind = new Map(view.steps.map((st) => [st.kind, st]));
    assert.equal(byKind.get('remove-mobile-mail')?.status, 'failed');
    assert.equal(byKind.get('disable-mobile-protocols')?.status, 'done');
    assert.equal(wipeEndedBeforeOff, true);
  });

  it('fails a step whose runner throws outside its targets', async () => {
    const view = await executor(new MemoryStore(), stubRunners(newTrace(), { 'leave-groups': () => Promise.reject(new Error('boom')) })).start({ runId: 'run4', requestId: 'req4', plan, people });
    const step = view.steps.find((s) => s.kind === 'leave-groups')!;
    assert.equal(step.status, 'failed');
    assert.match(step.reason ?? '', /boom/);
  });

  for (const reached of [true, false]) {
    it(`after a crash, resumes by itself: finished targets are not redone, and a wipe in doubt is settled from the service's record (${reached ? 'it arrived: not sent again' : 'it never arrived: sent now'})`, async () => {
      const store = new MemoryStore();
      const trace = newTrace();
      // The service's own record of each device's wipe: what settling reads.
      const received = new Map<string, number>();
      let crash = true;
      const service: OneShotAction = {
        service: 'Intune',
        async send(t) {
          if (crash && t.id === 'laptop') {
            if (reached) {
              received.set(t.id, 1);
            }
            await new Promise(() => undefined); // the process dies with this request in flight
          }
          received.set(t.id, (received.get(t.id) ?? 0) + 1);
          return { state: 'requested', detail: 'wipe requested' };
        },
        settle: (t) => Promise.resolve(received.has(t.id) ? { state: 'requested', detail: 'wipe requested (confirmed by Intune: pending)' } : { state: 'absent' }),
      };
      const wipe: StepRunner = (ctx) => oneShot(ctx, ctx.step.targets, service);
      const leaveCalls = new Map<string, number>();
      const leave: StepRunner = (ctx) =>
        forEachTarget(ctx, ctx.step.targets, async (t) => {
          leaveCalls.set(t.id, (leaveCalls.get(t.id) ?? 0) + 1);
          if (crash && t.id === 'owned-alone') {
            await new Promise(() => undefined);
          }
        });
      const first = executor(store, stubRunners(trace, { 'intune-devices': wipe, 'leave-groups': leave }));
      void first.start({ runId: 'run5', requestId: 'req5', plan, people });
      // Let the first process get as far as it can, then "kill" it: a new executor on the same store takes over.
      for (let i = 0; i < 100 && (await store.get<{ status: string }>('items', 'run5/intune-devices/laptop'))?.value.status !== 'sent'; i++) {
        await tick();
      }
      await tick(50);
      assert.equal((await store.get<{ status: string }>('runs', 'run5'))?.value.status, 'running');

      crash = false;
      const second = executor(store, stubRunners(newTrace(), { 'intune-devices': wipe, 'leave-groups': leave }));
      assert.deepEqual(await second.resumeUnfinished(), ['run5']);
      const view = await second.drive('run5');
      assert.equal(view.run.status, 'completed');
      assert.equal(view.run.attempt, 2);
      assert.equal(received.get('laptop'), 1, 'the wipe reached the service exactly once');
      assert.equal(received.get('iphone'), 1);
      const intune = view.steps.find((s) => s.kind === 'intune-devices')!;
      assert.equal(intune.status, 'done');
      assert.deepEqual(intune.counts, { total: 2, done: 0, failed: 0, skipped: 0, requested: 2 });
      assert.match(intune.reason ?? '', reached ? /confirmed by Intune/ : /^2 wipe requested$/);
      assert.equal(leaveCalls.get('sec1'), 1, 'a finished membership removal was redone');
      assert.equal(leaveCalls.get('owned-alone'), 2);
    });
  }

  it('retries failed steps and the steps skipped because of them', async () => {
    const store = new MemoryStore();
    let fail = true;
    const flaky: StepRunner = (ctx) => forEachTarget(ctx, ctx.step.targets, () => (fail ? Promise.reject(new M365Error({ service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'no' })) : Promise.resolve()));
    const ex = executor(store, stubRunners(newTrace(), { 'hand-over-owned-groups': flaky }));
    const first = await ex.start({ runId: 'run6', requestId: 'req6', plan, people });
    assert.equal(first.run.status, 'completed-with-failures');
    fail = false;
    const again = await ex.retryFailed('run6');
    assert.equal(again.run.status, 'completed');
    const byKind = new Map(again.steps.map((s) => [s.kind, s]));
    assert.equal(byKind.get('hand-over-owned-groups')?.status, 'done');
    assert.equal(byKind.get('hand-over-owned-groups')?.attempts, 2);
    assert.equal(byKind.get('leave-groups')?.status, 'done');
    assert.equal(byKind.get('grant-send-as')?.status, 'skipped');
    // Nothing failed: a retry is a no-op.
    assert.equal((await ex.retryFailed('run6')).run.attempt, 2);
  });

  it('keeps going when a step ends while skips are still being written (slow store)', async () => {
    const store = new MemoryStore();
    const put = store.put.bind(store);
    store.put = async (...args: Parameters<MemoryStore['put']>) => {
      await new Promise((r) => setTimeout(r, 3));
      return put(...args);
    };
    const quick: StepRunner = (ctx) => forEachTarget(ctx, ctx.step.targets, () => Promise.resolve());
    const view = await executor(store, Object.fromEntries(STEP_KINDS.map((k) => [k, quick]))).start({ runId: 'run7', requestId: 'req7', plan, people });
    assert.deepEqual(view.steps.filter((st) => st.status === 'pending').map((st) => st.kind), []);
    assert.equal(view.run.status, 'completed');
  });

  it('makes strong random passwords', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const p = randomPassword();
      assert.equal(p.length, 24);
      assert.match(p, /[A-Z]/);
      assert.match(p, /[a-z]/);
      assert.match(p, /[0-9]/);
      assert.match(p, /[^A-Za-z0-9]/);
      seen.add(p);
    }
    assert.equal(seen.size, 50);
  });
});
