// Starts the Microsoft 365 Agents Playground (Microsoft's local Teams client) against a bot endpoint, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const FORCE_LOOPBACK = path.join(__dirname, 'force-loopback.cjs');

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** 0 → a free port. */
  port?: number;
  /** A .m365agentsplayground.yml: mock users, chats, team and channels. Default: the project's. */
  configPath?: string;
  /** Where the Playground writes its own log. */
  logFile?: string;
  timeoutMs?: number;
}

export interface Playground {
  url: string;
  port: number;
  process: ChildProcess;
  output(): string;
  close(): Promise<void>;
}

export const DEFAULT_PLAYGROUND_CONFIG = path.join(ROOT, '.m365agentsplayground.yml');

interface PlaygroundPerson {
  id: string;
  name: string;
  aadObjectId: string;
  [field: string]: unknown;
}

interface PlaygroundConfig {
  currentUser: PlaygroundPerson;
  users: PlaygroundPerson[];
  personalChat?: { id: string };
  [field: string]: unknown;
}

/**
 * The project's Playground configuration, signed in as another of its people (by Entra object id): the same tenant,
 * bot, people, team and channels; that person becomes `currentUser` (the operator joins the other people) and gets a
 * personal chat of their own. `npm run dev` and the end-to-end test run a second Playground with it, so that the
 * leaver's manager can click their approval card as themselves. Written to a temporary file; returns its path.
 */
export function writePlaygroundConfigAs(aadObjectId: string, source = DEFAULT_PLAYGROUND_CONFIG): string {
  const config = YAML.parse(fs.readFileSync(source, 'utf8')) as PlaygroundConfig;
  const person = config.users.find((u) => u.aadObjectId === aadObjectId);
  if (!person) {
    throw new Error(`${aadObjectId} is not one of the Playground's people (${source})`);
  }
  config.users = [config.currentUser, ...config.users.filter((u) => u !== person)];
  config.currentUser = person;
  config.personalChat = { id: `a:personal-${person.id.replace(/^29:/, '')}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-'));
  const file = path.join(dir, `m365agentsplayground.${person.id.replace(/^29:/, '')}.yml`);
  fs.writeFileSync(file, `# Generated from ${path.basename(source)} by scripts/lib/playground.ts: signed in as ${person.name}.\n${YAML.stringify(config)}`);
  return file;
}

export function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const logFile = options.logFile ?? path.join(ROOT, 'artifacts', 'playground.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const child = spawn(
    process.execPath,
    ['--require', FORCE_LOOPBACK, CLI, '-e', options.botEndpoint, '-c', 'msteams', '-p', String(options.port ?? 0), '--disable-telemetry'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath ?? DEFAULT_PLAYGROUND_CONFIG,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const deadline = Date.now() + (options.timeoutMs ?? 30000);
  const ready = async (): Promise<Playground> => {
    // "Listening on N" comes before the Playground loads its config file, so also wait for its page to answer.
    for (;;) {
      if (exitCode !== undefined || /Failed to start/.test(output)) {
        throw new Error(`Agents Playground failed to start:\n${output}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`Agents Playground did not start in time:\n${output}`);
      }
      const port = Number(/Listening on (\d+)/.exec(output)?.[1] ?? 0);
      if (port) {
        const url = `http://127.0.0.1:${port}`;
        const ok = await fetch(url).then((r) => r.ok, () => false);
        if (ok && !/Failed to start/.test(output)) {
          return {
            url,
            port,
            process: child,
            output: () => output,
            async close() {
              if (exitCode === undefined) {
                child.kill('SIGTERM');
              }
              await exited;
            },
          };
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return ready().catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
}
