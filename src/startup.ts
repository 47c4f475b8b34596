// Composition: config → Microsoft 365 endpoints (real or simulated) → store → gateways → engine → Teams adapter
// and app → HTTP server. Unfinished runs resume by themselves once everything is up.
import { loadConfig, type Config, type GroupSettings, type M365Settings } from './config';
import { createLogger, type Logger } from './logger';
import { createM365 } from './m365';
import { formatDoctorReport, runDoctor } from './m365/doctor';
import { AccessPolicy } from './offboarding/access';
import { Audit } from './offboarding/audit';
import { OffboardingEngine } from './offboarding/engine';
import { DEFAULT_OPTIONS } from './offboarding/options';
import { createServer, listen } from './server';
import { openStore, type Store } from './store';
import { createAdapter } from './teams/adapter';
import { createTeamsApp } from './teams/app';
import { startSimulatedTenant, type SimulatedTenant } from './simulator';

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
  engine: OffboardingEngine;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
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
    tenant = await startSimulatedTenant();
    m365 = { tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' };
    groups = tenant.groups;
    teamsAppId ??= tenant.teamsAppId;
    logger.warn({ graphBaseUrl: tenant.graphBaseUrl }, SIMULATED_BANNER);
  } else {
    // loadConfig guarantees both outside simulated mode.
    m365 = config.m365!;
    groups = config.groups!;
  }
  for (const warning of config.warnings) {
    logger.warn(warning);
  }

  const store = openStore(config.dataDir);
  const audit = new Audit(store, logger);
  const { graph, exchange, credential } = createM365(m365, { onCall: audit.onCall });
  const engine = new OffboardingEngine({ graph, exchange, store, audit, logger });
  const access = new AccessPolicy(graph, groups);

  const adapter = createAdapter(config.bot);
  const app = createTeamsApp({
    adapter,
    botAppId: config.bot?.appId,
    logger,
    doctor: {
      isOperator: (id) => access.isOperator(id),
      report: async () => formatDoctorReport(await runDoctor({ credential, graph, exchange, clientId: m365.clientId, options: DEFAULT_OPTIONS })),
    },
  });
  const server = createServer({ adapter, app, logger });
  const { port, url } = await listen(server, config.port, config.host);
  logger.info(
    { url, host: config.host, authentication: config.bot ? 'on' : 'off (local mode)', graph: m365.graphBaseUrl, credential: m365.credential, dataDir: config.dataDir },
    'bot listening',
  );
  const resumed = await engine.executor.resumeUnfinished();
  if (resumed.length > 0) {
    logger.warn({ runs: resumed }, 'resumed unfinished offboarding runs');
  }

  return {
    url,
    port,
    config,
    m365,
    groups,
    teamsAppId,
    tenant,
    store,
    engine,
    async close() {
      server.close();
      await store.close();
      await tenant?.close();
    },
  };
}
