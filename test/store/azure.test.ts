import assert from 'node:assert/strict';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { PassThrough } from 'node:stream';
import { auditExportCli } from '../../src/cli/audit-export';
import { openConfiguredStore } from '../../src/store';
import { escapeKey, unescapeKey } from '../../src/store/azure/keys';
import { ConflictError, FencedError } from '../../src/store/store';
import { openAzureStore, randomPrefix, withAzurite } from './azure-fixture';
import { storeContract } from './contract';
import { makeTempDir, removeTempDir } from './temp-dir';

describe('AzureStore (Azurite)', function () {
  this.timeout(60_000);
  const azurite = withAzurite();

  storeContract(async () => {
    const store = await openAzureStore(azurite());
    return { store, dispose: () => store.close() };
  });

  describe('openConfiguredStore', () => {
    it('opens the Azure store and its lease container when the configuration says azure, SQLite otherwise', async () => {
      const prefix = randomPrefix();
      const opened = await openConfiguredStore({ dataDir: '/nonexistent', sqliteJournalMode: 'WAL', storage: { kind: 'azure', connectionString: azurite().connectionString, prefix } });
      assert.equal(opened.kind, 'azure');
      assert.equal(opened.leaseContainer?.containerName, `${prefix}-leases`);
      assert.ok(await opened.leaseContainer.exists());
      await opened.store.put('runs', 'r1', 1, null);
      const other = await openAzureStore(azurite(), {}, prefix);
      assert.equal((await other.get('runs', 'r1'))?.value, 1);
      const dir = makeTempDir();
      try {
        const sqlite = await openConfiguredStore({ dataDir: dir, sqliteJournalMode: 'WAL', storage: { kind: 'sqlite' } });
        assert.deepEqual([sqlite.kind, sqlite.leaseContainer], ['sqlite', undefined]);
        await sqlite.store.close();
      } finally {
        removeTempDir(dir);
      }
    });
  });

  describe('Azure only', () => {
    it('escapes keys reversibly and keeps characters Table Storage forbids out of them', () => {
      for (const id of ['a/b', 'a\\b#c?d%e|f~g!h', '!2F', '\u0000\u001f\u007f\u0085', 'é😀\uffff', '']) {
        const escaped = escapeKey(id);
        // eslint-disable-next-line no-control-regex -- control characters are what keys must not hold
        assert.doesNotMatch(escaped, /[/\\#?%|~\u0000-\u001f\u007f-\u009f\uffff\u{10000}-\u{10ffff}]/u);
        assert.equal(unescapeKey(escaped), id);
      }
    });

    it('round-trips ids with / # ? % | ~ and unicode, and lists them by prefix', async () => {
      const store = await openAzureStore(azurite());
      const ids = ['r#1/s?1', 'r#1/s%2F', 'r#1/t~|x', 'r#1/é😀', 'r#10/s', 'q\\1', 'r%23'];
      for (const id of ids) {
        await store.put('steps', id, { id }, null);
      }
      for (const id of ids) {
        assert.deepEqual((await store.get<{ id: string }>('steps', id))?.value, { id });
      }
      assert.deepEqual((await store.list('steps', 'r#1/')).map((d) => d.id), ['r#1/s%2F', 'r#1/s?1', 'r#1/t~|x', 'r#1/é😀']);
      assert.deepEqual((await store.list('steps', 'r#')).map((d) => d.id), ['r#1/s%2F', 'r#1/s?1', 'r#1/t~|x', 'r#1/é😀', 'r#10/s']);
      assert.deepEqual((await store.list('steps', 'r%')).map((d) => d.id), ['r%23']);
      assert.equal((await store.list('steps')).length, ids.length);
    });

    it('splits a 100 KB value across properties and keeps a 2 MB one in a blob, replaced and deleted cleanly', async () => {
      const prefix = randomPrefix();
      const store = await openAzureStore(azurite(), {}, prefix);
      const blobs = async () => {
        const names: string[] = [];
        for await (const b of BlobServiceClient.fromConnectionString(azurite().connectionString).getContainerClient(`${prefix}-documents`).listBlobsFlat()) {
          names.push(b.name);
        }
        return names;
      };
      // Non-ASCII text across the 30,000-unit cuts and Azurite's 64 KiB request chunks.
      const medium = { text: `${'x'.repeat(60)}😀é`.repeat(1600) };
      const etag = await store.put('plans', 'p1', medium, null);
      assert.deepEqual(await store.get('plans', 'p1'), { id: 'p1', value: medium, etag });
      assert.deepEqual(await blobs(), []);
      const raw = await TableClient.fromConnectionString(azurite().connectionString, `${prefix}documents`, { allowInsecureConnection: true }).getEntity('plans|p1', 'plans|p1');
      assert.ok(Number(raw.parts) >= 4, `split across ${String(raw.parts)} properties`);
      assert.ok(Object.keys(raw).filter((k) => /^v\d+$/.test(k)).every((k) => String(raw[k]).length <= 30_000));

      const huge = { groups: Array.from({ length: 20_000 }, (_, i) => ({ id: `group-${i}`, name: `Group number ${i} ${'x'.repeat(60)}` })) };
      assert.ok(JSON.stringify(huge).length > 2_000_000);
      const big = await store.put('plans', 'p1', huge, etag);
      assert.deepEqual(await store.get('plans', 'p1'), { id: 'p1', value: huge, etag: big });
      assert.deepEqual((await store.list('plans')).map((d) => [d.id, d.etag]), [['p1', big]]);
      assert.equal((await blobs()).length, 1);
      // A losing write leaves no blob behind.
      await assert.rejects(store.put('plans', 'p1', huge, etag), ConflictError);
      assert.equal((await blobs()).length, 1);
      const bigger = await store.put('plans', 'p1', { ...huge, more: true }, big);
      assert.equal((await blobs()).length, 1, 'the replaced blob is deleted');
      const back = await store.put('plans', 'p1', medium, bigger);
      assert.deepEqual(await blobs(), []);
      await store.delete('plans', 'p1', back);
      // Under a fence, still one transaction.
      const fence = { key: 'r1', epoch: await store.advanceFence('r1') };
      const fencedBig = await store.put('runs', 'r1', huge, null, fence);
      assert.deepEqual((await store.get('runs', 'r1'))?.etag, fencedBig);
      await store.delete('runs', 'r1', fencedBig, fence);
      assert.deepEqual(await blobs(), []);
    });

    it('lets exactly one of many racing CAS writers win, across two store instances', async () => {
      const prefix = randomPrefix();
      const [a, b] = [await openAzureStore(azurite(), {}, prefix), await openAzureStore(azurite(), {}, prefix)];
      const etag = await a.put('runs', 'r1', { n: 0 }, null);
      const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map((n) => (n % 2 ? a : b).put('runs', 'r1', { n }, etag)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        assert.ok(r.status === 'fulfilled' || r.reason instanceof ConflictError);
      }
      const created = await Promise.allSettled([a.put('runs', 'r2', 1, null), b.put('runs', 'r2', 2, null)]);
      assert.deepEqual(created.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    });

    it('groups fenced writes made at once into one transaction, and gives each write of a failed group its own outcome', async () => {
      const store = await openAzureStore(azurite());
      const fence = { key: 'r9', epoch: await store.advanceFence('r9') };
      const first = await store.put('items', 'r9/s/a', { n: 1 }, null, fence);
      // One stale etag among fresh creates: the group's transaction fails, then each write is tried alone.
      const results = await Promise.allSettled([
        store.put('items', 'r9/s/a', { n: 2 }, 'W/"datetime\'2000-01-01T00%3A00%3A00.0000000Z\'"', fence),
        store.put('items', 'r9/s/b', { n: 1 }, null, fence),
        store.put('items', 'r9/s/c', { n: 1 }, null, fence),
        store.put('items', 'r9/s/a', { n: 3 }, first, fence), // the same entity twice: a second transaction
      ]);
      assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      assert.ok((results[0] as PromiseRejectedResult).reason instanceof ConflictError);
      assert.deepEqual((await store.get('items', 'r9/s/a'))?.value, { n: 3 });
      // After the fence moved on, a group of the old epoch writes nothing at all.
      await store.advanceFence('r9');
      const stale = await Promise.allSettled([store.put('items', 'r9/s/d', 1, null, fence), store.put('items', 'r9/s/e', 1, null, fence)]);
      assert.ok(stale.every((r) => r.status === 'rejected' && r.reason instanceof FencedError));
      assert.deepEqual((await store.list('items', 'r9/')).map((d) => d.id), ['r9/s/a', 'r9/s/b', 'r9/s/c']);
    });

    it('lets concurrent fenced writes of one epoch all succeed, and gives concurrent advancers distinct epochs', async () => {
      const store = await openAzureStore(azurite());
      const fence = { key: 'r1', epoch: await store.advanceFence('r1') };
      const etags = await Promise.all(Array.from({ length: 10 }, (_, i) => store.put('items', `r1/step/t${i}`, { i }, null, fence)));
      // Written together they may go in one transaction (fenced-batches.ts), where entities can share an ETag value.
      const stored = await Promise.all(etags.map(async (_, i) => (await store.get('items', `r1/step/t${i}`))?.etag));
      assert.deepEqual(stored, etags);
      assert.equal((await store.list('items', 'r1/')).length, 10);
      const epochs = await Promise.all(Array.from({ length: 5 }, () => store.advanceFence('r1')));
      assert.deepEqual([...epochs].sort((x, y) => x - y), [2, 3, 4, 5, 6]);
    });

    it('deletes under a fence through a tombstone that reads as absent and gives way to a create', async () => {
      const prefix = randomPrefix();
      const store = await openAzureStore(azurite(), {}, prefix);
      const table = TableClient.fromConnectionString(azurite().connectionString, `${prefix}documents`, { allowInsecureConnection: true });
      const fence = { key: 'r1', epoch: await store.advanceFence('r1') };
      const etag = await store.put('steps', 'r1/a', 1, null, fence);
      await store.delete('steps', 'r1/a', etag, fence);
      await assert.rejects(table.getEntity('run|r1', 'steps|r1%2Fa'), (err: { statusCode?: number }) => err.statusCode === 404);
      // A tombstone left behind (the follow-up delete failed): absent to every read, replaced by a create.
      await table.createEntity({ partitionKey: 'run|r1', rowKey: 'steps|r1%2Fb', deleted: true });
      await table.createEntity({ partitionKey: 'run|r1', rowKey: 'steps|r1%2Fc', deleted: true });
      assert.equal(await store.get('steps', 'r1/b'), undefined);
      assert.deepEqual(await store.list('steps', 'r1/'), []);
      assert.deepEqual(await store.collections(), []);
      const b = await store.put('steps', 'r1/b', 'b', null);
      const c = await store.put('steps', 'r1/c', 'c', null, fence);
      assert.deepEqual((await store.list('steps', 'r1/')).map((d) => [d.id, d.value, d.etag]), [['r1/b', 'b', b], ['r1/c', 'c', c]]);
      await assert.rejects(store.put('steps', 'r1/c', 'again', null, fence), ConflictError);
    });

    it('refuses fenced writes outside the run collections (no shared partition with the fence)', async () => {
      const store = await openAzureStore(azurite());
      const fence = { key: 'q1', epoch: await store.advanceFence('q1') };
      await assert.rejects(store.put('requests', 'q1', 1, null, fence), RangeError);
      assert.equal(await store.get('requests', 'q1'), undefined);
    });

    it('rolls the audit log over to the next blob, every instance following, and reads across blobs in order', async () => {
      const prefix = randomPrefix();
      const [a, b] = [await openAzureStore(azurite(), { auditRollAtBlocks: 3 }, prefix), await openAzureStore(azurite(), { auditRollAtBlocks: 3 }, prefix)];
      for (let i = 0; i < 10; i++) {
        await (i % 2 ? a : b).appendAuditBatch([
          { kind: 'step', runId: `r${i % 3}`, requestId: `q${i % 2}`, data: { i } },
          { kind: 'call', runId: `r${i % 3}`, data: { i, second: true } },
        ]);
      }
      const names: string[] = [];
      for await (const blob of BlobServiceClient.fromConnectionString(azurite().connectionString).getContainerClient(`${prefix}-audit`).listBlobsFlat()) {
        names.push(blob.name);
      }
      assert.ok(names.length >= 3, `rolled over: ${names.join()}`);
      assert.equal(names[0], 'audit-000001.jsonl');

      const all = await a.readAudit();
      assert.deepEqual(
        all.map((e) => [e.kind, e.data?.i]),
        Array.from({ length: 10 }, (_, i) => [['step', i], ['call', i]]).flat(),
      );
      for (let i = 1; i < all.length; i++) {
        assert.ok(all[i - 1]!.seq < all[i]!.seq, 'seq grows in append order');
      }
      const r1 = await b.readAudit({ runId: 'r1' });
      assert.deepEqual(r1, all.filter((e) => e.runId === 'r1'));
      assert.deepEqual(r1.map((e) => e.data?.i), [1, 1, 4, 4, 7, 7]);
      assert.deepEqual(await a.readAudit({ requestId: 'q1' }), all.filter((e) => e.requestId === 'q1'));
      assert.deepEqual(await a.readAudit({ requestId: 'q1', runId: 'r0' }), all.filter((e) => e.requestId === 'q1' && e.runId === 'r0'));
    });

    it('splits a batch larger than an append block into several blocks, in order', async () => {
      const store = await openAzureStore(azurite());
      const text = 'y'.repeat(900_000);
      await store.appendAuditBatch(Array.from({ length: 6 }, (_, i) => ({ kind: 'plan', runId: 'r1', data: { i, text } })));
      const read = await store.readAudit({ runId: 'r1' });
      assert.deepEqual(read.map((e) => e.data?.i), [0, 1, 2, 3, 4, 5]);
      assert.equal(read[5]!.data?.text, text);
    });

    it('audit:export reads the shared store when AZURE_STORAGE_* is set: everything, or one run through the index', async () => {
      const prefix = randomPrefix();
      const store = await openAzureStore(azurite(), undefined, prefix);
      await store.appendAuditBatch([
        { kind: 'request', requestId: 'OFB-AAAAAA' },
        { kind: 'run', requestId: 'OFB-AAAAAA', runId: 'OFB-AAAAAA' },
        { kind: 'run', requestId: 'OFB-BBBBBB', runId: 'OFB-BBBBBB' },
      ]);
      await store.close();
      const exportWith = async (argv: string[]): Promise<{ code: number; lines: Array<{ kind: string; runId: string | null }> }> => {
        const out = new PassThrough();
        let text = '';
        out.on('data', (c: Buffer) => (text += c.toString()));
        const errors: string[] = [];
        const code = await auditExportCli(argv, { AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_PREFIX: prefix }, out, (l) => errors.push(l));
        assert.deepEqual(errors, []);
        return { code, lines: text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; runId: string | null }) };
      };
      const all = await exportWith([]);
      assert.deepEqual([all.code, all.lines.map((l) => l.kind)], [0, ['request', 'run', 'run']]);
      const one = await exportWith(['--run', 'OFB-BBBBBB']);
      assert.deepEqual([one.code, one.lines.map((l) => l.runId)], [0, ['OFB-BBBBBB']]);
    });
  });
});
