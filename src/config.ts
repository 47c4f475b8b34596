// The environment contract (README "Configuration"). Parsed once at start-up; a bad value stops start-up and
// names the variable. Names follow Teams Toolkit (BOT_*) and @azure/identity (AZURE_*), so the toolkit's env files
// and the SDK's own conventions work unchanged.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_BUDGETS, parseBudget, type Budget, type Family } from './m365/governor-budgets';
import { DEFAULT_MAX_ACTIVITY_BYTES } from './offboarding/limits';
import { parseCrashAt, type CrashAt } from './testing/crash-points';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const optionalGuid = optionalText.pipe(guid.optional());

const baseUrl = z
  .string()
  .trim()
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an absolute http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

/** Requests in flight at once: a whole number from 1 to 64, said so plainly (not "Expected number, received nan"). */
const concurrency = z
  .string()
  .regex(/^\s*\d+\s*$/, 'must be a whole number of requests in flight at once, 1 to 64')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64'));

const rawSchema = z.object({
  PORT: optionalText.pipe(z.coerce.number().int().min(0).max(65535).optional()),
  BOT_ID: optionalGuid,
  BOT_PASSWORD: optionalText,
  BOT_TENANT_ID: optionalGuid,
  BOT_TYPE: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).optional()),
  TENANT_ID: optionalGuid,
  GRAPH_BASE_URL: optionalText.pipe(baseUrl.optional()),
  EXCHANGE_BASE_URL: optionalText.pipe(baseUrl.optional()),
  M365_CREDENTIAL: optionalText.pipe(z.enum(['secret', 'certificate', 'managed-identity', 'none']).optional()),
  AZURE_CLIENT_ID: optionalGuid,
  AZURE_CLIENT_SECRET: optionalText,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalText,
  DATA_DIR: optionalText,
  OPERATORS_GROUP_ID: optionalGuid,
  APPROVERS_GROUP_ID: optionalGuid,
  PROTECTED_GROUP_ID: optionalGuid,
  // Optional: only members of this administrative unit may be offboarded (docs/DEPLOYMENT.md "Least privilege").
  OFFBOARDABLE_UNIT_ID: optionalGuid,
  SUMMARY_CHANNEL_ID: optionalText.pipe(
    z
      .string()
      .regex(/^19:[^@\s]+@thread\.(tacv2|skype)$/, "must be a Teams channel id like '19:...@thread.tacv2'")
      .optional(),
  ),
  TEAMS_APP_ID: optionalGuid,
  OPERATIONS_CHANNEL_IDS: optionalText.pipe(
    z
      .string()
      .transform((v) => v.split(',').map((id) => id.trim()).filter((id) => id !== ''))
      .pipe(z.array(z.string().regex(/^19:[^@\s,]+@thread\.(tacv2|skype)$/, "must be a comma-separated list of Teams channel ids like '19:...@thread.tacv2'")).min(1, 'lists no channel id'))
      .optional(),
  ),
  APPROVAL_TTL_HOURS: optionalText.pipe(z.coerce.number().positive().max(24 * 90).optional()),
  MAX_ACTIVITY_BYTES: optionalText.pipe(z.coerce.number().int().min(1024).max(64 * 1024 * 1024).optional()),
  MAX_CONCURRENT_RUNS: optionalText.pipe(z.string().regex(/^\s*\d+\s*$/, 'must be a whole number of runs, 1 to 500').transform(Number).pipe(z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500')).optional()),
  SQLITE_JOURNAL_MODE: optionalText.pipe(
    z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(z.enum(['WAL', 'DELETE'], { errorMap: () => ({ message: 'must be WAL or DELETE' }) }))
      .optional(),
  ),
  // The shared store (README "Shared store"): either one selects Azure Storage instead of SQLite under DATA_DIR.
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_ACCOUNT_NAME: optionalText.pipe(z.string().regex(/^[a-z0-9]{3,24}$/, 'must be a storage account name: 3 to 24 lowercase letters and digits').optional()),
  AZURE_STORAGE_PREFIX: optionalText.pipe(z.string().regex(/^[a-z][a-z0-9]{0,19}$/, 'must be 1 to 20 lowercase letters and digits, starting with a letter (table and container names are built from it)').optional()),
  RUN_LEASE_SECONDS: optionalText.pipe(z.coerce.number().int().min(15, 'must be at least 15 (blob leases last 15 to 60 s)').max(60, 'must be at most 60 (blob leases last 15 to 60 s)').optional()),
  // The governor's budgets (README "Governor"): "requests/seconds"; defaults from Microsoft's published limits.
  GOVERNOR_IDENTITY_WRITES: optionalText,
  GOVERNOR_IDENTITY_READS: optionalText,
  GOVERNOR_INTUNE_WRITES: optionalText,
  GOVERNOR_INTUNE_READS: optionalText,
  GOVERNOR_OUTLOOK: optionalText,
  GOVERNOR_OUTLOOK_CONCURRENCY: optionalText.pipe(concurrency.optional()),
  GOVERNOR_GRAPH_OTHER: optionalText,
  GOVERNOR_EXCHANGE: optionalText,
  GOVERNOR_EXCHANGE_CONCURRENCY: optionalText.pipe(concurrency.optional()),
  GOVERNOR_BOT: optionalText,
  GOVERNOR_BOT_CONVERSATION: optionalText,
  // Set by Azure App Service on every instance (read-only there): how the App Service share is recognised.
  WEBSITE_INSTANCE_ID: optionalText,
  // Test-only hooks (src/testing/): refused below whenever BOT_ID is set.
  OFFBOARDING_CRASH_AT: optionalText.pipe(
    z
      .string()
      .refine((v) => parseCrashAt(v) !== undefined, 'must be <write|batch|one-shot|one-shot-answered|shared-wait>:<n>, e.g. write:17')
      .optional(),
  ),
  OFFBOARDING_TEST_SHARED_POLL_MS: optionalText.pipe(z.coerce.number().int().min(1).max(60_000).optional()),
  OFFBOARDING_TEST_HOUSEKEEPING_MS: optionalText.pipe(z.coerce.number().int().min(100).max(60_000).optional()),
  OFFBOARDING_TEST_REQUEST_TIMEOUT_MS: optionalText.pipe(z.coerce.number().int().min(100).max(600_000).optional()),
});

export type M365Credential = 'secret' | 'certificate' | 'managed-identity' | 'none';

export interface BotIdentity {
  appId: string;
  /** Never logged; see logger.ts redaction. */
  password?: string;
  tenantId?: string;
  type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
}

export interface M365Settings {
  tenantId: string;
  graphBaseUrl: string;
  exchangeBaseUrl: string;
  credential: M365Credential;
  clientId?: string;
  /** Never logged. */
  clientSecret?: string;
  certificatePath?: string;
}

export type SqliteJournalMode = 'WAL' | 'DELETE';

/** Azure App Service's persistent storage: an SMB network share mounted at /home on every instance. */
export const APP_SERVICE_SHARE = '/home';

/** Where state lives: the embedded SQLite file under DATA_DIR (one instance), or Azure Storage (several). */
export type StorageSettings =
  | { kind: 'sqlite' }
  | {
      kind: 'azure';
      /** AZURE_STORAGE_CONNECTION_STRING (Azurite, or account keys in development). Never logged. */
      connectionString?: string;
      /** AZURE_STORAGE_ACCOUNT_NAME: production, with the app's managed identity (@azure/identity), no keys. */
      accountName?: string;
      /** AZURE_STORAGE_PREFIX (default "offboarding"): tables and containers are named from it, so environments can share an account. */
      prefix: string;
    };

export interface GroupSettings {
  operatorsGroupId: string;
  approversGroupId: string;
  protectedGroupId: string;
}

/**
 * The configuration after validation. In simulated mode `m365` comes from the simulated tenant, and so does each
 * group id the environment leaves unset (`groups` then holds only those that are set).
 */
export interface Config {
  port: number;
  /** 127.0.0.1 whenever activities are unauthenticated (no BOT_ID); all interfaces otherwise. */
  host: string;
  bot?: BotIdentity;
  /** True when no Microsoft 365 variable is set: the embedded simulated tenant is used. */
  simulated: boolean;
  m365?: M365Settings;
  groups?: Partial<GroupSettings>;
  dataDir: string;
  summaryChannelId?: string;
  teamsAppId?: string;
  /** OPERATIONS_CHANNEL_IDS: when set, the only channels where an offboarding may start (1:1 chats always may). */
  operationsChannelIds?: string[];
  approvalTtlHours: number;
  /**
   * OFFBOARDABLE_UNIT_ID: a leaver outside this administrative unit is refused before approval (reading it needs
   * AdministrativeUnit.Read.All).
   */
  offboardableUnitId?: string;
  /** The largest activity body POST /api/messages reads (MAX_ACTIVITY_BYTES); larger → 413 before parsing. */
  maxActivityBytes: number;
  /**
   * MAX_CONCURRENT_RUNS (default 50): runs past containment at once; more wait for a slot after their containment,
   * which never waits (README "Governor"). The governor, not this, keeps the tenant's budgets.
   */
  maxConcurrentRuns: number;
  /**
   * SQLite's journal: SQLITE_JOURNAL_MODE when set; otherwise DELETE when DATA_DIR is on App Service's /home share
   * (WAL needs shared memory, which a network file system does not provide), WAL everywhere else.
   */
  sqliteJournalMode: SqliteJournalMode;
  storage: StorageSettings;
  /** RUN_LEASE_SECONDS (default 30) in ms: how long a run's (and housekeeping's) lease lasts without renewal. */
  runLeaseMs: number;
  /**
   * The longest a Microsoft 365 request may take before the bot gives up on it (its transport aborts it): a new
   * owner settles a dead owner's in-doubt one-shot actions only after the old lease plus this.
   */
  requestTimeoutMs: number;
  /** How often housekeeping runs (5 s; a test hook may shorten it). */
  housekeepingIntervalMs: number;
  /** The governor's budgets that differ from the defaults (GOVERNOR_*). */
  governorBudgets: Partial<Record<Family, Budget>>;
  /** Test-only hooks; never set when BOT_ID is (config refuses them). */
  testHooks?: { crashAt?: CrashAt; sharedPollMs?: number };
  /** Non-fatal remarks for the start-up log (e.g. no summary channel). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_STORAGE_PREFIX = 'offboarding';
/** A Microsoft 365 request not answered in this long is aborted by the transport (its fate is then in doubt). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 100_000;
export const DEFAULT_HOUSEKEEPING_INTERVAL_MS = 5_000;

const DEFAULT_GRAPH = 'https://graph.microsoft.com';
const DEFAULT_EXCHANGE = 'https://outlook.office365.com';

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function required<T>(value: T | undefined, variable: string, why: string): T {
  if (value === undefined) {
    throw new ConfigError(variable, `is required ${why}`);
  }
  return value;
}

/** True when `dir` is `root` or below it (both absolute). */
function isInside(dir: string, root: string): boolean {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const GOVERNOR_VARIABLES: Array<[string, Family]> = [
  ['GOVERNOR_IDENTITY_WRITES', 'identity-write'],
  ['GOVERNOR_IDENTITY_READS', 'identity-read'],
  ['GOVERNOR_INTUNE_WRITES', 'intune-write'],
  ['GOVERNOR_INTUNE_READS', 'intune-read'],
  ['GOVERNOR_OUTLOOK', 'outlook'],
  ['GOVERNOR_GRAPH_OTHER', 'graph-other'],
  ['GOVERNOR_EXCHANGE', 'exchange'],
  ['GOVERNOR_BOT', 'bot'],
  ['GOVERNOR_BOT_CONVERSATION', 'bot-conversation'],
];

function governorBudgets(e: Record<string, unknown>): Partial<Record<Family, Budget>> {
  const budgets: Partial<Record<Family, Budget>> = {};
  for (const [variable, family] of GOVERNOR_VARIABLES) {
    const text = e[variable];
    if (typeof text === 'string') {
      try {
        budgets[family] = parseBudget(text, DEFAULT_BUDGETS[family]);
      } catch (err) {
        throw new ConfigError(variable, (err as Error).message);
      }
    }
  }
  for (const [variable, family] of [['GOVERNOR_OUTLOOK_CONCURRENCY', 'outlook'], ['GOVERNOR_EXCHANGE_CONCURRENCY', 'exchange']] as const) {
    const n = e[variable];
    if (typeof n === 'number') {
      budgets[family] = { ...(budgets[family] ?? DEFAULT_BUDGETS[family]), concurrency: n };
    }
  }
  return budgets;
}

/** Parses the environment; throws ConfigError naming the first offending variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = rawSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  const warnings: string[] = [];

  const simulated =
    e.TENANT_ID === undefined &&
    e.M365_CREDENTIAL === undefined &&
    e.GRAPH_BASE_URL === undefined &&
    e.EXCHANGE_BASE_URL === undefined;

  let m365: M365Settings | undefined;
  let groups: Partial<GroupSettings> = Object.fromEntries(
    Object.entries({ operatorsGroupId: e.OPERATORS_GROUP_ID, approversGroupId: e.APPROVERS_GROUP_ID, protectedGroupId: e.PROTECTED_GROUP_ID }).filter(([, v]) => v !== undefined),
  );
  if (!simulated) {
    const credential = required(e.M365_CREDENTIAL, 'M365_CREDENTIAL', 'when any Microsoft 365 variable is set (secret | certificate | managed-identity | none)');
    const graphBaseUrl = e.GRAPH_BASE_URL ?? DEFAULT_GRAPH;
    const exchangeBaseUrl = e.EXCHANGE_BASE_URL ?? DEFAULT_EXCHANGE;
    if (credential === 'none') {
      // No tokens are sent, so only a local endpoint (a simulated tenant) may receive the requests.
      if (!isLoopbackUrl(graphBaseUrl)) {
        throw new ConfigError('GRAPH_BASE_URL', `M365_CREDENTIAL=none sends no tokens and is only allowed with loopback endpoints; got ${graphBaseUrl}`);
      }
      if (!isLoopbackUrl(exchangeBaseUrl)) {
        throw new ConfigError('EXCHANGE_BASE_URL', `M365_CREDENTIAL=none sends no tokens and is only allowed with loopback endpoints; got ${exchangeBaseUrl}`);
      }
    }
    if (credential === 'secret') {
      required(e.AZURE_CLIENT_ID, 'AZURE_CLIENT_ID', 'with M365_CREDENTIAL=secret');
      required(e.AZURE_CLIENT_SECRET, 'AZURE_CLIENT_SECRET', 'with M365_CREDENTIAL=secret');
    }
    if (credential === 'certificate') {
      required(e.AZURE_CLIENT_ID, 'AZURE_CLIENT_ID', 'with M365_CREDENTIAL=certificate');
      required(e.AZURE_CLIENT_CERTIFICATE_PATH, 'AZURE_CLIENT_CERTIFICATE_PATH', 'with M365_CREDENTIAL=certificate');
    }
    m365 = {
      tenantId: required(e.TENANT_ID, 'TENANT_ID', 'outside simulated mode (Exchange cmdlets are addressed to the tenant)'),
      graphBaseUrl,
      exchangeBaseUrl,
      credential,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
      certificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH,
    };
    groups = {
      operatorsGroupId: required(e.OPERATORS_GROUP_ID, 'OPERATORS_GROUP_ID', 'outside simulated mode'),
      approversGroupId: required(e.APPROVERS_GROUP_ID, 'APPROVERS_GROUP_ID', 'outside simulated mode'),
      protectedGroupId: required(e.PROTECTED_GROUP_ID, 'PROTECTED_GROUP_ID', 'outside simulated mode'),
    };
  }

  let bot: BotIdentity | undefined;
  if (e.BOT_ID !== undefined) {
    const type = e.BOT_TYPE ?? (e.BOT_TENANT_ID !== undefined ? 'SingleTenant' : 'MultiTenant');
    if (type !== 'UserAssignedMsi') {
      required(e.BOT_PASSWORD, 'BOT_PASSWORD', `with BOT_TYPE=${type}`);
    }
    if (type !== 'MultiTenant') {
      required(e.BOT_TENANT_ID, 'BOT_TENANT_ID', `with BOT_TYPE=${type}`);
    }
    bot = { appId: e.BOT_ID, password: e.BOT_PASSWORD, tenantId: e.BOT_TENANT_ID, type };
  } else if (!(simulated || m365?.credential === 'none')) {
    // Without an app id botbuilder accepts unsigned activities: never do that next to a real tenant.
    throw new ConfigError('BOT_ID', 'is required with a real Microsoft 365 tenant: without it incoming activities are not authenticated (allowed only with the simulated tenant or M365_CREDENTIAL=none)');
  }

  // Test hooks kill the process or shorten the engine's waits: never where Teams can reach the bot for real.
  for (const hook of ['OFFBOARDING_CRASH_AT', 'OFFBOARDING_TEST_SHARED_POLL_MS', 'OFFBOARDING_TEST_HOUSEKEEPING_MS', 'OFFBOARDING_TEST_REQUEST_TIMEOUT_MS'] as const) {
    if (e[hook] !== undefined && bot !== undefined) {
      throw new ConfigError(hook, 'is a test-only hook and is refused when BOT_ID is set (production)');
    }
  }
  const testHooks =
    e.OFFBOARDING_CRASH_AT !== undefined || e.OFFBOARDING_TEST_SHARED_POLL_MS !== undefined
      ? { ...(e.OFFBOARDING_CRASH_AT ? { crashAt: parseCrashAt(e.OFFBOARDING_CRASH_AT) } : {}), ...(e.OFFBOARDING_TEST_SHARED_POLL_MS ? { sharedPollMs: e.OFFBOARDING_TEST_SHARED_POLL_MS } : {}) }
      : undefined;
  if (e.OFFBOARDING_TEST_HOUSEKEEPING_MS !== undefined || e.OFFBOARDING_TEST_REQUEST_TIMEOUT_MS !== undefined) {
    warnings.push('Test-only timings are set (OFFBOARDING_TEST_HOUSEKEEPING_MS / OFFBOARDING_TEST_REQUEST_TIMEOUT_MS): never use them outside tests.');
  }
  if (testHooks) {
    warnings.push('Test-only hooks are armed (OFFBOARDING_CRASH_AT / OFFBOARDING_TEST_SHARED_POLL_MS): never use this outside tests.');
  }

  if (e.SUMMARY_CHANNEL_ID === undefined) {
    warnings.push('SUMMARY_CHANNEL_ID is not set: summaries are posted only to the originating thread.');
  }
  if (!simulated && e.TEAMS_APP_ID === undefined) {
    warnings.push('TEAMS_APP_ID is not set: the bot cannot install itself for an approver who lacks the app.');
  }

  const dataDir = path.resolve(cwd, e.DATA_DIR ?? './data');
  const onAppServiceShare = e.WEBSITE_INSTANCE_ID !== undefined && isInside(dataDir, APP_SERVICE_SHARE);
  const sqliteJournalMode = e.SQLITE_JOURNAL_MODE ?? (onAppServiceShare ? 'DELETE' : 'WAL');
  if (onAppServiceShare && sqliteJournalMode === 'WAL') {
    warnings.push(
      `SQLITE_JOURNAL_MODE=WAL with DATA_DIR on App Service's ${APP_SERVICE_SHARE} network share: WAL needs shared memory that network file systems do not provide; use DELETE (the default there).`,
    );
  }

  if (e.AZURE_STORAGE_CONNECTION_STRING !== undefined && e.AZURE_STORAGE_ACCOUNT_NAME !== undefined) {
    throw new ConfigError('AZURE_STORAGE_ACCOUNT_NAME', 'set either AZURE_STORAGE_CONNECTION_STRING (keys, development) or AZURE_STORAGE_ACCOUNT_NAME (managed identity), not both');
  }
  const storage: StorageSettings =
    e.AZURE_STORAGE_CONNECTION_STRING !== undefined || e.AZURE_STORAGE_ACCOUNT_NAME !== undefined
      ? {
          kind: 'azure',
          ...(e.AZURE_STORAGE_CONNECTION_STRING !== undefined ? { connectionString: e.AZURE_STORAGE_CONNECTION_STRING } : {}),
          ...(e.AZURE_STORAGE_ACCOUNT_NAME !== undefined ? { accountName: e.AZURE_STORAGE_ACCOUNT_NAME } : {}),
          prefix: e.AZURE_STORAGE_PREFIX ?? DEFAULT_STORAGE_PREFIX,
        }
      : { kind: 'sqlite' };

  return {
    port: e.PORT ?? 3978,
    host: bot === undefined ? '127.0.0.1' : '0.0.0.0',
    bot,
    simulated,
    m365,
    groups,
    dataDir,
    summaryChannelId: e.SUMMARY_CHANNEL_ID,
    teamsAppId: e.TEAMS_APP_ID,
    ...(e.OPERATIONS_CHANNEL_IDS ? { operationsChannelIds: e.OPERATIONS_CHANNEL_IDS } : {}),
    approvalTtlHours: e.APPROVAL_TTL_HOURS ?? 72,
    maxConcurrentRuns: e.MAX_CONCURRENT_RUNS ?? 50,
    ...(e.OFFBOARDABLE_UNIT_ID ? { offboardableUnitId: e.OFFBOARDABLE_UNIT_ID } : {}),
    maxActivityBytes: e.MAX_ACTIVITY_BYTES ?? DEFAULT_MAX_ACTIVITY_BYTES,
    sqliteJournalMode,
    storage,
    runLeaseMs: (e.RUN_LEASE_SECONDS ?? 30) * 1000,
    requestTimeoutMs: e.OFFBOARDING_TEST_REQUEST_TIMEOUT_MS ?? DEFAULT_REQUEST_TIMEOUT_MS,
    housekeepingIntervalMs: e.OFFBOARDING_TEST_HOUSEKEEPING_MS ?? DEFAULT_HOUSEKEEPING_INTERVAL_MS,
    governorBudgets: governorBudgets(e),
    ...(testHooks ? { testHooks } : {}),
    warnings,
  };
}
