// The simulated tenant in a process of its own, as Microsoft 365 is to the bot: its CPU time doesn't compete with
// the code being measured. Controlled through its HTTP control API (/_simulator/...).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LogEntry } from '../src/simulator';

export interface RemoteTenant {
  url: string;
  tenantId: string;
  personas: Record<string, string>;
  groups: { operatorsGroupId: string; approversGroupId: string; protectedGroupId: string };
  teamsAppId: string;
  log(): Promise<LogEntry[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemoteTenant(args: string[]): Promise<RemoteTenant> {
  const child: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '..', 'scripts', 'simulator.ts'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}: ${out}`)));
  });
  const info = (await (await fetch(`${url}/_simulator/info`)).json()) as Pick<RemoteTenant, 'tenantId' | 'personas' | 'groups' | 'teamsAppId'>;
  return {
    url,
    tenantId: info.tenantId,
    personas: info.personas,
    groups: info.groups,
    teamsAppId: info.teamsAppId,
    log: async () => (await (await fetch(`${url}/_simulator/log`)).json()) as LogEntry[],
    reset: async () => {
      await fetch(`${url}/_simulator/reset`, { method: 'POST' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
