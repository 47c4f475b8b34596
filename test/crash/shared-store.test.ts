// Several instances on one shared store (Azure Storage on Azurite): two whole bot processes, each with its own HTTP
// server, share the store, the simulated tenant (in this process) and the Bot Connector.
// 1. Twenty offboardings asked for and approved on both; one process is killed (SIGKILL) mid-run and never
//    restarted; the other takes its runs over once their leases run out and finishes everything. From the tenant's
//    request log: every one-shot action once, no write sent twice but what was in flight at the kill, every request
//    completed and summarised once.
// 2. A paused owner: the process driving a run is stopped (SIGSTOP) past its lease; the other takes the run over;
//    resumed (SIGCONT), the paused one sends nothing more to Microsoft 365 and writes nothing more to the store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateLeavers, type GeneratedLeavers } from '../../bench/leavers-seed';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type RunningAzurite } from '../../scripts/lib/azurite';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { COLLECTIONS, type RunRecord, type StepState } from '../../src/offboarding/run';
import { REQUESTS } from '../../src/offboarding/service';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { openConfiguredStore } from '../../src/store';
import { storageNames } from '../../src/store/azure/clients';
import { HOUSEKEEPING_LEASE, runLeaseName } from '../../src/store/leases';
import type { Store } from '../../src/store/store';
import { VERBS } from '../../src/teams/verbs';
import { FakeBotConnector } from '../fakes/bot-connector';
import { BotProcess, chooseLauncher, type Launcher } from './fixtures/bot-process';
import { intuneAction, isWrite } from './fixtures/checks';
import { startTap, type Tap } from './fixtures/tap';
import { isSummary, TeamsClient } from './fixtures/teams';
import { botEnv, wait } from './fixtures/trial';

/** Blob leases last at least 15 s: the shortest the service allows, so takeover comes within 15 s + housekeeping. */
const LEASE_SECONDS = 15;
const HOUSEKEEPING_MS = 1000;
/** The bound a new owner waits before settling a dead owner's one-shot actions in doubt (test hook). */
const REQUEST_TIMEOUT_MS = 2000;
/**
 * Every run waits for its mailbox to turn shared, which Exchange reports only after this: the runs are mid-run when
 * the kill comes, however long the conversations took; the test then moves the tenant's clock past it.
 */
const CONVERSION_DELAY_MS = 600_000;
/** A paused owner's run: long enough for the pause, the takeover and the resume to happen while it waits. */
const PAUSED_CONVERSION_DELAY_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms: ${what}`);
    }
    await sleep(100);
  }
}

const MANAGERS = ['Marcus Reed', 'Helen Brooks', 'Diego Santos', 'Olivia Grant', 'Nina Petrova'];

interface Shared {
  azurite: RunningAzurite;
  tenant: SimulatedTenant;
  connector: FakeBotConnector;
  leavers: GeneratedLeavers;
  upns: string[];
  /** Leaver i's manager: their approver and inheritor. */
  managerOf(i: number): { id: string; name: string };
  store: Store;
  env: Record<string, string>;
  prefix: string;
  dirs: string[];
  closeStore(): Promise<void>;
}

async function setUp(azurite: RunningAzurite, count: number, prefix: string, conversionDelayMs: number): Promise<Shared> {
  const leavers = generateLeavers(count, 4, `${prefix}leaver`);
  // Five managers, each approving (and inheriting from) every fifth leaver: Teams paces the bot per conversation,
  // so twenty approval cards in one manager's chat would take longer than the runs.
  const seed = JSON.parse(fs.readFileSync(leavers.seedFile, 'utf8')) as { users: Array<{ id: string; displayName: string; managerId?: string }> };
  const managers = MANAGERS.map((name) => seed.users.find((u) => u.displayName === name)!);
  for (const [i, id] of leavers.leaverIds.entries()) {
    seed.users.find((u) => u.id === id)!.managerId = managers[i % managers.length]!.id;
  }
  fs.writeFileSync(leavers.seedFile, JSON.stringify(seed));
  const tenant = await startSimulatedTenant({ seedFile: leavers.seedFile, mailboxConversionDelayMs: conversionDelayMs });
  const connector = new FakeBotConnector();
  await connector.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-shared-store-'));
  const env = {
    ...botEnv(tenant, dir, tenant.exchangeBaseUrl, 2000),
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_PREFIX: prefix,
    RUN_LEASE_SECONDS: String(LEASE_SECONDS),
    OFFBOARDING_TEST_HOUSEKEEPING_MS: String(HOUSEKEEPING_MS),
    OFFBOARDING_TEST_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  };
  const opened = await openConfiguredStore({ dataDir: dir, sqliteJournalMode: 'WAL', storage: { kind: 'azure', connectionString: azurite.connectionString, prefix } });
  const upns = leavers.leaverIds.map((_, i) => `${prefix}leaver${i}@contoso.com`);
  const managerOf = (i: number) => ({ id: managers[i % managers.length]!.id, name: managers[i % managers.length]!.displayName });
  return { azurite, tenant, connector, leavers, upns, managerOf, store: opened.store, env, prefix, dirs: [dir, path.dirname(leavers.seedFile)], closeStore: () => opened.store.close() };
}

async function tearDown(shared: Shared | undefined, bots: BotProcess[], taps: Tap[]): Promise<void> {
  await Promise.all(bots.map((b) => b.kill()));
  await Promise.all(taps.map((t) => t.close()));
  if (shared) {
    await shared.closeStore();
    await shared.connector.stop();
    await shared.tenant.close();
    shared.dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
}

/** Whose log entry this is: the generated leaver its path or body names (by id or UPN), if any. */
function leaverOf(e: LogEntry, shared: Shared): number | undefined {
  const text = `${e.path} ${JSON.stringify(e.body ?? '')}`;
  const i = shared.leavers.leaverIds.findIndex((id, n) => text.includes(id) || text.includes(shared.upns[n]!));
  return i < 0 ? undefined : i;
}

/** A write's identity for spotting repeats: method, path and body. */
const writeKey = (e: LogEntry): string => `${e.method} ${e.cmdlet ?? ''} ${e.path} ${JSON.stringify(e.body ?? null)}`;

/** For a failure message: the request, its run and the leases as the store and Azure see them now. */
async function diagnosis(shared: Shared, requestId: string): Promise<string> {
  try {
    const request = (await shared.store.get<OffboardingRequest>(REQUESTS, requestId))?.value;
    const run = request?.runId ? (await shared.store.get<RunRecord>(COLLECTIONS.runs, request.runId))?.value : undefined;
    const steps = run ? (await shared.store.list<StepState>(COLLECTIONS.steps, `${run.id}/`)).map((d) => `${d.value.kind} ${d.value.status} ×${d.value.attempts}`) : [];
    const leases = BlobServiceClient.fromConnectionString(shared.azurite.connectionString).getContainerClient(storageNames(shared.prefix).leases);
    const leaseOf = async (name: string): Promise<string> => {
      const p = await leases.getBlockBlobClient(name).getProperties().catch((err: Error) => ({ leaseState: err.message, leaseStatus: '' }));
      return `${name}: ${p.leaseState} ${p.leaseStatus}`;
    };
    const names = [HOUSEKEEPING_LEASE, ...(run ? [runLeaseName(run.id)] : [])];
    return [
      `at ${new Date().toISOString()}: request ${request?.status}; run ${run?.status} attempt ${run?.attempt}`,
      `steps: ${steps.join('; ')}`,
      `leases: ${(await Promise.all(names.map(leaseOf))).join('; ')}`,
    ].join('\n');
  } catch (err) {
    return `no diagnosis: ${(err as Error).message}`;
  }
}

async function requestsIn(store: Store): Promise<OffboardingRequest[]> {
  return (await store.list<OffboardingRequest>(REQUESTS)).map((d) => d.value);
}

describe('shared store: several instances on Azure Storage (Azurite)', function () {
  this.timeout(180_000);
  let azurite: RunningAzurite;
  let launcher: Launcher;

  before(async () => {
    azurite = await startAzurite();
    launcher = chooseLauncher();
  });
  after(async () => {
    launcher?.dispose();
    await azurite?.stop();
  });

  it('two instances share 20 offboardings; one is killed mid-run and the other finishes every run, each action once, each summary once', async () => {
    const bots: BotProcess[] = [];
    let shared: Shared | undefined;
    try {
      shared = await setUp(azurite, 20, 'twoinst', CONVERSION_DELAY_MS);
      const s = shared;
      const [a, b] = await Promise.all([BotProcess.start(launcher, s.env, 'instance A'), BotProcess.start(launcher, s.env, 'instance B')]);
      bots.push(a.bot, b.bot);
      const p = s.tenant.personas;
      const operator = { id: p.operator!, name: 'Isaac Ito' };
      const clients = [new TeamsClient(s.connector, s.tenant.tenantId, () => a.url), new TeamsClient(s.connector, s.tenant.tenantId, () => b.url)];
      // Leaver i is asked for and approved on instance i % 2 (the approving instance starts the run), four at a time.
      const requestIds: string[] = [];
      for (let first = 0; first < 20; first += 4) {
        const ids = await wait(
          Promise.all(
            [0, 1, 2, 3].map((k) => {
              const i = first + k;
              // Teams paces a bot per channel (about one message a second, shared by the instances): five IT channels,
              // a thread of its own per leaver.
              return clients[i % 2]!.offboardAndApprove(operator, { id: s.leavers.leaverIds[i]!, name: s.upns[i]! }, s.managerOf(i), s.managerOf(i), VERBS, `19:it-ops-${i % 5}@thread.tacv2;messageid=${1700000000100 + i}`);
            }),
          ),
          60_000,
          `offboard and approve leavers ${first}-${first + 3}\nA: ${a.bot.complaints()}\nB: ${b.bot.complaints()}`,
        );
        requestIds.push(...ids);
      }
      // Mid-run: every run has asked for its mailbox's conversion and waits for Exchange to report it shared.
      const toShared = (e: LogEntry): boolean => e.cmdlet === 'Set-Mailbox' && (e.body as { CmdletInput?: { Parameters?: { Type?: unknown } } } | null)?.CmdletInput?.Parameters?.Type === 'Shared';
      const converting = () => new Set(s.tenant.requestLog().filter(toShared).map((e) => leaverOf(e, s)).filter((i) => i !== undefined));
      await until(() => converting().size === 20, 60_000, 'every run waiting for its mailbox to turn shared');
      const aRequests = (await requestsIn(s.store)).filter((r) => s.leavers.leaverIds.indexOf(r.leaver.id) % 2 === 0);
      assert.deepEqual(aRequests.map((r) => r.status), Array(10).fill('running'), 'the ten runs approved on instance A are under way when it is killed');
      a.bot.signal('SIGKILL');
      const killedAt = Date.now();
      await a.bot.exited;
      const logAtKill = s.tenant.requestLog().length;
      s.tenant.advanceClock(CONVERSION_DELAY_MS); // Exchange now reports every mailbox shared
      // Instance B takes the dead instance's runs over (lease + housekeeping) and finishes them all.
      await until(() => requestIds.every((id) => s.connector.sent.some((x) => isSummary(x, id))), 120_000, 'every request summarised').catch(async (err: Error) => {
        const open = (await requestsIn(s.store)).filter((r) => !s.connector.sent.some((x) => isSummary(x, r.id)));
        const details = await Promise.all(
          open.map(async (r) => {
            const run = r.runId ? (await s.store.get<RunRecord>(COLLECTIONS.runs, r.runId))?.value : undefined;
            const steps = r.runId ? (await s.store.list<StepState>(COLLECTIONS.steps, `${r.runId}/`)).map((d) => d.value).filter((x) => x.status !== 'done' && x.status !== 'skipped') : [];
            return `${r.id} (leaver ${s.leavers.leaverIds.indexOf(r.leaver.id)}) ${r.status}, run ${run?.status ?? 'none'} attempt ${run?.attempt ?? '-'}: ${steps.map((x) => `${x.kind} ${x.status} ×${x.attempts}`).join('; ')}`;
          }),
        );
        throw new Error(`${err.message}: not summarised:\n${details.join('\n')}\ninstance B:\n${b.bot.complaints(8000)}`);
      });
      await sleep(1500); // anything sent twice would show by now
      const takeoverMs = Date.now() - killedAt;

      const requests = await requestsIn(s.store);
      assert.deepEqual(requests.filter((r) => r.status !== 'completed').map((r) => `${r.id} ${r.status}`), [], 'every request completed');
      for (const id of requestIds) {
        assert.equal(s.connector.sent.filter((x) => isSummary(x, id)).length, 1, `${id} summarised once`);
      }
      // Every step of every run ended done or skipped. A run driven once ran each step once; a run taken over (the
      // dead instance drove it first: whichever instance takes a run's lease drives it, so that may be any run)
      // ran a step at most twice, the one in flight at the kill.
      const takenOver = new Set<number>();
      for (const r of requests) {
        const run = (await s.store.get<RunRecord>(COLLECTIONS.runs, r.runId!))!.value;
        const steps = (await s.store.list<StepState>(COLLECTIONS.steps, `${run.id}/`)).map((d) => d.value);
        if (run.attempt >= 2) {
          takenOver.add(s.leavers.leaverIds.indexOf(r.leaver.id));
        }
        for (const step of steps) {
          assert.ok(step.status === 'done' || step.status === 'skipped', `${r.id} ${step.kind} ended ${step.status}: ${step.reason ?? ''}`);
          assert.ok(step.attempts <= Math.min(run.attempt, 2), `${r.id} ${step.kind} ran ${step.attempts} times in ${run.attempt} drives`);
        }
      }
      assert.ok(takenOver.size >= 1, 'instance B took over the runs the killed instance was driving');
      // Every Intune action once per leaver's laptop, by the log and by the tenant's own counter.
      const log = s.tenant.requestLog();
      const state = s.tenant.state();
      // From the seed: Intune may drop a device once its wipe or retire is carried out.
      const seeded = (JSON.parse(fs.readFileSync(s.leavers.seedFile, 'utf8')) as { managedDevices: Array<{ id: string; userId: string }> }).managedDevices;
      for (const [i, id] of s.leavers.leaverIds.entries()) {
        const devices = seeded.filter((d) => d.userId === id);
        assert.ok(devices.length > 0, `leaver ${i} has a managed laptop in the seed`);
        for (const device of devices) {
          const received = log.filter((e) => intuneAction(e)?.deviceId === device.id).length;
          const counted = (state.actions.wipe[device.id] ?? 0) + (state.actions.retire[device.id] ?? 0);
          assert.deepEqual([received, counted], [1, 1], `leaver ${i}: device ${device.id} got ${received} wipe/retire requests (tenant counted ${counted}); expected exactly one`);
        }
      }
      // No write sent twice, except one the dead instance had sent before it died (a step in flight, run again by B).
      const firstSeen = new Map<string, number>();
      const repeats: string[] = [];
      log.forEach((e, n) => {
        const leaver = leaverOf(e, s);
        if (!isWrite(e) || leaver === undefined) {
          return;
        }
        const key = writeKey(e);
        const first = firstSeen.get(key);
        if (first === undefined) {
          firstSeen.set(key, n);
        } else if (!(takenOver.has(leaver) && first < logAtKill)) {
          repeats.push(`leaver ${leaver}: ${key.slice(0, 200)}`);
        }
      });
      assert.deepEqual(repeats, [], 'writes sent twice');
      console.log(`      two instances: 20 offboardings; instance A killed mid-run; ${takenOver.size} runs taken over; everything summarised ${Math.round(takeoverMs / 1000)} s after the kill`);
    } finally {
      await tearDown(shared, bots, []);
    }
  });

  it('a paused owner: stopped past its lease, then resumed, it sends and writes nothing more', async () => {
    const bots: BotProcess[] = [];
    const taps: Tap[] = [];
    let shared: Shared | undefined;
    try {
      shared = await setUp(azurite, 1, 'paused', PAUSED_CONVERSION_DELAY_MS);
      const s = shared;
      // Each instance reaches the tenant through a tap of its own: who sent what, and when, is known by the tap it
      // went through. (Not by the tenant's request ids: a request A had in flight at the pause has none yet.)
      const tap = await startTap(s.tenant.graphBaseUrl);
      const tapB = await startTap(s.tenant.graphBaseUrl);
      taps.push(tap, tapB);
      // At debug level, a failure shows each instance's every attempt at the run's lease.
      const a = await BotProcess.start(launcher, { ...s.env, LOG_LEVEL: 'debug', GRAPH_BASE_URL: tap.url, EXCHANGE_BASE_URL: tap.url }, 'instance A');
      bots.push(a.bot);
      const b = await BotProcess.start(launcher, { ...s.env, LOG_LEVEL: 'debug', GRAPH_BASE_URL: tapB.url, EXCHANGE_BASE_URL: tapB.url }, 'instance B');
      bots.push(b.bot);
      const p = s.tenant.personas;
      const teams = new TeamsClient(s.connector, s.tenant.tenantId, () => a.url);
      const requestId = await wait(teams.offboardAndApprove({ id: p.operator!, name: 'Isaac Ito' }, { id: s.leavers.leaverIds[0]!, name: s.upns[0]! }, s.managerOf(0), s.managerOf(0), VERBS), 60_000, 'offboard and approve');
      // A drives the run: pause it once the mailbox conversion was asked for (the run then waits for it).
      await until(() => s.tenant.requestLog().some((e) => e.cmdlet === 'Set-Mailbox'), 30_000, 'the run reaching the mailbox conversion');
      const request = (await s.store.get<OffboardingRequest>(REQUESTS, requestId))!.value;
      const runBefore = (await s.store.get<RunRecord>(COLLECTIONS.runs, request.runId!))!.value;
      assert.equal(tapB.seen.length, 0, 'instance B sent nothing to Microsoft 365 while A drove the run');
      a.bot.signal('SIGSTOP');
      // B takes the run over once A's lease has run out (15 s + housekeeping), and sends its own requests (the run's:
      // B has no other business with the tenant).
      await until(() => tapB.seen.length > 0, 40_000, 'instance B taking the run over').catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await diagnosis(s, requestId)}\ninstance B:\n${b.bot.tail(6000)}\ninstance A (paused):\n${a.bot.tail(3000)}`);
      });
      // Its drive counts a new attempt (written under its lease) before it sends anything.
      const runNow = (await s.store.get<RunRecord>(COLLECTIONS.runs, request.runId!))!.value;
      assert.ok(runNow.attempt > runBefore.attempt, `the new owner wrote the run: attempt ${runNow.attempt} after ${runBefore.attempt}`);
      const resumedAt = Date.now();
      const seenAtResume = tap.seen.length;
      a.bot.signal('SIGCONT');
      await wait(
        until(() => s.connector.sent.some((x) => isSummary(x, requestId)), 60_000, 'the summary'),
        70_000,
        `instance B finishing the run\n${b.bot.complaints()}`,
      );
      await sleep(3000); // time for the resumed instance to do whatever it still would
      const late = tap.seen.slice(seenAtResume).filter((t) => t.at >= resumedAt);
      assert.deepEqual(late.map((t) => `${t.method} ${t.path}`), [], 'the paused owner sent requests after it resumed');
      assert.equal(s.connector.sent.filter((x) => isSummary(x, requestId)).length, 1, 'one summary');
      const final = (await s.store.get<OffboardingRequest>(REQUESTS, requestId))!.value;
      assert.equal(final.status, 'completed');
      const steps = (await s.store.list<StepState>(COLLECTIONS.steps, `${request.runId!}/`)).map((d) => d.value);
      assert.deepEqual(steps.filter((x) => x.status !== 'done' && x.status !== 'skipped').map((x) => `${x.kind} ${x.status}`), []);
      // The resumed owner found it had lost the lease: its log says so, and no write of its reached the store.
      assert.match(a.bot.tail(20_000), /lease/i, `instance A's log says nothing about its lost lease:\n${a.bot.tail(3000)}`);
      assert.ok(a.bot.alive, 'the resumed instance is still up (it just lost the run)');
    } finally {
      await tearDown(shared, bots, taps);
    }
  });
});
