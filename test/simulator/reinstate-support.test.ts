// What a reinstatement calls: Temporary Access Pass and its policy, deleted users' 30 days and restore, licence seats,
// group references, devices, automatic replies, OneDrive permissions, and the Exchange undo cmdlets.
import assert from 'node:assert/strict';
import { useTenant, graphFailure, invoke, JANE_UPN } from './helpers';

const TAP = '#microsoft.graph.temporaryAccessPassAuthenticationMethod';
const DAY = 24 * 3600 * 1000;
const VISIO = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';
const DL = '04205c1f-cefd-5f37-98f9-4b2a0f7e337c';
const DYNAMIC = '0c74fb36-4dfd-5be9-acaa-52c30a284464';

describe('simulator: what a reinstatement needs', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 0 });
  const taps = (user: string | undefined): string => `/users/${user}/authentication/temporaryAccessPassMethods`;

  describe('Temporary Access Pass', () => {
    it('creates a pass (201, the secret once), lists and gets it without the secret, shows it among methods, deletes it', async () => {
      const created = (await sim.client.api(taps(sim.P.jane)).post({ lifetimeInMinutes: 120, isUsableOnce: true })) as Record<string, unknown>;
      assert.equal(created['@odata.type'], TAP);
      assert.equal(typeof created.temporaryAccessPass, 'string');
      assert.equal((created.temporaryAccessPass as string).length, 8);
      assert.deepEqual(
        { lifetimeInMinutes: created.lifetimeInMinutes, isUsableOnce: created.isUsableOnce, isUsable: created.isUsable, reason: created.methodUsabilityReason },
        { lifetimeInMinutes: 120, isUsableOnce: true, isUsable: true, reason: 'EnabledByPolicy' },
      );
      assert.ok(typeof created.createdDateTime === 'string' && typeof created.startDateTime === 'string');
      assert.deepEqual(sim.tenant.issuedSecrets(), [created.temporaryAccessPass]);
      const id = created.id as string;

      const list = (await sim.client.api(taps(sim.P.jane)).get()) as { value: Record<string, unknown>[] };
      assert.deepEqual(list.value.map((m) => m.id), [id]);
      assert.equal('temporaryAccessPass' in list.value[0]!, false);
      const one = (await sim.client.api(`${taps(sim.P.jane)}/${id}`).get()) as Record<string, unknown>;
      assert.equal(one.id, id);
      assert.equal('temporaryAccessPass' in one, false);
      const all = (await sim.client.api(`/users/${sim.P.jane}/authentication/methods`).get()) as { value: Record<string, unknown>[] };
      const inAll = all.value.find((m) => m['@odata.type'] === TAP)!;
      assert.equal(inAll.id, id);
      assert.equal('temporaryAccessPass' in inAll, false);

      await sim.client.api(`${taps(sim.P.jane)}/${id}`).delete();
      assert.equal((await graphFailure(sim.client.api(`${taps(sim.P.jane)}/${id}`).get())).statusCode, 404);
      assert.equal((await graphFailure(sim.client.api(`${taps(sim.P.jane)}/${id}`).delete())).statusCode, 404);
    });

    it('uses the policy default lifetime, replaces an existing pass, reports NotYetValid and Expired', async () => {
      const first = (await sim.client.api(taps(sim.P.jane)).post({})) as Record<string, unknown>;
      assert.equal(first.lifetimeInMinutes, 60);
      assert.equal(first.isUsableOnce, false);
      const later = new Date(Date.now() + 2 * DAY).toISOString();
      const second = (await sim.client.api(taps(sim.P.jane)).post({ startDateTime: later })) as Record<string, unknown>;
      assert.equal(second.isUsable, false);
      assert.equal(second.methodUsabilityReason, 'NotYetValid');
      const list = (await sim.client.api(taps(sim.P.jane)).get()) as { value: Record<string, unknown>[] };
      assert.deepEqual(list.value.map((m) => m.id), [second.id]);
      sim.tenant.advanceClock(3 * DAY);
      const expired = (await sim.client.api(`${taps(sim.P.jane)}/${second.id as string}`).get()) as Record<string, unknown>;
      assert.deepEqual([expired.isUsable, expired.methodUsabilityReason], [false, 'Expired']);
    });

    it('enforces the policy: lifetime bounds, one-time only, disabled, not targeted, excluded; 404 for unknown or deleted users', async () => {
      for (const lifetimeInMinutes of [30, 481, 5]) {
        assert.equal((await graphFailure(sim.client.api(taps(sim.P.jane)).post({ lifetimeInMinutes }))).statusCode, 400);
      }
      sim.tenant.setTemporaryAccessPassPolicy({ isUsableOnce: true });
      assert.equal((await graphFailure(sim.client.api(taps(sim.P.jane)).post({ isUsableOnce: false }))).statusCode, 400);
      assert.equal(((await sim.client.api(taps(sim.P.jane)).post({})) as Record<string, unknown>).isUsableOnce, true);

      sim.tenant.setTemporaryAccessPassPolicy({ state: 'disabled' });
      const disabled = await graphFailure(sim.client.api(taps(sim.P.jane)).post({}));
      assert.deepEqual([disabled.statusCode, disabled.code], [400, 'badRequest']);
      const listed = (await sim.client.api(taps(sim.P.jane)).get()) as { value: Record<string, unknown>[] };
      assert.equal(listed.value[0]!.methodUsabilityReason, 'DisabledByPolicy');

      sim.tenant.setTemporaryAccessPassPolicy({ state: 'enabled', includeTargets: [{ id: sim.tenant.groups.operatorsGroupId }] });
      assert.equal((await graphFailure(sim.client.api(taps(sim.P.jane)).post({}))).statusCode, 400);
      sim.tenant.setTemporaryAccessPassPolicy({ includeTargets: [{ id: 'all_users' }], excludeTargets: [{ id: '87109fc7-c963-5edb-9ecd-40112f2a2023' }] });
      assert.equal((await graphFailure(sim.client.api(taps(sim.P.jane)).post({}))).statusCode, 400);
      assert.throws(() => sim.tenant.setTemporaryAccessPassPolicy({ minimumLifetimeInMinutes: 500 }), /minimumLifetimeInMinutes/);

      const unknown = await graphFailure(sim.client.api(taps('00000000-0000-0000-0000-000000000000')).post({}));
      assert.deepEqual([unknown.statusCode, unknown.code], [404, 'Request_ResourceNotFound']);
      await sim.client.api(`/users/${sim.P.inheritorCandidate}`).delete();
      assert.equal((await graphFailure(sim.client.api(taps(sim.P.inheritorCandidate)).post({}))).statusCode, 404);
    });

    it('reads the policy with its documented defaults, and changes it over HTTP', async () => {
      const policy = (await sim.client.api('/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass').get()) as Record<string, unknown>;
      assert.equal(policy['@odata.type'], '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration');
      assert.deepEqual(
        [policy.id, policy.state, policy.defaultLifetimeInMinutes, policy.defaultLength, policy.minimumLifetimeInMinutes, policy.maximumLifetimeInMinutes, policy.isUsableOnce],
        ['TemporaryAccessPass', 'enabled', 60, 8, 60, 480, false],
      );
      assert.deepEqual(policy.includeTargets, [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }]);
      const res = await fetch(`${sim.tenant.url}/_simulator/policies/temporaryAccessPass`, { method: 'PATCH', body: JSON.stringify({ maximumLifetimeInMinutes: 1440 }) });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Record<string, unknown>).maximumLifetimeInMinutes, 1440);
      const bad = await fetch(`${sim.tenant.url}/_simulator/policies/temporaryAccessPass`, { method: 'PATCH', body: JSON.stringify({ state: 'on' }) });
      assert.equal(bad.status, 400);
    });
  });

  describe('deleted users', () => {
    it('restores within 30 days with memberships, manager and mailbox; gone after 30 days', async () => {
      await sim.client.api(`/users/${sim.P.jane}`).delete();
      assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN })).status, 404);
      sim.tenant.advanceClock(29 * DAY);
      const restored = (await sim.client.api(`/directory/deletedItems/${sim.P.jane}/restore`).post(null)) as Record<string, unknown>;
      assert.equal(restored.id, sim.P.jane);
      assert.equal(restored['@odata.type'], '#microsoft.graph.user');
      const manager = (await sim.client.api(`/users/${sim.P.jane}/manager`).get()) as Record<string, unknown>;
      assert.equal(manager.id, sim.P.janeManager);
      const mbx = await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN });
      assert.equal(mbx.status, 200);
      assert.equal(sim.tenant.state().groups.find((g) => g.id === DL)!.members.includes(sim.P.jane!), true);

      await sim.client.api(`/users/${sim.P.inheritorCandidate}`).delete();
      sim.tenant.advanceClock(30 * DAY + 1000);
      assert.equal((await graphFailure(sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}`).get())).statusCode, 404);
      assert.equal((await graphFailure(sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}/restore`).post(null))).statusCode, 404);
      assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: 'tom.alvarez@contoso.com', SoftDeletedMailbox: true })).status, 404);
    });

    it('refuses a restore whose userPrincipalName another user now holds', async () => {
      const upn = 'tom.alvarez@contoso.com';
      await sim.client.api(`/users/${sim.P.inheritorCandidate}`).delete();
      sim.tenant.editTenant((data) => {
        const other = data.users.find((u) => u.id === sim.P.noManagerUser)!;
        other.userPrincipalName = upn;
      });
      const err = await graphFailure(sim.client.api(`/directory/deletedItems/${sim.P.inheritorCandidate}/restore`).post(null));
      assert.deepEqual([err.statusCode, err.code], [400, 'Request_BadRequest']);
      assert.match(err.message, /userPrincipalName already exists/);
    });
  });

  describe('licences', () => {
    it('counts consumed seats from assignments (deleted users free theirs) and refuses a SKU without a free seat', async () => {
      const skus = async (): Promise<Record<string, { consumedUnits: number; prepaidUnits: { enabled: number } }>> =>
        Object.fromEntries(((await sim.client.api('/subscribedSkus').get()) as { value: { skuId: string; consumedUnits: number; prepaidUnits: { enabled: number } }[] }).value.map((s) => [s.skuId, s]));
      const before = (await skus())[VISIO]!;
      const state = sim.tenant.state();
      const holders = state.users.filter((u) => u.assignedLicenses.some((l) => l.skuId === VISIO)).length;
      assert.equal(before.consumedUnits, holders);
      sim.tenant.editTenant((data) => {
        data.subscribedSkus.find((s) => s.skuId === VISIO)!.prepaidUnits.enabled = holders;
      });
      const err = await graphFailure(sim.client.api(`/users/${sim.P.noManagerUser}/assignLicense`).post({ addLicenses: [{ skuId: VISIO, disabledPlans: [] }], removeLicenses: [] }));
      assert.deepEqual([err.statusCode, err.code, err.message], [400, 'Request_BadRequest', `Subscription with SKU ${VISIO} does not have any available licenses.`]);
      const holder = state.users.find((u) => u.assignedLicenses.some((l) => l.skuId === VISIO) && !u.onPremisesSyncEnabled && u.id !== sim.P.adminUser)!;
      await sim.client.api(`/users/${holder.id}/assignLicense`).post({ addLicenses: [{ skuId: VISIO, disabledPlans: [] }], removeLicenses: [] });
      await sim.client.api(`/users/${holder.id}`).delete();
      assert.equal((await skus())[VISIO]!.consumedUnits, holders - 1);
      await sim.client.api(`/users/${sim.P.noManagerUser}/assignLicense`).post({ addLicenses: [{ skuId: VISIO, disabledPlans: [] }], removeLicenses: [] });
      // The seat is taken meanwhile: the restored user comes back without that licence.
      await sim.client.api(`/directory/deletedItems/${holder.id}/restore`).post(null);
      assert.equal(sim.tenant.state().users.find((u) => u.id === holder.id)!.assignedLicenses.some((l) => l.skuId === VISIO), false);
      assert.ok(sim.tenant.state().consequences.some((c) => c.userId === holder.id && c.kind === 'licenceNotRestored'));
    });
  });

  describe('groups and devices', () => {
    it('adds members and owners by reference, refusing duplicates, dynamic groups and distribution lists; removes them', async () => {
      const group = sim.tenant.groups.operatorsGroupId;
      const ref = (id: string | undefined): Record<string, string> => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
      await sim.client.api(`/groups/${group}/members/$ref`).post(ref(sim.P.noManagerUser));
      const dup = await graphFailure(sim.client.api(`/groups/${group}/members/$ref`).post(ref(sim.P.noManagerUser)));
      assert.deepEqual([dup.statusCode, dup.message], [400, "One or more added object references already exist for the following modified properties: 'members'."]);
      await sim.client.api(`/groups/${group}/owners/$ref`).post(ref(sim.P.noManagerUser));
      const dupOwner = await graphFailure(sim.client.api(`/groups/${group}/owners/$ref`).post(ref(sim.P.noManagerUser)));
      assert.match(dupOwner.message, /'owners'/);
      assert.equal((await graphFailure(sim.client.api(`/groups/${DYNAMIC}/members/$ref`).post(ref(sim.P.noManagerUser)))).statusCode, 400);
      const dl = await graphFailure(sim.client.api(`/groups/${DL}/members/$ref`).post(ref(sim.P.noManagerUser)));
      assert.deepEqual([dl.statusCode, dl.message], [400, 'Cannot Update a mail-enabled security groups and or distribution list.']);
      await sim.client.api(`/groups/${group}/owners/${sim.P.noManagerUser}/$ref`).delete();
      await sim.client.api(`/groups/${group}/members/${sim.P.noManagerUser}/$ref`).delete();
      assert.equal(sim.tenant.state().groups.find((g) => g.id === group)!.members.includes(sim.P.noManagerUser!), false);
    });

    it('re-enables a Windows device; other platforms answer 403 app-only', async () => {
      await sim.client.api('/devices/99fbf183-1e06-5029-8c23-e69f47aeb5d0').patch({ accountEnabled: false });
      await sim.client.api('/devices/99fbf183-1e06-5029-8c23-e69f47aeb5d0').patch({ accountEnabled: true });
      assert.equal(sim.tenant.state().devices.find((d) => d.id === '99fbf183-1e06-5029-8c23-e69f47aeb5d0')!.accountEnabled, true);
      assert.equal((await graphFailure(sim.client.api('/devices/1b3ad61e-2c22-5b61-8693-c52f5ceca9a9').patch({ accountEnabled: true }))).statusCode, 403);
    });
  });

  describe('automatic replies and OneDrive', () => {
    it('reads and turns off the automatic reply', async () => {
      await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({ automaticRepliesSetting: { status: 'alwaysEnabled', internalReplyMessage: 'Gone' } });
      const setting = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings/automaticRepliesSetting`).get()) as Record<string, unknown>;
      assert.deepEqual([setting.status, setting.internalReplyMessage], ['alwaysEnabled', 'Gone']);
      await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).patch({ automaticRepliesSetting: { status: 'disabled' } });
      const all = (await sim.client.api(`/users/${sim.P.jane}/mailboxSettings`).get()) as { automaticRepliesSetting: { status: string } };
      assert.equal(all.automaticRepliesSetting.status, 'disabled');
    });

    it("lists the owner's permission, deletes an invited one (root and item path), refuses the owner's and unknown ones", async () => {
      const drive = (await sim.client.api(`/users/${sim.P.noManagerUser}/drive`).get()) as { id: string };
      const invited = (await sim.client.api(`/drives/${drive.id}/root/invite`).post({ recipients: [{ email: 'tom.alvarez@contoso.com' }], roles: ['write'], requireSignIn: true, sendInvitation: false })) as {
        value: { id: string; grantedToV2: { user: { id: string; email: string; displayName: string } } }[];
      };
      assert.equal(invited.value[0]!.grantedToV2.user.id, sim.P.inheritorCandidate);
      const perms = (await sim.client.api(`/drives/${drive.id}/root/permissions`).get()) as { value: { id: string; roles: string[] }[] };
      const owner = perms.value.find((p) => p.roles.includes('owner'))!;
      assert.equal((await graphFailure(sim.client.api(`/drives/${drive.id}/root/permissions/${owner.id}`).delete())).statusCode, 403);
      await sim.client.api(`/drives/${drive.id}/root/permissions/${invited.value[0]!.id}`).delete();
      const missing = await graphFailure(sim.client.api(`/drives/${drive.id}/root/permissions/${invited.value[0]!.id}`).delete());
      assert.deepEqual([missing.statusCode, missing.code], [404, 'itemNotFound']);
      const again = (await sim.client.api(`/drives/${drive.id}/root/invite`).post({ recipients: [{ email: 'tom.alvarez@contoso.com' }], roles: ['read'] })) as { value: { id: string }[] };
      const root = (await sim.client.api(`/drives/${drive.id}/root`).get()) as { id: string };
      await sim.client.api(`/drives/${drive.id}/items/${root.id}/permissions/${again.value[0]!.id}`).delete();
      const left = (await sim.client.api(`/drives/${drive.id}/root/permissions`).get()) as { value: unknown[] };
      assert.equal(left.value.length, 1);
    });
  });

  describe('Exchange undo cmdlets', () => {
    it('converts a shared mailbox back to a user mailbox, warning when no licence carries Exchange', async () => {
      await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' });
      const back = await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Regular' });
      assert.equal(back.status, 200);
      assert.deepEqual(back.body['@adminapi.warnings'] ?? [], []);
      const got = await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN });
      assert.equal(got.body.value![0]!.RecipientTypeDetails, 'UserMailbox');
    });

    it('converts an unlicensed shared mailbox back with a warning and records that it will be disabled', async () => {
      sim.tenant.editTenant((data) => {
        data.users.find((u) => u.id === sim.P.jane)!.assignedLicenses = [];
        for (const g of data.groups) {
          g.assignedLicenses = g.members.includes(sim.P.jane!) ? [] : g.assignedLicenses;
        }
      });
      await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' });
      const back = await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Regular' });
      assert.equal(back.status, 200);
      assert.match(back.body['@adminapi.warnings']![0]!, /without an Exchange Online license/);
      assert.ok(sim.tenant.state().consequences.some((c) => c.userId === sim.P.jane && c.kind === 'mailboxMarkedForDeletion'));
    });

    it('removes FullAccess and SendAs, warning when the ACE does not exist', async () => {
      await invoke(sim.tenant, 'Add-MailboxPermission', { Identity: JANE_UPN, User: 'elena.fischer@contoso.com', AccessRights: 'FullAccess', AutoMapping: true });
      const removed = await invoke(sim.tenant, 'Remove-MailboxPermission', { Identity: JANE_UPN, User: 'elena.fischer@contoso.com', AccessRights: 'FullAccess', InheritanceType: 'All', Confirm: false });
      assert.equal(removed.status, 200);
      const again = await invoke(sim.tenant, 'Remove-MailboxPermission', { Identity: JANE_UPN, User: 'elena.fischer@contoso.com', AccessRights: 'FullAccess', Confirm: false });
      assert.match(again.body['@adminapi.warnings']![0]!, /because the ACE doesn't exist on the object/);

      await invoke(sim.tenant, 'Add-RecipientPermission', { Identity: JANE_UPN, Trustee: 'elena.fischer@contoso.com', AccessRights: 'SendAs' });
      const listed = await invoke(sim.tenant, 'Get-RecipientPermission', { Identity: JANE_UPN, Trustee: 'elena.fischer@contoso.com' });
      assert.deepEqual(listed.body.value!.map((p) => p.AccessRights), [['SendAs']]);
      assert.equal((await invoke(sim.tenant, 'Remove-RecipientPermission', { Identity: JANE_UPN, Trustee: 'elena.fischer@contoso.com', AccessRights: 'SendAs', Confirm: false })).status, 200);
      assert.deepEqual((await invoke(sim.tenant, 'Get-RecipientPermission', { Identity: JANE_UPN, Trustee: 'elena.fischer@contoso.com' })).body.value, []);
      const none = await invoke(sim.tenant, 'Remove-RecipientPermission', { Identity: JANE_UPN, Trustee: 'elena.fischer@contoso.com', AccessRights: 'SendAs', Confirm: false });
      assert.match(none.body['@adminapi.warnings']![0]!, /because the ACE doesn't exist on the object/);
    });

    it('adds a distribution group member with the bypass switch, refusing a duplicate and a call without the switch', async () => {
      const noBypass = await invoke(sim.tenant, 'Add-DistributionGroupMember', { Identity: DL, Member: 'elena.fischer@contoso.com' });
      assert.equal(noBypass.status, 400, JSON.stringify(noBypass.body));
      assert.match(noBypass.body.error!.details![0]!.message, /OperationRequiresGroupManagerException/);
      const added = await invoke(sim.tenant, 'Add-DistributionGroupMember', { Identity: DL, Member: 'elena.fischer@contoso.com', BypassSecurityGroupManagerCheck: true });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const dup = await invoke(sim.tenant, 'Add-DistributionGroupMember', { Identity: DL, Member: 'elena.fischer@contoso.com', BypassSecurityGroupManagerCheck: true });
      assert.equal(dup.status, 400);
      assert.match(dup.body.error!.details![0]!.message, /MemberAlreadyExistsException\|The recipient "elena.fischer@contoso.com" is already a member of the group "DL Sales Announcements"\./);
    });

    it('shows the address list and protocols again', async () => {
      await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, HiddenFromAddressListsEnabled: true });
      await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, HiddenFromAddressListsEnabled: false });
      await invoke(sim.tenant, 'Set-CASMailbox', { Identity: JANE_UPN, ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false });
      await invoke(sim.tenant, 'Set-CASMailbox', { Identity: JANE_UPN, ActiveSyncEnabled: true, PopEnabled: true, ImapEnabled: true });
      const cas = (await invoke(sim.tenant, 'Get-CASMailbox', { Identity: JANE_UPN })).body.value![0]!;
      assert.deepEqual([cas.ActiveSyncEnabled, cas.PopEnabled, cas.ImapEnabled], [true, true, true]);
      const mbx = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN })).body.value![0]!;
      assert.equal(mbx.HiddenFromAddressListsEnabled, false);
    });
  });
});
