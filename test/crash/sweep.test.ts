// Crash sweep of the whole bot process (src/index.ts: HTTP server, engine, SQLite store). For each point below the
// bot, armed with OFFBOARDING_CRASH_AT, kills itself with SIGKILL during Jane Doe's offboarding; a new bot process
// on the same DATA_DIR finishes it by itself. Each trial then checks, from the simulated tenant's request log and
// state and from the summary card the bot posted: (1) the whole end state; (2) each Intune wipe / retire and each
// ActiveSync account wipe received exactly once per device; (3) a summary that claims nothing the log does not show;
// (4) one run as Teams saw it (one progress card, brought to Completed; one summary; one completion line).
// A point the run never reaches fails its trial. Trials run two at a time, each with its own tenant, Bot Connector
// and DATA_DIR. Points are counted from the bot's start (src/testing/crash-points.ts): the preflight makes the first
// 4 $batch requests and no write, so batch:5 is the run's first $batch.
import assert from 'node:assert/strict';
import { loadSeed } from '../../src/simulator/seed';
import { chooseLauncher, type Launcher } from './fixtures/bot-process';
import { janeDevices } from './fixtures/checks';
import { runTrial, type TrialReport, type TrialSettings } from './fixtures/trial';

/**
 * Jane's run, as measured with this seed: 117 writes (containment 1-3; the mailbox, OneDrive and group hand-over
 * 4-13 with the Intune wipe and retire among them; the removals 14-116: devices, grants, MFA, inbox rules, the
 * ActiveSync account wipe, 68 groups in 4 $batch requests, 18 distribution lists; the licence write last, after the
 * shared-mailbox wait), $batch requests 5-14, 3 one-shot actions (2 Intune devices, 1 ActiveSync phone) and several
 * polls while the mailbox turns shared. The order within a phase varies from run to run (steps run concurrently); the
 * counts do not.
 */
const WRITES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 17, 20, 22, 24, 25, 26, 30, 46, 47, 66, 67, 87, 95, 98, 101, 102, 106, 110, 114, 116, 117];
const BATCHES = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
/** Every one-shot point: one per Intune device and mobile-mail partnership of Jane's in the seed (3 today). */
const DEVICES = janeDevices(loadSeed());
const ONE_SHOTS = Array.from({ length: DEVICES.intune.length + DEVICES.phones.length }, (_, i) => i + 1);
const SHARED_WAITS = [1, 2, 3];
const POINTS = [
  ...WRITES.map((n) => `write:${n}`),
  ...BATCHES.map((n) => `batch:${n}`),
  ...ONE_SHOTS.map((n) => `one-shot:${n}`),
  ...SHARED_WAITS.map((n) => `shared-wait:${n}`),
];

const SETTINGS: Omit<TrialSettings, 'launcher'> = { conversionDelayMs: 300, sharedPollMs: 30, stageTimeoutMs: 30_000 };
/** Trials at once (each two bot processes in turn, a tenant and a connector): CRASH_SWEEP_CONCURRENCY, default 2. */
const CONCURRENCY = Number(process.env.CRASH_SWEEP_CONCURRENCY ?? 2);
/** CRASH_SWEEP_POINTS=write:1,one-shot:2 runs only those (mocha's --grep would still start every trial). */
const SELECTED = process.env.CRASH_SWEEP_POINTS?.split(',').map((p) => p.trim()).filter(Boolean);
/** The sweep's budget on a 2-core machine (measured: see the timing line it prints). */
const BUDGET_MS = 4 * 60_000;

/** Starts every job, at most `limit` at a time, in order; each key gets the promise of its own result. */
function pool<T>(keys: string[], limit: number, job: (key: string) => Promise<T>): Map<string, Promise<T>> {
  const results = new Map<string, Promise<T>>();
  const starters = new Map<string, () => void>();
  for (const key of keys) {
    results.set(key, new Promise<T>((resolve, reject) => starters.set(key, () => void job(key).then(resolve, reject))));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      starters.get(key)!();
      await results.get(key)!.catch(() => undefined);
    }
  };
  for (let i = 0; i < Math.min(limit, keys.length); i++) {
    void worker();
  }
  return results;
}

function assertTrial(report: TrialReport): void {
  const where = report.atKill ? ` (killed with ${report.atKill.writes} writes and ${report.atKill.batches} $batch requests received)` : '';
  assert.deepEqual(report.problems, [], `${report.point}${where}: ${report.problems.length} problem(s):\n- ${report.problems.join('\n- ')}\nThe bots' own warnings and errors:\n${report.context}\n`);
}

describe('crash sweep: the whole bot killed with SIGKILL during Jane Doe\'s offboarding, restarted on the same DATA_DIR', function () {
  this.timeout(BUDGET_MS);
  const baseline = 'baseline';
  let trials: Map<string, Promise<TrialReport>>;
  let launcher: Launcher | undefined;
  let started = 0;
  const points = SELECTED ? POINTS.filter((p) => SELECTED.includes(p)) : POINTS;

  before(() => {
    assert.ok(ONE_SHOTS.length >= 3, `Jane has ${DEVICES.intune.length} Intune devices and ${DEVICES.phones.length} mobile-mail partnerships in the seed`);
    assert.ok(new Set(POINTS).size === POINTS.length && POINTS.length >= 40, `${POINTS.length} distinct points`);
    assert.deepEqual(SELECTED?.filter((p) => !POINTS.includes(p)) ?? [], [], 'CRASH_SWEEP_POINTS names points the sweep does not have');
    started = Date.now();
    launcher = chooseLauncher();
    const settings = { ...SETTINGS, launcher };
    // The baseline (no crash) first: the checks themselves must pass on an uninterrupted run.
    trials = pool([...(SELECTED ? [] : [baseline]), ...points], CONCURRENCY, (key) => runTrial(key === baseline ? undefined : key, settings));
  });

  after(async () => {
    if (!trials) {
      return;
    }
    const reports = await Promise.all([...trials.values()].map((p) => p.catch(() => undefined)));
    launcher?.dispose();
    const done = reports.filter((r): r is TrialReport => r !== undefined);
    const times = done.map((r) => r.ms).sort((a, b) => a - b);
    const failed = done.filter((r) => r.problems.length > 0).map((r) => r.point);
    const wall = Date.now() - started;
    console.log(
      `      crash sweep: ${done.length} trials (${points.length} kill points${SELECTED ? '' : ' + baseline'}), ${CONCURRENCY} at a time, ${launcher?.name}, ${(wall / 1000).toFixed(1)} s wall` +
        ` (budget ${BUDGET_MS / 1000} s); per trial median ${((times[times.length >> 1] ?? 0) / 1000).toFixed(1)} s, max ${((times.at(-1) ?? 0) / 1000).toFixed(1)} s;` +
        ` baseline run: ${done.find((r) => r.point === 'none')?.totals.writes ?? '?'} writes; failed: ${failed.length ? failed.join(', ') : 'none'}`,
    );
  });

  if (!SELECTED) {
    it('baseline, no crash: the checks pass on an uninterrupted run', async () => {
      assertTrial(await trials.get(baseline)!);
    });
  }

  for (const point of points) {
    it(`killed at ${point}: finishes by itself, every device action once, a truthful summary`, async () => {
      const report = await trials.get(point)!;
      if (process.env.CRASH_SWEEP_VERBOSE) {
        console.log(`        ${JSON.stringify({ ms: report.ms, stages: report.stages, atKill: report.atKill, totals: report.totals })}`);
      }
      assertTrial(report);
    });
  }
});
