// The doctor: roles read from the app's own (here unsigned, hand-made) tokens against what the steps need, the
// Exchange probe, the plain answer without a credential, and the CLI's exit codes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { doctorCli, EXIT_CONFIG } from '../../src/cli/doctor';
import { createM365 } from '../../src/m365';
import { decodeJwtPayload, formatDoctorReport, GRAPH_SCOPE, runDoctor, type DoctorOptions } from '../../src/m365/doctor';
import { M365Error } from '../../src/m365/errors';
import { EXCHANGE_SCOPE } from '../../src/m365/exchange';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { DEFAULT_OPTIONS, optionsSchema } from '../../src/offboarding/options';
import { requiredPermissions, ROLE_TEMPLATE_IDS } from '../../src/offboarding/permissions';
import { startSimulatedTenant } from '../../src/simulator';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An unsigned JWT: header.payload. (the doctor reads claims only). */
const jwt = (claims: Record<string, unknown>): string => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;

const APP_ID = '11111111-2222-4333-8444-555555555555';
const ROLES_NEEDED = [...new Set(requiredPermissions(DEFAULT_OPTIONS, {}, { reinstatement: true }).filter((r) => r.service === 'graph').map((r) => r.permission))];
const WIDS = [ROLE_TEMPLATE_IDS['User Administrator']!, ROLE_TEMPLATE_IDS['Exchange Administrator']!, '0997a1d0-0d1d-4acb-b408-d5ca73121e90'];

function credential(graphClaims: Record<string, unknown>, exchangeClaims: Record<string, unknown> = { appid: APP_ID, roles: ['Exchange.ManageAsApp'], wids: WIDS }): TokenCredential & { tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    getToken: (scope: string | string[]): Promise<AccessToken> => {
      const token = jwt(scope === GRAPH_SCOPE ? graphClaims : scope === EXCHANGE_SCOPE ? exchangeClaims : {});
      tokens.push(token);
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3600_000 });
    },
  };
}

const unusedGraph: GraphPort = {
  call: () => Promise.reject(new Error('the doctor does not call Graph')),
  list: () => Promise.reject(new Error('the doctor does not call Graph')),
  batch: () => Promise.reject(new Error('the doctor does not call Graph')),
};
const exchangeOk: ExchangePort = { invoke: <T>() => Promise.resolve({ value: [{ Identity: 'x' }] as T[], warnings: [] }) };
const exchangeDenied: ExchangePort = {
  invoke: () => Promise.reject(new M365Error({ service: 'exchange', status: 401, code: 'Unauthorized', message: 'The token has no Exchange.ManageAsApp role.', requestId: 'ex-1' })),
};

const run = (over: Partial<DoctorOptions>): ReturnType<typeof runDoctor> =>
  runDoctor({ graph: unusedGraph, exchange: exchangeOk, options: DEFAULT_OPTIONS, clientId: APP_ID, ...over });

describe('m365 doctor', () => {
  it('decodes a JWT payload (base64url) without verifying it', () => {
    assert.deepEqual(decodeJwtPayload(jwt({ roles: ['A'], appid: 'x' })), { roles: ['A'], appid: 'x' });
    assert.throws(() => decodeJwtPayload('not-a-token'), /not a JWT/);
  });

  it('complete roles: nothing missing', async () => {
    const report = await run({ credential: credential({ appid: APP_ID, roles: ROLES_NEEDED, wids: WIDS }) });
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.graphRoles, ROLES_NEEDED);
    assert.deepEqual(report.exchangeRoles, ['Exchange.ManageAsApp']);
    assert.equal(report.exchange.ok, true);
    // The guide's roles (User Administrator, Exchange Administrator): privileged leavers can't be contained.
    assert.deepEqual(report.notes, ["Administrators and members or owners of role-assignable groups: can't be blocked or reset by this app (no Privileged Authentication Administrator role); the plan warns before approval, and IT contains them by hand."]);
    assert.equal(report.ok, true);
    const privileged = await run({ credential: credential({ appid: APP_ID, roles: ROLES_NEEDED, wids: [...WIDS, '7be44c8a-adaf-4e2a-84d6-ab2649e08a13'] }) });
    assert.match(privileged.notes.join(), /can be blocked and reset \(the app holds Privileged Authentication Administrator/);
  });

  it('a role missing: named with the steps that need it', async () => {
    const roles = ROLES_NEEDED.filter((r) => r !== 'LicenseAssignment.ReadWrite.All' && r !== 'Group.ReadWrite.All');
    const report = await run({ credential: credential({ appid: APP_ID, roles, wids: WIDS }) });
    assert.deepEqual(
      report.missing.map((m) => [m.permission, m.neededBy]),
      [
        // A reinstatement's steps too: it may be asked for any time.
        ['Group.ReadWrite.All', ['hand-over-owned-groups', 'drop-group-ownerships', 'restore-group-ownerships', 'undo-group-handover']],
        ['LicenseAssignment.ReadWrite.All', ['remove-direct-licences', 'restore-direct-licences']],
      ],
    );
    assert.equal(report.ok, false);
    const text = formatDoctorReport(report);
    assert.match(text, /Graph permission LicenseAssignment\.ReadWrite\.All \(or User\.ReadWrite\.All, Directory\.ReadWrite\.All\): needed by remove-direct-licences, restore-direct-licences/);
    assert.match(text, /Result: something needs attention/);
  });

  it('a higher-privileged permission stands in for the narrow ones', async () => {
    const narrow = ['User.EnableDisableAccount.All', 'User-PasswordProfile.ReadWrite.All', 'User.RevokeSessions.All', 'LicenseAssignment.ReadWrite.All'];
    const roles = [...ROLES_NEEDED.filter((r) => !narrow.includes(r)), 'User.ReadWrite.All'];
    const report = await run({ credential: credential({ appid: APP_ID, roles, wids: WIDS }) });
    assert.deepEqual(report.missing, []);
  });

  it('Exchange: the permission and the role are checked in the tokens, and the probe reports the failure', async () => {
    const report = await run({
      credential: credential({ appid: APP_ID, roles: ROLES_NEEDED, wids: [ROLE_TEMPLATE_IDS['User Administrator']!] }, { appid: APP_ID, roles: [] }),
      exchange: exchangeDenied,
    });
    assert.deepEqual(report.missing.map((m) => [m.service, m.permission, m.neededBy[0]]), [
      ['exchange', 'Exchange.ManageAsApp', 'preflight'],
      ['entra-role', 'Exchange Administrator', 'preflight'],
    ]);
    assert.deepEqual(report.exchange, { ok: false, detail: 'Get-Mailbox failed: 401 Unauthorized: The token has no Exchange.ManageAsApp role. (request id ex-1)' });
    assert.ok(report.notes.some((n) => /Exchange refused the probe/.test(n)));
  });

  it('no wids in the tokens: Entra roles are a note, not a guess', async () => {
    const report = await run({ credential: credential({ appid: APP_ID, roles: ROLES_NEEDED }, { appid: APP_ID, roles: ['Exchange.ManageAsApp'] }) });
    assert.deepEqual(report.missing, []);
    assert.ok(report.notes.some((n) => /no Entra roles \(wids\).*User Administrator role \(for reset-password\)/.test(n)));
    assert.ok(report.notes.some((n) => /Exchange Administrator role/.test(n)));
  });

  it('names a token of another app, and never prints a token', async () => {
    const cred = credential({ appid: 'ffffffff-0000-4000-8000-000000000000', roles: ROLES_NEEDED, wids: WIDS });
    const report = await run({ credential: cred });
    assert.ok(report.notes.some((n) => /Graph token belongs to app ffffffff-0000-4000-8000-000000000000, not AZURE_CLIENT_ID/.test(n)));
    const text = formatDoctorReport(report) + JSON.stringify(report);
    assert.equal(cred.tokens.length, 2);
    for (const t of cred.tokens) {
      assert.ok(!text.includes(t.split('.')[1]!), 'a token payload was printed');
    }
  });

  it('no token to be had: roles unknown, said plainly, not OK', async () => {
    const failing: TokenCredential = { getToken: () => Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.')) };
    const report = await run({ credential: failing });
    assert.equal(report.graphRoles, undefined);
    assert.equal(report.ok, false);
    assert.ok(report.notes.some((n) => n.startsWith('Roles unknown: couldn\'t get a token for https://graph.microsoft.com/.default: AADSTS7000215')));
  });

  it('checks the chosen options: deleting the account adds its permission', async () => {
    const report = await run({ credential: credential({ appid: APP_ID, roles: ROLES_NEEDED, wids: WIDS }), options: optionsSchema.parse({ deleteAccount: true }) });
    assert.deepEqual(report.missing.map((m) => m.permission), ['User.DeleteRestore.All']);
  });

  describe('against the simulated tenant', () => {
    it('no credential (M365_CREDENTIAL=none): says so plainly and reports the Exchange probe only', async () => {
      const tenant = await startSimulatedTenant();
      try {
        const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
        const report = await runDoctor({ graph, exchange, options: DEFAULT_OPTIONS });
        assert.equal(report.graphRoles, undefined);
        assert.deepEqual(report.missing, []);
        assert.equal(report.exchange.ok, true);
        assert.match(report.notes.join(), /No credential \(M365_CREDENTIAL=none, the simulated tenant\): the app permissions and Entra roles of a token cannot be read/);
        assert.equal(report.ok, true);
        assert.deepEqual(tenant.requestLog().map((e) => e.cmdlet), ['Get-Mailbox'], 'one harmless read');
      } finally {
        await tenant.close();
      }
    });

    it('the CLI: 0 in simulated mode, 78 on a configuration error', async () => {
      const lines: string[] = [];
      assert.equal(await doctorCli({}, [], (l) => lines.push(l)), 0);
      assert.match(lines.join('\n'), /SIMULATED TENANT[\s\S]*Exchange: OK[\s\S]*Result: OK/);
      const errors: string[] = [];
      assert.equal(await doctorCli({ M365_CREDENTIAL: 'secret', TENANT_ID: 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5' }, [], (l) => errors.push(l)), EXIT_CONFIG);
      assert.match(errors.join(), /Configuration error: AZURE_CLIENT_ID/);
    });
  });
});

describe('m365 doctor: Entra roles and their scopes (simulated tenant)', () => {
  const APP_SP = '7ecc49cc-1f30-51f0-b6aa-291c8602a683'; // the seed's "Offboarding" service principal
  const UNIT = '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d';

  it('lists each role with its scope and warns while User Administrator is tenant-wide', async () => {
    const tenant = await startSimulatedTenant();
    try {
      const { graph } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
      const report = await runDoctor({ graph, exchange: exchangeOk, options: DEFAULT_OPTIONS, clientId: APP_ID, credential: credential({ appid: APP_ID, oid: APP_SP, roles: ROLES_NEEDED }) });
      assert.deepEqual(report.entraRoles?.map((r) => [r.name, r.directoryScopeId]), [
        ['User Administrator', '/'],
        ['Exchange Administrator', '/'],
      ]);
      const text = formatDoctorReport(report);
      assert.match(text, /Entra roles \(2\):\n {2}- User Administrator: tenant-wide \(\/\)\n {2}- Exchange Administrator: tenant-wide \(\/\)/);
      assert.match(text, /WARNING: User Administrator is tenant-wide \(scope '\/'\)/);
      assert.ok(!/custom role group/.test(text));
      assert.ok(tenant.requestLog().some((e) => e.path === '/v1.0/roleManagement/directory/roleAssignments'));
    } finally {
      await tenant.close();
    }
  });

  it('a unit-scoped User Administrator and no Exchange Administrator: no warning, the custom role group checks printed', async () => {
    const seed = JSON.parse(readFileSync(path.join(__dirname, '../../src/simulator/seed/tenant.json'), 'utf8')) as { roleAssignments: Array<{ directoryScopeId: string; roleDefinitionId: string }> };
    seed.roleAssignments = seed.roleAssignments.filter((a) => a.roleDefinitionId !== ROLE_TEMPLATE_IDS['Exchange Administrator']).map((a) => ({ ...a, directoryScopeId: `/administrativeUnits/${UNIT}` }));
    const dir = mkdtempSync(path.join(tmpdir(), 'doctor-seed-'));
    const seedFile = path.join(dir, 'tenant.json');
    writeFileSync(seedFile, JSON.stringify(seed));
    const tenant = await startSimulatedTenant({ seedFile });
    try {
      const { graph } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
      const cred = credential({ appid: APP_ID, oid: APP_SP, roles: [...ROLES_NEEDED, 'AdministrativeUnit.Read.All'] }, { appid: APP_ID, roles: ['Exchange.ManageAsApp'] });
      const report = await runDoctor({ graph, exchange: exchangeOk, options: DEFAULT_OPTIONS, clientId: APP_ID, credential: cred, offboardableUnitId: UNIT });
      assert.deepEqual(report.entraRoles?.map((r) => [r.name, r.directoryScopeId]), [['User Administrator', `/administrativeUnits/${UNIT}`]]);
      assert.deepEqual(report.missing, [], 'Exchange answered: the role group stands in for Exchange Administrator');
      const text = formatDoctorReport(report);
      assert.match(text, new RegExp(`User Administrator: administrative unit ${UNIT}`));
      assert.ok(!/WARNING: User Administrator is tenant-wide/.test(text));
      assert.match(text, /custom role group: cmdlets not verifiable from here/);
      assert.match(text, /Get-ManagementRole -Cmdlet Set-Mailbox; .*Get-ManagementRole -Cmdlet Remove-CalendarEvents/);
      assert.match(text, new RegExp(`OFFBOARDABLE_UNIT_ID: administrative unit ${UNIT} \\(Offboardable staff\\)`));
      // Scoped to another unit than OFFBOARDABLE_UNIT_ID: said.
      const other = await runDoctor({ graph, exchange: exchangeOk, options: DEFAULT_OPTIONS, clientId: APP_ID, credential: cred, offboardableUnitId: '00000000-0000-4000-8000-000000000001' });
      assert.match(other.notes.join('\n'), /not to OFFBOARDABLE_UNIT_ID/);
      assert.match(other.notes.join('\n'), /WARNING: OFFBOARDABLE_UNIT_ID 00000000-0000-4000-8000-000000000001 names no administrative unit/);
    } finally {
      await tenant.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
