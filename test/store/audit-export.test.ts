import assert from 'node:assert/strict';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { auditExportCli } from '../../src/cli/audit-export';
import { exportAuditJsonLines } from '../../src/store/audit-export';
import { MemoryStore } from '../../src/store/memory';
import { SqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import { runTs } from './child';
import { makeTempDir, removeTempDir } from './temp-dir';

async function fill(store: Store): Promise<void> {
  await store.appendAudit({ kind: 'request', time: '2025-01-01T00:00:00.000Z', requestId: 'q1', data: { leaver: 'adele@contoso.com' } });
  await store.appendAudit({ kind: 'step', requestId: 'q1', runId: 'r1', stepId: 'block-sign-in', m365RequestId: 'm-1', data: { state: 'done' } });
  await store.appendAudit({ kind: 'request', requestId: 'q2', data: { text: 'line\nbreak "quoted"' } });
}

function withoutDataDir({ DATA_DIR: _ignored, ...env }: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env;
}

function parse(text: string): Array<Record<string, unknown>> {
  assert.ok(text === '' || text.endsWith('\n'), 'every line ends with a newline');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('audit export (JSON lines)', () => {
  it('writes one object per entry, every field present, and returns the same text', async () => {
    const store = new MemoryStore();
    await fill(store);
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => (written += chunk.toString()));

    const text = await exportAuditJsonLines(store, undefined, out);
    assert.equal(written, text);
    const lines = parse(text);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0], {
      seq: 1,
      time: '2025-01-01T00:00:00.000Z',
      kind: 'request',
      requestId: 'q1',
      runId: null,
      stepId: null,
      m365RequestId: null,
      data: { leaver: 'adele@contoso.com' },
    });
    assert.deepEqual(Object.keys(lines[1]!), ['seq', 'time', 'kind', 'requestId', 'runId', 'stepId', 'm365RequestId', 'data']);
    assert.deepEqual(lines[2]!.data, { text: 'line\nbreak "quoted"' });
    // The export is exactly the audit log.
    const records = await store.readAudit();
    assert.deepEqual(
      lines.map((l) => [l.seq, l.time, l.kind, l.stepId ?? undefined]),
      records.map((r) => [r.seq, r.time, r.kind, r.stepId]),
    );
  });

  it('filters by request and by run', async () => {
    const store = new MemoryStore();
    await fill(store);
    assert.deepEqual(
      parse(await exportAuditJsonLines(store, { requestId: 'q1' })).map((l) => l.seq),
      [1, 2],
    );
    assert.deepEqual(
      parse(await exportAuditJsonLines(store, { runId: 'r1' })).map((l) => l.seq),
      [2],
    );
    assert.equal(await exportAuditJsonLines(store, { runId: 'none' }), '');
  });

  describe('src/cli/audit-export.ts (npm run audit:export)', () => {
    let dir: string;
    before(async () => {
      dir = makeTempDir();
      const store = SqliteStore.open(dir);
      await fill(store);
      await store.close();
    });
    after(() => removeTempDir(dir));

    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      runTs('src/cli/audit-export.ts', args, { ...withoutDataDir(process.env), ...env });

    it('prints the store under --data-dir (or DATA_DIR) as JSON lines, filtered by --run / --request', async () => {
      const all = await cli(['--data-dir', dir]);
      assert.equal(all.code, 0, all.stderr);
      assert.deepEqual(
        parse(all.stdout).map((l) => [l.seq, l.kind, l.requestId]),
        [
          [1, 'request', 'q1'],
          [2, 'step', 'q1'],
          [3, 'request', 'q2'],
        ],
      );
      const run = await cli(['--run', 'r1'], { DATA_DIR: dir });
      assert.deepEqual(
        parse(run.stdout).map((l) => l.stepId),
        ['block-sign-in'],
      );
      const request = await cli(['--data-dir', dir, '--request', 'q2']);
      assert.deepEqual(
        parse(request.stdout).map((l) => l.seq),
        [3],
      );
    });

    it('exits 1 without a store and 2 on bad usage', async () => {
      const missing = await cli(['--data-dir', path.join(dir, 'nowhere')]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /cannot open the store/);
      const bad = await cli(['--bogus']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /usage:/);
    });

    it('in process (auditExportCli): DATA_DIR from the given environment, --data-dir wins, errors to the given printer', async () => {
      const run = async (args: string[], env: NodeJS.ProcessEnv) => {
        const out = new PassThrough();
        let stdout = '';
        out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const errors: string[] = [];
        const code = await auditExportCli(args, env, out, (line) => errors.push(line));
        return { code, stdout, errors };
      };
      const fromEnv = await run(['--request', 'q1'], { DATA_DIR: dir });
      assert.deepEqual([fromEnv.code, parse(fromEnv.stdout).map((l) => l.seq)], [0, [1, 2]]);
      const flagWins = await run(['--data-dir', dir, '--run', 'r1'], { DATA_DIR: path.join(dir, 'nowhere') });
      assert.deepEqual([flagWins.code, parse(flagWins.stdout).map((l) => l.seq)], [0, [2]]);
      const missing = await run([], { DATA_DIR: path.join(dir, 'nowhere') });
      assert.equal(missing.code, 1);
      assert.match(missing.errors.join(), /cannot open the store in .*nowhere/);
      const bad = await run(['--run'], {});
      assert.equal(bad.code, 2);
      assert.match(bad.errors.join(), /usage: node lib\/cli\/audit-export\.js/);
    });
  });
});
