// Jane Doe's offboarding run on each store: the embedded SQLite file and the Azure store (Table Storage documents,
// append-blob audit log, the run's blob lease and fenced writes) on Azurite, without and with 10 ms added to every store round trip. Azurite on
// loopback hides real storage's latency; the injected figure shows it. Target: Azure within 1.5× of SQLite at 0 ms.
// Store calls are counted at the Store interface (one round trip each, except that the Azure store sends a run's
// simultaneous fenced writes as one transaction: fenced-batches.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAzurite, type RunningAzurite } from '../scripts/lib/azurite';
import { createM365 } from '../src/m365';
import { OffboardingEngine } from '../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../src/offboarding/options';
import { openConfiguredStore } from '../src/store';
import { BlobLeases } from '../src/store/azure/blob-leases';
import type { Leases } from '../src/store/leases';
import { LocalLeases } from '../src/store/local-leases';
import { CountingStore } from './counting-store';
import { startRemoteTenant, type RemoteTenant } from './remote-tenant';
import { percentile, runAlone } from './stats';

const TOM = 'f19ea5c6-87bc-595b-ac6e-b71a304132c5';
const REPEATS = 3;
const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

interface Measured {
  wallMs: number;
  roundTrips: number;
  status: string;
}

async function runOnce(tenant: RemoteTenant, kind: 'sqlite' | 'azure', azurite: RunningAzurite, latencyMs: number, n: number): Promise<Measured> {
  await tenant.reset();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-bench-store-'));
  const storage = kind === 'azure' ? ({ kind, connectionString: azurite.connectionString, prefix: `bench${n}` } as const) : ({ kind } as const);
  const opened = await openConfiguredStore({ dataDir: dir, sqliteJournalMode: 'WAL', storage });
  const store = new CountingStore(opened.store, latencyMs);
  try {
    const m365 = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.url, exchangeBaseUrl: tenant.url, credential: 'none' }, { maxConcurrency: 16 });
    // As the bot runs: the run's lease (a blob lease on Azure, its calls not counted as store round trips) and fenced writes.
    const leases: Leases = opened.leaseContainer ? new BlobLeases({ container: opened.leaseContainer, store, durationMs: 30_000, requestTimeoutMs: 100_000 }) : new LocalLeases(store);
    const engine = new OffboardingEngine({ graph: m365.graph, exchange: m365.exchange, store, leases, settings: { sharedPollInitialMs: 50 } });
    const preview = await engine.preview(tenant.personas.jane!, TOM, DEFAULT_OPTIONS);
    store.roundTrips = 0;
    const t0 = performance.now();
    const view = await engine.execute(`bench-${kind}-${n}`, preview);
    const wallMs = performance.now() - t0;
    await leases.close();
    return { wallMs, roundTrips: store.roundTrips, status: view.run.status };
  } finally {
    await opened.store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStores(tenantLatencyMs = 50): Promise<{ name: string; figures: Record<string, string> }> {
  const tenant = await startRemoteTenant(['--latency', String(tenantLatencyMs), '--conversion-delay', '0']);
  const azurite = await startAzurite();
  const figures: Record<string, string> = {};
  const results = new Map<string, Measured[]>();
  let n = 0;
  try {
    await runOnce(tenant, 'sqlite', azurite, 0, n++); // warm-up: module loading and JIT
    await runOnce(tenant, 'azure', azurite, 0, n++);
    for (const latency of [0, 10]) {
      for (const kind of ['sqlite', 'azure'] as const) {
        const runs: Measured[] = [];
        for (let i = 0; i < REPEATS; i++) {
          runs.push(await runOnce(tenant, kind, azurite, latency, n++));
        }
        results.set(`${kind}@${latency}`, runs);
      }
    }
  } finally {
    await azurite.stop();
    await tenant.close();
  }
  const wall = (key: string) => median(results.get(key)!.map((r) => r.wallMs));
  for (const [key, runs] of results) {
    const [kind, latency] = key.split('@');
    figures[`${kind} +${latency} ms`] = `${wall(key).toFixed(0)} ms wall (median of ${REPEATS}), ${median(runs.map((r) => r.roundTrips))} store calls, ${runs[0]!.status}`;
  }
  figures['azure / sqlite at 0 ms'] = `${(wall('azure@0') / wall('sqlite@0')).toFixed(2)}× (target ≤ 1.5×)`;
  figures['azure / sqlite at +10 ms'] = `${(wall('azure@10') / wall('sqlite@10')).toFixed(2)}×`;
  return { name: `Jane Doe's run on each store (tenant ${tenantLatencyMs} ms per request; Azure = Azurite on loopback)`, figures };
}

if (require.main === module) {
  runAlone(benchStores());
}
