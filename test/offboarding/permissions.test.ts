// What each step needs (pure): the union for the chosen options, the documented alternatives, and agreement with
// the planner about which steps the options switch on.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, optionsSchema, type OffboardingOptionsInput } from '../../src/offboarding/options';
import {
  enabledSteps,
  EXCHANGE_PERMISSION,
  GRAPH_ALTERNATIVES,
  isSatisfied,
  REQUIREMENTS,
  requiredPermissions,
  ROLE_TEMPLATE_IDS,
  type RequiredPermission,
} from '../../src/offboarding/permissions';
import { STEP_KINDS } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import { snapshot } from './fixtures';

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
