// The crash sweep's hooks (OFFBOARDING_CRASH_AT, OFFBOARDING_TEST_SHARED_POLL_MS) can never be armed in production:
// loadConfig refuses each of them whenever BOT_ID is set, naming the variable.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config';

const BOT = { BOT_ID: '00000000-0000-4000-8000-000000000001', BOT_PASSWORD: 'secret' };
const SINGLE_TENANT_BOT = { ...BOT, BOT_TENANT_ID: '00000000-0000-4000-8000-000000000002', BOT_TYPE: 'SingleTenant' };
const MANAGED_IDENTITY_BOT = { BOT_ID: BOT.BOT_ID, BOT_TENANT_ID: SINGLE_TENANT_BOT.BOT_TENANT_ID, BOT_TYPE: 'UserAssignedMsi' };
const TENANT = {
  TENANT_ID: '00000000-0000-4000-8000-000000000003',
  M365_CREDENTIAL: 'secret',
  AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000004',
  AZURE_CLIENT_SECRET: 'secret',
  OPERATORS_GROUP_ID: '00000000-0000-4000-8000-000000000005',
  APPROVERS_GROUP_ID: '00000000-0000-4000-8000-000000000006',
  PROTECTED_GROUP_ID: '00000000-0000-4000-8000-000000000007',
};
const HOOKS = { OFFBOARDING_CRASH_AT: 'write:17', OFFBOARDING_TEST_SHARED_POLL_MS: '50' } as const;

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, '/tmp');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('config: the crash-sweep test hooks', () => {
  for (const [hook, value] of Object.entries(HOOKS)) {
    for (const [where, env] of Object.entries({ 'with a real tenant': { ...BOT, ...TENANT }, 'single-tenant bot': { ...SINGLE_TENANT_BOT, ...TENANT }, 'managed-identity bot': { ...MANAGED_IDENTITY_BOT, ...TENANT }, 'even with the simulated tenant': BOT })) {
      it(`refuses ${hook} when BOT_ID is set (${where})`, () => {
        assert.doesNotThrow(() => loadConfig(env, '/tmp'), 'the environment without the hook is valid');
        const err = refusal({ ...env, [hook]: value });
        assert.equal(err.variable, hook);
        assert.match(err.message, /test-only hook.*refused when BOT_ID is set/);
      });
    }
  }

  it('refuses both hooks together when BOT_ID is set, naming one of them', () => {
    assert.ok(Object.keys(HOOKS).includes(refusal({ ...BOT, ...TENANT, ...HOOKS }).variable));
  });

  it('accepts them without BOT_ID (simulated tenant, or M365_CREDENTIAL=none on loopback), and says they are armed', () => {
    const local = { TENANT_ID: TENANT.TENANT_ID, M365_CREDENTIAL: 'none', GRAPH_BASE_URL: 'http://127.0.0.1:1', EXCHANGE_BASE_URL: 'http://127.0.0.1:1', OPERATORS_GROUP_ID: TENANT.OPERATORS_GROUP_ID, APPROVERS_GROUP_ID: TENANT.APPROVERS_GROUP_ID, PROTECTED_GROUP_ID: TENANT.PROTECTED_GROUP_ID };
    for (const env of [{}, local]) {
      const config = loadConfig({ ...env, ...HOOKS }, '/tmp');
      assert.deepEqual(config.testHooks, { crashAt: { point: 'write', n: 17 }, sharedPollMs: 50 });
      assert.ok(config.warnings.some((w) => /Test-only hooks are armed/.test(w)));
      assert.equal(config.bot, undefined);
    }
    assert.equal(loadConfig({}, '/tmp').testHooks, undefined, 'no hooks unless set');
  });

  it('refuses a malformed crash point or poll interval, naming the variable', () => {
    for (const bad of ['write', 'write:0', 'write:-1', 'explode:3', 'write:1.5', 'batch:x']) {
      assert.equal(refusal({ OFFBOARDING_CRASH_AT: bad }).variable, 'OFFBOARDING_CRASH_AT', bad);
    }
    for (const bad of ['0', '-5', 'soon', '60001']) {
      assert.equal(refusal({ OFFBOARDING_TEST_SHARED_POLL_MS: bad }).variable, 'OFFBOARDING_TEST_SHARED_POLL_MS', bad);
    }
    for (const good of ['write:1', 'batch:12', 'one-shot:2', 'one-shot-answered:3', 'shared-wait:1']) {
      assert.doesNotThrow(() => loadConfig({ OFFBOARDING_CRASH_AT: good }, '/tmp'), good);
    }
  });
});
