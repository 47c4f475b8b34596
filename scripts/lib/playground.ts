// Starts the Microsoft 365 Agents Playground (Microsoft's local Teams client) against a bot endpoint, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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
