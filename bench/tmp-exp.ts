import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAzurite } from '../scripts/lib/azurite';
import { createM365 } from '../src/m365';
import { OffboardingEngine } from '../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../src/offboarding/options';
import { openConfiguredStore } from '../src/store';
import { CountingStore } from './counting-store';
import { startRemoteTenant } from './remote-tenant';
const TOM = 'f19ea5c6-87bc-595b-ac6e-b71a304132c5';
(async () => {
  const tenant = await startRemoteTenant(['--latency', '50', '--conversion-delay', '0']);
  const az = await startAzurite();
  let n = 0;
  for (const mode of ['sqlite', 'azure', 'azure-noaudit', 'sqlite', 'azure', 'azure-noaudit']) {
    await tenant.reset();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
    const opened = await openConfiguredStore({ dataDir: dir, sqliteJournalMode: 'WAL', storage: mode === 'sqlite' ? { kind: 'sqlite' } : { kind: 'azure', connectionString: az.connectionString, prefix: `x${n++}` } });
    const store = new CountingStore(opened.store);
    const ops = new Map<string, number>();
    for (const k of ['get', 'put', 'list', 'appendAuditBatch', 'delete'] as const) {
      const orig = (store as any)[k].bind(store);
      (store as any)[k] = (...a: any[]) => { ops.set(k, (ops.get(k) ?? 0) + 1); return k === 'appendAuditBatch' && mode === 'azure-noaudit' ? Promise.resolve() : orig(...a); };
    }
    const m365 = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.url, exchangeBaseUrl: tenant.url, credential: 'none' }, { maxConcurrency: 16 });
    const engine = new OffboardingEngine({ graph: m365.graph, exchange: m365.exchange, store, settings: { sharedPollInitialMs: 50 } });
    const preview = await engine.preview(tenant.personas.jane!, TOM, DEFAULT_OPTIONS);
    ops.clear();
    const t0 = performance.now();
    const view = await engine.execute(`b${n}`, preview);
    console.log(mode, (performance.now() - t0).toFixed(0), view.run.status, JSON.stringify([...ops]), view.steps.length);
    await opened.store.close();
  }
  await az.stop(); await tenant.close(); process.exit(0);
})();
