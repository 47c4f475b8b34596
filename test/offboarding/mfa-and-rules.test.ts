// The remove-mfa-methods and clear-inbox-rules steps against the simulated tenant, through the real gateways, reading
// their targets when they run: external methods deleted by their $ref, the alternate mobile number before the mobile
// one (so a mobile number that is the default goes last, and can go), a method refused as the default skipped with a
// follow-up and never sent again; inbox rules listed with -IncludeHidden, hidden ones removed, system ones left.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createM365 } from '../../src/m365';
import type { PlannedStep, StepKind } from '../../src/offboarding/plan';
import { clearInboxRules } from '../../src/offboarding/steps/clear-inbox-rules';
import { DEFAULT_METHOD_DETAIL, removeMfaMethods } from '../../src/offboarding/steps/remove-mfa-methods';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { loadSeed } from '../../src/simulator/seed';
import { stepContext as stepContextOver } from './step-context';

const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const ALTERNATE_MOBILE = 'b6332ec1-7057-4abe-9331-3d72feddfe41';

/** A step context over the real gateways, reading its targets at run time, with a ledger in a map. */
function stepContext(tenant: SimulatedTenant, kind: StepKind, leaverId: string) {
  const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { maxRetries: 3, sleep: () => Promise.resolve() });
  const user = tenant.state().users.find((u) => u.id === leaverId)!;
  const step = { kind, phase: 'remove-access', title: kind, dependsOn: [], targets: [], readAtRun: true, rounds: 2 } as unknown as PlannedStep;
  const people = { leaver: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, accountEnabled: false }, inheritor: { id: 'x', displayName: 'X', userPrincipalName: 'x@contoso.com', accountEnabled: true } };
  return stepContextOver({ step, people, graph, exchange });
}

/** The DELETEs of the user's methods, in the order the tenant received them, as "<collection>/<id>[/$ref]". */
const deletes = (log: LogEntry[], leaverId: string): string[] => {
  const prefix = `/v1.0/users/${leaverId}/authentication/`;
  return log.filter((e) => e.method === 'DELETE' && e.path.startsWith(prefix)).map((e) => e.path.slice(prefix.length));
};

describe('steps: MFA methods and inbox rules against the simulated tenant', () => {
  let tenant: SimulatedTenant;
  let dir: string;
  let secondJane: string;

  before(async () => {
    // Jane Smith gets a mobile number that is her default, an alternate mobile, an e-mail method and an external one.
    const seed = loadSeed();
    secondJane = seed.personas.secondJane!;
    const methods = seed.authenticationMethods[secondJane]!;
    methods.methods.push(
      { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: ALTERNATE_MOBILE, phoneNumber: '+44 7700 900999', phoneType: 'alternateMobile', smsSignInState: 'notSupported' },
      { '@odata.type': '#microsoft.graph.emailAuthenticationMethod', id: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f', emailAddress: 'jane.smith@example.net' },
      { '@odata.type': '#microsoft.graph.externalAuthenticationMethod', id: 'ext-1', displayName: 'Fabrikam MFA', configurationId: 'cfg-1' },
    );
    assert.equal(methods.defaultMethodId, MOBILE);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfa-seed-'));
    fs.writeFileSync(path.join(dir, 'tenant.json'), JSON.stringify(seed));
    tenant = await startSimulatedTenant({ seedFile: path.join(dir, 'tenant.json'), mailboxConversionDelayMs: 0 });
  });
  after(async () => {
    await tenant.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => tenant.reset());

  it('deletes the alternate mobile before the mobile number, which as the default goes last and can go; the external method by its $ref', async () => {
    const { ctx, records } = stepContext(tenant, 'remove-mfa-methods', secondJane);
    await removeMfaMethods(ctx);
    assert.deepEqual([...records.values()].map((r) => r.status), ['done', 'done', 'done', 'done']);
    assert.ok([...records.values()].every((r) => r.followUp === undefined));
    const order = deletes(tenant.requestLog(), secondJane);
    assert.deepEqual(order.slice(0, 3).sort(), ['emailMethods/3ddfcfc8-9383-446f-83cc-3ab9be4be18f', 'externalAuthenticationMethods/ext-1/$ref', `phoneMethods/${ALTERNATE_MOBILE}`]);
    assert.deepEqual(order.slice(3), [`phoneMethods/${MOBILE}`], 'the mobile number last, in a round of its own');
    const batches = tenant.requestLog().filter((e) => e.method === 'DELETE' && e.batch).map((e) => e.batch!.batchRequestId);
    assert.equal(new Set(batches).size, 2, 'two rounds');
    const left = tenant.state().authenticationMethods[secondJane]!.methods.map((m) => m['@odata.type']);
    assert.deepEqual(left, ['#microsoft.graph.passwordAuthenticationMethod']);
  });

  it('skips a method refused as the default with a follow-up, sent once; the rest go', async () => {
    const jane = tenant.personas.jane!;
    const { ctx, records } = stepContext(tenant, 'remove-mfa-methods', jane);
    await removeMfaMethods(ctx);
    const byType = new Map([...records.values()].map((r) => [r.label, r]));
    const authenticator = byType.get('microsoftAuthenticator')!;
    assert.equal(authenticator.status, 'skipped');
    assert.equal(authenticator.detail, DEFAULT_METHOD_DETAIL);
    assert.match(authenticator.followUp ?? '', /^Jane Doe's microsoftAuthenticator method is the default MFA method and Graph refused to delete it: remove it by hand/);
    assert.equal([...records.values()].filter((r) => r.status === 'done').length, 6);
    assert.equal(deletes(tenant.requestLog(), jane).filter((p) => p.startsWith('microsoftAuthenticatorMethods/')).length, 1, 'not sent a second time');
    const order = deletes(tenant.requestLog(), jane);
    assert.ok(order.indexOf(`phoneMethods/${ALTERNATE_MOBILE}`) < order.indexOf(`phoneMethods/${MOBILE}`));
    // A retry leaves what an earlier attempt skipped: nothing is sent.
    const before = tenant.requestLog().length;
    await removeMfaMethods(ctx);
    assert.deepEqual(deletes(tenant.requestLog().slice(before), jane), []);
  });

  it('lists inbox rules with -IncludeHidden, removes the hidden one with the others, leaves the system rules', async () => {
    const jane = tenant.personas.jane!;
    const { ctx, records } = stepContext(tenant, 'clear-inbox-rules', jane);
    await clearInboxRules(ctx);
    const log = tenant.requestLog();
    const gets = log.filter((e) => e.cmdlet === 'Get-InboxRule').map((e) => (e.body as { CmdletInput: { Parameters: Record<string, unknown> } }).CmdletInput.Parameters);
    assert.deepEqual(gets, [{ Mailbox: 'jane.doe@contoso.com', IncludeHidden: true }]);
    assert.deepEqual([...records.values()].map((r) => [r.label, r.status]).sort(), [['.', 'done'], ['Copy to personal', 'done'], ['Marcus flagged', 'done'], ['Newsletters to Reading', 'done']]);
    const left = tenant.state().mailboxes.find((m) => m.userId === jane)!.inboxRules.map((r) => r.Name);
    assert.deepEqual(left, ['Junk E-mail Rule', 'Microsoft.Exchange.OOF.KnownExternalSenders.Global', 'Microsoft.Exchange.OOF.AllExternalSenders.Global']);
    assert.equal(log.filter((e) => e.cmdlet === 'Remove-InboxRule').length, 4);
  });
});
