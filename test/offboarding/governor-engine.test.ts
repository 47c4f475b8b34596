// Several offboardings at once against a simulated tenant that throttles like Microsoft 365 (a budget per service
// family, 429 + Retry-After beyond it, inside $batch too), through one governor: no step fails, and once the governor
// has seen a family's first 429, under 2% of the requests sent after it are answered 429.
import assert from 'node:assert/strict';
import { Governor, type Family } from '../../src/m365/governor';
import { graphThrottleFamily, type ThrottleFamily } from '../../src/simulator/faults';
import { currentAuditScope } from '../../src/offboarding/audit';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { startSimulatedTenant, type FamilyBudgets, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { TOM_ID } from './jane';
import { engineOver } from './tenant-engine';

// Jane Doe (103 groups, devices, seven MFA methods, inbox rules) and three colleagues.
const LEAVERS = ['jane', 'secondJane', 'd1584248-85d5-51c9-88b4-b834ddb64d43', '1f2c3645-f412-5311-99a8-60e0a2f82c05'];

/**
 * The tenant's limits, scaled down from Microsoft's (3,000 identity writes per 150 s → 80 per 4 s) to keep the test
 * short, with windows long enough that the governor's slow probing for more (after three quiet windows) doesn't start
 * within the test.
 */
const TENANT: FamilyBudgets = {
  identityWrites: { requests: 80, windowMs: 4_000 },
  intuneWrites: { requests: 8, windowMs: 4_000 },
  outlook: { requests: 40, windowMs: 4_000 },
  exchange: { requests: 40, windowMs: 4_000 },
};

/** The simulated tenant's family of a logged request (the governor's names differ: identityWrites ↔ identity-write). */
function familyOf(e: LogEntry): ThrottleFamily | undefined {
  return e.service === 'exchange' ? 'exchange' : graphThrottleFamily(e.method, e.path.replace(/^\/v1\.0/, ''));
}

const GOVERNOR_FAMILY: Partial<Record<Family, ThrottleFamily>> = { 'identity-write': 'identityWrites', 'intune-write': 'intuneWrites', outlook: 'outlook', exchange: 'exchange' };

/** When the governor first saw a 429 of each family (wall clock, as the tenant's log). */
function watchFirst429(governor: Governor): Map<ThrottleFamily, number> {
  const first = new Map<ThrottleFamily, number>();
  const observe = governor.observe.bind(governor);
  governor.observe = (family, status, retryAfterMs, conversation) => {
    const f = GOVERNOR_FAMILY[family];
    if (status === 429 && f && !first.has(f)) {
      first.set(f, Date.now());
    }
    observe(family, status, retryAfterMs, conversation);
  };
  return first;
}

async function offboardAll(tenant: SimulatedTenant, governor: Governor): Promise<{ failed: string[]; log: LogEntry[] }> {
  const { engine } = engineOver(tenant, { governor, realSleep: true });
  const previews = [];
  for (const who of LEAVERS) {
    const id = tenant.personas[who] ?? who;
    const preview = await engine.preview(id, TOM_ID, DEFAULT_OPTIONS);
    assert.deepEqual(preview.plan.refusals, [], `${who} can be offboarded`);
    previews.push(preview);
  }
  tenant.setFaults({ familyBudgets: TENANT });
  const before = tenant.requestLog().length;
  const views = await Promise.all(previews.map((p, i) => engine.execute(`req-${i}`, p)));
  const failed = views.flatMap((v) => v.steps.filter((s) => s.status === 'failed').map((s) => `${v.run.id} ${s.kind}: ${s.reason}`));
  return { failed, log: tenant.requestLog().slice(before) };
}

describe('governor: several runs against a throttling tenant', function () {
  // A time budget: each test takes 10-15 s (four runs' writes at 20 a second).
  this.timeout(60_000);
  this.slow(15_000);

  it('no step fails and, once the first 429 is seen, under 2% of requests are answered 429', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 300 });
    try {
      // The governor is told the budget is twice what the tenant allows (a smaller tenant, other apps using it): it
      // learns from the first 429s, pausing every caller and slowing its pace.
      const governor = new Governor({
        budgets: {
          'identity-write': { requests: 160, windowMs: 4_000, burst: 16 },
          'intune-write': { requests: 16, windowMs: 4_000, burst: 2 },
          outlook: { requests: 80, windowMs: 4_000, burst: 8, concurrency: 4 },
          exchange: { requests: 80, windowMs: 4_000, burst: 8, concurrency: 8 },
        },
        lane: () => currentAuditScope()?.runId,
      });
      const first = watchFirst429(governor);
      const { failed, log } = await offboardAll(tenant, governor);
      assert.deepEqual(failed, []);
      const requests = log.filter((e) => !e.path.endsWith('/$batch'));
      assert.ok(first.size > 0, 'the tenant throttled: the governor saw 429s');
      // A request that reached the tenant after the governor saw its family's first 429 was sent after it too.
      const after = requests.filter((e) => {
        const f = familyOf(e);
        return f !== undefined && first.has(f) && Date.parse(e.time) > first.get(f)!;
      });
      const throttled = after.filter((e) => e.status === 429).length;
      const share = throttled / after.length;
      console.log(
        `      ${requests.length} requests, ${requests.filter((e) => e.status === 429).length} answered 429; of the ${after.length} sent after the governor saw their family's first 429: ${throttled} (${(share * 100).toFixed(2)}%)`,
      );
      assert.ok(share < 0.02, `${throttled} of ${after.length} requests sent after the governor saw their family's first 429 were answered 429`);
      assert.ok(governor.snapshot().families.find((f) => f.family === 'identity-write')!.pauses >= 1);
    } finally {
      await tenant.close();
    }
  });

  it('with the budget set to the tenant’s limits, no request is throttled at all', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 300 });
    try {
      const governor = new Governor({
        budgets: {
          'identity-write': { requests: 80, windowMs: 4_000, burst: 8 },
          'intune-write': { requests: 8, windowMs: 4_000, burst: 2 },
          outlook: { requests: 40, windowMs: 4_000, burst: 4, concurrency: 4 },
          exchange: { requests: 40, windowMs: 4_000, burst: 4, concurrency: 8 },
        },
        lane: () => currentAuditScope()?.runId,
      });
      const { failed, log } = await offboardAll(tenant, governor);
      assert.deepEqual(failed, []);
      const throttled = log.filter((e) => e.status === 429);
      assert.ok(throttled.length <= log.length * 0.02, `${throttled.length} of ${log.length} answered 429`);
    } finally {
      await tenant.close();
    }
  });
});
