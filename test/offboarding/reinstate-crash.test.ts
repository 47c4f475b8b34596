// kill -9 the process running a reinstatement at a few points, start it again, and check it finishes by itself with
// the same end state as before the offboarding — and that the Temporary Access Pass whose answer a crash lost was
// replaced, never left as a second pass: the person holds exactly one, and the restarted process offers it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { OffboardingEngine } from '../../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { OffboardingService } from '../../src/offboarding/service';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { SqliteStore } from '../../src/store/sqlite';
import { recordingNotifier } from '../fakes/recording-notifier';
import { isM365Write } from '../fakes/simulated-tenant';
import { startTap, type Tap } from '../crash/fixtures/tap';
import { startChild, waitForLog, type Child } from './fixtures/child';
import { observe } from './reinstate-fixtures';

const CHILD = path.join(__dirname, 'fixtures', 'reinstate-child.ts');

type KillPoint = { name: string; reached: (log: LogEntry[]) => boolean };

describe('reinstatement: crash and resume (kill -9)', function () {
  this.timeout(180_000);

  it('finishes by itself after being killed at several points; a pass whose answer was lost is replaced', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 100, latencyMs: 10 });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reinstate-crash-'));
    let tap: Tap | undefined;
    try {
      const P = tenant.personas;
      const m365 = () => createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.url, exchangeBaseUrl: tenant.url, credential: 'none' });
      const { graph, exchange } = m365();
      const jane = tenant.state().users.find((u) => u.id === P.jane)!;
      const tom = tenant.state().users.find((u) => u.id === P.inheritorCandidate)!;
      const driveId = tenant.state().drives.find((d) => d.ownerId === P.jane)?.id;
      const heir = { id: tom.id, upn: tom.userPrincipalName };
      const before = await observe(graph, exchange, jane.id, jane.userPrincipalName, heir, driveId);

      // The offboarding, and the reinstatement asked for, in this process; the approval and the run in children.
      const store = SqliteStore.open(dataDir);
      const audit = new Audit(store);
      const engine = new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: 20 } });
      const service = new OffboardingService({ store, engine, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit, approvalTtlHours: 72 });
      service.setNotifier(recordingNotifier([]));
      const isaac = { id: P.operator!, displayName: 'Isaac Ito' };
      const offboarding = await service.submit({ requester: isaac, leaverId: P.jane!, inheritorId: P.inheritorCandidate!, options: { ...DEFAULT_OPTIONS, oneDriveAccess: true, disableEntraDevices: true }, teams: {}, where: { kind: 'personal' } });
      assert.ok(offboarding.ok, offboarding.ok ? '' : offboarding.reason);
      await service.decide(offboarding.request.id, { id: P.janeManager!, displayName: 'Marcus Reed' }, 'approved');
      await service.idle();
      const reinstatement = await service.reinstatements.submit({ requester: isaac, offboardingId: offboarding.request.id, removeHandovers: true, teams: {}, where: { kind: 'personal' } });
      assert.ok(reinstatement.ok, reinstatement.ok ? '' : reinstatement.reason);
      await store.close();
      const requestId = reinstatement.request.id;
      const start = tenant.requestLog().length;
      const since = (log: LogEntry[]) => log.slice(start).filter((e) => isM365Write(e) && e.status < 400);

      const points: KillPoint[] = [
        { name: 'sign-in allowed', reached: (log) => since(log).some((e) => e.method === 'PATCH' && JSON.stringify(e.body).includes('"accountEnabled":true')) },
        // The pass was created but its answer never recorded: the restart must replace it, not add a second one.
        { name: 'pass created', reached: (log) => since(log).some((e) => e.method === 'POST' && e.path.endsWith('/temporaryAccessPassMethods')) },
        { name: 'groups rejoining', reached: (log) => since(log).filter((e) => e.path.endsWith('/members/$ref') || e.cmdlet === 'Add-DistributionGroupMember').length >= 5 },
      ];
      // The children reach the tenant through a tap. At 'pass created' it holds back Entra's answer to the pass's
      // creation: the kill then surely comes after Entra made the pass and before the run recorded it (else, on a busy
      // machine, the child might record the answer before the kill lands).
      let holdPass = false;
      const createsPass = (sent: { method: string; path: string; body: string }): boolean =>
        sent.method === 'POST' && (sent.path.endsWith('/temporaryAccessPassMethods') || (sent.path.endsWith('/$batch') && /"method":"POST"[^}]*temporaryAccessPassMethods"/.test(sent.body)));
      let held = 0;
      tap = await startTap(tenant.url, { holdAnswer: (sent) => (holdPass && createsPass(sent) ? (held++, 30_000) : 0) });
      let mode: 'approve' | 'resume' = 'approve';
      const kills: string[] = [];
      /** The pass whose answer the kill lost: the restarted run must delete it before it creates another. */
      const lost: string[] = [];
      const outputs: string[] = [];
      for (const point of points) {
        holdPass = point.name === 'pass created';
        const { child, exited } = startService(tenant, tap.url, dataDir, mode, requestId);
        const reached = await waitForLog(tenant, point.reached, exited);
        if (reached) {
          child.kill('SIGKILL');
          const killed = await exited;
          assert.equal(killed.signal, 'SIGKILL');
          outputs.push(killed.output);
          kills.push(point.name);
          if (point.name === 'pass created') {
            lost.push(...(await graph.list<{ id: string }>(`/users/${jane.id}/authentication/temporaryAccessPassMethods`)).map((m) => m.id));
          }
        } else {
          const { code, output } = await exited;
          assert.equal(code, 0, output);
          outputs.push(output);
        }
        mode = 'resume';
      }
      assert.ok(kills.length >= 2 && kills.includes('pass created'), `kills landed: ${kills.join(', ')}`);
      assert.equal(held, 1, 'the answer to the pass’s creation was held back from the child killed at it');
      holdPass = false;
      const last = startService(tenant, tap.url, dataDir, 'resume', requestId);
      const { code, output } = await last.exited;
      assert.equal(code, 0, output);
      assert.match(output, /ended completed\b/);
      // Offered once the pass exists: by the process that created it, or at start-up by the next one.
      assert.ok([...outputs, output].some((o) => o.includes(`pass-ready ${requestId}`)), 'the requester was offered the pass');
      assert.deepEqual(await observe(graph, exchange, jane.id, jane.userPrincipalName, heir, driveId), before);
      const tapIds = async () => (await graph.list<{ id: string }>(`/users/${jane.id}/authentication/temporaryAccessPassMethods`)).map((m) => m.id);
      assert.equal(lost.length, 1, 'the kill came after Entra created the pass');
      const deleted = (id: string) => tenant.requestLog().some((e) => e.method === 'DELETE' && e.path.endsWith(`/temporaryAccessPassMethods/${id}`) && e.status < 400);
      assert.ok(deleted(lost[0]!), 'the restarted run deleted the pass whose answer was lost before creating one');
      const final = await tapIds();
      assert.equal(final.length, 1);
      assert.notEqual(final[0], lost[0]);

      // The process that created the last pass was killed before the requester clicked: the click gets a new one.
      const again = SqliteStore.open(dataDir);
      try {
        const audit2 = new Audit(again);
        const engine2 = new OffboardingEngine({ graph, exchange, store: again, audit: audit2 });
        const service2 = new OffboardingService({ store: again, engine: engine2, access: new AccessPolicy(graph, tenant.groups), directory: new Directory(graph), audit: audit2, approvalTtlHours: 72 });
        const shown = await service2.reinstatements.showPass(requestId, isaac);
        assert.ok(shown.ok, shown.ok ? '' : shown.reason);
        const now = await tapIds();
        assert.ok(now.length === 1 && now[0] !== final[0] && deleted(final[0]!), 'the new pass replaced the lost one, deleted first');
        assert.ok(!JSON.stringify(await again.readAudit()).includes(shown.pass.pass), 'the pass is in no audit entry');
      } finally {
        await again.close();
      }
    } finally {
      await tap?.close();
      await tenant.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const startService = (tenant: SimulatedTenant, url: string, dataDir: string, mode: 'approve' | 'resume', requestId: string): Child =>
  startChild(CHILD, { MODE: mode, DATA_DIR: dataDir, SIM_URL: url, TENANT_ID: tenant.tenantId, REQUEST_ID: requestId, APPROVER_ID: tenant.personas.janeManager, GROUPS: JSON.stringify(tenant.groups) });
