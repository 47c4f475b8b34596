// The entry point as an operator runs it: a child process with an environment, judged by exit code and output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const ROOT = path.resolve(__dirname, '..');
const TENANT = '11111111-2222-3333-4444-555555555555';

function run(env: NodeJS.ProcessEnv, until?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts'], {
      cwd: ROOT,
      // Only what the test sets, plus PATH: the developer's own variables must not leak in.
      env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (until?.test(output)) {
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('entry point (src/index.ts)', function () {
  this.timeout(30000);

  it('refuses M365_CREDENTIAL=none with a non-loopback GRAPH_BASE_URL: non-zero exit, clear message', async () => {
    const { code, output } = await run({
      TENANT_ID: TENANT,
      M365_CREDENTIAL: 'none',
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      EXCHANGE_BASE_URL: 'http://127.0.0.1:9',
    });
    assert.notEqual(code, 0);
    assert.match(output, /Configuration error: GRAPH_BASE_URL: M365_CREDENTIAL=none sends no tokens and is only allowed with loopback endpoints/);
    assert.doesNotMatch(output, /bot listening/);
  });

  it('refuses a real tenant without BOT_ID, naming the variable', async () => {
    const { code, output } = await run({
      TENANT_ID: TENANT,
      M365_CREDENTIAL: 'managed-identity',
      OPERATORS_GROUP_ID: TENANT,
      APPROVERS_GROUP_ID: TENANT,
      PROTECTED_GROUP_ID: TENANT,
    });
    assert.notEqual(code, 0);
    assert.match(output, /Configuration error: BOT_ID: is required/);
  });

  it('unconfigured, starts the simulated tenant, says so loudly, and listens on loopback only', async () => {
    const { output } = await run({ PORT: '0', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-index-')) }, /bot listening/);
    assert.match(output, /SIMULATED TENANT: no real accounts are touched/);
    const listening = output.split('\n').find((l) => l.includes('bot listening'));
    assert.ok(listening, output);
    const entry = JSON.parse(listening) as { url: string; host: string; authentication: string; graph: string };
    assert.equal(entry.host, '127.0.0.1');
    assert.match(entry.authentication, /off/);
    assert.match(entry.graph, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('never logs a secret', async () => {
    const secret = 'S3cr3t-value-that-must-not-appear';
    const { output } = await run(
      {
        PORT: '0',
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-index-')),
        TENANT_ID: TENANT,
        M365_CREDENTIAL: 'none',
        GRAPH_BASE_URL: 'http://127.0.0.1:9',
        EXCHANGE_BASE_URL: 'http://127.0.0.1:9',
        OPERATORS_GROUP_ID: TENANT,
        APPROVERS_GROUP_ID: TENANT,
        PROTECTED_GROUP_ID: TENANT,
        BOT_ID: 'bbbbbbbb-0000-0000-0000-000000000001',
        BOT_PASSWORD: secret,
        AZURE_CLIENT_SECRET: secret,
      },
      /bot listening/,
    );
    assert.match(output, /bot listening/);
    assert.equal(output.includes(secret), false);
  });

  it('opens the store in the journal mode the configuration chose (SQLITE_JOURNAL_MODE), and logs it', async () => {
    const journalOf = async (env: NodeJS.ProcessEnv): Promise<{ logged: unknown; file: unknown }> => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-index-'));
      try {
        const { output } = await run({ PORT: '0', DATA_DIR: dataDir, ...env }, /bot listening/);
        const listening = output.split('\n').find((l) => l.includes('bot listening'));
        assert.ok(listening, output);
        // WAL is recorded in the database file itself; DELETE is the file's default.
        const db = new Database(path.join(dataDir, 'offboarding.db'), { readonly: true });
        try {
          return { logged: (JSON.parse(listening) as { sqliteJournalMode: unknown }).sqliteJournalMode, file: db.pragma('journal_mode', { simple: true }) };
        } finally {
          db.close();
        }
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    };
    assert.deepEqual(await journalOf({}), { logged: 'WAL', file: 'wal' });
    assert.deepEqual(await journalOf({ SQLITE_JOURNAL_MODE: 'DELETE' }), { logged: 'DELETE', file: 'delete' });
  });
});
