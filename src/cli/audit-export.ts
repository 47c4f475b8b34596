// `audit:export` on the command line: prints the audit log (optionally one run's or one request's entries) as JSON
// lines on stdout. Compiled to lib/cli/audit-export.js, so it runs wherever the bot runs, with the production
// dependencies only: `npm run audit:export -- [options]` in a checkout, `node lib/cli/audit-export.js [options]` in the
// App Service SSH console (docs/DEPLOYMENT.md). Opens the store read-only, so it is safe beside a running bot.
// DIR defaults to DATA_DIR, then ./data. With AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME set (and no
// --data-dir) it reads the shared Azure store instead (its audit blobs, through their index for --run/--request).
// Exit code: 0 printed, 1 no store there, 2 bad usage.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { exportAuditJsonLines } from '../store/audit-export';
import { AzureStore } from '../store/azure/store';
import { SqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';

export const USAGE = 'usage: node lib/cli/audit-export.js [--run ID] [--request ID] [--data-dir DIR]   (in a checkout: npm run audit:export -- ...)';

export async function auditExportCli(argv: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream, printError: (line: string) => void): Promise<number> {
  let values: { run?: string; request?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { run: { type: 'string' }, request: { type: 'string' }, 'data-dir': { type: 'string' } } }));
  } catch (err) {
    printError(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? (env.DATA_DIR || './data'));
  const shared = values['data-dir'] === undefined && (env.AZURE_STORAGE_CONNECTION_STRING || env.AZURE_STORAGE_ACCOUNT_NAME);
  let store: Store;
  try {
    if (shared) {
      const { storage } = loadConfig(env);
      store = await AzureStore.open(storage as Extract<typeof storage, { kind: 'azure' }>);
    } else {
      store = SqliteStore.open(dataDir, undefined, { readonly: true });
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      printError(`${err.message}\n${USAGE}`);
      return 2;
    }
    printError(`cannot open the store ${shared ? 'in Azure Storage' : `in ${dataDir}`}: ${(err as Error).message}`);
    return 1;
  }
  try {
    await exportAuditJsonLines(store, { runId: values.run, requestId: values.request }, out);
  } finally {
    await store.close();
  }
  return 0;
}

if (require.main === module) {
  auditExportCli(process.argv.slice(2), process.env, process.stdout, (line) => process.stderr.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
