import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startCluster, INSTANCES, THROTTLES, type Cluster, type InstanceBeat, type ThrottleDoc } from '../../src/cluster';
import { createLogger, type Logger } from '../../src/logger';
import { formatGovernorSnapshot } from '../../src/m365/doctor';
import { Governor, REAL_CLOCK, type Budget, type Clock, type Family } from '../../src/m365/governor';
import { MemoryStore, SqliteStore, type Store } from '../../src/store';
import { makeTempDir, removeTempDir } from '../store/temp-dir';
import { FakeClock, settle } from '../m365/fake-clock';

const BEAT = 5_000;
const POLL = 1_000;
const WRITES: Budget = { requests: 100, windowMs: 10_000, burst: 10 };

/** A store that can be made to fail every call (an outage, or a frozen instance that can't reach it). */
function breakable(store: Store): { store: Store; down: boolean } {
  const state = { down: false, store };
  state.store = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => (state.down ? Promise.reject(new Error('store unreachable')) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return state;
}

function capturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('cluster: the governor’s budget shared through the store', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  const logger = createLogger({ level: 'silent' });
  const started: Cluster[] = [];

  const join = async (s: Store = store, log: Logger = logger): Promise<Cluster> => {
    const c = await startCluster({ store: s, logger: log, clock, intervalMs: BEAT, pollMs: POLL });
    started.push(c);
    return c;
  };
  const governor = (c: Cluster): Governor => new Governor({ budgets: { 'identity-write': WRITES }, clock, source: c.source });

  beforeEach(() => {
    clock = new FakeClock();
    clock.t = Date.parse('2026-12-03T20:00:00Z');
    store = new MemoryStore();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((c) => c.stop()));
  });

  it('two instances on one store take half the budget each; one stopping gives the other all of it back', async () => {
    const a = await join();
    assert.equal(a.source.share(), 1, 'alone at first');
    const b = await join();
    assert.notEqual(a.instanceId, b.instanceId);
    assert.equal(b.source.share(), 0.5, 'b sees a at once');
    assert.equal(a.source.share(), 1, 'a sees b at its next beat, not before (one read per beat)');
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 0.5);
    assert.equal(a.liveInstances(), 2);
    const beats = await store.list<InstanceBeat>(INSTANCES);
    assert.deepEqual(beats.map((d) => d.id).sort(), [a.instanceId, b.instanceId].sort());
    assert.equal(beats[0]!.value.pid, process.pid);
    assert.equal(Date.parse(beats.find((d) => d.id === a.instanceId)!.value.beatAt), clock.now());

    await b.stop();
    assert.equal((await store.list(INSTANCES)).length, 1, 'a stopped instance removes its heartbeat');
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 1);
  });

  it('an instance whose heartbeat goes stale stops counting after 3 intervals, its document goes after 10, and it comes back when it beats again', async () => {
    const a = await join();
    const frozen = breakable(store);
    const b = await join(frozen.store);
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 0.5);
    frozen.down = true; // b can't beat any more (paused, partitioned)
    await clock.advance(2 * BEAT);
    assert.equal(a.source.share(), 0.5, 'two missed beats are tolerated');
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 1, 'three intervals without a beat: not live');
    assert.equal(b.source.share(), 0.5, 'b keeps its last known share while it can’t read the store');
    assert.equal((await store.list(INSTANCES)).length, 2, 'stale, but not yet removed');
    await clock.advance(8 * BEAT);
    assert.deepEqual((await store.list(INSTANCES)).map((d) => d.id), [a.instanceId], 'long dead: removed');
    frozen.down = false;
    await clock.advance(BEAT);
    assert.equal((await store.list(INSTANCES)).length, 2, 'b writes its heartbeat again although its document was removed');
    assert.equal(b.source.share(), 0.5);
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 0.5);
  });

  it('a Retry-After seen by one instance pauses the family on the other: its requests wait until then', async () => {
    const a = await join();
    const b = await join();
    const gA = governor(a);
    const gB = governor(b);
    const t0 = clock.now();
    gA.observe('identity-write', 429, 5_000);
    await clock.advance(10);
    const stored = await store.get<ThrottleDoc>(THROTTLES, 'identity-write');
    assert.equal(Date.parse(stored!.value.until), t0 + 5_000);
    await clock.advance(POLL);
    assert.equal(gB.snapshot().families.find((f) => f.family === 'identity-write')!.pausedForMs, t0 + 5_000 - clock.now());
    const grantedAt: number[] = [];
    void gB.acquire('identity-write').then((p) => {
      grantedAt.push(clock.now());
      p.release();
    });
    await clock.advance(3_000);
    assert.deepEqual(grantedAt, [], 'b waits out a’s pause');
    await clock.advance(2_000);
    assert.equal(grantedAt.length, 1);
    assert.ok(grantedAt[0]! >= t0 + 5_000, `granted at +${grantedAt[0]! - t0} ms`);
  });

  it('pauses and beats are exchanged in wall-clock time: an instance whose governor clock lags (a VM pause) still waits the right time', async () => {
    const LAG = 3_600_000;
    const lagging: Clock = { now: () => clock.now() - LAG, setTimer: (fn, ms) => clock.setTimer(fn, ms) };
    const a = await join();
    const b = await startCluster({ store, logger, clock: lagging, wallNow: () => clock.now(), intervalMs: BEAT, pollMs: POLL });
    started.push(b);
    const gA = governor(a);
    const gB = new Governor({ budgets: { 'identity-write': WRITES }, clock: lagging, source: b.source });
    await clock.advance(BEAT);
    assert.equal(a.source.share(), 0.5, 'b’s beats are dated in wall time: live');
    const t0 = clock.now();
    gA.observe('identity-write', 429, 5_000);
    await clock.advance(POLL);
    const grantedAt: number[] = [];
    void gB.acquire('identity-write').then((p) => (grantedAt.push(clock.now()), p.release()));
    await clock.advance(3_000);
    assert.deepEqual(grantedAt, []);
    await clock.advance(2_000);
    assert.equal(grantedAt.length, 1, 'granted when the pause ends, not an hour later');
    assert.ok(grantedAt[0]! >= t0 + 5_000);
    // And b's own pause reaches a at the right wall time.
    gB.observe('exchange', 429, 2_000);
    await clock.advance(10);
    assert.equal(Date.parse((await store.get<ThrottleDoc>(THROTTLES, 'exchange'))!.value.until), clock.now() - 10 + 2_000);
  });

  it('a pause is applied once: the instance that published it does not apply it back, the other applies it once', async () => {
    const a = await join();
    const b = await join();
    const seenA: Array<[Family, number]> = [];
    const seenB: Array<[Family, number]> = [];
    a.source.subscribe!((f, until) => seenA.push([f, until]));
    b.source.subscribe!((f, until) => seenB.push([f, until]));
    const until = clock.now() + 4_000.4; // governors' times are fractional
    a.source.paused!('exchange', until);
    await clock.advance(5 * POLL);
    assert.deepEqual(seenA, []);
    assert.deepEqual(seenB, [['exchange', Math.ceil(until)]]);
    // B's governor pausing on its own for the same time publishes nothing new and is not echoed back.
    b.source.paused!('exchange', Math.ceil(until));
    await clock.advance(3 * POLL);
    assert.deepEqual(seenA, []);
    assert.equal(seenB.length, 1);
  });

  it('an earlier pause never overrides a later one, whatever the order or the race', async () => {
    const a = await join();
    const b = await join();
    const gA = governor(a);
    const gB = governor(b);
    const t0 = clock.now();
    gA.observe('identity-write', 429, 10_000);
    await clock.advance(100);
    gB.observe('identity-write', 429, 2_000); // b had not polled yet: it pauses 2 s on its own
    await clock.advance(10);
    assert.equal(Date.parse((await store.get<ThrottleDoc>(THROTTLES, 'identity-write'))!.value.until), t0 + 10_000);
    await clock.advance(POLL);
    const pausedFor = (g: Governor): number => g.snapshot().families.find((f) => f.family === 'identity-write')!.pausedForMs;
    assert.equal(pausedFor(gB), t0 + 10_000 - clock.now(), 'b honours a’s later pause');
    assert.equal(pausedFor(gA), t0 + 10_000 - clock.now(), 'a keeps its own');

    // Two writers at once (both read "nothing stored"): the compare-and-swap keeps the later pause, in either order.
    for (const [first, second] of [[a, b], [b, a]] as const) {
      const base = clock.now() + 20_000;
      first.source.paused!('outlook', base + 9_000);
      second.source.paused!('outlook', base + 8_000);
      await settle();
      await clock.advance(10);
      assert.equal(Date.parse((await store.get<ThrottleDoc>(THROTTLES, 'outlook'))!.value.until), base + 9_000);
    }
  });

  it('a failing store never breaks the governor: logged, share kept, the pause published once the store is back', async () => {
    const { logger: log, lines } = capturingLogger();
    const broken = breakable(store);
    broken.down = true;
    const c = await join(broken.store, log);
    assert.equal(c.source.share(), 1);
    const g = governor(c);
    const p = await g.acquire('identity-write');
    p.release();
    const t0 = clock.now();
    assert.doesNotThrow(() => g.observe('identity-write', 429, 8_000));
    await clock.advance(3 * POLL);
    assert.ok(lines.some((l) => l.level === 40 && /publishing a pause failed/.test(l.msg)), JSON.stringify(lines.map((l) => l.msg)));
    assert.ok(lines.some((l) => l.level === 40 && /heartbeat failed/.test(l.msg)));
    assert.equal(lines.filter((l) => l.level === 40).length, 4, 'one warning per kind of failure, not one per attempt');
    broken.down = false;
    await clock.advance(POLL);
    assert.equal(Date.parse((await store.get<ThrottleDoc>(THROTTLES, 'identity-write'))!.value.until), t0 + 8_000, 'published on a later poll');
    assert.ok(lines.some((l) => /works again/.test(l.msg)));
    let granted = false;
    void g.acquire('identity-write').then((q) => ((granted = true), q.release()));
    await clock.advance(8_000);
    assert.ok(granted);
  });

  it('two governors sharing one store grant the budget between them, not twice it', async () => {
    const a = await join();
    const b = await join();
    await clock.advance(BEAT); // a has seen b
    const gA = governor(a);
    const gB = governor(b);
    const t0 = clock.now();
    const times: number[] = [];
    const load = (g: Governor, by: number[]): void => {
      for (let i = 0; i < 1000; i++) {
        void g.acquire('identity-write').then((p) => (by.push(clock.now()), times.push(clock.now()), p.release()));
      }
    };
    const byA: number[] = [];
    const byB: number[] = [];
    load(gA, byA);
    load(gB, byB);
    await clock.advance(60_000);
    // Alone, one governor grants ~590 in a minute (governor.test.ts); together, about the same, split evenly.
    assert.ok(times.length >= 560 && times.length <= 620, `granted ${times.length} in total`);
    assert.ok(Math.abs(byA.length - byB.length) <= 10, `a ${byA.length}, b ${byB.length}`);
    times.sort((x, y) => x - y);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + WRITES.windowMs).length;
      assert.ok(inWindow <= WRITES.requests, `${inWindow} grants in the 10 s from +${times[i]! - t0} ms`);
    }
    assert.equal(gA.snapshot().share, 0.5);
    assert.equal(gA.snapshot().instances, 2);
    assert.match(formatGovernorSnapshot(gA.snapshot())[0]!, /this instance's share 50% of 2 live instances\):$/, 'what doctor shows');
  });

  it('runs on real time by default', async () => {
    const a = await startCluster({ store, logger, intervalMs: 30, pollMs: 10 });
    const b = await startCluster({ store, logger, intervalMs: 30, pollMs: 10 });
    started.push(a, b);
    const seen: number[] = [];
    a.source.subscribe!((_f, until) => seen.push(until));
    const gB = new Governor({ budgets: { 'identity-write': WRITES }, source: b.source });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(a.liveInstances(), 2);
    const at = REAL_CLOCK.now();
    gB.observe('identity-write', 429, 1_000);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.length, 1);
    assert.ok(Math.abs(seen[0]! - (at + 1_000)) < 5, `in the governor’s time: ${seen[0]! - at} ms after the 429`);
  });

  it('works on the SQLite store too: two processes on one data directory share it', async () => {
    const dir = makeTempDir();
    const one = SqliteStore.open(dir);
    const two = SqliteStore.open(dir);
    try {
      const a = await join(one);
      const b = await join(two);
      const gB = governor(b);
      gB.observe('exchange', 429, 3_000);
      await clock.advance(BEAT);
      assert.equal(a.source.share(), 0.5);
      assert.equal(b.source.share(), 0.5);
      const stored = await one.get<ThrottleDoc>(THROTTLES, 'exchange');
      assert.ok(stored && Date.parse(stored.value.until) > clock.now() - BEAT);
      await Promise.all(started.splice(0).map((c) => c.stop()));
      assert.deepEqual(await one.list(INSTANCES), []);
    } finally {
      await one.close();
      await two.close();
      removeTempDir(dir);
    }
  });
});
