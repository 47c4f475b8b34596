// Role-assignable groups (isAssignableToRole): read by the preflight, left in place with the reason and a follow-up by
// default, removed only with removeFromRoleAssignableGroups; owned ones never touched; the approver warned that
// containment needs a Privileged Authentication Administrator. Against the simulated tenant, which refuses as Graph
// does (403 without RoleManagement.ReadWrite.Directory, or without the higher role for the members' accounts).
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, optionsSchema, type OffboardingOptions } from '../../src/offboarding/options';
import { firstRoundUrls, toGroup } from '../../src/offboarding/preflight/directory';
import { planOffboarding } from '../../src/offboarding/planner';
import { ROLE_ASSIGNABLE_MEMBER_REASON, ROLE_ASSIGNABLE_OWNER_REASON } from '../../src/offboarding/planner/role-assignable';
import { removalRoute } from '../../src/offboarding/steps/graph-groups';
import { startSimulatedTenant, type AppGrants, type SimulatedTenant } from '../../src/simulator';
import { E3_VIA_GROUP, group, snapshot } from './fixtures';
import { engineOver } from './tenant-engine';

const ON: OffboardingOptions = optionsSchema.parse({ removeFromRoleAssignableGroups: true });
const PIM = group('pim', { displayName: 'PIM - Helpdesk Admins', roleAssignable: true });

describe('role-assignable groups', () => {
  describe('preflight and run-time reads', () => {
    it('the preflight selects isAssignableToRole and keeps it on the group', () => {
      assert.match(firstRoundUrls('jane', 'tom').groups!, /\$select=[^&]*isAssignableToRole/);
      assert.match(firstRoundUrls('jane', 'tom').owned!, /\$select=[^&]*isAssignableToRole/);
      assert.equal(toGroup({ id: 'g', displayName: 'G', groupTypes: [], securityEnabled: true, isAssignableToRole: true }).roleAssignable, true);
      assert.equal('roleAssignable' in toGroup({ id: 'g', displayName: 'G', groupTypes: [], securityEnabled: true, isAssignableToRole: null }), false);
    });

    it('a step reading groups again leaves role-assignable ones alone unless the option says otherwise', () => {
      const g = { id: 'pim', displayName: 'PIM', groupTypes: [], securityEnabled: true, isAssignableToRole: true };
      assert.equal(removalRoute(g), 'none');
      assert.equal(removalRoute(g, true), 'graph');
      assert.equal(removalRoute({ ...g, isAssignableToRole: false }), 'graph');
    });
  });

  describe('planner', () => {
    it('by default: left in place with the reason, a follow-up, and the approver warned about containment', () => {
      const plan = planOffboarding(snapshot({ groups: [group('sec1'), PIM] }), DEFAULT_OPTIONS);
      const step = (kind: string) => plan.steps.find((s) => s.kind === kind)!;
      assert.deepEqual(step('leave-groups').targets.map((t) => t.id), ['sec1']);
      assert.deepEqual(step('groups-left-in-place').untouched?.map((u) => [u.id, u.reason]), [['pim', ROLE_ASSIGNABLE_MEMBER_REASON]]);
      assert.match(step('groups-left-in-place').skip ?? '', /left in place: 1 role-assignable/);
      assert.ok(plan.followUps.some((f) => f.message === `PIM - Helpdesk Admins: ${ROLE_ASSIGNABLE_MEMBER_REASON}.`));
      assert.match(ROLE_ASSIGNABLE_MEMBER_REASON, /RoleManagement\.ReadWrite\.Directory.*assign itself any directory role/);
      const warning = plan.warnings.find((w) => w.code === 'role-assignable-groups');
      assert.match(warning?.message ?? '', /Jane Doe is a member or owner of a role-assignable group \(PIM - Helpdesk Admins\): .*Privileged Authentication Administrator.*containment fails/);
      assert.deepEqual(plan.refusals, []);
    });

    it('removeFromRoleAssignableGroups: the leaver leaves them with the other groups; the warning stays', () => {
      const plan = planOffboarding(snapshot({ groups: [group('sec1'), PIM] }), ON);
      assert.deepEqual(plan.steps.find((s) => s.kind === 'leave-groups')!.targets.map((t) => t.id), ['sec1', 'pim']);
      assert.equal(plan.steps.find((s) => s.kind === 'groups-left-in-place')!.untouched, undefined);
      assert.ok(plan.warnings.some((w) => w.code === 'role-assignable-groups'));
    });

    it('a role-assignable group the leaver owns is never handed over nor dropped, whatever the option', () => {
      for (const options of [DEFAULT_OPTIONS, ON]) {
        const plan = planOffboarding(snapshot({ groups: [group('sec1')], ownedGroups: [{ ...PIM, ownerCount: 1 }, { ...group('owned-shared'), ownerCount: 2 }] }), options);
        const step = (kind: string) => plan.steps.find((s) => s.kind === kind)!;
        assert.deepEqual(step('hand-over-owned-groups').targets, []);
        assert.deepEqual(step('drop-group-ownerships').targets.map((t) => t.id), ['owned-shared']);
        assert.deepEqual(step('groups-left-in-place').untouched?.map((u) => u.reason), [`owned: ${ROLE_ASSIGNABLE_OWNER_REASON}`]);
        assert.match(plan.warnings.find((w) => w.code === 'role-assignable-groups')?.message ?? '', /member or owner/);
      }
    });

    it('a role-assignable licence group is left by the licence step only with the option', () => {
      const licenceGroup = group('lic-group', { displayName: 'LIC - E3', roleAssignable: true });
      const over = { groups: [licenceGroup], licences: [E3_VIA_GROUP], licenceGroupIds: ['lic-group'], mailbox: null };
      const leaving = (options: OffboardingOptions): string[] => planOffboarding(snapshot(over), options).steps.find((s) => s.kind === 'leave-licence-groups')!.targets.map((t) => t.id);
      assert.deepEqual(leaving(DEFAULT_OPTIONS), []);
      assert.deepEqual(leaving(ON), ['lic-group']);
      const untouched = planOffboarding(snapshot(over), DEFAULT_OPTIONS).steps.find((s) => s.kind === 'groups-left-in-place')!.untouched;
      assert.deepEqual(untouched?.map((u) => u.reason), [`${ROLE_ASSIGNABLE_MEMBER_REASON} (it assigns a licence)`]);
    });

    it('no role-assignable group: no warning', () => {
      assert.equal(planOffboarding(snapshot(), DEFAULT_OPTIONS).warnings.some((w) => w.code === 'role-assignable-groups'), false);
    });

    it('memberships unreadable: the approver is told role-assignable groups were not checked', () => {
      const warning = planOffboarding(snapshot({ groups: undefined }), DEFAULT_OPTIONS).warnings.find((w) => w.code === 'role-assignable-groups');
      assert.match(warning?.message ?? '', /could not be read, so whether they are in a role-assignable group .* was not checked/);
    });
  });

  describe('the simulated tenant is strict, as Graph is', () => {
    let tenant: SimulatedTenant;
    before(async () => {
      tenant = await startSimulatedTenant();
    });
    after(async () => tenant.close());
    beforeEach(() => tenant.reset());

    const graph = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(`${tenant.graphBaseUrl}/v1.0${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const reviewers = (): { id: string; members: string[]; owners: string[]; isAssignableToRole: boolean | null } =>
      tenant.state().groups.find((g) => g.displayName === 'Privileged Access Reviewers')!;

    it('exposes isAssignableToRole, and Ian (a persona) is a direct member of a role-assignable group', async () => {
      const ian = tenant.personas.roleGroupMember!;
      const res = await graph('GET', `/groups/${reviewers().id}?$select=id,isAssignableToRole`);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual([body.id, body.isAssignableToRole], [reviewers().id, true]);
      assert.ok(reviewers().members.includes(ian));
    });

    it('removing a member needs RoleManagement.ReadWrite.Directory: 403 without it', async () => {
      const ian = tenant.personas.roleGroupMember!;
      const denied = await graph('DELETE', `/groups/${reviewers().id}/members/${ian}/$ref`);
      assert.equal(denied.status, 403);
      assert.equal(((await denied.json()) as { error: { code: string } }).error.code, 'Authorization_RequestDenied');
      assert.ok(reviewers().members.includes(ian), 'still a member');
      tenant.setAppGrants({ roleManagementWrite: true });
      assert.equal((await graph('DELETE', `/groups/${reviewers().id}/members/${ian}/$ref`)).status, 204);
      assert.ok(!reviewers().members.includes(ian));
      tenant.reset();
      assert.equal(tenant.state().groups.find((g) => g.displayName === 'Privileged Access Reviewers')!.members.includes(ian), true);
      assert.equal((await graph('DELETE', `/groups/${reviewers().id}/members/${ian}/$ref`)).status, 403, 'reset restores the start-up grants');
    });

    it("a member's or owner's account needs a Privileged Authentication Administrator: 403 for a User Administrator", async () => {
      // Rachel Kim owns the group and holds no role herself: the group alone protects her.
      const rachel = reviewers().owners[0]!;
      assert.equal(tenant.state().directoryRoles.some((r) => r.members.includes(rachel)), false);
      assert.equal((await graph('PATCH', `/users/${rachel}`, { accountEnabled: false })).status, 403);
      tenant.setAppGrants({ privilegedAuthenticationAdministrator: true });
      assert.equal((await graph('PATCH', `/users/${rachel}`, { accountEnabled: false })).status, 204);
    });
  });

  describe('a full run for Ian Murphy, a member of a role-assignable group', function () {
    this.timeout(60_000);

    async function offboardIan(appGrants: Partial<AppGrants>, options: OffboardingOptions) {
      const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: 100, appGrants });
      const { engine } = engineOver(tenant, { maxRetries: 3 });
      const ian = tenant.personas.roleGroupMember!;
      const manager = tenant.state().users.find((u) => u.id === ian)!.managerId!;
      const preview = await engine.preview(ian, manager, options);
      assert.deepEqual(preview.plan.refusals, []);
      const view = await engine.execute('req-ian', preview);
      const group = tenant.state().groups.find((g) => g.displayName === 'Privileged Access Reviewers')!;
      return { tenant, ian, preview, view, group, byKind: new Map(view.steps.map((s) => [s.kind, s])) };
    }

    it('default options, with the Privileged Authentication Administrator role: completed, the group left with its follow-up', async () => {
      const { tenant, ian, preview, view, group, byKind } = await offboardIan({ privilegedAuthenticationAdministrator: true }, DEFAULT_OPTIONS);
      try {
        assert.deepEqual(view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`), []);
        assert.equal(view.run.status, 'completed');
        assert.ok(preview.plan.warnings.some((w) => w.code === 'role-assignable-groups'));
        assert.ok(preview.plan.followUps.some((f) => f.message === `Privileged Access Reviewers: ${ROLE_ASSIGNABLE_MEMBER_REASON}.`));
        assert.match(byKind.get('groups-left-in-place')?.reason ?? '', /left in place: 1 role-assignable/);
        assert.ok((byKind.get('leave-groups')?.counts.done ?? 0) >= 1, 'the other groups are left');
        assert.ok(group.members.includes(ian), 'still in the role-assignable group');
        assert.ok(!tenant.requestLog().some((e) => e.method === 'DELETE' && e.path.includes(group.id)), 'no removal was attempted');
        const user = tenant.state().users.find((u) => u.id === ian)!;
        assert.equal(user.accountEnabled, false, 'contained');
      } finally {
        await tenant.close();
      }
    });

    it('default options, with the guide\'s User Administrator only: warned before approval, and containment is refused (403), not hidden', async () => {
      const { tenant, preview, view, byKind } = await offboardIan({}, DEFAULT_OPTIONS);
      try {
        assert.ok(preview.plan.warnings.some((w) => w.code === 'role-assignable-groups'));
        assert.equal(view.run.status, 'completed-with-failures');
        assert.equal(byKind.get('block-sign-in')?.status, 'failed');
        assert.match(byKind.get('block-sign-in')?.reason ?? '', /403 Authorization_RequestDenied/);
      } finally {
        await tenant.close();
      }
    });

    it('removeFromRoleAssignableGroups with RoleManagement.ReadWrite.Directory: removed; without it: the removal fails with 403', async () => {
      const granted = await offboardIan({ privilegedAuthenticationAdministrator: true, roleManagementWrite: true }, ON);
      try {
        assert.equal(granted.view.run.status, 'completed');
        assert.ok(!granted.group.members.includes(granted.ian), 'removed from the role-assignable group');
        assert.doesNotMatch(granted.byKind.get('groups-left-in-place')?.reason ?? '', /role-assignable/);
      } finally {
        await granted.tenant.close();
      }
      const denied = await offboardIan({ privilegedAuthenticationAdministrator: true }, ON);
      try {
        assert.equal(denied.view.run.status, 'completed-with-failures');
        const leave = denied.byKind.get('leave-groups')!;
        assert.equal(leave.status, 'failed');
        assert.match(leave.reason ?? '', /Privileged Access Reviewers: 403 Authorization_RequestDenied/);
        assert.ok(denied.group.members.includes(denied.ian));
      } finally {
        await denied.tenant.close();
      }
    });
  });
});
