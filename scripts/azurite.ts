// `npm run azurite`: Azurite (Microsoft's Azure Storage emulator) on its own, on 127.0.0.1 only, for running the bot
// (`npm start`, `npm run dev`) or `store:copy` on the Azure store without an Azure account. Prints the
// AZURE_STORAGE_CONNECTION_STRING to use. Data is kept in data/azurite (git-ignored) unless --in-memory.
// --skipApiVersionCheck: current SDKs send API versions newer than Azurite knows; --disableTelemetry: nothing leaves.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_ACCOUNT, DEV_KEY } from './lib/azurite';

const USAGE = 'usage: npm run azurite [-- --in-memory | --location DIR] [--blob-port N] [--table-port N] [--queue-port N]   (ports 0: any free one)';
const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');

function options(argv: string[]): { args: string[]; where: string; location?: string } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'in-memory': { type: 'boolean', default: false },
      location: { type: 'string' },
      'blob-port': { type: 'string', default: '10000' },
      'queue-port': { type: 'string', default: '10001' },
      'table-port': { type: 'string', default: '10002' },
    },
  });
  for (const p of ['blob-port', 'queue-port', 'table-port'] as const) {
    if (!/^\d{1,5}$/.test(values[p]) || Number(values[p]) > 65535) {
      throw new Error(`--${p} must be a port number, 0 to 65535`);
    }
  }
  if (values['in-memory'] && values.location !== undefined) {
    throw new Error('--in-memory and --location exclude each other');
  }
  const location = path.resolve(values.location ?? path.join(ROOT, 'data', 'azurite'));
  return {
    args: [
      ...(values['in-memory'] ? ['--inMemoryPersistence'] : ['--location', location]),
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
      '--silent', // no access log: the bot renews leases every few seconds
      '--blobHost', '127.0.0.1', '--blobPort', values['blob-port'],
      '--queueHost', '127.0.0.1', '--queuePort', values['queue-port'],
      '--tableHost', '127.0.0.1', '--tablePort', values['table-port'],
    ],
    where: values['in-memory'] ? 'in memory (gone when it stops)' : location,
    ...(values['in-memory'] ? {} : { location }),
  };
}

function main(): void {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.location !== undefined) {
    fs.mkdirSync(parsed.location, { recursive: true }); // Azurite wants an existing folder
  }
  const child = spawn(process.execPath, [BIN, ...parsed.args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const urls: { blob?: string; table?: string } = {};
  let printed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (printed) {
      return;
    }
    out += chunk.toString();
    for (const m of out.matchAll(/Azurite (Blob|Table) service is successfully listening at (http:\/\/127\.0\.0\.1:\d+)/g)) {
      urls[m[1]!.toLowerCase() as 'blob' | 'table'] = m[2]!;
    }
    if (urls.blob && urls.table) {
      printed = true;
      const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${urls.blob}/${DEV_ACCOUNT};TableEndpoint=${urls.table}/${DEV_ACCOUNT};`;
      console.log(
        [
          '',
          `Azurite on 127.0.0.1, data ${parsed.where}. Run the bot on it with:`,
          `  AZURE_STORAGE_CONNECTION_STRING='${connectionString}'`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
    }
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => child.kill(signal));
  }
}

main();
