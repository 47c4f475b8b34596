// The admin tools as they run on App Service: compiled into lib/cli/ with the bot, and run by plain `node` next to the
// production dependencies only (what the deployment's `npm ci --omit=dev` installs there; no tsx, no TypeScript).
// The build goes to a temporary folder shaped like App Service's wwwroot: lib/, package.json and a node_modules that
// links only the packages package-lock.json does not mark as development-only.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../../src/store/sqlite';

const ROOT = path.resolve(__dirname, '..', '..');

/** The top-level packages of a production install, from package-lock.json (`dev: true` marks development-only ones). */
function productionPackages(): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([key, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(key) && entry.dev !== true)
    .map(([key]) => key.slice('node_modules/'.length));
}

describe('admin tools on App Service (lib/cli, production dependencies only)', function () {
  this.timeout(120_000);
  let app: string;
  let data: string;

  /** `node <args>` in the wwwroot-like folder, with only PATH from this environment (no tsx hook, no DATA_DIR). */
  const node = (args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, args, { cwd: app, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 60_000 });

  before(function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-wwwroot-'));
    app = path.join(tmp, 'wwwroot');
    data = path.join(tmp, 'data');
    // What the deploy lifecycle's `npm run build` produces (tsconfig.build.json), into the temporary folder.
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(app, 'lib')], {
      encoding: 'utf8',
    });
    assert.equal(tsc.status, 0, `tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
    for (const name of productionPackages()) {
      const link = path.join(app, 'node_modules', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), link, 'dir');
    }
  });

  after(() => {
    if (app) {
      fs.rmSync(path.dirname(app), { recursive: true, force: true });
    }
  });

  it('the build produces lib/cli/doctor.js and lib/cli/audit-export.js next to lib/index.js', () => {
    for (const file of ['lib/index.js', 'lib/cli/doctor.js', 'lib/cli/audit-export.js']) {
      assert.ok(fs.existsSync(path.join(app, file)), `${file} is missing from the build`);
    }
  });

  it('the folder really lacks the development packages (so the runs below prove something)', () => {
    const probe = node(['-e', "for (const m of ['tsx', 'typescript', 'mocha']) { try { require.resolve(m); console.log(m); } catch {} }"]);
    assert.equal(probe.status, 0, probe.stderr);
    assert.equal(probe.stdout, '', 'development packages are reachable from the production folder');
    assert.ok(fs.existsSync(path.join(app, 'node_modules', 'better-sqlite3')));
  });

  it('node lib/cli/audit-export.js: empty store → nothing, an entry → one JSON line, no store → exit 1, bad usage → exit 2', async () => {
    await SqliteStore.open(data).close();
    const empty = node(['lib/cli/audit-export.js', '--data-dir', data]);
    assert.equal(empty.status, 0, empty.stderr);
    assert.equal(empty.stdout, '');

    const store = SqliteStore.open(data);
    await store.appendAudit({ kind: 'request', requestId: 'q1', data: { leaver: 'adele@contoso.com' } });
    await store.close();
    const one = node(['lib/cli/audit-export.js', '--request', 'q1'], { DATA_DIR: data });
    assert.equal(one.status, 0, one.stderr);
    const lines = one.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l.kind, l.requestId, l.data]),
      [['request', 'q1', { leaver: 'adele@contoso.com' }]],
    );

    const missing = node(['lib/cli/audit-export.js', '--data-dir', path.join(data, 'nowhere')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot open the store/);
    const bad = node(['lib/cli/audit-export.js', '--bogus']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: node lib\/cli\/audit-export\.js/);
  });

  it('node lib/cli/doctor.js: checks the simulated tenant with no Microsoft 365 variable, 78 on a configuration error', () => {
    const ok = node(['lib/cli/doctor.js']);
    assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
    assert.match(ok.stdout, /SIMULATED TENANT[\s\S]*Exchange: OK[\s\S]*Result: OK/);
    const bad = node(['lib/cli/doctor.js'], { M365_CREDENTIAL: 'secret', TENANT_ID: 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5' });
    assert.equal(bad.status, 78);
    assert.match(bad.stdout, /Configuration error: AZURE_CLIENT_ID/);
  });

  it('npm run audit:export still runs from a checkout (through tsx, no build needed)', () => {
    const run = spawnSync('npm', ['run', '--silent', 'audit:export', '--', '--data-dir', data, '--request', 'none'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
  });
});
