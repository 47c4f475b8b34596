// Composition: config → Microsoft 365 endpoints (real or simulated) → Teams adapter and app → HTTP server.
import { loadConfig, type Config, type GroupSettings, type M365Settings } from './config';
import { createLogger, type Logger } from './logger';
import { createServer, listen } from './server';
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

  const adapter = createAdapter(config.bot);
  const app = createTeamsApp({ adapter, botAppId: config.bot?.appId, logger });
  const server = createServer({ adapter, app, logger });
  const { port, url } = await listen(server, config.port, config.host);
  logger.info(
    { url, host: config.host, authentication: config.bot ? 'on' : 'off (local mode)', graph: m365.graphBaseUrl, credential: m365.credential },
    'bot listening',
  );

  return {
    url,
    port,
    config,
    m365,
    groups,
    teamsAppId,
    tenant,
    async close() {
      server.close();
      await tenant?.close();
    },
  };
}
