// store:copy (src/cli/store-copy.ts) from a SQLite data directory holding a finished offboarding (Jane Doe against
// the simulated tenant) into the Azure store on Azurite, as a separate process like an operator's shell.
import assert from 'node:assert/strict';
import { BlobServiceClient } from '@azure/storage-blob';
import { createM365 } from '../../src/m365';
import { Audit } from '../../src/offboarding/audit';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { startSimulatedTenant } from '../../src/simulator';
import { AzureStore } from '../../src/store/azure/store';
import { SqliteStore } from '../../src/store/sqlite';
import { TOM_ID } from '../offboarding/jane';
import { randomPrefix, withAzurite } from './azure-fixture';
import { runTs } from './child';
import { makeTempDir, removeTempDir } from './temp-dir';

/** Jane's whole offboarding on a SQLite store in `dir`, plus a few documents the bot keeps elsewhere. */
async function finishedRun(dir: string): Promise<void> {
  const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 300 });
  const store = SqliteStore.open(dir);
  try {
    const audit = new Audit(store);
    const { graph, exchange } = createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' },
      { onCall: audit.onCall, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) },
    );
    const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 50, sharedPollMaxMs: 200, sharedPollTimeoutMs: 10_000 } });
    const view = await engine.execute('req-jane', await engine.preview(tenant.personas.jane!, TOM_ID, DEFAULT_OPTIONS));
    assert.equal(view.run.status, 'completed');
    await store.put('requests', 'req-jane', { leaver: 'jane', note: 'é 😀 / # ?' }, null);
    await store.put('teams-personal-chats', 'tenant|user/1', { reference: { id: 'c1' } }, null);
    await store.appendAudit({ kind: 'request', time: '2025-01-02T03:04:05.000Z', requestId: 'req-jane', data: { text: 'line\nbreak' } });
  } finally {
    await store.close();
    await tenant.close();
  }
}

describe('store:copy --from sqlite --to azure (Azurite)', function () {
  this.timeout(120_000);
  const azurite = withAzurite();
  let dir: string;

  before(async () => {
    dir = makeTempDir();
    await finishedRun(dir);
  });
  after(() => removeTempDir(dir));

  const cli = (args: string[], env: NodeJS.ProcessEnv) => {
    const { DATA_DIR: _d, AZURE_STORAGE_CONNECTION_STRING: _c, AZURE_STORAGE_ACCOUNT_NAME: _a, AZURE_STORAGE_PREFIX: _p, BOT_ID: _b, ...rest } = process.env;
    return runTs('src/cli/store-copy.ts', args, { ...rest, ...env });
  };

  it('copies every collection and the audit log in order, verifies the counts, and refuses to copy into it again', async () => {
    const prefix = randomPrefix();
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_PREFIX: prefix, DATA_DIR: dir };
    const copied = await cli(['--from', 'sqlite', '--to', 'azure'], env);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match(copied.stdout, /^runs\s+1\s+1$/m);
    assert.match(copied.stdout, /^requests\s+1\s+1$/m);
    assert.match(copied.stdout, /copied and verified/);

    const source = SqliteStore.open(dir, undefined, { readonly: true });
    const target = await AzureStore.open({ connectionString: azurite().connectionString, prefix });
    try {
      const collections = await source.collections();
      assert.ok(collections.includes('steps') && collections.includes('items'), collections.join());
      assert.deepEqual(await target.collections(), collections);
      for (const collection of collections) {
        const strip = (docs: Array<{ id: string; value: unknown }>) => docs.map(({ id, value }) => ({ id, value }));
        assert.deepEqual(strip(await target.list(collection)), strip(await source.list(collection)), collection);
      }
      const withoutSeq = <T extends { seq: number }>(records: T[]) => records.map(({ seq: _seq, ...rest }) => rest);
      const audit = await source.readAudit();
      assert.ok(audit.length > 100, `a finished run audits much: ${audit.length}`);
      assert.deepEqual(withoutSeq(await target.readAudit()), withoutSeq(audit));
      assert.deepEqual(withoutSeq(await target.readAudit({ requestId: 'req-jane' })), withoutSeq(await source.readAudit({ requestId: 'req-jane' })));
    } finally {
      await source.close();
      await target.close();
    }

    const again = await cli(['--from', 'sqlite', '--to', 'azure', '--data-dir', dir], { ...env, DATA_DIR: '' });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty .*collections: .*runs/);
  });

  it('refuses bad arguments and a missing target with exit code 2, writing nothing', async () => {
    const prefix = randomPrefix();
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_PREFIX: prefix, DATA_DIR: dir };
    for (const args of [['--from', 'azure', '--to', 'sqlite'], ['--from', 'sqlite'], ['--bogus'], ['--from', 'sqlite', '--to', 'azure', 'extra']]) {
      const bad = await cli(args, env);
      assert.equal(bad.code, 2, args.join(' '));
      assert.match(bad.stderr, /usage: node lib\/cli\/store-copy\.js/);
    }
    const noTarget = await cli(['--from', 'sqlite', '--to', 'azure'], { DATA_DIR: dir });
    assert.equal(noTarget.code, 2);
    assert.match(noTarget.stderr, /set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME/);
    const badPrefix = await cli(['--from', 'sqlite', '--to', 'azure'], { ...env, AZURE_STORAGE_PREFIX: 'Bad-Prefix' });
    assert.equal(badPrefix.code, 2);
    assert.match(badPrefix.stderr, /AZURE_STORAGE_PREFIX/);
    const containers: string[] = [];
    for await (const c of BlobServiceClient.fromConnectionString(azurite().connectionString).listContainers({ prefix })) {
      containers.push(c.name);
    }
    assert.deepEqual(containers, []);
  });

  it('exits 1 when the SQLite data directory is missing', async () => {
    const missing = await cli(['--from', 'sqlite', '--to', 'azure', '--data-dir', `${dir}/nowhere`], { AZURE_STORAGE_CONNECTION_STRING: azurite().connectionString, AZURE_STORAGE_PREFIX: randomPrefix() });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot open the store in .*nowhere/);
  });
});
