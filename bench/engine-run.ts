// Jane's offboarding on the simulated tenant with a fixed latency per request: wall time, request count, the
// critical-path bound (dependency levels × latency) and the same run with every call made one at a time.
import { performance } from 'node:perf_hooks';
import { createM365 } from '../src/m365';
import { M365Error } from '../src/m365/errors';
import type { GraphPort, GraphRequest } from '../src/m365/ports';
import { criticalPathRounds } from '../src/offboarding/critical-path';
import { OffboardingEngine } from '../src/offboarding/engine';
import { DEFAULT_OPTIONS } from '../src/offboarding/options';
import { MemoryStore } from '../src/store/memory';
import { startRemoteTenant, type RemoteTenant } from './remote-tenant';

const TOM = 'f19ea5c6-87bc-595b-ac6e-b71a304132c5';

/** The same logical calls as the real gateway, one at a time: no $batch, nothing in parallel. */
function oneAtATime(graph: GraphPort): GraphPort {
  return {
    call: (r) => graph.call(r),
    list: (u, h) => graph.list(u, h),
    async batch<T>(requests: GraphRequest[]) {
      const results = [];
      for (const r of requests) {
        results.push(await graph.call<T>(r).catch((e: unknown) => e as M365Error));
      }
      return results;
    },
  };
}

async function runOnce(tenant: RemoteTenant, latencyMs: number, sequential: boolean): Promise<{ wallMs: number; httpRequests: number; logicalCalls: number; rounds: number; status: string; previewMs: number }> {
  await tenant.reset();
  {
    const m365 = createM365(
      { tenantId: tenant.tenantId, graphBaseUrl: tenant.url, exchangeBaseUrl: tenant.url, credential: 'none' },
      sequential ? { maxConcurrency: 1 } : { maxConcurrency: 16 },
    );
    const graph = sequential ? oneAtATime(m365.graph) : m365.graph;
    const engine = new OffboardingEngine({ graph, exchange: m365.exchange, store: new MemoryStore(), ...(sequential ? {} : {}), settings: { sharedPollInitialMs: latencyMs } });
    const p0 = performance.now();
    const preview = await engine.preview(tenant.personas.jane!, TOM, DEFAULT_OPTIONS);
    const previewMs = performance.now() - p0;
    const before = (await tenant.log()).length;
    if (sequential) {
      (engine.executor as unknown as { deps: { maxConcurrentSteps: number } }).deps.maxConcurrentSteps = 1;
    }
    const t0 = performance.now();
    const view = await engine.execute('bench', preview);
    const wallMs = performance.now() - t0;
    const log = (await tenant.log()).slice(before);
    return {
      wallMs,
      httpRequests: log.filter((e) => !e.batch).length,
      logicalCalls: log.filter((e) => !e.path.endsWith('/$batch')).length,
      rounds: criticalPathRounds(preview.plan),
      status: view.run.status,
      previewMs,
    };
  }
}

export async function benchEngineRun(latencyMs = 50): Promise<{ name: string; figures: Record<string, string> }> {
  const tenant = await startRemoteTenant(['--latency', String(latencyMs), '--conversion-delay', '0']);
  let fast, slow;
  try {
    await runOnce(tenant, latencyMs, false); // warm-up: module loading and JIT are not what is measured
    fast = await runOnce(tenant, latencyMs, false);
    slow = await runOnce(tenant, latencyMs, true);
  } finally {
    await tenant.close();
  }
  const bound = fast.rounds * latencyMs;
  return {
    name: `Jane Doe's offboarding run on the simulated tenant (${latencyMs} ms per request)`,
    figures: {
      'run status': `${fast.status} (one at a time: ${slow.status})`,
      'wall time': `${fast.wallMs.toFixed(0)} ms`,
      'HTTP requests': `${fast.httpRequests} ($batch counted once; ${fast.logicalCalls} calls inside)`,
      'critical-path bound': `${bound} ms (${fast.rounds} dependency levels × ${latencyMs} ms)`,
      'wall / bound': `${(fast.wallMs / bound).toFixed(2)}× (target ≤ 1.3×)`,
      'one at a time': `${slow.wallMs.toFixed(0)} ms (${slow.httpRequests} requests, no $batch, one step at a time)`,
      'speed-up': `${(slow.wallMs / fast.wallMs).toFixed(1)}× (target ≥ 10×)`,
      'preview (preflight + plan)': `${fast.previewMs.toFixed(0)} ms`,
    },
  };
}
