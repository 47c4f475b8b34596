// The planner as input → output tables: a snapshot and options in, the facts of the plan out.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, optionsSchema, type OffboardingOptionsInput } from '../../src/offboarding/options';
import { dependenciesOf, planOffboarding } from '../../src/offboarding/planner';
import { STEP_KINDS, type Plan, type PlanWarning, type StepKind } from '../../src/offboarding/plan';
import type { Snapshot } from '../../src/offboarding/snapshot';
import { E3_DIRECT, group, PBI_DIRECT, snapshot } from './fixtures';

interface StepExpectation {
  /** null: runs; a string/RegExp: skipped with that reason. */
  skip?: string | RegExp | null;
  targets?: string[];
  title?: RegExp;
  readAtRun?: boolean;
  untouched?: string[];
}

interface Row {
  name: string;
  snap: Snapshot;
  options?: OffboardingOptionsInput;
  steps?: Partial<Record<StepKind, StepExpectation>>;
  warnings?: Array<PlanWarning['code']>;
  refusals?: RegExp[];
  followUps?: RegExp[];
}

function check(plan: Plan, row: Row): void {
  for (const [kind, e] of Object.entries(row.steps ?? {}) as Array<[StepKind, StepExpectation]>) {
    const step = plan.steps.find((s) => s.kind === kind)!;
    const where = `${row.name} / ${kind}`;
    if (e.skip === null) {
      assert.equal(step.skip, undefined, `${where}: expected to run, skipped: ${step.skip}`);
    } else if (e.skip instanceof RegExp) {
      assert.match(step.skip ?? '', e.skip, where);
    } else if (e.skip !== undefined) {
      assert.equal(step.skip, e.skip, where);
    }
    if (e.targets) {
      assert.deepEqual(step.targets.map((t) => t.id).sort(), [...e.targets].sort(), where);
    }
    if (e.title) {
      assert.match(step.title, e.title, where);
    }
    if (e.readAtRun !== undefined) {
      assert.equal(step.readAtRun === true, e.readAtRun, where);
    }
    if (e.untouched) {
      assert.deepEqual((step.untouched ?? []).map((t) => t.id).sort(), [...e.untouched].sort(), where);
    }
  }
  if (row.warnings) {
    assert.deepEqual([...new Set(plan.warnings.map((w) => w.code))].sort(), [...row.warnings].sort(), `${row.name}: warnings ${JSON.stringify(plan.warnings)}`);
  }
  if (row.refusals) {
    assert.equal(plan.refusals.length, row.refusals.length, `${row.name}: refusals ${JSON.stringify(plan.refusals)}`);
    row.refusals.forEach((r, i) => assert.match(plan.refusals[i]!, r, row.name));
  }
  for (const f of row.followUps ?? []) {
    assert.ok(plan.followUps.some((x) => f.test(x.message)), `${row.name}: no follow-up ${f}: ${JSON.stringify(plan.followUps)}`);
  }
}

const ROWS: Row[] = [
  {
    name: 'Jane, recommended options',
    snap: snapshot(),
    steps: {
      'block-sign-in': { skip: null, targets: ['jane'] },
      'reset-password': { skip: null },
      'revoke-sessions': { skip: null },
      'litigation-hold': { skip: null },
      'convert-to-shared': { skip: null },
      'await-shared-mailbox': { skip: null },
      'grant-full-access': { skip: null, targets: ['tom'], title: /Tom Alvarez full access/ },
      'grant-send-as': { skip: 'not chosen' },
      'auto-reply': { skip: null },
      'mail-forwarding': { skip: null, title: /Remove mail forwarding to jane@gmail\.com/ },
      'hide-from-address-list': { skip: null },
      'onedrive-access': { skip: null, targets: ['tom'] },
      'hand-over-owned-groups': { skip: null, targets: ['owned-alone'], title: /Marcus Reed owner of 1 group/ },
      'leave-groups': { skip: null, targets: ['sec1', 'm365', 'owned-alone'], title: /^Leave 3 groups$/ },
      'leave-distribution-lists': { skip: null, targets: ['dl1', 'mes1'] },
      'drop-group-ownerships': { skip: null, targets: ['owned-alone', 'owned-shared'] },
      'groups-left-in-place': { skip: /left in place: 1 dynamic membership, 1 synced from on-premises AD, 1 kept/, untouched: ['dyn1', 'sync1', 'lic-group'] },
      'intune-devices': { skip: null, targets: ['laptop', 'iphone'], title: /Wipe 1 corporate device, retire 1 device/ },
      'disable-entra-devices': { skip: null, targets: ['homepc'], untouched: ['mac'] },
      'revoke-oauth-grants': { skip: null, targets: ['grant1'] },
      'remove-mfa-methods': { skip: null, targets: ['auth', 'phone'] },
      'clear-inbox-rules': { skip: null, targets: ['jane\\1', 'jane\\2'], title: /2 inbox rules \(1 forwards outside\)/ },
      'disable-mobile-protocols': { skip: null },
      'remove-mobile-mail': { skip: null, targets: ['jane\\ExchangeActiveSyncDevices\\iPhone'] },
      'cancel-meetings': { skip: 'not chosen' },
      'remove-direct-licences': { skip: null, targets: ['sku-pbi', 'sku-visio'] },
      'leave-licence-groups': { skip: /nothing to do: no licence group to leave \(keeping SPE_E3 from LIC - E3/ },
      'delete-account': { skip: /not chosen/ },
    },
    warnings: ['group-licences', 'groups-left-in-place', 'hold-needs-licence', 'non-windows-devices'],
    refusals: [],
    followUps: [/Dynamic|dyn1/i, /Jane-Mac/],
  },
  {
    name: 'already disabled by HR',
    snap: snapshot({ accountEnabled: false }),
    steps: { 'block-sign-in': { skip: 'already done: the account is already disabled' }, 'reset-password': { skip: null }, 'revoke-sessions': { skip: null } },
  },
  {
    name: 'on-premises synced user',
    snap: snapshot({ onPremisesSyncEnabled: true }),
    steps: { 'block-sign-in': { skip: /synced from on-premises/ }, 'reset-password': { skip: /synced from on-premises/ }, 'revoke-sessions': { skip: null } },
    followUps: [/on-premises Active Directory/],
  },
  {
    name: 'directory role holder',
    snap: snapshot({ directoryRoles: [{ id: 'r1', displayName: 'Global Administrator' }] }),
    followUps: [/directory roles \(Global Administrator\)/],
  },
  {
    name: 'no mailbox, no OneDrive, nothing else either',
    snap: snapshot({ mailbox: null, drive: null, licences: [], licenceGroupIds: [], groups: [], ownedGroups: [], managedDevices: [], registeredDevices: [], oauthGrants: [], authMethods: [{ id: 'pwd', odataType: '#microsoft.graph.passwordAuthenticationMethod' }] }),
    steps: {
      'litigation-hold': { skip: 'no Exchange Online mailbox' },
      'remove-mobile-mail': { skip: 'no Exchange Online mailbox' },
      'onedrive-access': { skip: 'nothing to do: no OneDrive' },
      'hand-over-owned-groups': { skip: 'nothing to do: no group owned alone' },
      'leave-groups': { skip: 'nothing to do' },
      'groups-left-in-place': { skip: 'nothing to do' },
      'intune-devices': { skip: 'nothing to do: no Intune devices' },
      'disable-entra-devices': { skip: 'nothing to do: no registered devices' },
      'revoke-oauth-grants': { skip: 'nothing to do: no app consents' },
      'remove-mfa-methods': { skip: 'nothing to do: no MFA methods besides the password' },
      'remove-direct-licences': { skip: 'nothing to do: no direct licence to remove' },
      'leave-licence-groups': { skip: 'nothing to do: no licence group to leave' },
    },
    warnings: [],
    refusals: [],
  },
  {
    name: 'every preflight read failed: steps read again when they run',
    snap: snapshot(
      { directoryRoles: undefined, licences: undefined, licenceGroupIds: undefined, groups: undefined, ownedGroups: undefined, managedDevices: undefined, registeredDevices: undefined, oauthGrants: undefined, authMethods: undefined, mailbox: undefined, drive: undefined, manager: undefined },
      {},
      [{ what: 'managed devices', error: { service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges', requestId: 'req-1' } }],
    ),
    steps: {
      'leave-groups': { skip: null, readAtRun: true },
      'leave-distribution-lists': { skip: null, readAtRun: true },
      'drop-group-ownerships': { skip: null, readAtRun: true },
      'hand-over-owned-groups': { skip: null, readAtRun: true, title: /Tom Alvarez owner/ },
      'intune-devices': { skip: null, readAtRun: true },
      'disable-entra-devices': { skip: null, readAtRun: true },
      'revoke-oauth-grants': { skip: null, readAtRun: true, title: /Revoke all app consents/ },
      'remove-mfa-methods': { skip: null, readAtRun: true },
      'clear-inbox-rules': { skip: null, readAtRun: true },
      'remove-mobile-mail': { skip: null, readAtRun: true },
      'mail-forwarding': { skip: null, readAtRun: true },
      'onedrive-access': { skip: null, readAtRun: true },
      'remove-direct-licences': { skip: null, readAtRun: true },
      'leave-licence-groups': { skip: null, readAtRun: true },
      'litigation-hold': { skip: null },
      'disable-mobile-protocols': { skip: null },
    },
    warnings: ['read-failed', 'directory-roles-unknown', 'role-assignable-groups'], // roles and groups unreadable: said in words, never a silent "none"
  },
  {
    name: 'options off',
    snap: snapshot(),
    options: { litigationHold: false, convertToShared: false, grantFullAccess: false, autoReply: false, clearForwardingAndInboxRules: false, disableMobileProtocols: false, hideFromAddressList: false, oneDriveAccess: false, leaveGroups: false, intuneDevices: 'leave', disableEntraDevices: false, revokeOAuthGrants: false, removeMfaMethods: false, removeLicences: false },
    steps: Object.fromEntries(
      ['litigation-hold', 'convert-to-shared', 'await-shared-mailbox', 'grant-full-access', 'auto-reply', 'mail-forwarding', 'hide-from-address-list', 'onedrive-access', 'hand-over-owned-groups', 'leave-groups', 'groups-left-in-place', 'intune-devices', 'disable-entra-devices', 'revoke-oauth-grants', 'remove-mfa-methods', 'clear-inbox-rules', 'disable-mobile-protocols', 'remove-mobile-mail', 'remove-direct-licences', 'leave-licence-groups'].map((k) => [k, { skip: 'not chosen' }]),
    ),
    warnings: [],
    refusals: [],
  },
  {
    name: 'forward to the inheritor, send-as, cancel meetings, retire all',
    snap: snapshot(),
    options: { forwardToInheritor: true, grantSendAs: true, cancelMeetings: true, intuneDevices: 'retire-all' },
    steps: {
      'mail-forwarding': { skip: null, targets: ['tom'], title: /Forward new mail to Tom Alvarez/ },
      'grant-send-as': { skip: null, targets: ['tom'] },
      'cancel-meetings': { skip: null },
      'intune-devices': { title: /^Retire 2 devices in Intune$/ },
    },
  },
  {
    name: 'mailbox already shared, on hold, hidden, protocols off, no forwarding, no rules or phones',
    snap: snapshot({
      mailbox: { recipientTypeDetails: 'SharedMailbox', litigationHoldEnabled: true, hiddenFromAddressLists: true, archiveActive: true, totalItemSizeBytes: 60 * 1024 ** 3, inboxRules: [], protocols: { activeSync: false, pop: false, imap: false }, mobileDevices: [] },
      licences: [E3_DIRECT, PBI_DIRECT],
      licenceGroupIds: [],
    }),
    steps: {
      'litigation-hold': { skip: 'already done' },
      'convert-to-shared': { skip: 'already done' },
      'await-shared-mailbox': { skip: 'already done: the mailbox is shared' },
      'hide-from-address-list': { skip: 'already done' },
      'disable-mobile-protocols': { skip: 'already done' },
      'mail-forwarding': { skip: 'nothing to do: no forwarding set' },
      'clear-inbox-rules': { skip: 'nothing to do: no inbox rules' },
      'remove-mobile-mail': { skip: 'nothing to do: no ActiveSync phones' },
      'remove-direct-licences': { targets: ['sku-pbi'], title: /keeping SPE_E3 for the mailbox/ },
    },
    warnings: ['large-mailbox', 'hold-needs-licence', 'non-windows-devices', 'groups-left-in-place'],
  },
  {
    name: 'hold chosen but no licence carries Exchange Online Plan 2',
    snap: snapshot({ licences: [PBI_DIRECT], licenceGroupIds: [] }),
    steps: { 'remove-direct-licences': { targets: ['sku-pbi'] } },
    warnings: ['hold-licence-missing', 'groups-left-in-place', 'non-windows-devices'],
  },
  {
    name: 'no hold, no archive, small mailbox: every licence goes, group ones through their group',
    snap: snapshot(),
    options: { litigationHold: false },
    steps: {
      'leave-licence-groups': { skip: null, targets: ['lic-group'], title: /Leave 1 licence-assigning group$/ },
      'remove-direct-licences': { targets: ['sku-pbi', 'sku-visio'] },
      'groups-left-in-place': { untouched: ['dyn1', 'sync1'] },
    },
  },
  {
    name: 'a dynamic licence group is left in place, not left by the licence step',
    snap: snapshot({ groups: [group('lic-group', { dynamic: true })] }),
    options: { litigationHold: false },
    steps: { 'leave-licence-groups': { skip: /nothing to do: no licence group to leave/ }, 'groups-left-in-place': { untouched: ['lic-group'] } },
  },
  {
    name: 'no manager: groups owned alone go to the inheritor',
    snap: snapshot({ manager: undefined }),
    steps: { 'hand-over-owned-groups': { title: /Make Tom Alvarez owner of 1 group/, targets: ['owned-alone'] } },
    warnings: ['no-manager', 'group-licences', 'groups-left-in-place', 'hold-needs-licence', 'non-windows-devices'],
  },
  {
    name: 'disabled manager counts as none',
    snap: snapshot({ manager: { id: 'm', displayName: 'Gone Manager', userPrincipalName: 'g@contoso.com', accountEnabled: false } }),
    steps: { 'hand-over-owned-groups': { title: /Tom Alvarez/ } },
  },
  {
    name: 'synced and mail-enabled owned groups are left in place; licence group that is dynamic too',
    snap: snapshot({
      ownedGroups: [{ ...group('own-sync', { synced: true }), ownerCount: 1 }, { ...group('own-dl', { kind: 'distribution' }), ownerCount: 2 }],
      groups: [group('lic-group', { dynamic: true })],
    }),
    steps: {
      'groups-left-in-place': { untouched: ['own-sync', 'own-dl', 'lic-group'] },
      'hand-over-owned-groups': { skip: 'nothing to do: no group owned alone' },
      'drop-group-ownerships': { targets: [] },
    },
  },
  {
    name: 'Entra devices: only disabled Windows ones',
    snap: snapshot({ registeredDevices: [{ id: 'w', displayName: 'W', operatingSystem: 'Windows', accountEnabled: false }, { id: 'x', displayName: 'X', accountEnabled: true }] }),
    steps: { 'disable-entra-devices': { skip: 'nothing to do: no enabled Windows device', untouched: ['w', 'x'] } },
  },
  {
    name: 'inheritor is the leaver',
    snap: snapshot({}, { id: 'jane', displayName: 'Jane Doe' }),
    refusals: [/can't inherit their own mailbox/],
  },
  {
    name: 'inheritor disabled',
    snap: snapshot({}, { accountEnabled: false }),
    refusals: [/account is disabled/],
  },
  {
    name: 'inheritor without a mailbox',
    snap: snapshot({}, { hasMailbox: false }),
    refusals: [/has no Exchange Online mailbox/],
  },
  {
    name: 'inheritor without a mailbox is fine when nothing needs one',
    snap: snapshot({}, { hasMailbox: false }),
    options: { grantFullAccess: false },
    refusals: [],
  },
  {
    name: 'delete the account while keeping the mailbox as shared',
    snap: snapshot(),
    options: { deleteAccount: true },
    steps: { 'delete-account': { skip: null, title: /restorable for 30 days/ } },
    refusals: [/would delete the mailbox kept as shared/],
  },
  {
    name: 'delete the account with the mailbox not kept',
    snap: snapshot(),
    options: { deleteAccount: true, convertToShared: false },
    steps: { 'delete-account': { skip: null }, 'leave-licence-groups': { targets: ['lic-group'] } },
    refusals: [],
  },
  {
    name: 'licences removed without converting the mailbox',
    snap: snapshot(),
    options: { convertToShared: false },
    refusals: [/deletes the mailbox after 30 days/],
  },
  {
    name: 'a read warning without a request id',
    snap: snapshot({ oauthGrants: undefined }, {}, [{ what: 'app consents', error: { service: 'graph', status: 0, code: 'NetworkError', message: 'socket hang up' } }]),
    steps: { 'revoke-oauth-grants': { readAtRun: true } },
  },
  {
    name: 'reads failed and options off: not chosen wins, with no count',
    snap: snapshot({ oauthGrants: undefined, authMethods: undefined }),
    options: { revokeOAuthGrants: false, removeMfaMethods: false },
    steps: { 'revoke-oauth-grants': { skip: 'not chosen', title: /Revoke 0 app consents/ }, 'remove-mfa-methods': { skip: 'not chosen' } },
  },
  {
    name: 'labels fall back to ids; two rules forward outside, one only by address',
    snap: snapshot({
      oauthGrants: [{ id: 'g2', clientId: 'client-without-name', scope: 'Mail.Read' }],
      managedDevices: [{ id: 'd', deviceName: 'Unknown', ownerType: 'unknown' }],
      licences: [{ ...PBI_DIRECT, skuPartNumber: undefined }, { skuId: 'sku-x', source: 'group', groupId: 'g-unnamed', carriesExchangePlan2: false, carriesExchange: false }, { skuId: 'sku-y', source: 'group', groupId: 'g-unnamed', carriesExchangePlan2: false, carriesExchange: false }],
      mailbox: {
        recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: false, forwardingAddress: 'Tom Alvarez', hiddenFromAddressLists: false, archiveActive: false,
        inboxRules: [
          { identity: 'r1', name: 'Out', forwardsTo: ['a@example.net'], external: false },
          { identity: 'r2', name: 'Out too', forwardsTo: ['b@example.org'], external: true },
          { identity: 'r3', name: 'Inside', forwardsTo: ['tom.alvarez@contoso.com'], external: false },
        ],
      },
    }),
    options: { litigationHold: false },
    steps: {
      'revoke-oauth-grants': { targets: ['g2'] },
      'intune-devices': { title: /^Retire 1 device in Intune$/ },
      'clear-inbox-rules': { title: /3 inbox rules \(2 forward outside\)/ },
      'mail-forwarding': { title: /Remove mail forwarding to Tom Alvarez/ },
      'remove-direct-licences': { targets: ['sku-pbi'] },
      'leave-licence-groups': { targets: ['g-unnamed'] },
      'disable-mobile-protocols': { skip: null },
      'remove-mobile-mail': { skip: null, readAtRun: true },
    },
  },
  {
    name: 'hidden inbox rules go and the preview counts them; the system rules stay, untouched',
    snap: snapshot({
      mailbox: {
        recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: false, hiddenFromAddressLists: false, archiveActive: false,
        inboxRules: [
          { identity: 'r1', name: 'Newsletters', forwardsTo: [], external: false },
          { identity: 'r2', name: '.', forwardsTo: ['x@example.net'], external: true, hidden: true },
          { identity: 'r3', name: '..', forwardsTo: [], external: false, hidden: true },
          { identity: 'r4', name: 'Junk E-mail Rule', forwardsTo: [], external: false, hidden: true, system: true },
          { identity: 'r5', name: 'Microsoft.Exchange.OOF.AllExternalSenders.Global', forwardsTo: [], external: false, hidden: true, system: true },
        ],
      },
    }),
    steps: { 'clear-inbox-rules': { skip: null, targets: ['r1', 'r2', 'r3'], title: /^Remove 3 inbox rules \(2 hidden, 1 forwards outside\)$/, untouched: ['r4', 'r5'] } },
  },
  {
    name: 'only system rules: nothing to do',
    snap: snapshot({
      mailbox: {
        recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: false, hiddenFromAddressLists: false, archiveActive: false,
        inboxRules: [{ identity: 'r4', name: 'Junk E-mail Rule', forwardsTo: [], external: false, hidden: true, system: true }],
      },
    }),
    steps: { 'clear-inbox-rules': { skip: 'nothing to do: no inbox rules besides the system ones', title: /^Remove 0 inbox rules$/ } },
  },
  {
    name: 'licence kept through an unnamed group; an archive alone needs Plan 2',
    snap: snapshot({
      licences: [{ ...E3_DIRECT, source: 'group', groupId: 'g-e3' }],
      licenceGroupIds: ['g-e3'],
      mailbox: { recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: false, hiddenFromAddressLists: false, archiveActive: true },
    }),
    options: { litigationHold: false },
    steps: { 'leave-licence-groups': { skip: /keeping SPE_E3 from its group/ } },
  },
  {
    name: 'a mailbox over 50 GB alone needs Plan 2',
    snap: snapshot({ mailbox: { recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: false, hiddenFromAddressLists: false, archiveActive: false, totalItemSizeBytes: 51 * 1024 ** 3 } }),
    options: { litigationHold: false },
    steps: { 'leave-licence-groups': { skip: /keeping SPE_E3 from LIC - E3/ } },
  },
  {
    name: 'a mailbox already on hold needs Plan 2 even when the hold is not chosen',
    snap: snapshot({ mailbox: { recipientTypeDetails: 'UserMailbox', litigationHoldEnabled: true, hiddenFromAddressLists: false, archiveActive: false } }),
    options: { litigationHold: false },
    steps: { 'litigation-hold': { skip: 'not chosen' }, 'leave-licence-groups': { skip: /keeping SPE_E3/ } },
  },
  {
    name: 'no manager and no valid inheritor: nobody to hand groups to',
    snap: snapshot({ manager: undefined }, { accountEnabled: false }),
    steps: { 'hand-over-owned-groups': { title: /^Hand over groups owned alone$/, skip: 'nothing to do: no group owned alone' }, 'drop-group-ownerships': { targets: ['owned-alone', 'owned-shared'] } },
    refusals: [/account is disabled/],
  },
];

describe('planner', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      check(planOffboarding(row.snap, optionsSchema.parse(row.options ?? {})), row);
    });
  }

  it('lists every step kind once, in order, with its phase', () => {
    const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
    assert.deepEqual(plan.steps.map((s) => s.kind), [...STEP_KINDS]);
    assert.deepEqual([...new Set(plan.steps.map((s) => s.phase))], ['contain', 'preserve', 'remove', 'licences', 'account']);
  });

  it('follows DOMAIN.md: block → reset → revoke, containment before every other write, hold → convert → await → licences, hand-over before leaving', () => {
    assert.deepEqual(dependenciesOf('block-sign-in'), []);
    assert.deepEqual(dependenciesOf('reset-password'), ['block-sign-in']);
    assert.deepEqual(dependenciesOf('revoke-sessions'), ['reset-password']);
    for (const kind of STEP_KINDS.filter((k) => !['block-sign-in', 'reset-password', 'revoke-sessions', 'delete-account'].includes(k))) {
      assert.ok(dependenciesOf(kind).includes('revoke-sessions'), kind);
    }
    assert.deepEqual(dependenciesOf('convert-to-shared'), ['revoke-sessions', 'litigation-hold']);
    assert.deepEqual(dependenciesOf('await-shared-mailbox'), ['revoke-sessions', 'convert-to-shared']);
    assert.ok(dependenciesOf('remove-direct-licences').includes('await-shared-mailbox'));
    assert.ok(dependenciesOf('leave-licence-groups').includes('await-shared-mailbox'));
    for (const kind of ['leave-groups', 'leave-distribution-lists', 'drop-group-ownerships'] as const) {
      assert.ok(dependenciesOf(kind).includes('hand-over-owned-groups'), kind);
    }
    assert.equal(dependenciesOf('delete-account').length, STEP_KINDS.length - 1);
  });

  it('dependencies always point to earlier steps (the plan is in topological order)', () => {
    for (const [i, kind] of STEP_KINDS.entries()) {
      for (const dep of dependenciesOf(kind)) {
        assert.ok(STEP_KINDS.indexOf(dep) < i, `${kind} depends on later ${dep}`);
      }
    }
  });

  it('is pure: the same input gives the same plan, and the input is not changed', () => {
    const snap = snapshot();
    const before = JSON.stringify(snap);
    assert.deepEqual(planOffboarding(snap, DEFAULT_OPTIONS), planOffboarding(snap, DEFAULT_OPTIONS));
    assert.equal(JSON.stringify(snap), before);
  });
});

describe('options', () => {
  it('has the recommended defaults', () => {
    assert.deepEqual(
      Object.entries(DEFAULT_OPTIONS).filter(([, v]) => v === true).map(([k]) => k).sort(),
      ['autoReply', 'clearForwardingAndInboxRules', 'convertToShared', 'disableEntraDevices', 'disableMobileProtocols', 'grantFullAccess', 'hideFromAddressList', 'leaveGroups', 'litigationHold', 'oneDriveAccess', 'removeLicences', 'removeMfaMethods', 'revokeOAuthGrants'].sort(),
    );
    assert.equal(DEFAULT_OPTIONS.intuneDevices, 'wipe-corporate-retire-personal');
    for (const off of ['grantSendAs', 'forwardToInheritor', 'cancelMeetings', 'deleteAccount'] as const) {
      assert.equal(DEFAULT_OPTIONS[off], false, off);
    }
  });

  it('takes card toggles as strings, and refuses unknown or malformed options', () => {
    assert.equal(optionsSchema.parse({ deleteAccount: 'true', litigationHold: 'false' }).deleteAccount, true);
    assert.equal(optionsSchema.parse({ litigationHold: 'false' }).litigationHold, false);
    assert.equal(optionsSchema.parse({ autoReplyMessage: '  ' }).autoReplyMessage, undefined);
    assert.equal(optionsSchema.safeParse({ deleteAccount: 'yes' }).success, false);
    assert.equal(optionsSchema.safeParse({ wipeEverything: true }).success, false);
    assert.equal(optionsSchema.safeParse({ intuneDevices: 'nuke' }).success, false);
  });
});
