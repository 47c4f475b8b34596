import assert from 'node:assert/strict';
import { ConfigError, isLoopbackUrl, loadConfig } from '../src/config';

const TENANT = '11111111-2222-3333-4444-555555555555';
const G1 = 'aaaaaaaa-0000-0000-0000-000000000001';
const G2 = 'aaaaaaaa-0000-0000-0000-000000000002';
const G3 = 'aaaaaaaa-0000-0000-0000-000000000003';
const APP = 'bbbbbbbb-0000-0000-0000-000000000001';

/** A complete local (M365_CREDENTIAL=none) environment. */
const local = {
  TENANT_ID: TENANT,
  M365_CREDENTIAL: 'none',
  GRAPH_BASE_URL: 'http://127.0.0.1:4000',
  EXCHANGE_BASE_URL: 'http://localhost:4000/',
  OPERATORS_GROUP_ID: G1,
  APPROVERS_GROUP_ID: G2,
  PROTECTED_GROUP_ID: G3,
};

function rejects(env: NodeJS.ProcessEnv, variable: string, message?: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.equal(err.variable, variable);
      if (message) {
        assert.match(err.message, message);
      }
      return true;
    },
  );
}

describe('config', () => {
  it('is simulated, local-only and defaulted when no Microsoft 365 variable is set', () => {
    const c = loadConfig({}, '/srv/bot');
    assert.equal(c.simulated, true);
    assert.equal(c.m365, undefined);
    assert.equal(c.port, 3978);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.dataDir, '/srv/bot/data');
    assert.equal(c.approvalTtlHours, 72);
    assert.equal(c.maxActivityBytes, 1048576);
    assert.match(c.warnings.join('\n'), /SUMMARY_CHANNEL_ID/);
    assert.deepEqual(c.groups, {});
  });

  it('keeps the group ids that are set in simulated mode (the rest come from the simulated tenant)', () => {
    const c = loadConfig({ OPERATORS_GROUP_ID: G1, PROTECTED_GROUP_ID: G3 });
    assert.equal(c.simulated, true);
    assert.deepEqual(c.groups, { operatorsGroupId: G1, protectedGroupId: G3 });
  });

  for (const variable of ['TENANT_ID', 'M365_CREDENTIAL', 'GRAPH_BASE_URL', 'EXCHANGE_BASE_URL']) {
    it(`leaves simulated mode when ${variable} alone is set`, () => {
      const value = { TENANT_ID: TENANT, M365_CREDENTIAL: 'none', GRAPH_BASE_URL: 'http://127.0.0.1:1', EXCHANGE_BASE_URL: 'http://127.0.0.1:1' }[variable]!;
      assert.throws(() => loadConfig({ [variable]: value }), ConfigError);
    });
  }

  it('accepts a local M365_CREDENTIAL=none setup and normalises URLs', () => {
    const c = loadConfig({ ...local, PORT: '4100', DATA_DIR: '/var/lib/bot', APPROVAL_TTL_HOURS: '24', SUMMARY_CHANNEL_ID: '19:abc123@thread.tacv2' });
    assert.equal(c.simulated, false);
    assert.equal(c.port, 4100);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.m365?.exchangeBaseUrl, 'http://localhost:4000');
    assert.deepEqual(c.groups, { operatorsGroupId: G1, approversGroupId: G2, protectedGroupId: G3 });
    assert.equal(c.approvalTtlHours, 24);
    assert.equal(c.dataDir, '/var/lib/bot');
    assert.equal(c.warnings.some((w) => w.includes('SUMMARY_CHANNEL_ID')), false);
  });

  it('refuses M365_CREDENTIAL=none with a non-loopback Graph or Exchange endpoint', () => {
    rejects({ ...local, GRAPH_BASE_URL: 'https://graph.microsoft.com' }, 'GRAPH_BASE_URL', /loopback/);
    rejects({ ...local, GRAPH_BASE_URL: undefined }, 'GRAPH_BASE_URL', /loopback/);
    rejects({ ...local, EXCHANGE_BASE_URL: 'http://10.0.0.5:8080' }, 'EXCHANGE_BASE_URL', /loopback/);
  });

  it('names the variable of a malformed value', () => {
    rejects({ ...local, PORT: 'eighty' }, 'PORT');
    rejects({ ...local, PORT: '70000' }, 'PORT');
    rejects({ ...local, TENANT_ID: 'contoso' }, 'TENANT_ID', /GUID/);
    rejects({ ...local, M365_CREDENTIAL: 'password' }, 'M365_CREDENTIAL');
    rejects({ ...local, GRAPH_BASE_URL: 'graph' }, 'GRAPH_BASE_URL');
    rejects({ ...local, GRAPH_BASE_URL: 'ftp://127.0.0.1' }, 'GRAPH_BASE_URL');
    rejects({ ...local, SUMMARY_CHANNEL_ID: 'general' }, 'SUMMARY_CHANNEL_ID', /19:/);
    rejects({ ...local, APPROVAL_TTL_HOURS: '0' }, 'APPROVAL_TTL_HOURS');
    rejects({ ...local, MAX_ACTIVITY_BYTES: 'lots' }, 'MAX_ACTIVITY_BYTES');
    rejects({ ...local, MAX_ACTIVITY_BYTES: '100' }, 'MAX_ACTIVITY_BYTES');
    rejects({ ...local, BOT_TYPE: 'Anonymous', BOT_ID: APP }, 'BOT_TYPE');
  });

  it('takes the governor budgets as requests/seconds, keeping the defaults for the others, and names a bad one', () => {
    assert.deepEqual(loadConfig({ ...local }).governorBudgets, {});
    const c = loadConfig({ ...local, GOVERNOR_IDENTITY_WRITES: '1500/150', GOVERNOR_EXCHANGE_CONCURRENCY: '4', GOVERNOR_BOT_CONVERSATION: '900/3600' });
    assert.deepEqual(c.governorBudgets['identity-write'], { requests: 1500, windowMs: 150_000, burst: 375 });
    assert.deepEqual(c.governorBudgets.exchange, { requests: 600, windowMs: 60_000, burst: 150, concurrency: 4 });
    assert.equal(c.governorBudgets['bot-conversation']?.burst, 7, 'the per-thread burst of 7 stays');
    rejects({ ...local, GOVERNOR_OUTLOOK: '10000 per 600' }, 'GOVERNOR_OUTLOOK');
    rejects({ ...local, GOVERNOR_OUTLOOK_CONCURRENCY: '0' }, 'GOVERNOR_OUTLOOK_CONCURRENCY');
    // A non-number names the variable and says what it must be.
    assert.throws(() => loadConfig({ ...local, GOVERNOR_EXCHANGE_CONCURRENCY: 'eight' }), (e: Error) => e instanceof ConfigError && /^GOVERNOR_EXCHANGE_CONCURRENCY: must be a whole number/.test(e.message));
    // Absurd windows and rates.
    assert.throws(() => loadConfig({ ...local, GOVERNOR_IDENTITY_WRITES: '3000/0.0001' }), (e: Error) => e instanceof ConfigError && /^GOVERNOR_IDENTITY_WRITES: .*not a plausible budget/.test(e.message));
    rejects({ ...local, GOVERNOR_IDENTITY_READS: '3500/1000000' }, 'GOVERNOR_IDENTITY_READS');
    rejects({ ...local, GOVERNOR_BOT: '100000000/1' }, 'GOVERNOR_BOT');
  });

  it('takes MAX_ACTIVITY_BYTES', () => {
    assert.equal(loadConfig({ ...local, MAX_ACTIVITY_BYTES: '262144' }).maxActivityBytes, 262144);
  });

  it('takes MAX_CONCURRENT_RUNS (default 50) and names a bad one', () => {
    assert.equal(loadConfig({ ...local }).maxConcurrentRuns, 50);
    assert.equal(loadConfig({ ...local, MAX_CONCURRENT_RUNS: ' 8 ' }).maxConcurrentRuns, 8);
    assert.throws(() => loadConfig({ ...local, MAX_CONCURRENT_RUNS: 'many' }), (e: Error) => e instanceof ConfigError && /^MAX_CONCURRENT_RUNS: must be a whole number of runs/.test(e.message));
    rejects({ ...local, MAX_CONCURRENT_RUNS: '0' }, 'MAX_CONCURRENT_RUNS');
    rejects({ ...local, MAX_CONCURRENT_RUNS: '501' }, 'MAX_CONCURRENT_RUNS');
  });

  it('requires the group ids and the tenant outside simulated mode', () => {
    rejects({ ...local, OPERATORS_GROUP_ID: undefined }, 'OPERATORS_GROUP_ID');
    rejects({ ...local, APPROVERS_GROUP_ID: '' }, 'APPROVERS_GROUP_ID');
    rejects({ ...local, PROTECTED_GROUP_ID: undefined }, 'PROTECTED_GROUP_ID');
    rejects({ ...local, TENANT_ID: undefined }, 'TENANT_ID');
    rejects({ ...local, M365_CREDENTIAL: undefined }, 'M365_CREDENTIAL');
  });

  it('requires the credential variables of the chosen credential', () => {
    const real = { ...local, GRAPH_BASE_URL: undefined, EXCHANGE_BASE_URL: undefined, BOT_ID: APP, BOT_PASSWORD: 'x' };
    rejects({ ...real, M365_CREDENTIAL: 'secret' }, 'AZURE_CLIENT_ID');
    rejects({ ...real, M365_CREDENTIAL: 'secret', AZURE_CLIENT_ID: APP }, 'AZURE_CLIENT_SECRET');
    rejects({ ...real, M365_CREDENTIAL: 'certificate', AZURE_CLIENT_ID: APP }, 'AZURE_CLIENT_CERTIFICATE_PATH');
    const c = loadConfig({ ...real, M365_CREDENTIAL: 'managed-identity' });
    assert.equal(c.m365?.graphBaseUrl, 'https://graph.microsoft.com');
    assert.equal(c.m365?.exchangeBaseUrl, 'https://outlook.office365.com');
    assert.match(c.warnings.join('\n'), /TEAMS_APP_ID/);
  });

  it('refuses unauthenticated activities next to a real tenant', () => {
    rejects({ ...local, M365_CREDENTIAL: 'managed-identity', GRAPH_BASE_URL: undefined, EXCHANGE_BASE_URL: undefined }, 'BOT_ID', /not authenticated/);
  });

  it('turns on authentication and listens on all interfaces with BOT_ID', () => {
    const c = loadConfig({ ...local, BOT_ID: APP, BOT_PASSWORD: 'secret' });
    assert.deepEqual(c.bot, { appId: APP, password: 'secret', tenantId: undefined, type: 'MultiTenant' });
    assert.equal(c.host, '0.0.0.0');
    assert.equal(loadConfig({ ...local, BOT_ID: APP, BOT_PASSWORD: 's', BOT_TENANT_ID: TENANT }).bot?.type, 'SingleTenant');
    assert.equal(loadConfig({ ...local, BOT_ID: APP, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT }).bot?.type, 'UserAssignedMsi');
    rejects({ ...local, BOT_ID: APP }, 'BOT_PASSWORD');
    rejects({ ...local, BOT_ID: APP, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 's' }, 'BOT_TENANT_ID');
  });

  it('takes OPERATIONS_CHANNEL_IDS as a comma-separated list of channel ids, and names it when malformed', () => {
    assert.equal(loadConfig(local).operationsChannelIds, undefined);
    assert.deepEqual(loadConfig({ ...local, OPERATIONS_CHANNEL_IDS: ' 19:it-ops@thread.tacv2 , 19:abc@thread.skype,' }).operationsChannelIds, ['19:it-ops@thread.tacv2', '19:abc@thread.skype']);
    rejects({ ...local, OPERATIONS_CHANNEL_IDS: '19:chat@thread.v2' }, 'OPERATIONS_CHANNEL_IDS', /19:/);
    rejects({ ...local, OPERATIONS_CHANNEL_IDS: 'general' }, 'OPERATIONS_CHANNEL_IDS', /19:/);
    rejects({ ...local, OPERATIONS_CHANNEL_IDS: ' , ' }, 'OPERATIONS_CHANNEL_IDS', /no channel/);
  });

  describe('SQLITE_JOURNAL_MODE', () => {
    /** What App Service sets on every instance, with the store where infra/azure.bicep puts it. */
    const appService = { WEBSITE_INSTANCE_ID: 'e3a1f5c0d2b4', DATA_DIR: '/home/data/offboarding' };

    it('is WAL off App Service, and DELETE on its /home share (WEBSITE_INSTANCE_ID set, DATA_DIR below /home)', () => {
      assert.equal(loadConfig({}, '/srv/bot').sqliteJournalMode, 'WAL');
      assert.equal(loadConfig({ DATA_DIR: '/home/data/offboarding' }).sqliteJournalMode, 'WAL', 'not App Service: /home is a local disk');
      assert.equal(loadConfig(appService).sqliteJournalMode, 'DELETE');
      // A relative DATA_DIR resolves against the working directory, /home/site/wwwroot on App Service.
      assert.equal(loadConfig({ WEBSITE_INSTANCE_ID: 'x' }, '/home/site/wwwroot').sqliteJournalMode, 'DELETE');
      assert.equal(loadConfig({ WEBSITE_INSTANCE_ID: 'x', DATA_DIR: '/home' }).sqliteJournalMode, 'DELETE');
      // App Service's local disk (not kept across restarts, but not a network share either).
      assert.equal(loadConfig({ WEBSITE_INSTANCE_ID: 'x', DATA_DIR: '/tmp/offboarding' }).sqliteJournalMode, 'WAL');
      assert.equal(loadConfig({ WEBSITE_INSTANCE_ID: 'x', DATA_DIR: '/homework/data' }).sqliteJournalMode, 'WAL');
    });

    it('an explicit value wins (any case); WAL on the App Service share is kept but warned about', () => {
      assert.equal(loadConfig({ SQLITE_JOURNAL_MODE: 'DELETE' }).sqliteJournalMode, 'DELETE');
      assert.equal(loadConfig({ SQLITE_JOURNAL_MODE: 'delete' }).sqliteJournalMode, 'DELETE');
      assert.equal(loadConfig({ ...appService, SQLITE_JOURNAL_MODE: 'delete' }).sqliteJournalMode, 'DELETE');
      assert.doesNotMatch(loadConfig(appService).warnings.join('\n'), /SQLITE_JOURNAL_MODE/);
      const wal = loadConfig({ ...appService, SQLITE_JOURNAL_MODE: ' wal ' });
      assert.equal(wal.sqliteJournalMode, 'WAL');
      assert.match(wal.warnings.join('\n'), /SQLITE_JOURNAL_MODE=WAL with DATA_DIR on App Service's \/home network share/);
      assert.equal(loadConfig({ SQLITE_JOURNAL_MODE: '' }).sqliteJournalMode, 'WAL', 'empty means unset');
    });

    it('refuses any other journal mode, naming the variable', () => {
      for (const value of ['MEMORY', 'TRUNCATE', 'OFF', 'wal2']) {
        rejects({ SQLITE_JOURNAL_MODE: value }, 'SQLITE_JOURNAL_MODE', /must be WAL or DELETE/);
      }
    });
  });

  it('knows loopback URLs', () => {
    for (const u of ['http://127.0.0.1:1', 'http://127.1.2.3', 'http://localhost:80', 'http://[::1]:9']) {
      assert.equal(isLoopbackUrl(u), true, u);
    }
    for (const u of ['https://graph.microsoft.com', 'http://10.0.0.1', 'http://localhost.example.com', 'http://127.0.0.1.nip.io']) {
      assert.equal(isLoopbackUrl(u), false, u);
    }
  });
});
