// kill -9 the process running the engine at several points, start it again, and check it finishes Jane's
// offboarding by itself with the same end state — and that no wipe or retire was ever sent twice.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { startChild, waitForLog, type Child } from './fixtures/child';
import { assertJaneOffboarded, TOM_ID } from './jane';

const CHILD = path.join(__dirname, 'fixtures', 'engine-child.ts');
const CONVERSION_DELAY_MS = 400;


type KillPoint = { name: string; reached: (log: LogEntry[]) => boolean };

const startEngine = (tenant: SimulatedTenant, dataDir: string, mode: 'start' | 'resume'): Child =>
  startChild(CHILD, { MODE: mode, DATA_DIR: dataDir, SIM_URL: tenant.url, TENANT_ID: tenant.tenantId, LEAVER_ID: tenant.personas.jane, INHERITOR_ID: TOM_ID });

const writes = (log: LogEntry[]): number => log.filter((e) => e.method !== 'GET' && !e.path.endsWith('/$batch') && !(e.cmdlet ?? 'x').startsWith('Get-')).length;


describe('engine: crash and resume (kill -9)', function () {
  this.timeout(120_000);

  it('finishes by itself after being killed at several points, never sending a wipe or retire twice', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: CONVERSION_DELAY_MS, latencyMs: 15 });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-crash-'));
    try {
      // Inside containment; the moment the tenant has received the first Intune wipe (its answer not yet recorded);
      // in the thick of the removals; while waiting for the mailbox to report shared.
      const points: KillPoint[] = [
        { name: 'containment', reached: (log) => writes(log) >= 2 },
        { name: 'wipe received', reached: (log) => log.some((e) => e.path.endsWith('/wipe')) },
        { name: 'removals', reached: (log) => writes(log) >= 60 },
        { name: 'awaiting shared', reached: (log) => log.some((e) => e.cmdlet === 'Set-Mailbox' && JSON.stringify(e.body).includes('"Shared"')) && writes(log) >= 100 },
      ];
      let mode: 'start' | 'resume' = 'start';
      let seen = 0;
      const kills: string[] = [];
      for (const point of points) {
        const { child, exited } = startEngine(tenant, dataDir, mode);
        const reached = await waitForLog(tenant, point.reached, exited);
        if (reached) {
          child.kill('SIGKILL');
          const { signal } = await exited;
          assert.equal(signal, 'SIGKILL');
          kills.push(point.name);
        } else {
          const { code, output } = await exited;
          assert.equal(code, 0, output);
        }
        seen = tenant.requestLog().length;
        mode = 'resume';
      }
      assert.ok(kills.length >= 3 && kills.includes('wipe received'), `kills landed: ${kills.join(', ')}`);
      const last = startEngine(tenant, dataDir, 'resume');
      const { code, output } = await last.exited;
      assert.equal(code, 0, output);
      assert.match(output, /ended completed\b/);
      assert.ok(tenant.requestLog().length > seen);
      assertJaneOffboarded(tenant, CONVERSION_DELAY_MS);
    } finally {
      await tenant.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
