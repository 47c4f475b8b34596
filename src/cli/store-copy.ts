// `store:copy` on the command line: copies a SQLite data directory into the Azure store (documents, then the audit
// log in its order with its times) and verifies the counts on both sides. `npm run store:copy -- --from sqlite --to
// azure [--data-dir DIR]` in a checkout, `node lib/cli/store-copy.js …` in the App Service SSH console. The source
// opens read-only; the target comes from AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME (and
// AZURE_STORAGE_PREFIX), parsed as the bot parses them, and must be empty: a copy never merges into live data.
// Exit code: 0 copied and verified, 1 refused or failed (counts differ, store unreachable), 2 bad usage.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { AzureStore } from '../store/azure/store';
import { copyStore, verifyCopy, type CopyCounts } from '../store/copy';
import { SqliteStore } from '../store/sqlite';
import type { Store } from '../store/store';

export const USAGE = 'usage: node lib/cli/store-copy.js --from sqlite --to azure [--data-dir DIR]   (in a checkout: npm run store:copy -- ...)';

type Printer = (line: string) => void;

export async function storeCopyCli(argv: string[], env: NodeJS.ProcessEnv, print: Printer, printError: Printer): Promise<number> {
  let values: { from?: string; to?: string; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, 'data-dir': { type: 'string' } } }));
  } catch (err) {
    printError(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.from !== 'sqlite' || values.to !== 'azure') {
    printError(`only --from sqlite --to azure is supported (got --from ${values.from ?? '(none)'} --to ${values.to ?? '(none)'})\n${USAGE}`);
    return 2;
  }
  let storage;
  try {
    storage = loadConfig(env).storage;
  } catch (err) {
    printError(err instanceof ConfigError ? err.message : String(err));
    return 2;
  }
  if (storage.kind !== 'azure') {
    printError(`no target: set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME (and AZURE_STORAGE_PREFIX)\n${USAGE}`);
    return 2;
  }
  const dataDir = path.resolve(values['data-dir'] ?? (env.DATA_DIR || './data'));
  let source: SqliteStore;
  try {
    source = SqliteStore.open(dataDir, undefined, { readonly: true });
  } catch (err) {
    printError(`cannot open the store in ${dataDir}: ${(err as Error).message}`);
    return 1;
  }
  let target: Store | undefined;
  try {
    target = await AzureStore.open(storage);
    const present = await target.collections();
    if (present.length > 0 || (await target.readAudit()).length > 0) {
      printError(
        `the Azure store with prefix "${storage.prefix}" is not empty (${present.length ? `collections: ${present.join(', ')}` : 'it has audit entries'}): ` +
          'store:copy copies only into an empty store; choose a fresh AZURE_STORAGE_PREFIX',
      );
      return 1;
    }
    print(`copying ${dataDir} into the Azure store with prefix "${storage.prefix}"…`);
    await copyStore(source, target);
    const counts = await verifyCopy(source, target);
    print(countsTable(counts));
    const mismatched = counts.filter((c) => c.source !== c.target);
    if (mismatched.length > 0) {
      printError(`counts differ for ${mismatched.map((c) => c.name).join(', ')}`);
      return 1;
    }
    print('copied and verified: the counts match.');
    return 0;
  } finally {
    await source.close();
    await target?.close();
  }
}

function countsTable(counts: CopyCounts[]): string {
  const width = Math.max('collection'.length, ...counts.map((c) => c.name.length));
  const rows = [['collection', 'sqlite', 'azure'], ...counts.map((c) => [c.name, String(c.source), String(c.target)])];
  return rows.map(([name, source, target]) => `${name!.padEnd(width)}  ${source!.padStart(8)}  ${target!.padStart(8)}`).join('\n');
}

if (require.main === module) {
  storeCopyCli(
    process.argv.slice(2),
    process.env,
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
