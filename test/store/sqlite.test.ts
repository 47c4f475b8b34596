// SqliteStore: the shared contract, plus what only a file on disk can show — durability across reopen, other
// connections and processes, a killed writer, and the append-only audit table.
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite';
import { ConflictError } from '../../src/store/store';
import { runTs, spawnTs } from './child';
import { storeContract } from './contract';
import { PAYLOAD } from './fixtures/writer';
import { makeTempDir, removeTempDir } from './temp-dir';

const WRITER = 'test/store/fixtures/writer.ts';

/** Runs one writer command to completion; resolves with what it printed. */
async function runWriter(dir: string, ...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runTs(WRITER, [dir, ...args]);
  assert.equal(code, 0, stderr);
  return stdout;
}

describe('SqliteStore', () => {
  describe('contract', () => {
    storeContract(() => {
      const dir = makeTempDir();
      const store = SqliteStore.open(dir);
      return Promise.resolve({
        store,
        dispose: async () => {
          await store.close();
          removeTempDir(dir);
        },
      });
    });
  });

  describe('on disk', () => {
    let dir: string;
    const opened: SqliteStore[] = [];

    function open(...args: Parameters<typeof SqliteStore.open> extends [string, ...infer Rest] ? Rest : never): SqliteStore {
      const store = SqliteStore.open(dir, ...args);
      opened.push(store);
      return store;
    }

    /** A raw connection, as an operator with the sqlite3 shell would have. */
    function raw(): Database.Database {
      return new Database(path.join(dir, 'offboarding.db'));
    }

    beforeEach(() => {
      dir = path.join(makeTempDir(), 'nested', 'data');
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.close();
      }
      removeTempDir(path.dirname(path.dirname(dir)));
    });

    it('creates the data directory and keeps documents and audit across close and reopen', async () => {
      const first = open();
      assert.equal(first.file, path.join(dir, 'offboarding.db'));
      const etag = await first.put('runs', 'r1', { state: 'running', steps: [{ id: 's1' }] }, null);
      await first.appendAudit({ kind: 'request', requestId: 'q1' });
      await first.close();

      const second = open();
      assert.deepEqual(await second.get('runs', 'r1'), { id: 'r1', value: { state: 'running', steps: [{ id: 's1' }] }, etag });
      await second.put('runs', 'r1', { state: 'completed' }, etag);
      await second.appendAudit({ kind: 'step', requestId: 'q1' });
      assert.deepEqual(
        (await second.readAudit()).map((e) => [e.seq, e.kind]),
        [
          [1, 'request'],
          [2, 'step'],
        ],
      );
    });

    it('shares one file between two stores: each sees the other, and compare-and-swap holds between them', async () => {
      const a = open();
      const b = open();
      const created = await a.put('runs', 'r1', { n: 1 }, null);
      assert.deepEqual(await b.get('runs', 'r1'), { id: 'r1', value: { n: 1 }, etag: created });
      const byB = await b.put('runs', 'r1', { n: 2 }, created);
      await assert.rejects(a.put('runs', 'r1', { n: 3 }, created), ConflictError);
      await assert.rejects(a.put('runs', 'r1', { n: 3 }, null), ConflictError);
      await assert.rejects(a.delete('runs', 'r1', created), ConflictError);
      assert.deepEqual(await a.get('runs', 'r1'), { id: 'r1', value: { n: 2 }, etag: byB });
      await b.appendAudit({ kind: 'decision' });
      assert.equal((await a.readAudit()).length, 1);
    });

    it('shares one file with another process, compare-and-swap included', async () => {
      const store = open();
      const created = await store.put('runs', 'r1', { by: 'parent' }, null);

      const byChild = await runWriter(dir, 'put', 'runs', 'r1', JSON.stringify({ by: 'child' }), created);
      assert.deepEqual(await store.get('runs', 'r1'), { id: 'r1', value: { by: 'child' }, etag: byChild });
      await assert.rejects(store.put('runs', 'r1', { by: 'parent again' }, created), ConflictError);

      assert.equal(await runWriter(dir, 'put', 'runs', 'r1', '{"by":"child again"}', created), 'conflict');
      assert.equal((await store.get('runs', 'r1'))?.etag, byChild);
    });

    it('leaves a readable file with every committed write intact when a writing process is killed', async function () {
      this.timeout(10_000);
      open(); // the schema exists before the child starts
      const child = spawnTs(WRITER, [dir, 'burst']);
      try {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
        const reported = await new Promise<number>((resolve, reject) => {
          let pending = '';
          const onData = (chunk: Buffer): void => {
            const lines = (pending + chunk.toString()).split('\n');
            pending = lines.pop()!;
            const last = Number(lines.at(-1) ?? -1);
            if (last >= 300) {
              child.stdout.off('data', onData);
              resolve(last);
            }
          };
          child.stdout.on('data', onData);
          child.once('error', reject);
          void exited.then(() => reject(new Error(`the writer exited before it was killed: ${stderr}`)));
        });
        child.kill('SIGKILL');
        assert.equal(await exited, 'SIGKILL');
        await checkAfterKill(reported);
      } finally {
        child.kill('SIGKILL');
      }
    });

    /** What a killed burst writer must leave: an intact file, every reported iteration, nothing half-written. */
    async function checkAfterKill(reported: number): Promise<void> {
      const db = raw();
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();

      const store = open();
      const docs = (await store.list<{ i: number; payload: string }>('burst', 'doc-')).map((d) => d.value);
      const last = docs.length - 1;
      assert.ok(last >= reported, `iteration ${reported} was reported committed, but only ${docs.length} documents survived`);
      docs.forEach((value, i) => assert.deepEqual(value, { i, payload: PAYLOAD }));
      const counter = (await store.get<{ i: number }>('burst', 'counter'))!.value.i;
      assert.ok(counter === last || counter === last - 1, `counter ${counter} is not within one of the last document ${last}`);
      const audit = await store.readAudit({ runId: 'burst' });
      audit.forEach((entry, i) => assert.deepEqual([entry.seq, entry.data], [i + 1, { i }]));
      assert.ok(audit.length === counter + 1 || audit.length === counter, `${audit.length} audit entries for counter ${counter}`);
      // The reopened file takes writes again.
      await store.put('burst', 'after', {}, null);
    }

    it('refuses UPDATE and DELETE on the audit table, even through raw SQL', async () => {
      const store = open();
      await store.appendAudit({ kind: 'request', requestId: 'q1' });
      const db = raw();
      try {
        assert.throws(() => db.prepare("UPDATE audit SET kind = 'forged'").run(), /append-only/);
        assert.throws(() => db.prepare('DELETE FROM audit').run(), /append-only/);
      } finally {
        db.close();
      }
      assert.deepEqual(
        (await store.readAudit()).map((e) => e.kind),
        ['request'],
      );
    });

    it('uses WAL by default and DELETE when asked', async () => {
      await open().close();
      const check = (): unknown => {
        const db = raw();
        try {
          return db.pragma('journal_mode', { simple: true });
        } finally {
          db.close();
        }
      };
      assert.equal(check(), 'wal');
      await open(undefined, { journalMode: 'DELETE' }).close();
      assert.equal(check(), 'delete');
    });

    it('opens read-only without changing anything, and only a file that exists', async () => {
      assert.throws(() => open(undefined, { readonly: true }));
      const writable = open();
      await writable.put('runs', 'r1', 1, null);
      const readonly = open(undefined, { readonly: true });
      assert.equal((await readonly.get('runs', 'r1'))?.value, 1);
      await assert.rejects(readonly.put('runs', 'r2', 2, null), /readonly/);
      await assert.rejects(readonly.appendAudit({ kind: 'x' }), /readonly/);
    });

    it('refuses a file written by a newer schema version', async () => {
      await open().close();
      const db = raw();
      db.pragma('user_version = 99');
      db.close();
      assert.throws(() => open(), /schema version 99/);
    });
  });
});
