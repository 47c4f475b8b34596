// Composition: config → Microsoft 365 endpoints (real or simulated) → store → gateways → engine → Teams adapter
// and app → HTTP server. Unfinished runs resume by themselves once everything is up.
import type { TokenCredential } from '@azure/identity';
import { loadConfig, type Config, type GroupSettings, type M365Settings } from './config';
import { createLogger, type Logger } from './logger';
import { startCluster } from './cluster';
import { createM365 } from './m365';
import { Governor } from './m365/governor';
import { formatDoctorReport, runDoctor } from './m365/doctor';
import { AccessPolicy } from './offboarding/access';
import { Audit, currentAuditScope } from './offboarding/audit';
import { Directory } from './offboarding/directory';
import { OffboardingEngine } from './offboarding/engine';
import { startHousekeeping } from './offboarding/housekeeping-loop';
import { PassVault } from './offboarding/reinstate/pass-vault';
import { OffboardingService } from './offboarding/service';
import { DEFAULT_OPTIONS } from './offboarding/options';
import { createServer, listen } from './server';
import { TurnGate } from './turn-gate';
import { openConfiguredStore, type Store } from './store';
import { BlobLeases } from './store/azure/blob-leases';
import type { Leases } from './store/leases';
import { LocalLeases } from './store/local-leases';
import { createAdapter } from './teams/adapter';
import { createTeamsApp } from './teams/app';
import { TeamsNotifier } from './teams/notifier';
import { PersonalChats } from './teams/personal-chats';
import { Proactive } from './teams/proactive';
import { startSimulatedTenant, type SimulatedTenant } from './simulator';
import { armCrashPoint, observeCall } from './testing/crash-points';

export const SIMULATED_BANNER = 'SIMULATED TENANT: no real accounts are touched';

export interface RunningBot {
  url: string;
  port: number;
  config: Config;
  m365: M365Settings;
  groups: GroupSettings;
  teamsAppId?: string;
  /** Present in simulated mode. */
  tenant?: SimulatedTenant;
  store: Store;
  governor: Governor;
  engine: OffboardingEngine;
  service: OffboardingService;
  /** The Teams notifier (tests drive a batch's Teams side through it: batchProgress.submitted). */
  notifier: TeamsNotifier;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The service's clock (tests move it forward to reach deadlines and backoffs). */
  now?: () => Date;
  /** Simulated mode only: the Microsoft 365 credential to send tokens from (tests: the secret scan's tokens). */
  m365Credential?: TokenCredential;
  /** Simulated mode only: another seed file for the embedded tenant (tests and benches with generated leavers). */
  simulatedSeedFile?: string;
}

/** Starts the bot; in simulated mode also the embedded tenant it talks to. Throws ConfigError on a bad environment. */
export async function startBot(options: StartOptions = {}): Promise<RunningBot> {
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger();

  let tenant: SimulatedTenant | undefined;
  let m365: M365Settings;
  let groups: GroupSettings;
  let teamsAppId = config.teamsAppId;
  if (config.simulated) {
    tenant = await startSimulatedTenant(options.simulatedSeedFile ? { seedFile: options.simulatedSeedFile } : {});
    m365 = { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' };
    // Group ids set in the environment win (e.g. to try the rules with another seeded group).
    groups = { ...tenant.groups, ...config.groups };
    if (Object.keys(config.groups ?? {}).length > 0) {
      logger.warn({ groups: config.groups }, 'group ids from the environment are used with the simulated tenant');
    }
    teamsAppId ??= tenant.teamsAppId;
    logger.warn({ graphBaseUrl: tenant.graphBaseUrl }, SIMULATED_BANNER);
  } else {
    // loadConfig requires the settings and all three group ids outside simulated mode.
    m365 = config.m365!;
    groups = config.groups as GroupSettings;
  }
  for (const warning of config.warnings) {
    logger.warn(warning);
  }

  armCrashPoint(config.testHooks?.crashAt);
  const opened = await openConfiguredStore(config);
  const store = opened.store;
  const audit = new Audit(store, logger);
  // Who drives which run, and who does the housekeeping (src/store/leases.ts): blob leases on the shared store, where
  // several instances serve; on SQLite one instance, which holds them all.
  const leases: Leases = opened.leaseContainer
    ? new BlobLeases({ container: opened.leaseContainer, store, durationMs: config.runLeaseMs, requestTimeoutMs: config.requestTimeoutMs, logger })
    : new LocalLeases(store, config.runLeaseMs);
  // Graph serves many conversations and runs at once: more requests in flight than Exchange, whose management
  // endpoint is the tighter one.
  // One governor for the process: every Graph, Exchange and Bot Connector call of every run draws on its budgets,
  // each run in a lane of its own (README "Governor").
  // On the shared store its share of each budget is 1 ÷ the instances live on it, and a Retry-After seen here pauses
  // them all. The embedded SQLite store serves one instance, which has the whole budget.
  const cluster = opened.kind === 'azure' ? await startCluster({ store, logger }) : undefined;
  const governor = new Governor({ budgets: config.governorBudgets, logger, ...(cluster ? { source: cluster.source } : {}), lane: () => currentAuditScope()?.runId ?? currentAuditScope()?.requestId });
  const { graph, exchange, credential } = createM365(m365, {
    onCall: config.testHooks?.crashAt ? (c) => (audit.onCall(c), observeCall(c)) : audit.onCall,
    maxConcurrency: 24,
    exchangeMaxConcurrency: config.governorBudgets.exchange?.concurrency ?? 8,
    credential: config.simulated ? options.m365Credential : undefined,
    governor,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  // Progress goes to the service (defined next; the engine only calls back once a run is under way).
  const poll = config.testHooks?.sharedPollMs;
  const settings = poll ? { sharedPollInitialMs: poll, sharedPollMaxMs: poll } : undefined;
  // A reinstatement's Temporary Access Pass, in memory only until the requester's own click shows it.
  const passes = new PassVault();
  const engine = new OffboardingEngine({ graph, exchange, store, audit, logger, settings, passes, leases, maxConcurrentRuns: config.maxConcurrentRuns, onProgress: (e) => service.onProgress(e) });
  const access = new AccessPolicy(graph, groups);
  const turns = new TurnGate();
  const service = new OffboardingService({
    store,
    leases,
    engine,
    access,
    directory: new Directory(graph),
    audit,
    approvalTtlHours: config.approvalTtlHours,
    passes,
    ...(config.operationsChannelIds ? { operationsChannelIds: config.operationsChannelIds } : {}),
    ...(config.offboardableUnitId ? { offboardableUnitId: config.offboardableUnitId } : {}),
    logger,
    afterTurns: () => turns.idle(),
    now: options.now,
  });

  const adapter = createAdapter(config.bot, governor);
  const proactive = new Proactive(adapter, config.bot?.appId ?? '', governor);
  const personalChats = new PersonalChats(store, logger);
  const notifier = new TeamsNotifier(proactive, service, { summaryChannelId: config.summaryChannelId, teamsAppId, logger, personalChats });
  service.setNotifier(notifier);
  const app = createTeamsApp({
    adapter,
    botAppId: config.bot?.appId,
    logger,
    offboarding: { service, notifier, proactive },
    personalChats,
    simulated: config.simulated,
    doctor: {
      isOperator: (id) => access.isOperator(id),
      report: async () => formatDoctorReport(await runDoctor({ credential, graph, exchange, governor, clientId: m365.clientId, options: DEFAULT_OPTIONS, ...(config.offboardableUnitId ? { offboardableUnitId: config.offboardableUnitId } : {}) })),
    },
  });
  const server = createServer({ adapter, app, logger, turns, maxActivityBytes: config.maxActivityBytes });
  const { port, url } = await listen(server, config.port, config.host);
  logger.info(
    { url, host: config.host, authentication: config.bot ? 'on' : 'off (local mode)', graph: m365.graphBaseUrl, credential: m365.credential, store: opened.kind, ...(config.storage.kind === 'azure' ? { storagePrefix: config.storage.prefix } : { dataDir: config.dataDir, sqliteJournalMode: config.sqliteJournalMode }) },
    'bot listening',
  );
  const resumed = await service.resume();
  if (resumed.length > 0) {
    logger.warn({ requests: resumed }, 'resumed unfinished offboarding requests');
  }
  // Housekeeping: expire requests nobody decided on, start scheduled ones when their time comes (within seconds:
  // a click after the deadline also expires the request at once), and leave no request in limbo (a submit that died
  // before claiming its leaver, approval cards that never arrived: src/offboarding/housekeeping.ts).
  // On one instance at a time, under its lease; it also takes over runs whose owner died (service.tick).
  const housekeeping = startHousekeeping({ leases, intervalMs: config.housekeepingIntervalMs, tick: (held) => service.tick(held), urgent: (held) => service.takeOverDue(held), logger });

  return {
    url,
    port,
    config,
    m365,
    groups,
    teamsAppId,
    tenant,
    store,
    governor,
    engine,
    service,
    notifier,
    async close() {
      server.close();
      await housekeeping.stop();
      await service.idle();
      await leases.close();
      await cluster?.stop();
      await store.close();
      await tenant?.close();
    },
  };
}
