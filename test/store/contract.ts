// The Store contract, as one suite every implementation must pass (memory.test.ts, sqlite.test.ts): the engine
// relies on exactly these semantics, whichever store it runs on.
import assert from 'node:assert/strict';
import { ConflictError, FencedError, type Store } from '../../src/store/store';

export interface StoreFixture {
  store: Store;
  dispose(): Promise<void>;
}

function conflict(collection: string, id: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ConflictError, `expected ConflictError, got ${String(err)}`);
    assert.equal(err.collection, collection);
    assert.equal(err.id, id);
    return true;
  };
}

export function storeContract(open: () => Promise<StoreFixture>): void {
  let fixture: StoreFixture;
  let store: Store;

  beforeEach(async () => {
    fixture = await open();
    store = fixture.store;
  });
  afterEach(() => fixture.dispose());

  describe('documents', () => {
    it('creates a document and reads it back with the etag put returned', async () => {
      assert.equal(await store.get('runs', 'r1'), undefined);
      const etag = await store.put('runs', 'r1', { state: 'running' }, null);
      assert.equal(typeof etag, 'string');
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { state: 'running' }, etag });
    });

    it('replaces with the current etag and issues a new one', async () => {
      const first = await store.put('runs', 'r1', { n: 1 }, null);
      const second = await store.put('runs', 'r1', { n: 2 }, first);
      assert.notEqual(second, first);
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { n: 2 }, etag: second });
      // Writing the same value again is still a new version.
      assert.notEqual(await store.put('runs', 'r1', { n: 2 }, second), second);
    });

    it('rejects a stale etag and keeps the winning write', async () => {
      const first = await store.put('runs', 'r1', { n: 1 }, null);
      const second = await store.put('runs', 'r1', { n: 2 }, first);
      await assert.rejects(store.put('runs', 'r1', { n: 3 }, first), conflict('runs', 'r1'));
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { n: 2 }, etag: second });
    });

    it('rejects a made-up etag, and an etag for a document that does not exist', async () => {
      await store.put('runs', 'r1', { n: 1 }, null);
      await assert.rejects(store.put('runs', 'r1', { n: 2 }, 'not-the-etag'), conflict('runs', 'r1'));
      await assert.rejects(store.put('runs', 'r2', { n: 1 }, 'some-etag'), conflict('runs', 'r2'));
      assert.equal(await store.get('runs', 'r2'), undefined);
    });

    it('rejects creating over an existing document', async () => {
      const etag = await store.put('runs', 'r1', { n: 1 }, null);
      await assert.rejects(store.put('runs', 'r1', { n: 2 }, null), conflict('runs', 'r1'));
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { n: 1 }, etag });
    });

    it('lets exactly one of two racing writers with the same etag win', async () => {
      const etag = await store.put('runs', 'r1', { n: 0 }, null);
      const results = await Promise.allSettled([store.put('runs', 'r1', { n: 1 }, etag), store.put('runs', 'r1', { n: 2 }, etag)]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    });

    it('deletes with the current etag only', async () => {
      const etag = await store.put('runs', 'r1', { n: 1 }, null);
      await assert.rejects(store.delete('runs', 'r1', 'not-the-etag'), conflict('runs', 'r1'));
      assert.ok(await store.get('runs', 'r1'));
      await store.delete('runs', 'r1', etag);
      assert.equal(await store.get('runs', 'r1'), undefined);
      await assert.rejects(store.delete('runs', 'r1', etag), conflict('runs', 'r1'));
      // Once deleted, the id can be created again.
      await store.put('runs', 'r1', { n: 2 }, null);
    });

    it('keeps collections apart', async () => {
      await store.put('runs', 'x', 'a run', null);
      await store.put('steps', 'x', 'a step', null);
      assert.equal((await store.get('runs', 'x'))?.value, 'a run');
      assert.equal((await store.get('steps', 'x'))?.value, 'a step');
      assert.deepEqual((await store.list('runs')).map((d) => d.value), ['a run']);
    });

    it('round-trips nested JSON and hands out copies', async () => {
      const value = { a: [1, 2.5, -3, { b: null, c: true }], s: 'é ✓ 😀 "quoted" \\ \n', empty: {}, list: [] as unknown[] };
      await store.put('runs', 'r1', value, null);
      const read = await store.get<typeof value>('runs', 'r1');
      assert.deepEqual(read?.value, value);
      read?.value.list.push('mutated');
      value.empty = { changed: true };
      assert.deepEqual((await store.get<typeof value>('runs', 'r1'))?.value.list, []);
      assert.deepEqual((await store.get<typeof value>('runs', 'r1'))?.value.empty, {});
    });

    it('rejects a value JSON cannot hold', async () => {
      await assert.rejects(store.put('runs', 'r1', undefined, null), TypeError);
      await assert.rejects(store.put('runs', 'r1', { n: 1n }, null), TypeError);
      assert.equal(await store.get('runs', 'r1'), undefined);
    });
  });

  describe('list', () => {
    const ids = ['a%b', 'a_b', 'axb', 'a*1', 'a?1', 'a[1]', 'A%b', 'ab', 'b', 'r1/', 'r1/s1', 'r10/s1'];

    beforeEach(async () => {
      for (const id of ids) {
        await store.put('docs', id, { id }, null);
      }
      await store.put('other', 'a%b', { id: 'elsewhere' }, null);
    });

    async function listed(prefix?: string): Promise<string[]> {
      return (await store.list<{ id: string }>('docs', prefix)).map((d) => d.id);
    }

    it('lists every document of a collection in id order, with values and current etags', async () => {
      const all = await store.list<{ id: string }>('docs');
      assert.deepEqual(
        all.map((d) => d.id),
        [...ids].sort(),
      );
      for (const doc of all) {
        assert.deepEqual(doc, await store.get('docs', doc.id));
      }
    });

    it('treats the prefix literally: no wildcards, case-sensitive', async () => {
      assert.deepEqual(await listed('a%'), ['a%b']);
      assert.deepEqual(await listed('a_'), ['a_b']);
      assert.deepEqual(await listed('a*'), ['a*1']);
      assert.deepEqual(await listed('a?'), ['a?1']);
      assert.deepEqual(await listed('a['), ['a[1]']);
      assert.deepEqual(await listed('A'), ['A%b']);
      assert.deepEqual(await listed('a'), ['a%b', 'a*1', 'a?1', 'a[1]', 'a_b', 'ab', 'axb']);
      assert.deepEqual(await listed('r1/'), ['r1/', 'r1/s1']);
      assert.deepEqual(await listed('zz'), []);
      assert.deepEqual(await listed(''), await listed());
    });

    it('orders ids by code point (as UTF-8 bytes), not by UTF-16 unit', async () => {
      await store.put('wide', 'x\u{1F600}', 1, null);
      await store.put('wide', 'x\uFF01', 2, null);
      assert.deepEqual(
        (await store.list('wide', 'x')).map((d) => d.id),
        ['x\uFF01', 'x\u{1F600}'],
      );
    });
  });

  describe('fencing', () => {
    function fenced(key: string, epoch: number, current: number | undefined) {
      return (err: unknown): boolean => {
        assert.ok(err instanceof FencedError, `expected FencedError, got ${String(err)}`);
        assert.deepEqual([err.fence, err.current], [{ key, epoch }, current]);
        return true;
      };
    }

    it('numbers the epochs of each key 1, 2, 3…', async () => {
      assert.deepEqual([await store.advanceFence('r1'), await store.advanceFence('r1'), await store.advanceFence('r1')], [1, 2, 3]);
      assert.equal(await store.advanceFence('r2'), 1);
    });

    it('lets fenced puts and deletes through at the current epoch', async () => {
      const epoch = await store.advanceFence('r1');
      const fence = { key: 'r1', epoch };
      const run = await store.put('runs', 'r1', { n: 1 }, null, fence);
      const step = await store.put('steps', 'r1/s1', { n: 1 }, null, fence);
      // Writes of the same owner don't conflict with each other over the fence.
      const [again, other] = await Promise.all([store.put('runs', 'r1', { n: 2 }, run, fence), store.put('items', 'r1/s1/t1', { n: 1 }, null, fence)]);
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { n: 2 }, etag: again });
      assert.deepEqual(await store.get('items', 'r1/s1/t1'), { id: 'r1/s1/t1', value: { n: 1 }, etag: other });
      await store.delete('steps', 'r1/s1', step, fence);
      assert.equal(await store.get('steps', 'r1/s1'), undefined);
      // Gone means gone: created again, listed only once.
      await store.put('steps', 'r1/s1', { n: 3 }, null, fence);
      assert.deepEqual((await store.list('steps', 'r1/')).map((d) => d.value), [{ n: 3 }]);
    });

    it('refuses a stale epoch with FencedError and writes nothing', async () => {
      const old = { key: 'r1', epoch: await store.advanceFence('r1') };
      const etag = await store.put('runs', 'r1', { n: 1 }, null, old);
      assert.equal(await store.advanceFence('r1'), 2);
      await assert.rejects(store.put('runs', 'r1', { n: 2 }, etag, old), fenced('r1', 1, 2));
      await assert.rejects(store.put('steps', 'r1/s1', { n: 1 }, null, old), fenced('r1', 1, 2));
      await assert.rejects(store.delete('runs', 'r1', etag, old), fenced('r1', 1, 2));
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { n: 1 }, etag });
      assert.equal(await store.get('steps', 'r1/s1'), undefined);
      // A key never fenced refuses every epoch.
      await assert.rejects(store.put('runs', 'r9', 1, null, { key: 'r9', epoch: 1 }), fenced('r9', 1, undefined));
      assert.equal(await store.get('runs', 'r9'), undefined);
    });

    it('still reports a lost race as ConflictError when the fence holds', async () => {
      const fence = { key: 'r1', epoch: await store.advanceFence('r1') };
      await store.put('runs', 'r1', { n: 1 }, null, fence);
      await assert.rejects(store.put('runs', 'r1', { n: 2 }, null, fence), conflict('runs', 'r1'));
    });

    it('refuses a fenced id outside its key with RangeError', async () => {
      const fence = { key: 'r1', epoch: await store.advanceFence('r1') };
      await assert.rejects(store.put('steps', 'r10/s1', 1, null, fence), RangeError);
      await assert.rejects(store.put('runs', 'r2', 1, null, fence), RangeError);
      const etag = await store.put('runs', 'r2', 1, null);
      await assert.rejects(store.delete('runs', 'r2', etag, fence), RangeError);
      assert.equal(await store.get('steps', 'r10/s1'), undefined);
      assert.ok(await store.get('runs', 'r2'));
    });
  });

  it('lists the collections that hold documents', async () => {
    assert.deepEqual(await store.collections(), []);
    await store.put('runs', 'r1', 1, null);
    await store.put('steps', 'r1/s1', 1, null);
    const etag = await store.put('requests', 'q1', 1, null);
    await store.put('teams-personal-chats', 'a|b', 1, null);
    assert.deepEqual(await store.collections(), ['requests', 'runs', 'steps', 'teams-personal-chats']);
    await store.delete('requests', 'q1', etag);
    await store.advanceFence('r1');
    assert.deepEqual(await store.collections(), ['runs', 'steps', 'teams-personal-chats']);
  });

  describe('audit', () => {
    it('reads entries back in append order, numbered, timed and with absent fields left out', async () => {
      const before = Date.now();
      await store.appendAudit({ kind: 'request', requestId: 'q1', data: { leaver: 'adele', nested: { list: [1, 2] } } });
      await store.appendAudit({ kind: 'call', time: '2025-01-02T03:04:05.000Z', requestId: 'q1', runId: 'r1', stepId: 's1', m365RequestId: 'm1' });
      await store.appendAudit({ kind: 'decision', requestId: 'q2' });

      const all = await store.readAudit();
      assert.deepEqual(
        all.map(({ time: _time, ...rest }) => rest),
        [
          { seq: all[0]!.seq, kind: 'request', requestId: 'q1', data: { leaver: 'adele', nested: { list: [1, 2] } } },
          { seq: all[1]!.seq, kind: 'call', requestId: 'q1', runId: 'r1', stepId: 's1', m365RequestId: 'm1' },
          { seq: all[2]!.seq, kind: 'decision', requestId: 'q2' },
        ],
      );
      assert.ok(all[0]!.seq < all[1]!.seq && all[1]!.seq < all[2]!.seq, 'seq grows in append order');
      assert.equal(all[1]!.time, '2025-01-02T03:04:05.000Z', 'a given time is kept');
      const stamped = Date.parse(all[0]!.time);
      assert.equal(new Date(stamped).toISOString(), all[0]!.time, 'the store stamps ISO time');
      assert.ok(stamped >= before - 1 && stamped <= Date.now() + 1);
    });

    it('filters by request, by run, and by both', async () => {
      await store.appendAudit({ kind: 'request', requestId: 'q1' });
      await store.appendAudit({ kind: 'step', requestId: 'q1', runId: 'r1' });
      await store.appendAudit({ kind: 'step', requestId: 'q2', runId: 'r2' });
      await store.appendAudit({ kind: 'step', requestId: 'q1', runId: 'r1', stepId: 's2' });
      await store.appendAudit({ kind: 'step', runId: 'r1' });

      const kinds = async (filter: { requestId?: string; runId?: string }) =>
        (await store.readAudit(filter)).map((e) => [e.kind, e.requestId, e.runId, e.stepId]);
      assert.deepEqual(await kinds({ requestId: 'q1' }), [
        ['request', 'q1', undefined, undefined],
        ['step', 'q1', 'r1', undefined],
        ['step', 'q1', 'r1', 's2'],
      ]);
      assert.deepEqual(await kinds({ runId: 'r1' }), [
        ['step', 'q1', 'r1', undefined],
        ['step', 'q1', 'r1', 's2'],
        ['step', undefined, 'r1', undefined],
      ]);
      assert.deepEqual(await kinds({ requestId: 'q2', runId: 'r1' }), []);
      assert.equal((await store.readAudit({})).length, 5);
      assert.deepEqual(await store.readAudit({ runId: 'nope' }), []);
    });

    it('hands out copies of the data', async () => {
      await store.appendAudit({ kind: 'plan', data: { steps: ['a'] } });
      const [entry] = await store.readAudit();
      (entry!.data!.steps as string[]).push('mutated');
      assert.deepEqual((await store.readAudit())[0]!.data, { steps: ['a'] });
    });
  });

  it('refuses every call once closed', async () => {
    await store.close();
    await assert.rejects(store.get('runs', 'r1'));
    await assert.rejects(store.put('runs', 'r1', 1, null));
    await assert.rejects(store.appendAudit({ kind: 'x' }));
    await assert.rejects(store.readAudit());
    await store.close();
  });
}
