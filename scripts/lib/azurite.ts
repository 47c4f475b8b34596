// Azurite, Microsoft's local Azure Storage emulator (npm `azurite`, a dev dependency), on loopback only, in memory:
// for the tests of the Azure store and for `npm run dev` on it. Ports are chosen by the system (0) and read from
// Azurite's own start-up lines. --skipApiVersionCheck: current SDKs send API versions newer than Azurite knows.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft: not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  blobUrl: string;
  tableUrl: string;
  /** AZURE_STORAGE_CONNECTION_STRING for this Azurite. */
  connectionString: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const BIN = path.resolve(__dirname, '../../node_modules/azurite/dist/src/azurite.js');

export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<RunningAzurite> {
  const args = [
    BIN,
    '--inMemoryPersistence',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    '--blobHost', '127.0.0.1', '--blobPort', '0',
    '--tableHost', '127.0.0.1', '--tablePort', '0',
    '--queueHost', '127.0.0.1', '--queuePort', '0',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const urls = await new Promise<{ blob: string; table: string }>((resolve, reject) => {
    let out = '';
    const found: { blob?: string; table?: string } = {};
    const timer = setTimeout(() => reject(new Error(`Azurite did not start in time:\n${out}`)), options.timeoutMs ?? 20_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      for (const m of out.matchAll(/Azurite (Blob|Table) service is successfully listening at (http:\/\/127\.0\.0\.1:\d+)/g)) {
        found[m[1]!.toLowerCase() as 'blob' | 'table'] = m[2]!;
      }
      if (found.blob && found.table) {
        clearTimeout(timer);
        resolve({ blob: found.blob, table: found.table });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (${code}) before it listened:\n${out}`));
    });
  });
  child.stdout.resume();
  child.stderr.resume();
  const blobUrl = `${urls.blob}/${DEV_ACCOUNT}`;
  const tableUrl = `${urls.table}/${DEV_ACCOUNT}`;
  return {
    blobUrl,
    tableUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${blobUrl};TableEndpoint=${tableUrl};`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
