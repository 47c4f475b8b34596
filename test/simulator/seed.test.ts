// The demo organisation carries every hard case on purpose; these checks keep it that way when the generator changes.
import assert from 'node:assert/strict';
import { loadSeed } from '../../src/simulator/seed';
import { TenantState } from '../../src/simulator/state';

const seed = loadSeed();
const state = new TenantState(seed);
const P = seed.personas;

describe('simulator seed (demo organisation)', () => {
  it('keeps the documented, stable persona ids', () => {
    assert.deepEqual(P, {
      operator: '8bdb3d68-0057-572a-8fa8-f93470296a37',
      jane: '49acab2f-b4ee-5171-a92c-a2036996b10e',
      janeManager: 'a1abf5df-27fe-52c8-84d4-86a6779ab3cb',
      secondJane: '7127f066-bd31-5c8b-aa9a-47ea65a81b89',
      syncedUser: 'f5db9a10-d01f-5603-a866-96c573201924',
      syncedCloudManagedUser: '10206010-9762-5944-93f4-793f17a2f314',
      adminUser: '92f30a6e-7ce4-5e0f-8b58-9e6dc3224b2f',
      noManagerUser: '310077e7-673d-5faa-9443-384a61aa011d',
      protectedUser: 'd02f66ec-1325-5e54-940b-c013a8a3346a',
      approver1: 'bb9700c3-6bec-5e67-a324-762a652c06b0',
      approver2: 'cf64f027-33a5-5852-8a7a-1db0fd1127e5',
      inheritorCandidate: 'f19ea5c6-87bc-595b-ac6e-b71a304132c5',
      roleGroupMember: '9318c9b1-5ba3-58ab-93fa-53f5d3576f1c',
      outsideUnit: '875e11a2-a2ae-5951-adb5-91d0dd8e89c1',
    });
    assert.equal(seed.users.length, 50);
  });

  it('gives Jane Doe more than 100 direct groups of every kind', () => {
    const groups = state.directGroups(P.jane!);
    assert.ok(groups.length > 100, `${groups.length}`);
    const has = (test: (g: (typeof groups)[number]) => boolean): boolean => groups.some(test);
    assert.ok(has((g) => g.securityEnabled && !g.mailEnabled && g.groupTypes.length === 0), 'security');
    assert.ok(has((g) => g.groupTypes.includes('Unified') && g.resourceProvisioningOptions.includes('Team')), 'Teams');
    assert.ok(has((g) => g.groupTypes.includes('Unified') && !g.resourceProvisioningOptions.includes('Team')), 'Microsoft 365');
    assert.ok(has((g) => g.groupTypes.includes('DynamicMembership')), 'dynamic');
    assert.ok(has((g) => g.onPremisesSyncEnabled === true), 'synced');
    assert.ok(has((g) => g.mailEnabled && !g.securityEnabled && g.groupTypes.length === 0), 'distribution list');
    assert.ok(has((g) => g.mailEnabled && g.securityEnabled && g.groupTypes.length === 0), 'mail-enabled security');
    const soleOwned = state.ownedGroups(P.jane!).filter((g) => g.owners.length === 1);
    assert.deepEqual(soleOwned.map((g) => g.displayName), ['Sales Enablement Hub']);
    const licensing = groups.filter((g) => g.assignedLicenses.length > 0);
    assert.equal(licensing.length, 1);
  });

  it('gives Jane direct and group-assigned licences, the group one carrying Exchange Online Plan 2', () => {
    const jane = state.findUser(P.jane!)!;
    const states = state.licenceStates(jane);
    assert.ok(states.some((s) => s.assignedByGroup === null));
    const byGroup = states.filter((s) => s.assignedByGroup !== null);
    assert.equal(byGroup.length, 1);
    const sku = state.findSku(byGroup[0]!.skuId)!;
    assert.ok(sku.servicePlans.some((p) => p.servicePlanName === 'EXCHANGE_S_ENTERPRISE'));
    assert.ok(state.servicePlanNames(jane).has('EXCHANGE_S_ENTERPRISE'));
  });

  it('wires operators, approvers and protected groups as the scenarios need', () => {
    const inGroup = (user: string, group: string): boolean => state.transitiveGroups(user).some((g) => g.id === group);
    const g = seed.groupSettings;
    assert.ok(inGroup(P.operator!, g.operatorsGroupId));
    assert.ok(!state.directGroups(P.operator!).some((x) => x.id === g.operatorsGroupId), 'operator is a member only through a nested group');
    assert.ok(inGroup(P.janeManager!, g.operatorsGroupId));
    assert.equal(state.findUser(P.jane!)!.managerId, P.janeManager);
    assert.notEqual(state.findUser(P.jane!)!.managerId, P.operator);
    assert.ok(inGroup(P.protectedUser!, g.protectedGroupId));
    assert.ok(!state.directGroups(P.protectedUser!).some((x) => x.id === g.protectedGroupId), 'protected through a nested group');
    assert.ok(inGroup(P.approver1!, g.approversGroupId) && inGroup(P.approver2!, g.approversGroupId));
    assert.equal(state.findUser(P.noManagerUser!)!.managerId, null);
    assert.equal(state.findUser(P.syncedUser!)!.onPremisesSyncEnabled, true);
    // Two synced users: Exchange attributes mastered on-premises (Samuel), and moved to the cloud (Charlotte).
    assert.equal(state.mailboxOf(P.syncedUser!)!.IsExchangeCloudManaged ?? false, false);
    assert.equal(state.findUser(P.syncedCloudManagedUser!)!.onPremisesSyncEnabled, true);
    assert.equal(state.mailboxOf(P.syncedCloudManagedUser!)!.IsExchangeCloudManaged, true);
    assert.ok(state.transitiveRoles(P.adminUser!).length > 0);
    assert.ok(state.findUser(P.secondJane!)!.displayName.startsWith('Jane'));
  });

  it('lists the Teams app in the org catalog under a different id, not installed for approver2', () => {
    const app = seed.teamsApps.find((a) => a.externalId === seed.teamsAppExternalId)!;
    assert.equal(seed.teamsAppExternalId, '6f1a1f0e-5b8a-4c1e-9d61-0ffb0a7d1e01');
    assert.notEqual(app.id, app.externalId);
    assert.equal(app.distributionMethod, 'organization');
    assert.ok((seed.installedApps[P.approver1!] ?? []).some((i) => i.teamsAppId === app.id));
    assert.ok(!(seed.installedApps[P.approver2!] ?? []).some((i) => i.teamsAppId === app.id));
  });

  it('gives Jane devices, methods, rules, grants, a sized mailbox and a OneDrive', () => {
    const jane = P.jane!;
    const owners = seed.managedDevices.filter((d) => d.userId === jane).map((d) => d.managedDeviceOwnerType).sort();
    assert.deepEqual(owners, ['company', 'personal']);
    assert.ok(seed.devices.some((d) => d.registeredUsers.includes(jane) && d.operatingSystem === 'Windows' && d.trustType === 'Workplace'));
    const methods = seed.authenticationMethods[jane]!;
    assert.ok(methods.methods.length >= 4 && methods.defaultMethodId !== null);
    const mailbox = seed.mailboxes.find((m) => m.userId === jane)!;
    assert.equal(mailbox.totalItemSizeBytes, 13_249_974_272);
    assert.ok(mailbox.inboxRules.some((r) => (r.ForwardTo ?? []).some((f) => f.includes('@example.net'))));
    // A hidden rule sending mail outside, and the hidden system rules (junk e-mail, automatic replies).
    assert.ok(mailbox.inboxRules.some((r) => r.hidden && (r.RedirectTo ?? []).length > 0));
    assert.deepEqual(mailbox.inboxRules.filter((r) => r.hidden && /^(Junk E-mail Rule|Microsoft\.Exchange\.OOF\.)/.test(r.Name)).length, 3);
    // An alternate mobile number besides the mobile one, and an external method.
    assert.deepEqual(methods.methods.filter((m) => m['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod').map((m) => m.phoneType), ['mobile', 'alternateMobile']);
    assert.ok(methods.methods.some((m) => m['@odata.type'] === '#microsoft.graph.externalAuthenticationMethod'));
    assert.ok(mailbox.mobileDevices.some((d) => d.ClientType === 'EAS'));
    assert.ok(seed.oauth2PermissionGrants.some((g) => g.principalId === jane && g.consentType === 'Principal'));
    assert.ok(seed.drives.some((d) => d.ownerId === jane));
  });
});
