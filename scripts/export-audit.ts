// tsx scripts/export-audit.ts [--run ID] [--request ID] [--data-dir DIR]
// Prints the audit log (optionally one run's or one request's entries) as JSON lines on stdout. Opens the store
// read-only, so it is safe beside a running bot. DIR defaults to DATA_DIR, then ./data. Exit 1: no store; 2: bad usage.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportAuditJsonLines } from '../src/store/audit-export';
import { SqliteStore } from '../src/store/sqlite';

const USAGE = 'usage: tsx scripts/export-audit.ts [--run ID] [--request ID] [--data-dir DIR]';

async function main(): Promise<number> {
  let values: { run?: string; request?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ options: { run: { type: 'string' }, request: { type: 'string' }, 'data-dir': { type: 'string' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? (process.env.DATA_DIR || './data'));
  let store: SqliteStore;
  try {
    store = SqliteStore.open(dataDir, undefined, { readonly: true });
  } catch (err) {
    console.error(`cannot open the store in ${dataDir}: ${(err as Error).message}`);
    return 1;
  }
  try {
    await exportAuditJsonLines(store, { runId: values.run, requestId: values.request }, process.stdout);
  } finally {
    await store.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
