// LocalLeases: the embedded store's one instance. A lease is refused only while held in this process, advances the
// store's fence, is never lost, and needs no settling delay.
import assert from 'node:assert/strict';
import { LeaseLostError } from '../../src/store/leases';
import { LocalLeases } from '../../src/store/local-leases';
import { MemoryStore } from '../../src/store/memory';
import { FencedError } from '../../src/store/store';

describe('LocalLeases (one instance)', () => {
  it('refuses a name held here, grants it again once released with the next fencing epoch; the old epoch is fenced out', async () => {
    const store = new MemoryStore();
    const leases = new LocalLeases(store);
    const first = (await leases.acquire('run/r1', 'r1'))!;
    assert.deepEqual(first.fence, { key: 'r1', epoch: 1 });
    assert.equal(first.settleNotBefore, undefined);
    assert.equal(first.held(), true);
    assert.equal(await leases.acquire('run/r1', 'r1'), undefined);
    await store.put('runs', 'r1', { n: 1 }, null, first.fence);

    await first.release();
    assert.equal(first.held(), false);
    assert.throws(() => first.assertHeld(), LeaseLostError);
    const second = (await leases.acquire('run/r1', 'r1'))!;
    assert.deepEqual(second.fence, { key: 'r1', epoch: 2 });
    const doc = (await store.get('runs', 'r1'))!;
    await assert.rejects(store.put('runs', 'r1', { n: 2 }, doc.etag, first.fence), FencedError);
    await store.put('runs', 'r1', { n: 2 }, doc.etag, second.fence);
  });

  it('of two acquires at once, one wins; other names are independent; the fence key defaults to the name', async () => {
    const leases = new LocalLeases(new MemoryStore());
    const [a, b] = await Promise.all([leases.acquire('housekeeping'), leases.acquire('housekeeping')]);
    assert.equal([a, b].filter(Boolean).length, 1);
    assert.deepEqual((a ?? b)!.fence, { key: 'housekeeping', epoch: 1 });
    assert.ok(await leases.acquire('run/r2', 'r2'));
  });

  it('close releases every lease held here; a lease is never lost (no listener is called)', async () => {
    const leases = new LocalLeases(new MemoryStore());
    const lease = (await leases.acquire('run/r3', 'r3'))!;
    let lost = 0;
    lease.onLost(() => lost++);
    await leases.close();
    assert.equal(lease.held(), false);
    assert.equal(lost, 0);
    assert.ok(await leases.acquire('run/r3', 'r3'));
  });
});
