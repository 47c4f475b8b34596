// Housekeeping on one instance at a time: a loop ticks only while it holds the housekeeping lease; of two loops on one
// Leases only one ticks; when the holder loses its lease, the other takes over; without leases it always ticks.
import assert from 'node:assert/strict';
import { startHousekeeping } from '../../src/offboarding/housekeeping-loop';
import { HOUSEKEEPING_LEASE } from '../../src/store/leases';
import { LocalLeases } from '../../src/store/local-leases';
import { MemoryStore } from '../../src/store/memory';
import { LeaseBoard } from '../fakes/fake-leases';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('housekeeping loop (under its lease)', () => {
  it('without leases it ticks every interval, never overlapping, and stop waits for the tick under way', async () => {
    let ticks = 0;
    let inTick = 0;
    let overlapped = false;
    const loop = startHousekeeping({
      intervalMs: 5,
      tick: async () => {
        overlapped ||= inTick > 0;
        inTick++;
        await wait(15);
        inTick--;
        ticks++;
      },
    });
    await wait(120);
    await loop.stop();
    const after = ticks;
    assert.ok(after >= 3, `ticked ${after} times`);
    assert.equal(overlapped, false);
    assert.equal(inTick, 0, 'stop waited for the tick');
    await wait(40);
    assert.equal(ticks, after, 'no tick after stop');
  });

  it('while a slow tick is under way, each interval runs the urgent part alone; stop waits for the slow tick', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let ticks = 0;
    let urgent = 0;
    let tickEnded = false;
    const loop = startHousekeeping({
      intervalMs: 5,
      tick: async () => {
        ticks++;
        await slow; // a Teams outage, say
        tickEnded = true;
      },
      urgent: () => (urgent++, Promise.resolve()),
    });
    await wait(80);
    assert.equal(ticks, 1, 'no tick overlaps the slow one');
    assert.ok(urgent >= 3, `the urgent part ran ${urgent} times meanwhile`);
    const stopping = loop.stop();
    await wait(20);
    assert.equal(tickEnded, false);
    release();
    await stopping;
    assert.equal(tickEnded, true, 'stop waited for the slow tick');
  });

  it('two loops on one Leases: only one ticks; once it stops (and lets go), the other takes over', async () => {
    const leases = new LocalLeases(new MemoryStore());
    const ticks = { a: 0, b: 0 };
    const a = startHousekeeping({ leases, intervalMs: 5, tick: () => (ticks.a++, Promise.resolve()) });
    const b = startHousekeeping({ leases, intervalMs: 5, tick: () => (ticks.b++, Promise.resolve()) });
    await wait(80);
    assert.ok((ticks.a > 0) !== (ticks.b > 0), JSON.stringify(ticks));
    const [holder, other] = ticks.a > 0 ? [a, 'b' as const] : [b, 'a' as const];
    await holder.stop();
    await wait(80);
    assert.ok(ticks[other] > 0, `the other loop took over: ${JSON.stringify(ticks)}`);
    await (other === 'a' ? a : b).stop();
  });

  it('a holder whose lease is lost stops ticking at once; another instance takes the lease and ticks', async () => {
    const board = new LeaseBoard(new MemoryStore());
    const ticks = { a: 0, b: 0 };
    // a, once cut off, can't reach the lease service either (else it might simply take the lease again).
    let cutOff = false;
    const aLeases = board.instance('a');
    const a = startHousekeeping({ leases: { ...aLeases, acquire: (name) => (cutOff ? Promise.resolve(undefined) : aLeases.acquire(name)) }, intervalMs: 5, tick: () => (ticks.a++, Promise.resolve()) });
    await wait(40);
    assert.ok(ticks.a > 0);
    const b = startHousekeeping({ leases: board.instance('b'), intervalMs: 5, tick: () => (ticks.b++, Promise.resolve()) });
    await wait(40);
    assert.equal(ticks.b, 0, 'b waits while a holds it');
    cutOff = true;
    board.pause(HOUSEKEEPING_LEASE);
    const aAtLoss = ticks.a;
    await wait(60);
    assert.ok(ticks.b > 0, 'b took over');
    assert.equal(board.holder(HOUSEKEEPING_LEASE)?.instance, 'b');
    assert.ok(ticks.a <= aAtLoss + 1, `a stopped ticking (at most the tick under way): ${ticks.a} vs ${aAtLoss}`);
    await Promise.all([a.stop(), b.stop()]);
    assert.equal(board.holder(HOUSEKEEPING_LEASE), undefined, 'released on stop');
  });

  it('a tick under way is told when its lease is lost, so it stops between its phases', async () => {
    const board = new LeaseBoard(new MemoryStore());
    const seen: boolean[] = [];
    let lose!: () => void;
    const lost = new Promise<void>((resolve) => (lose = resolve));
    const a = startHousekeeping({
      leases: board.instance('a'),
      intervalMs: 5,
      tick: async (held) => {
        if (seen.length === 0) {
          seen.push(held());
          board.pause(HOUSEKEEPING_LEASE); // paused mid-tick past its lease
          lose();
          seen.push(held());
        }
        return Promise.resolve();
      },
    });
    await lost;
    await a.stop();
    assert.deepEqual(seen, [true, false]);
  });
});
