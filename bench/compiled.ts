// Runs a benchmark in a process of its own on compiled JavaScript with the bot's production V8 flags, as the bot runs
// (`npm start`: `node --optimize-for-size lib/index.js`), so what it measures about the process (its RSS) is the
// bot's and not tsx's: tsx's loader and its source maps add some 30–50 MB to any process it runs. The bench module is bundled with esbuild (dependencies left to node_modules) and
// asked for its figures as JSON on its last line of output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

/** The V8 flags the bot runs with: package.json `start` (`node <flags> lib/index.js`), the bicep's appCommandLine too. */
export function productionNodeFlags(): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
  const flags = /\bnode ((?:--\S+ )*)lib\/index\.js$/.exec(scripts.start)?.[1];
  if (flags === undefined) {
    throw new Error(`package.json start is not "… node [flags] lib/index.js": ${scripts.start}`);
  }
  return flags.trim().split(/\s+/).filter(Boolean);
}

/** Bundles `entry` (a bench module) and runs it with `args`; resolves with the JSON it printed last. */
export async function runCompiled<T>(entry: string, args: string[]): Promise<T> {
  // Inside node_modules, so that the bundle's `require`s of dependencies resolve to the project's.
  const outfile = path.join(__dirname, '..', 'node_modules', '.cache', 'bench', `${path.basename(entry, '.ts')}.js`);
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  // `__dirname` stays the bench folder's (remote-tenant.ts finds scripts/ from it; nothing else bundled uses it).
  buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', define: { __dirname: JSON.stringify(path.dirname(entry)) } });
  const child = spawn(process.execPath, [...productionNodeFlags(), outfile, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    throw new Error(`${path.basename(entry)} exited ${code}: ${out.slice(-2000)}`);
  }
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}
