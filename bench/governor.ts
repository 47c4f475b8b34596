// The governor under load (issue "Governor"):
// 1. N generated leavers (10 groups, one device, two MFA methods, one inbox rule each) started through the engine
//    directly, against a simulated tenant (its own process, 50 ms per request) that enforces Microsoft's budgets,
//    scaled down ×SCALE in time to keep the bench short (3,000 identity writes per 15 s instead of 150 s…), with the
//    governor told the same budgets. Prints wall time against the throttle bound (each family's requests ÷ its
//    rate; the largest), 429s, failed steps, containment p95 (a run's start → its sessions revoked) and peak RSS.
// 2. Four Jane-sized leavers (100 groups each) at once with no budget on the tenant: wall time against one leaver's
//    critical-path bound (dependency levels × latency).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createM365 } from '../src/m365';
import { Governor, type Budget, type Family } from '../src/m365/governor';
import { DEFAULT_BUDGETS } from '../src/m365/governor-budgets';
import { Limiter } from '../src/m365/limiter';
import { Audit, currentAuditScope } from '../src/offboarding/audit';
import { criticalPathRounds } from '../src/offboarding/critical-path';
import { OffboardingEngine, peopleOf } from '../src/offboarding/engine';
import type { RunView } from '../src/offboarding/executor';
import type { Plan } from '../src/offboarding/plan';
import type { RunPeople } from '../src/offboarding/run';
import { DEFAULT_OPTIONS } from '../src/offboarding/options';
import { graphThrottleFamily, type FamilyBudgets, type ThrottleFamily } from '../src/simulator/faults';
import type { LogEntry } from '../src/simulator';
import { MemoryStore } from '../src/store/memory';
import { SqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/store';
import { runCompiled } from './compiled';
import { generateLeavers } from './leavers-seed';
import { startRemoteTenant } from './remote-tenant';
import { percentile } from './stats';

const LATENCY_MS = 50;

/** The governor's family for each simulated one (same limits, other names). */
const PAIRS: Array<[Family, ThrottleFamily]> = [
  ['identity-write', 'identityWrites'],
  ['identity-read', 'identityReads'],
  ['intune-write', 'intuneWrites'],
  ['intune-read', 'intuneReads'],
  ['outlook', 'outlook'],
  ['exchange', 'exchange'],
];

function scaled(scale: number): { governor: Partial<Record<Family, Budget>>; tenant: FamilyBudgets } {
  const governor: Partial<Record<Family, Budget>> = {};
  const tenant: FamilyBudgets = {};
  for (const [family, simulated] of PAIRS) {
    const b = DEFAULT_BUDGETS[family];
    governor[family] = { ...b, windowMs: b.windowMs / scale };
    tenant[simulated] = { requests: b.requests, windowMs: b.windowMs / scale };
  }
  return { governor, tenant };
}

function familyOf(e: LogEntry): ThrottleFamily | undefined {
  return e.service === 'exchange' ? 'exchange' : graphThrottleFamily(e.method, e.path.replace(/^\/v1\.0/, ''));
}

/** `store`: the bot's own SQLite store in a temporary directory (as deployed), unless an in-memory one is asked for. */
function engineWith(url: string, tenantId: string, governor: Governor, store: Store = new MemoryStore(), maxConcurrentRuns?: number): OffboardingEngine {
  const audit = new Audit(store);
  const { graph, exchange } = createM365({ tenantId, graphBaseUrl: url, exchangeBaseUrl: url, credential: 'none' }, { maxConcurrency: 64, exchangeMaxConcurrency: 8, onCall: audit.onCall, governor });
  return new OffboardingEngine({ graph, exchange, store, audit, settings: { sharedPollInitialMs: LATENCY_MS }, ...(maxConcurrentRuns ? { maxConcurrentRuns } : {}) });
}

/** A full garbage collection (node's --expose-gc, switched on here), to tell live memory from garbage not yet collected. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** RSS sampled every 100 ms; the breakdown (V8 heap, buffers) at the peak says where it went. */
function peakRss(): { stop: () => NodeJS.MemoryUsage } {
  let peak = process.memoryUsage();
  const sample = (): void => {
    const now = process.memoryUsage();
    if (now.rss > peak.rss) {
      peak = now;
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

const ms = (n: number): string => `${(n / 1000).toFixed(1)} s`;

export async function benchGovernorBatch(count = 500, scale = 10, runSlots = 50): Promise<{ name: string; figures: Record<string, string> }> {
  const { seedFile, leaverIds, managerId } = generateLeavers(count, 10);
  const budgets = scaled(scale);
  const throttle = Object.entries(budgets.tenant)
    .map(([f, b]) => `${f}=${b.requests}/${b.windowMs}`)
    .join(',');
  const tenant = await startRemoteTenant(['--seed', seedFile, '--latency', String(LATENCY_MS), '--conversion-delay', '0', '--throttle', throttle]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'governor-bench-'));
  const store = SqliteStore.open(dataDir);
  try {
    const governor = new Governor({ budgets: budgets.governor, lane: () => currentAuditScope()?.runId });
    const engine = engineWith(tenant.url, tenant.tenantId, governor, store, runSlots);
    const slots = new Limiter(50);
    // Previews (reads only, before approval) are not what is measured.
    // Only what a run needs is kept (the plan and the people), serialised as the bot keeps a request in its store
    // (not the whole snapshot, not as live objects): each run parses its own when it starts.
    const previews = await Promise.all(
      leaverIds.map((id) =>
        slots.run(async () => {
          const p = await engine.preview(id, managerId, DEFAULT_OPTIONS);
          return { refused: p.plan.refusals.length > 0, json: JSON.stringify({ plan: p.plan, people: peopleOf(p.snapshot) }) };
        }),
      ),
    );
    const refused = previews.filter((p) => p.refused).length;
    // The previews' requests are not counted: the log starts over (DELETE /_simulator/log), read once at the end.
    await fetch(`${tenant.url}/_simulator/log`, { method: 'DELETE' });
    // The previews' garbage is not the runs': collected before they start (in the bot, previews come one by one).
    collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const rss = peakRss();
    const t0 = performance.now();
    const submitted = Date.now();
    // All started at once, as the bot starts every approved run: containment at once, the rest in the engine's run
    // slots (MAX_CONCURRENT_RUNS).
    const views: RunView[] = await Promise.all(
      previews
        .filter((p) => !p.refused)
        .map((p, i) => {
          const { plan, people } = JSON.parse(p.json) as { plan: Plan; people: RunPeople };
          return engine.executor.start({ runId: `bench-${i}`, requestId: `bench-${i}`, plan, people });
        }),
    );
    const wallMs = performance.now() - t0;
    const peak = rss.stop();
    collectGarbage();
    const live = process.memoryUsage();
    const log = await tenant.log();
    const requests = log.filter((e) => !e.path.endsWith('/$batch'));
    const throttled = requests.filter((e) => e.status === 429).length;
    const failedSteps = views.flatMap((v) => v.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`));
    const containment = views
      .map((v) => {
        const revoke = v.steps.find((s) => s.kind === 'revoke-sessions');
        return revoke?.endedAt ? Date.parse(revoke.endedAt) - Date.parse(v.run.startedAt) : NaN;
      })
      .filter((n) => !Number.isNaN(n))
      .sort((a, b) => a - b);
    const fromSubmit = views
      .map((v) => Date.parse(v.steps.find((s) => s.kind === 'revoke-sessions')?.endedAt ?? '') - submitted)
      .filter((n) => !Number.isNaN(n))
      .sort((a, b) => a - b);
    // The throttle bound: each family's requests (answered 429 or not, the retries of a 429 excluded) ÷ its rate.
    const perFamily = new Map<ThrottleFamily, number>();
    for (const e of requests) {
      const f = familyOf(e);
      if (f && e.status !== 429) {
        perFamily.set(f, (perFamily.get(f) ?? 0) + 1);
      }
    }
    const bounds = [...perFamily].map(([f, n]) => {
      const b = budgets.tenant[f]!;
      return { f, n, boundMs: (n / b.requests) * b.windowMs };
    });
    const bound = bounds.reduce((a, b) => (b.boundMs > a.boundMs ? b : a));
    const commonFailures = new Map<string, number>();
    for (const f of failedSteps) {
      commonFailures.set(f.slice(0, 120), (commonFailures.get(f.slice(0, 120)) ?? 0) + 1);
    }
    return {
      name: `Governor: ${count} generated leavers through the engine (10 groups, one device, two MFA methods, one inbox rule each), budgets ÷${scale} in time, ${LATENCY_MS} ms per request, all started at once, ${runSlots} past containment at a time (compiled, the bot's V8 flags)`,
      figures: {
        'runs': `${views.length} (${refused} refused at preview); ${views.filter((v) => v.run.status === 'completed').length} completed`,
        'wall time': ms(wallMs),
        'throttle bound': `${ms(bound.boundMs)} (${bound.n} ${bound.f} requests ÷ ${budgets.tenant[bound.f]!.requests} per ${budgets.tenant[bound.f]!.windowMs / 1000} s)`,
        'wall / bound': `${(wallMs / bound.boundMs).toFixed(2)}× (target ≤ 1.2×)`,
        'per family': bounds.map((b) => `${b.f} ${b.n} (${ms(b.boundMs)})`).join(', '),
        '429s received': `${throttled} of ${requests.length} requests (${((throttled / requests.length) * 100).toFixed(2)}%; target < 2%)`,
        'failed steps': `${failedSteps.length}${failedSteps.length > 0 ? `: ${[...commonFailures].slice(0, 3).map(([f, n]) => `${n}× ${f}`).join(' | ')}` : ''}`,
        'containment p95': `${ms(percentile(containment, 95))} from a run's start to its sessions revoked (p50 ${ms(percentile(containment, 50))}, max ${ms(containment.at(-1) ?? NaN)}; target < 10 s)`,
        'from submission': `p50 ${ms(percentile(fromSubmit, 50))}, p95 ${ms(percentile(fromSubmit, 95))} (all ${count} started at once; containment never waits for one of the ${runSlots} run slots)`,
        'peak RSS': `${mb(peak.rss)} during the runs (V8 heap ${mb(peak.heapTotal)} of which ${mb(peak.heapUsed)} used, buffers ${mb(peak.external)}; ${mb(rssBefore)} when they started, the ${count} plans held; target < 300 MB); after a full GC: heap ${mb(live.heapUsed)}, RSS ${mb(live.rss)}`,
        'governor pauses': governor
          .snapshot()
          .families.filter((f) => f.pauses > 0 || f.throttled > 0)
          .map((f) => `${f.family} ${f.pauses} pauses / ${f.throttled} 429s, pace ${Math.round(f.pace * 100)}%`)
          .join('; ') || 'none',
      },
    };
  } finally {
    await tenant.close();
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(seedFile), { recursive: true, force: true });
  }
}

export async function benchGovernorJanes(leavers = 4, groups = 100): Promise<{ name: string; figures: Record<string, string> }> {
  const { seedFile, leaverIds, managerId } = generateLeavers(leavers, groups, 'jane');
  const tenant = await startRemoteTenant(['--seed', seedFile, '--latency', String(LATENCY_MS), '--conversion-delay', '0']);
  try {
    const run = async (ids: string[]): Promise<{ wallMs: number; rounds: number; statuses: string[] }> => {
      await tenant.reset();
      const governor = new Governor({ lane: () => currentAuditScope()?.runId });
      const engine = engineWith(tenant.url, tenant.tenantId, governor);
      const previews = await Promise.all(ids.map((id) => engine.preview(id, managerId, DEFAULT_OPTIONS)));
      const t0 = performance.now();
      const views = await Promise.all(previews.map((p, i) => engine.execute(`jane-${i}`, p)));
      return { wallMs: performance.now() - t0, rounds: Math.max(...previews.map((p) => criticalPathRounds(p.plan))), statuses: views.map((v) => v.run.status) };
    };
    await run(leaverIds.slice(0, 1)); // warm-up
    const one = await run(leaverIds.slice(0, 1));
    const all = await run(leaverIds);
    const bound = one.rounds * LATENCY_MS;
    return {
      name: `Governor: ${leavers} Jane-sized leavers (${groups} groups each) at once, no budget on the tenant, default budgets in the governor, ${LATENCY_MS} ms per request`,
      figures: {
        'runs': all.statuses.join(', '),
        'one leaver alone': `${ms(one.wallMs)}`,
        [`${leavers} at once`]: `${ms(all.wallMs)}`,
        'critical-path bound': `${ms(bound)} (${one.rounds} dependency levels × ${LATENCY_MS} ms)`,
        [`${leavers} at once / bound`]: `${(all.wallMs / bound).toFixed(2)}×`,
      },
    };
  } finally {
    await tenant.close();
    fs.rmSync(path.dirname(seedFile), { recursive: true, force: true });
  }
}

type Figures = { name: string; figures: Record<string, string> };

/** The batch bench in a process of its own on compiled JavaScript, as the bot runs (its RSS is the bot's, not tsx's). */
export function benchGovernorBatchCompiled(count = 500): Promise<Figures> {
  return runCompiled<Figures>(path.join(__dirname, 'governor.ts'), ['--batch-json', String(count)]);
}

if (require.main === module) {
  const json = process.argv.indexOf('--batch-json');
  (async () => {
    if (json >= 0) {
      console.log(JSON.stringify(await benchGovernorBatch(Number(process.argv[json + 1]))));
      process.exit(0);
    }
    const count = Number(process.argv[2] ?? 500);
    for (const r of [await benchGovernorBatchCompiled(count), await benchGovernorJanes()]) {
      console.log(`\n${r.name}`);
      for (const [k, v] of Object.entries(r.figures)) {
        console.log(`  ${k.padEnd(28)} ${v}`);
      }
    }
    process.exit(0);
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
