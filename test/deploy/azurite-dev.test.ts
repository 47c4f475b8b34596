// Azurite for development: `npm run azurite` (standalone, on loopback, data kept in a folder unless --in-memory) prints
// a connection string the Azure SDKs really work with, and `npm run dev -- --azurite` hands the bot such a string as
// its configuration (scripts/lib/dev-store.ts), overriding any storage account from the caller's shell.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { loadConfig } from '../../src/config';
import { parseDevArgs, prepareDevStore } from '../../scripts/lib/dev-store';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** `npm run azurite -- <args>` (as tsx runs it), resolved with its printed connection string once it listens. */
function runAzurite(args: string[]): Promise<{ child: ChildProcess; connectionString: string }> {
  const child = spawn(process.execPath, [TSX, path.join(ROOT, 'scripts', 'azurite.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no connection string in time:\n${out}`)), 30_000);
    const read = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /AZURE_STORAGE_CONNECTION_STRING='([^']+)'/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, connectionString: m[1]! });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run azurite exited (${code}):\n${out}`));
    });
  });
}

function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

const tableClient = (connectionString: string, table: string): TableClient => TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });

describe('Azurite for development (npm run azurite, npm run dev -- --azurite)', function () {
  this.timeout(90_000);

  it('npm run azurite listens on 127.0.0.1 only, keeps its data in the folder across restarts, and stops on Ctrl+C', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-azurite-'));
    try {
      const ports = ['--blob-port', '0', '--table-port', '0', '--queue-port', '0'];
      const first = await runAzurite(['--location', folder, ...ports]);
      assert.match(first.connectionString, /BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;TableEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;/);
      const table = tableClient(first.connectionString, 'offboardingdocuments');
      await table.createTable();
      await table.createEntity({ partitionKey: 'request', rowKey: 'q1', leaver: 'adele@contoso.com' });
      const blobs = BlobServiceClient.fromConnectionString(first.connectionString).getContainerClient('offboarding-audit');
      await blobs.create();
      await blobs.getAppendBlobClient('log-0').create();
      await blobs.getAppendBlobClient('log-0').appendBlock('{"kind":"request"}\n', 19);
      assert.equal(await stopped(first.child, 'SIGINT'), 0);

      const second = await runAzurite(['--location', folder, ...ports]);
      try {
        const entity = await tableClient(second.connectionString, 'offboardingdocuments').getEntity<{ leaver: string }>('request', 'q1');
        assert.equal(entity.leaver, 'adele@contoso.com');
        const body = await BlobServiceClient.fromConnectionString(second.connectionString).getContainerClient('offboarding-audit').getBlobClient('log-0').downloadToBuffer();
        assert.equal(body.toString(), '{"kind":"request"}\n');
      } finally {
        assert.equal(await stopped(second.child, 'SIGTERM'), 0);
      }
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('npm run azurite refuses bad arguments with its usage (exit 2)', () => {
    for (const args of [['--in-memory', '--location', 'x'], ['--blob-port', 'ten'], ['--bogus']]) {
      const run = spawnSync(process.execPath, [TSX, path.join(ROOT, 'scripts', 'azurite.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /usage: npm run azurite/);
    }
  });

  it('npm run dev takes --azurite and nothing else (a typo must not fall back to SQLite silently)', () => {
    assert.deepEqual(parseDevArgs([]), { azurite: false });
    assert.deepEqual(parseDevArgs(['--azurite']), { azurite: true });
    assert.throws(() => parseDevArgs(['--azurit']), /usage: npm run dev \[-- --azurite\]/);
    assert.throws(() => parseDevArgs(['azurite']), /usage: npm run dev/);
    // The script itself stops there, before starting anything.
    const run = spawnSync(process.execPath, [TSX, path.join(ROOT, 'scripts', 'dev.ts'), '--azurrite'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /usage: npm run dev/);
  });

  it('without --azurite the bot keeps the store the environment selects (SQLite by default)', async () => {
    const env: NodeJS.ProcessEnv = { DATA_DIR: '/tmp/x' };
    const store = await prepareDevStore({ azurite: false }, env);
    assert.equal(store.description, 'SQLite under /tmp/x');
    assert.deepEqual(env, { DATA_DIR: '/tmp/x' });
    assert.equal(loadConfig(env).storage.kind, 'sqlite');
    await store.stop();
  });

  it('with --azurite the bot is configured for the Azure store on a fresh Azurite, which stops with the demo', async () => {
    const env: NodeJS.ProcessEnv = { AZURE_STORAGE_ACCOUNT_NAME: 'realaccount', AZURE_STORAGE_CONNECTION_STRING: 'AccountName=real' };
    const store = await prepareDevStore({ azurite: true }, env);
    try {
      assert.deepEqual(store.overridden, ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT_NAME']);
      assert.equal(env.AZURE_STORAGE_ACCOUNT_NAME, undefined, 'never a real account in the demo');
      const config = loadConfig(env);
      assert.equal(config.storage.kind, 'azure');
      assert.equal(config.storage.kind === 'azure' ? config.storage.connectionString : undefined, store.azurite!.connectionString);
      assert.match(store.description, /Azurite, in memory .*prefix offboarding/);
      // The string works with the SDKs the Azure store uses, on loopback.
      const table = tableClient(env.AZURE_STORAGE_CONNECTION_STRING!, 'offboardingdocuments');
      await table.createTable();
      await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', n: 1 });
      assert.equal((await table.getEntity<{ n: number }>('p', 'r')).n, 1);
      assert.match(store.azurite!.blobUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
    } finally {
      await store.stop();
    }
    assert.notEqual(store.azurite!.process.exitCode ?? store.azurite!.process.signalCode, null, 'Azurite stopped');
  });
});
