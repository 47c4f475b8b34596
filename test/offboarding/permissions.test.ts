// What each step needs (pure): the union for the chosen options, the documented alternatives, and agreement with
// the planner about which steps the options switch on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { manifestCli } from '../../scripts/permissions-manifest';
import { formatDoctorReport, GRAPH_SCOPE, runDoctor } from '../../src/m365/doctor';
import { EXCHANGE_SCOPE } from '../../src/m365/exchange';
import type { ExchangePort, GraphPort } from '../../src/m365/ports';
import { DEFAULT_OPTIONS, INTUNE_DEVICE_ACTIONS, OPTION_IDS, optionsSchema, type OffboardingOptions, type OffboardingOptionsInput } from '../../src/offboarding/options';
import {
  enabledSteps,
  EVERY_OPTION_ON,
  EXCHANGE_PERMISSION,
  GRAPH_ALTERNATIVES,
  isSatisfied,
  OPTION_REQUIREMENTS,
  OPTIONAL_GRANT_OPTIONS,
  permissionManifest,
  permissionManifestText,
  reinstatementNeeds,
  REQUIREMENTS,
  requiredPermissions,
  ROLE_TEMPLATE_IDS,
  type ManifestGrant,
  type RequiredPermission,
} from '../../src/offboarding/permissions';
import { REINSTATE_STEP_KINDS, STEP_KINDS } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import { group, snapshot } from './fixtures';

const options = (o: OffboardingOptionsInput = {}): ReturnType<typeof optionsSchema.parse> => optionsSchema.parse(o);
const find = (list: RequiredPermission[], permission: string): RequiredPermission | undefined => list.find((r) => r.permission === permission);

describe('permissions', () => {
  it('the recommended plan: each permission with the steps that need it', () => {
    const req = requiredPermissions(DEFAULT_OPTIONS);
    assert.deepEqual(find(req, 'User.EnableDisableAccount.All')?.neededBy, ['block-sign-in']);
    assert.deepEqual(find(req, 'User.Read.All')?.neededBy, ['preflight']);
    assert.deepEqual(find(req, 'GroupMember.ReadWrite.All')?.neededBy, ['leave-groups', 'leave-licence-groups']);
    assert.deepEqual(find(req, 'Group.ReadWrite.All')?.neededBy, ['hand-over-owned-groups', 'drop-group-ownerships']);
    assert.deepEqual(find(req, 'LicenseAssignment.ReadWrite.All')?.neededBy, ['remove-direct-licences']);
    assert.deepEqual(find(req, 'User Administrator'), { service: 'entra-role', permission: 'User Administrator', satisfiedBy: [ROLE_TEMPLATE_IDS['User Administrator'], '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', '62e90394-69f5-4237-9190-012177145e10'], neededBy: ['reset-password'] });
    const exchange = find(req, EXCHANGE_PERMISSION)!;
    assert.equal(exchange.service, 'exchange');
    assert.deepEqual(exchange.neededBy.slice(0, 3), ['preflight', 'litigation-hold', 'convert-to-shared']);
    assert.ok(exchange.neededBy.includes('leave-distribution-lists'));
    assert.ok(!exchange.neededBy.includes('cancel-meetings'), 'not chosen by default');
    assert.deepEqual(find(req, 'Exchange Administrator')?.neededBy, exchange.neededBy);
    // Not chosen by default: deleting the account.
    assert.equal(find(req, 'User.DeleteRestore.All'), undefined);
    // One entry per permission.
    assert.equal(new Set(req.map((r) => `${r.service}:${r.permission}`)).size, req.length);
  });

  it('follows the options: a step switched off needs nothing', () => {
    const req = requiredPermissions(options({ removeLicences: false, leaveGroups: false, intuneDevices: 'leave', deleteAccount: true, cancelMeetings: true }));
    assert.equal(find(req, 'LicenseAssignment.ReadWrite.All'), undefined);
    assert.equal(find(req, 'GroupMember.ReadWrite.All'), undefined);
    assert.equal(find(req, 'Group.ReadWrite.All'), undefined);
    assert.equal(find(req, 'DeviceManagementManagedDevices.PrivilegedOperations.All'), undefined);
    assert.deepEqual(find(req, 'User.DeleteRestore.All')?.neededBy, ['delete-account']);
    assert.deepEqual(find(req, 'User Administrator')?.neededBy, ['reset-password', 'delete-account']);
    assert.ok(find(req, EXCHANGE_PERMISSION)!.neededBy.includes('cancel-meetings'));
    // Exchange for the preflight even when no Exchange step is chosen.
    const bare = requiredPermissions(options({ litigationHold: false, convertToShared: false, grantFullAccess: false, clearForwardingAndInboxRules: false, hideFromAddressList: false, disableMobileProtocols: false, leaveGroups: false }));
    assert.deepEqual(find(bare, EXCHANGE_PERMISSION)?.neededBy, ['preflight']);
  });

  it('accepts the documented higher-privileged alternatives, and only those', () => {
    const req = requiredPermissions(options({ deleteAccount: true }));
    const ok = (permission: string, granted: string[]): boolean => isSatisfied(find(req, permission)!, new Set(granted));
    assert.equal(ok('User.EnableDisableAccount.All', ['User.ReadWrite.All']), true);
    assert.equal(ok('User.EnableDisableAccount.All', ['User.Read.All']), false);
    assert.equal(ok('User-PasswordProfile.ReadWrite.All', ['Directory.ReadWrite.All']), true);
    assert.equal(ok('User.RevokeSessions.All', ['User.ReadWrite.All']), true);
    assert.equal(ok('GroupMember.ReadWrite.All', ['Group.ReadWrite.All']), true);
    assert.equal(ok('GroupMember.ReadWrite.All', ['Directory.ReadWrite.All']), true);
    assert.equal(ok('Group.ReadWrite.All', ['GroupMember.ReadWrite.All']), false, 'owners need Group.ReadWrite.All');
    assert.equal(ok('LicenseAssignment.ReadWrite.All', ['User.ReadWrite.All']), true);
    assert.equal(ok('DeviceManagementManagedDevices.PrivilegedOperations.All', ['DeviceManagementManagedDevices.ReadWrite.All']), false);
    assert.equal(ok('User.DeleteRestore.All', ['User.ReadWrite.All']), true);
    assert.equal(ok('GroupMember.Read.All', ['Directory.Read.All']), true);
    assert.equal(ok('User Administrator', ['62e90394-69f5-4237-9190-012177145e10']), true, 'Global Administrator includes it');
    assert.equal(ok('User Administrator', ['29232cdf-9323-42fd-ade2-1d097af3e4de']), false, 'Exchange Administrator does not');
  });

  it('every Graph permission a step names has its alternatives listed, and no write permission stands in for another kind', () => {
    for (const need of Object.keys(REQUIREMENTS) as Array<keyof typeof REQUIREMENTS>) {
      for (const p of REQUIREMENTS[need].graph) {
        assert.ok(p in GRAPH_ALTERNATIVES, `${p} (for ${need}) has no entry`);
      }
    }
    for (const x of OPTION_REQUIREMENTS) {
      for (const p of x.graph) {
        assert.ok(p in GRAPH_ALTERNATIVES, `${p} (for ${x.option}) has no entry`);
      }
    }
    for (const [p, alternatives] of Object.entries(GRAPH_ALTERNATIVES)) {
      assert.ok(!alternatives.includes(p), `${p} lists itself`);
      if (p.includes('ReadWrite')) {
        assert.ok(alternatives.every((a) => !a.includes('.Read.')), `${p}: a read permission can't satisfy a write`);
      }
    }
  });

  it('switches on exactly the steps the planner does not skip as "not chosen"', () => {
    const cases: OffboardingOptionsInput[] = [
      {},
      { grantSendAs: true, forwardToInheritor: true, cancelMeetings: true, deleteAccount: true, convertToShared: false },
      { litigationHold: false, clearForwardingAndInboxRules: false, disableMobileProtocols: false, leaveGroups: false, intuneDevices: 'leave', removeLicences: false },
      { autoReply: false, oneDriveAccess: false, revokeOAuthGrants: false, removeMfaMethods: false, disableEntraDevices: false, hideFromAddressList: false, grantFullAccess: false },
    ];
    for (const c of cases) {
      const o = options(c);
      const plan = planOffboarding(snapshot(), o);
      const notChosen = plan.steps.filter((s) => s.skip?.startsWith('not chosen')).map((s) => s.kind);
      const on = enabledSteps(o);
      assert.deepEqual([...on].sort(), STEP_KINDS.filter((k) => !notChosen.includes(k)).sort(), JSON.stringify(c));
    }
  });
});

// ---- One source of truth: permissions.ts → infra/permissions.json → docs/DEPLOYMENT.md (and the README) ------------

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** The text under a Markdown heading, up to the next heading of the same or a higher level (outside code blocks). */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `no "${heading}" heading`);
  const level = /^#+/.exec(heading)![0].length;
  let fenced = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    fenced = lines[i]!.startsWith('```') ? !fenced : fenced;
    if (!fenced && new RegExp(`^#{1,${level}} `).test(lines[i]!)) {
      end = i;
      break;
    }
  }
  return lines.slice(start + 1, end).join('\n');
}

function codeBlock(text: string, lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(text);
  assert.ok(m, `no ${lang} block`);
  return m[1]!;
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
const names = (grants: ManifestGrant[], optional: boolean): string[] => sorted(grants.filter((g) => g.optional === optional).map((g) => g.permission));
const FIX = 'run `npm run permissions:manifest` and make docs/DEPLOYMENT.md grant what infra/permissions.json says';

describe('permission manifest (infra/permissions.json) and the deployment guide', () => {
  const manifest = permissionManifest();
  const guide = read('docs/DEPLOYMENT.md');
  const grantSection = section(guide, '## 3. Grant the managed identity its Microsoft 365 permissions');

  it('the committed manifest is what permissions.ts generates', () => {
    assert.equal(read('infra/permissions.json'), permissionManifestText(), FIX);
    const lines: string[] = [];
    assert.equal(manifestCli(['--check'], (l) => lines.push(l)), 0);
    assert.match(lines.join('\n'), /infra\/permissions\.json is up to date/);
  });

  it('grants what the fixes need: subscribedSkus, organization, servicePrincipals, hidden memberships, the Teams app', () => {
    const req = requiredPermissions(DEFAULT_OPTIONS);
    // subscribedsku-list: LicenseAssignment.Read.All, or the higher Organization.Read.All; the ReadWrite one is not listed.
    const skus = find(req, 'LicenseAssignment.Read.All')!;
    assert.equal(isSatisfied(skus, new Set(['Organization.Read.All'])), true);
    assert.equal(isSatisfied(skus, new Set(['LicenseAssignment.ReadWrite.All'])), false);
    for (const p of ['Organization.Read.All', 'Application.Read.All', 'Member.Read.Hidden']) {
      assert.deepEqual(find(req, p)?.neededBy, ['preflight'], p);
    }
    assert.deepEqual(find(req, 'AppCatalog.Read.All')?.neededBy, ['approval-card']);
    assert.deepEqual(find(req, 'TeamsAppInstallation.ReadWriteSelfForUser.All')?.neededBy, ['approval-card']);
    const graph = manifest.graph.grants;
    for (const p of ['Organization.Read.All', 'Application.Read.All', 'Member.Read.Hidden', 'AppCatalog.Read.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All']) {
      assert.equal(graph.find((g) => g.permission === p)?.optional, false, p);
    }
    // Role-assignable groups: optional, only with the option, and the manifest says why it deserves a second thought.
    const rm = graph.find((g) => g.permission === 'RoleManagement.ReadWrite.Directory')!;
    assert.deepEqual([rm.optional, rm.onlyWith, rm.neededBy], [true, ['removeFromRoleAssignableGroups'], ['leave-groups', 'leave-licence-groups']]);
    assert.match(rm.warning ?? '', /itself Global Administrator/);
    assert.deepEqual(graph.find((g) => g.permission === 'User.DeleteRestore.All')?.onlyWith, ['deleteAccount']);
  });

  it('its required grants cover every need with the optional options off; with the optional grants, every option on', () => {
    const grantsOf = (optional: boolean): Set<string> =>
      new Set([...manifest.graph.grants, ...manifest.exchange.grants, ...manifest.entraRoles].filter((g) => optional || !g.optional).flatMap((g) => [g.permission, ...(g.templateId ? [g.templateId] : [])]));
    const base = { ...EVERY_OPTION_ON, ...Object.fromEntries(OPTIONAL_GRANT_OPTIONS.map((o) => [o, false])) };
    for (const r of requiredPermissions(base)) {
      assert.ok(isSatisfied(r, grantsOf(false)), `${r.permission} (${r.neededBy.join(', ')}) is not covered by the required grants`);
    }
    for (const r of requiredPermissions(EVERY_OPTION_ON)) {
      assert.ok(isSatisfied(r, grantsOf(true)), `${r.permission} is not covered by the manifest`);
    }
    // Least privilege: nothing broader than needed (Directory.* never), and no grant another one makes redundant.
    const all = [...manifest.graph.grants];
    assert.ok(all.every((g) => !g.permission.startsWith('Directory.')), 'no Directory.* grant');
    for (const g of all) {
      const others = new Set(all.filter((o) => o !== g && (g.optional || !o.optional)).map((o) => o.permission));
      assert.ok(!(GRAPH_ALTERNATIVES[g.permission] ?? []).some((alt) => others.has(alt)), `${g.permission} is redundant`);
    }
  });

  it('grants what a reinstatement needs: required, but restoring an account goes with deleteAccount', () => {
    const grantsOf = (optional: boolean): Set<string> =>
      new Set([...manifest.graph.grants, ...manifest.exchange.grants, ...manifest.entraRoles].filter((g) => optional || !g.optional).flatMap((g) => [g.permission, ...(g.templateId ? [g.templateId] : [])]));
    const base = { ...EVERY_OPTION_ON, ...Object.fromEntries(OPTIONAL_GRANT_OPTIONS.map((o) => [o, false])) };
    const reqs = requiredPermissions(base, {}, { reinstatement: true });
    for (const r of reqs) {
      assert.ok(isSatisfied(r, grantsOf(false)), `${r.permission} (${r.neededBy.join(', ')}) is not covered by the required grants`);
    }
    // Every reinstatement step names what it needs.
    for (const kind of REINSTATE_STEP_KINDS) {
      assert.ok(REQUIREMENTS[kind].graph.length > 0 || REQUIREMENTS[kind].exchange, kind);
    }
    assert.deepEqual(find(reqs, 'UserAuthenticationMethod.ReadWrite.All')?.neededBy.includes('temporary-access-pass'), true);
    assert.deepEqual(find(reqs, 'Policy.Read.AuthenticationMethod')?.neededBy, ['reinstate-preflight']);
    assert.equal(find(reqs, 'User.DeleteRestore.All'), undefined, 'no account was deleted without deleteAccount');
    const policy = manifest.graph.grants.find((g) => g.permission === 'Policy.Read.AuthenticationMethod')!;
    assert.deepEqual([policy.optional, policy.neededBy], [false, ['reinstate-preflight']]);
    const restore = manifest.graph.grants.find((g) => g.permission === 'User.DeleteRestore.All')!;
    assert.deepEqual([restore.optional, restore.onlyWith, restore.neededBy], [true, ['deleteAccount'], ['delete-account', 'restore-account']]);
    assert.ok(manifest.exchange.grants[0]!.neededBy.includes('remove-send-as'));
    // The offboarding alone (the doctor's check) needs none of it.
    assert.equal(find(requiredPermissions(base), 'Policy.Read.AuthenticationMethod'), undefined);
  });

  it('the guide\'s Graph table lists exactly the manifest\'s grants, the optional ones marked with their option', () => {
    const table = section(grantSection, '### Microsoft Graph application permissions');
    const rows = [...table.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => ({ permission: m[1]!, grant: m[2]!.trim() }));
    assert.deepEqual(sorted(rows.map((r) => r.permission)), sorted(manifest.graph.grants.map((g) => g.permission)), FIX);
    for (const g of manifest.graph.grants) {
      const row = rows.find((r) => r.permission === g.permission)!;
      if (g.optional) {
        assert.equal(row.grant, `optional: only with ${g.onlyWith!.map((o) => `\`${o}\``).join(', ')}`, g.permission);
      } else {
        assert.equal(row.grant, 'required', g.permission);
      }
    }
  });

  it('the guide\'s bash script grants exactly the required grants, with the optional ones commented out', () => {
    const bash = codeBlock(section(grantSection, '### Script (Azure CLI, bash)'), 'bash');
    const loop = /^for p in ([\s\S]*?); do$/m.exec(bash);
    assert.ok(loop, 'no "for p in ...; do" loop');
    assert.deepEqual(sorted(loop[1]!.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean)), names(manifest.graph.grants, false), FIX);
    assert.deepEqual(sorted([...bash.matchAll(/^# assign_app_role "\$GRAPH_APP" (\S+)$/gm)].map((m) => m[1]!)), names(manifest.graph.grants, true), FIX);
    assert.deepEqual(sorted([...bash.matchAll(/^assign_app_role "\$EXO_APP" (\S+)$/gm)].map((m) => m[1]!)), names(manifest.exchange.grants, false));
    const roles = /^for role in ([^;]+);/m.exec(bash);
    assert.ok(roles, 'no "for role in ...;" loop');
    assert.deepEqual(sorted(roles[1]!.trim().split(/\s+/)), sorted(manifest.entraRoles.filter((r) => !r.optional).map((r) => r.templateId!)));
    assert.match(bash, new RegExp(`GRAPH_APP=${manifest.graph.resourceAppId}`));
    assert.match(bash, new RegExp(`EXO_APP=${manifest.exchange.resourceAppId}`));
  });

  it('the guide\'s PowerShell grants the same', () => {
    const ps = codeBlock(grantSection, 'powershell');
    const list = /^\$required = @\(([\s\S]*?)\)$/m.exec(ps);
    assert.ok(list, 'no $required = @(...) list');
    assert.deepEqual(sorted([...list[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!)), names(manifest.graph.grants, false), FIX);
    const optional = ps.split('\n').filter((l) => l.startsWith('#')).join('\n');
    assert.deepEqual(sorted([...optional.matchAll(/'([^']+)' \((\w+)/g)].map((m) => `${m[1]!} ${m[2]!}`)), sorted(manifest.graph.grants.filter((g) => g.optional).map((g) => `${g.permission} ${g.onlyWith![0]!}`)));
    assert.deepEqual(sorted([...ps.matchAll(/-RoleDefinitionId '([0-9a-f-]+)'/g)].map((m) => m[1]!)), sorted(manifest.entraRoles.map((r) => r.templateId!)));
    for (const g of manifest.exchange.grants) {
      assert.ok(ps.includes(`$_.Value -eq '${g.permission}'`), g.permission);
    }
  });

  it('the README\'s short list names the same Graph permissions', () => {
    const readme = section(read('README.md'), '## Permissions');
    const listed = new Set([...readme.matchAll(/`([A-Z][A-Za-z]*(?:-[A-Za-z]+)?(?:\.[A-Za-z]+)+)`/g)].map((m) => m[1]!));
    listed.delete(EXCHANGE_PERMISSION);
    assert.deepEqual(sorted(listed), sorted(manifest.graph.grants.map((g) => g.permission)));
  });
});

// ---- The doctor's required set is the union over the enabled steps, whatever the options --------------------------

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: Record<string, unknown>): string => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
function tokens(graphRoles: string[], exchangeRoles: string[], wids: string[]): TokenCredential {
  return {
    getToken: (scope: string | string[]): Promise<AccessToken> =>
      Promise.resolve({ token: jwt(scope === GRAPH_SCOPE ? { roles: graphRoles, wids } : scope === EXCHANGE_SCOPE ? { roles: exchangeRoles, wids } : {}), expiresOnTimestamp: Date.now() + 3600_000 }),
  };
}
const noGraph: GraphPort = {
  call: () => Promise.reject(new Error('the doctor does not call Graph')),
  list: () => Promise.reject(new Error('the doctor does not call Graph')),
  batch: () => Promise.reject(new Error('the doctor does not call Graph')),
};
const exchangeOk: ExchangePort = { invoke: <T>() => Promise.resolve({ value: [{ Identity: 'x' }] as T[], warnings: [] }) };
const exchangeDenied: ExchangePort = { invoke: () => Promise.reject(new Error('401 Unauthorized')) };
const doctor = (credential: TokenCredential, options: OffboardingOptions, exchange = exchangeOk): ReturnType<typeof runDoctor> => runDoctor({ credential, graph: noGraph, exchange, options });

const BOOLEAN_OPTIONS = OPTION_IDS.filter((id) => typeof DEFAULT_OPTIONS[id] === 'boolean');
const ALL_OFF: OffboardingOptions = optionsSchema.parse({ ...Object.fromEntries(BOOLEAN_OPTIONS.map((id) => [id, false])), intuneDevices: 'leave' });
const OPTION_CASES: Array<[string, OffboardingOptions]> = [
  ['all options off', ALL_OFF],
  ['all options on', EVERY_OPTION_ON],
  ['the recommended options', DEFAULT_OPTIONS],
  ...BOOLEAN_OPTIONS.map((id): [string, OffboardingOptions] => [`only ${id}`, { ...ALL_OFF, [id]: true }]),
  ...INTUNE_DEVICE_ACTIONS.filter((a) => a !== 'leave').map((a): [string, OffboardingOptions] => [`only intuneDevices=${a}`, { ...ALL_OFF, intuneDevices: a }]),
];

/** What the preflight, the approval card and the steps the planner does not skip as "not chosen" need, from the tables. */
function unionOverEnabledSteps(options: OffboardingOptions): Map<string, string[]> {
  const plan = planOffboarding(snapshot({ groups: [group('pim', { roleAssignable: true }), group('sec1')] }), options);
  const enabled = plan.steps.filter((s) => !s.skip?.startsWith('not chosen')).map((s) => s.kind);
  const union = new Map<string, string[]>();
  const add = (key: string, need: string): void => {
    union.set(key, [...(union.get(key) ?? []), need]);
  };
  // A reinstatement may be asked for any time: the doctor counts its needs too.
  for (const need of ['preflight', 'approval-card', 'scheduled-times', ...enabled, ...reinstatementNeeds(options)] as Array<keyof typeof REQUIREMENTS>) {
    const r = REQUIREMENTS[need];
    r.graph.forEach((p) => add(`graph:${p}`, need));
    if (r.exchange) {
      add(`exchange:${EXCHANGE_PERMISSION}`, need);
      add('entra-role:Exchange Administrator', need);
    }
    r.roles?.forEach((role) => add(`entra-role:${role}`, need));
  }
  for (const x of OPTION_REQUIREMENTS.filter((o) => options[o.option])) {
    x.steps.filter((k) => enabled.includes(k)).forEach((k) => x.graph.forEach((p) => add(`graph:${p}`, k)));
  }
  return union;
}

describe("the doctor's required set", () => {
  for (const [name, options] of OPTION_CASES) {
    it(`equals the union over the enabled steps: ${name}`, async () => {
      // Nothing granted: Exchange refuses too (an answering Exchange without the role is a custom role group).
      const report = await doctor(tokens([], [], ['00000000-0000-4000-8000-000000000000']), options, exchangeDenied);
      const missing = new Map(report.missing.map((m) => [`${m.service}:${m.permission}`, m.neededBy]));
      const union = unionOverEnabledSteps(options);
      assert.deepEqual(sorted(missing.keys()), sorted(union.keys()));
      for (const [key, needs] of union) {
        assert.deepEqual(sorted(missing.get(key)!), sorted(new Set(needs)), key);
      }
    });
  }

  describe('given exactly the manifest\'s grants', () => {
    const manifest = permissionManifest();
    const required = (grants: ManifestGrant[]): string[] => grants.filter((g) => !g.optional).map((g) => g.permission);
    const wids = manifest.entraRoles.map((r) => r.templateId!);
    const requiredOnly = tokens(required(manifest.graph.grants), required(manifest.exchange.grants), wids);

    it('reports nothing missing for every choice of options but the optional-grant ones', async () => {
      for (const [name, options] of OPTION_CASES.filter(([, o]) => OPTIONAL_GRANT_OPTIONS.every((x) => !o[x]))) {
        const report = await doctor(requiredOnly, options);
        assert.deepEqual(report.missing, [], name);
        assert.equal(report.ok, true, name);
        assert.equal(report.roleAssignableGroups.mode, 'left-in-place', name);
      }
    });

    it('with every option on, names exactly the optional grants; with them granted too, nothing', async () => {
      const without = await doctor(requiredOnly, EVERY_OPTION_ON);
      // The grants that go with a setting (OFFBOARDABLE_UNIT_ID) are checked when it is set: below.
      const byOption = (g: ManifestGrant): boolean => g.optional && (g.onlyWith ?? []).some((o) => (OPTIONAL_GRANT_OPTIONS as readonly string[]).includes(o));
      assert.deepEqual(
        without.missing.map((m) => [m.permission, m.neededBy]),
        manifest.graph.grants.filter(byOption).map((g) => [g.permission, g.neededBy]),
      );
      assert.match(formatDoctorReport(without), /Role-assignable groups: left in place, each with a follow-up for IT: RoleManagement\.ReadWrite\.Directory is not granted, so a request with removeFromRoleAssignableGroups on would fail/);
      const all = await doctor(tokens(manifest.graph.grants.map((g) => g.permission), required(manifest.exchange.grants), wids), EVERY_OPTION_ON);
      assert.deepEqual(all.missing, []);
      assert.equal(all.ok, true);
      assert.equal(all.roleAssignableGroups.mode, 'removable');
      assert.match(formatDoctorReport(all), /RoleManagement\.ReadWrite\.Directory is granted: a request with removeFromRoleAssignableGroups on removes the leaver from them.*assign itself any directory role: keep it only while you use that option/);
    });

    it('says which of the two applies to role-assignable groups, also with the recommended options', async () => {
      const granted = await doctor(tokens([...required(manifest.graph.grants), 'RoleManagement.ReadWrite.Directory'], ['Exchange.ManageAsApp'], wids), DEFAULT_OPTIONS);
      assert.equal(granted.roleAssignableGroups.mode, 'removable');
      assert.match(granted.roleAssignableGroups.detail, /remove it unless you use that option/);
      const notGranted = await doctor(requiredOnly, DEFAULT_OPTIONS);
      assert.match(formatDoctorReport(notGranted), /Role-assignable groups: left in place, each with a follow-up for IT: RoleManagement\.ReadWrite\.Directory is not granted \(the default; removeFromRoleAssignableGroups would need it\)/);
      const unknown = await runDoctor({ graph: noGraph, exchange: exchangeOk, options: DEFAULT_OPTIONS });
      assert.equal(unknown.roleAssignableGroups.mode, 'unknown');
    });

    it('OFFBOARDABLE_UNIT_ID: its optional grant, AdministrativeUnit.Read.All, is needed only when it is set', async () => {
      const au = manifest.graph.grants.find((g) => g.permission === 'AdministrativeUnit.Read.All')!;
      assert.deepEqual([au.optional, au.onlyWith, au.neededBy], [true, ['OFFBOARDABLE_UNIT_ID'], ['offboardable-unit']]);
      const unset = await doctor(requiredOnly, DEFAULT_OPTIONS);
      assert.deepEqual(unset.missing, []);
      const set = await runDoctor({ credential: requiredOnly, graph: noGraph, exchange: exchangeOk, options: DEFAULT_OPTIONS, offboardableUnitId: '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d' });
      assert.deepEqual(set.missing.map((m) => [m.permission, m.neededBy]), [['AdministrativeUnit.Read.All', ['offboardable-unit']]]);
      const granted = await runDoctor({
        credential: tokens([...required(manifest.graph.grants), 'AdministrativeUnit.Read.All'], ['Exchange.ManageAsApp'], wids),
        graph: noGraph,
        exchange: exchangeOk,
        options: DEFAULT_OPTIONS,
        offboardableUnitId: '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d',
      });
      assert.deepEqual(granted.missing, []);
    });

    it('the Teams permissions are checked too', async () => {
      const report = await doctor(tokens(required(manifest.graph.grants).filter((p) => p !== 'AppCatalog.Read.All'), ['Exchange.ManageAsApp'], wids), DEFAULT_OPTIONS);
      assert.deepEqual(report.missing.map((m) => [m.permission, m.neededBy]), [['AppCatalog.Read.All', ['approval-card']]]);
    });
  });
});
