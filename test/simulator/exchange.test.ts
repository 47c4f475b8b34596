// Exchange cmdlets over InvokeCommand with plain fetch, as the bot's Exchange gateway sends them.
import assert from 'node:assert/strict';
import type { SeedTenant } from '../../src/simulator/types';
import { invoke, JANE_UPN, useTenant } from './helpers';

describe('simulator Exchange InvokeCommand', () => {
  const sim = useTenant({ mailboxConversionDelayMs: 250 });

  it("answers in InvokeCommand's shape and reads a mailbox by UPN, id or alias", async () => {
    const res = await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body['@adminapi.warnings'], []);
    const mbx = res.body.value![0]!;
    assert.equal(mbx.RecipientTypeDetails, 'UserMailbox');
    assert.equal(mbx.ExternalDirectoryObjectId, sim.P.jane);
    assert.equal(mbx.LitigationHoldEnabled, false);
    for (const id of [sim.P.jane!, 'janedoe', 'JANE.DOE@contoso.com']) {
      assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { identity: id })).body.value![0]!.ExternalDirectoryObjectId, sim.P.jane);
    }
    const entry = sim.tenant.requestLog()[0]!;
    assert.deepEqual([entry.service, entry.cmdlet, entry.method, entry.path, entry.status], ['exchange', 'Get-Mailbox', 'POST', `/adminapi/beta/${sim.tenant.tenantId}/InvokeCommand`, 200]);
  });

  it("refuses unknown cmdlets and parameters, and unknown objects, with Exchange's errors", async () => {
    const cmdlet = await invoke(sim.tenant, 'Get-Nonsense', {});
    assert.equal(cmdlet.status, 400);
    assert.match(cmdlet.body.error!.innererror!.internalexception!.message, /The term 'Get-Nonsense' is not recognized/);
    const param = await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, BogusParameter: 1 });
    assert.equal(param.status, 400);
    assert.equal(param.body.error!.message, 'Invalid Operation');
    assert.match(param.body.error!.details![0]!.message, /AmbiguousParameterSetException\|.*BogusParameter/);
    const missing = await invoke(sim.tenant, 'Get-Mailbox', { Identity: 'nobody@contoso.com' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error!.code, 'NotFound');
    assert.match(missing.body.error!.details![0]!.message, /^Ex6F9304\|Microsoft\.Exchange\.Configuration\.Tasks\.ManagementObjectNotFoundException\|The operation couldn't be performed because object 'nobody@contoso.com' couldn't be found/);
    const badType = await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Public' });
    assert.equal(badType.status, 400);
    const wrongTenant = await fetch(`${sim.tenant.exchangeBaseUrl}/adminapi/beta/not-this-tenant/InvokeCommand`, { method: 'POST', body: '{}' });
    assert.equal(wrongTenant.status, 404);
  });

  it('converts to shared visibly only after the configured delay', async () => {
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' })).status, 200);
    const soon = await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN });
    assert.equal(soon.body.value![0]!.RecipientTypeDetails, 'UserMailbox');
    await new Promise((r) => setTimeout(r, 300));
    const later = await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN });
    assert.equal(later.body.value![0]!.RecipientTypeDetails, 'SharedMailbox');
    const again = await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' });
    assert.deepEqual(again.body['@adminapi.warnings'], ["The command completed successfully but no settings of 'janedoe' have been modified."]);
  });

  it('soft-deletes the mailbox with its account, shared or not', async () => {
    await invoke(sim.tenant, 'Set-Mailbox', { Identity: 'sales@contoso.com', HiddenFromAddressListsEnabled: true });
    const shared = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: 'sales@contoso.com' })).body.value![0]!;
    await fetch(`${sim.tenant.graphBaseUrl}/v1.0/users/${String(shared.ExternalDirectoryObjectId)}`, { method: 'DELETE' });
    assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: 'sales@contoso.com' })).status, 404);
    const deleted = await invoke(sim.tenant, 'Get-Mailbox', { Identity: 'sales@contoso.com', SoftDeletedMailbox: true });
    assert.equal(deleted.body.value![0]!.RecipientTypeDetails, 'SharedMailbox');
    const state = sim.tenant.state() as { consequences: { kind: string }[] };
    assert.deepEqual(state.consequences.map((c) => c.kind), ['mailboxDeletedWithAccount']);
  });

  it("reports the mailbox size in Exchange's string form", async () => {
    const stats = await invoke(sim.tenant, 'Get-MailboxStatistics', { Identity: JANE_UPN });
    assert.equal(stats.body.value![0]!.TotalItemSize, '12.34 GB (13,249,974,272 bytes)');
    assert.equal(stats.body.value![0]!.ItemCount, 48213);
  });

  it('sets the hold, forwarding and GAL visibility, and clears forwarding with $null', async () => {
    const set = await invoke(sim.tenant, 'Set-Mailbox', {
      Identity: JANE_UPN,
      LitigationHoldEnabled: true,
      ForwardingSmtpAddress: 'tom.alvarez@contoso.com',
      DeliverToMailboxAndForward: true,
      HiddenFromAddressListsEnabled: '$true',
    });
    assert.equal(set.status, 200);
    let mbx = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN })).body.value![0]!;
    assert.deepEqual(
      [mbx.LitigationHoldEnabled, mbx.ForwardingSmtpAddress, mbx.DeliverToMailboxAndForward, mbx.HiddenFromAddressListsEnabled],
      [true, 'smtp:tom.alvarez@contoso.com', true, true],
    );
    await invoke(sim.tenant, 'Set-Mailbox', { Identity: JANE_UPN, ForwardingSmtpAddress: null, ForwardingAddress: null, DeliverToMailboxAndForward: false });
    mbx = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN })).body.value![0]!;
    assert.deepEqual([mbx.ForwardingSmtpAddress, mbx.ForwardingAddress], [null, null]);
    assert.deepEqual((sim.tenant.state() as { consequences: unknown[] }).consequences, []);
  });

  it('flags a hold on a mailbox without Plan 2, and refuses on-premises-mastered attributes of a synced mailbox', async () => {
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: 'henry.walker@contoso.com', LitigationHoldEnabled: true })).status, 200);
    const state = sim.tenant.state() as { consequences: { kind: string }[] };
    assert.deepEqual(state.consequences.map((c) => c.kind), ['holdWithoutPlan2']);
    const synced = await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.syncedUser, HiddenFromAddressListsEnabled: true });
    assert.equal(synced.status, 400);
    assert.match(synced.body.error!.details![0]!.message, /being synchronized from your on-premises organization/);
    const forwarding = await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.syncedUser, ForwardingAddress: null });
    assert.equal(forwarding.status, 400, 'altRecipient is mastered on-premises');
    // ForwardingSmtpAddress (msExchGenericForwardingAddress) is not synchronized from AD: the cloud accepts it.
    assert.equal((await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.syncedUser, ForwardingSmtpAddress: null, DeliverToMailboxAndForward: false })).status, 200);
  });

  it('honours IsExchangeCloudManaged: a synced mailbox whose Exchange attributes are cloud-managed accepts them', async () => {
    const samuel = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: sim.P.syncedUser })).body.value![0]!;
    assert.deepEqual([samuel.IsDirSynced, samuel.IsExchangeCloudManaged], [true, false]);
    const charlotte = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: sim.P.syncedCloudManagedUser })).body.value![0]!;
    assert.deepEqual([charlotte.IsDirSynced, charlotte.IsExchangeCloudManaged], [true, true]);
    const hide = await invoke(sim.tenant, 'Set-Mailbox', { Identity: sim.P.syncedCloudManagedUser, HiddenFromAddressListsEnabled: true, ForwardingAddress: null });
    assert.equal(hide.status, 200);
    const after = (await invoke(sim.tenant, 'Get-Mailbox', { Identity: sim.P.syncedCloudManagedUser })).body.value![0]!;
    assert.equal(after.HiddenFromAddressListsEnabled, true);
    assert.equal((await invoke(sim.tenant, 'Get-Mailbox', { Identity: JANE_UPN })).body.value![0]!.IsExchangeCloudManaged, false, 'a cloud user reports false');
  });

  it('grants FullAccess and SendAs to the inheritor', async () => {
    const full = await invoke(sim.tenant, 'Add-MailboxPermission', { Identity: JANE_UPN, User: 'tom.alvarez@contoso.com', AccessRights: ['FullAccess'], AutoMapping: true, InheritanceType: 'All' });
    assert.equal(full.status, 200);
    assert.deepEqual(full.body.value![0]!.AccessRights, ['FullAccess']);
    const again = await invoke(sim.tenant, 'Add-MailboxPermission', { Identity: JANE_UPN, User: sim.P.inheritorCandidate, AccessRights: 'FullAccess' });
    assert.equal(again.body['@adminapi.warnings']!.length, 1);
    const perms = await invoke(sim.tenant, 'Get-MailboxPermission', { Identity: JANE_UPN, User: 'tom.alvarez@contoso.com' });
    assert.equal(perms.body.value!.length, 1);
    const sendAs = await invoke(sim.tenant, 'Add-RecipientPermission', { Identity: JANE_UPN, Trustee: 'tom.alvarez@contoso.com', AccessRights: 'SendAs', Confirm: false });
    assert.equal(sendAs.body.value![0]!.Trustee, 'tom.alvarez@contoso.com');
    const badUser = await invoke(sim.tenant, 'Add-MailboxPermission', { Identity: JANE_UPN, User: 'ghost@contoso.com', AccessRights: 'FullAccess' });
    assert.equal(badUser.status, 400);
  });

  it('lists and removes inbox rules, including the one forwarding outside', async () => {
    const rules = (await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN })).body.value!;
    assert.equal(rules.length, 3);
    const forward = rules.find((r) => ((r.ForwardTo as string[] | null) ?? []).some((f) => f.includes('example.net')))!;
    assert.equal((await invoke(sim.tenant, 'Remove-InboxRule', { Identity: forward.Identity, Confirm: false })).status, 200);
    assert.equal((await invoke(sim.tenant, 'Remove-InboxRule', { Mailbox: JANE_UPN, Identity: 'Newsletters to Reading' })).status, 200);
    assert.equal((await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN })).body.value!.length, 1);
    assert.equal((await invoke(sim.tenant, 'Remove-InboxRule', { Identity: forward.Identity })).status, 404);
  });

  it('lists hidden rules (the system ones and a hidden redirect) only with -IncludeHidden, and removes one by identity', async () => {
    const visible = (await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN })).body.value!;
    const all = (await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN, IncludeHidden: true })).body.value!;
    assert.equal((await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN, IncludeHidden: '$true' })).body.value!.length, all.length);
    const hidden = all.filter((r) => !visible.some((v) => v.Identity === r.Identity));
    assert.deepEqual(hidden.map((r) => r.Name), ['.', 'Junk E-mail Rule', 'Microsoft.Exchange.OOF.KnownExternalSenders.Global', 'Microsoft.Exchange.OOF.AllExternalSenders.Global']);
    const redirect = hidden[0]!;
    assert.deepEqual(redirect.RedirectTo, ['"jd.backup@mailbox.example" [SMTP:jd.backup@mailbox.example]']);
    assert.match(String(redirect.Identity), /^janedoe\\\d+$/);
    assert.equal((await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN, Identity: redirect.Identity })).status, 404, 'hidden without -IncludeHidden');
    assert.equal((await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN, Identity: redirect.Identity, IncludeHidden: true })).status, 200);
    assert.equal((await invoke(sim.tenant, 'Remove-InboxRule', { Mailbox: JANE_UPN, Identity: redirect.Identity, IncludeHidden: true })).status, 400, 'Remove-InboxRule has no -IncludeHidden');
    assert.equal((await invoke(sim.tenant, 'Remove-InboxRule', { Mailbox: JANE_UPN, Identity: redirect.Identity, Confirm: false })).status, 200);
    const left = (await invoke(sim.tenant, 'Get-InboxRule', { Mailbox: JANE_UPN, IncludeHidden: true })).body.value!;
    assert.equal(left.length, all.length - 1);
    assert.ok(!left.some((r) => r.Identity === redirect.Identity));
  });

  it('turns off ActiveSync/POP/IMAP and wipes the EAS account once', async () => {
    await invoke(sim.tenant, 'Set-CASMailbox', { Identity: JANE_UPN, ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false });
    const cas = (await invoke(sim.tenant, 'Get-CASMailbox', { Identity: JANE_UPN })).body.value![0]!;
    assert.deepEqual([cas.ActiveSyncEnabled, cas.PopEnabled, cas.ImapEnabled, cas.MAPIEnabled, cas.EwsEnabled, cas.OWAEnabled], [false, false, false, true, true, true]);
    const devices = (await invoke(sim.tenant, 'Get-MobileDevice', { Mailbox: JANE_UPN })).body.value!;
    assert.equal(devices.length, 1);
    assert.equal(devices[0]!.ClientType, 'EAS');
    assert.equal((await invoke(sim.tenant, 'Clear-MobileDevice', { Identity: devices[0]!.Identity, AccountOnly: true, Confirm: false })).status, 200);
    const state = sim.tenant.state() as { actions: { clearMobileDevice: Record<string, number> }; mailboxes: SeedTenant['mailboxes'] };
    assert.deepEqual(state.actions.clearMobileDevice, { [String(devices[0]!.Guid)]: 1 });
    assert.equal(state.mailboxes.find((m) => m.userId === sim.P.jane)!.mobileDevices[0]!.WipeRequested, 'AccountOnly');
  });

  it("cancels the meetings Jane organised", async () => {
    const tooLong = await invoke(sim.tenant, 'Remove-CalendarEvents', { Identity: JANE_UPN, CancelOrganizedMeetings: true, QueryWindowInDays: 4000 });
    assert.equal(tooLong.status, 400);
    assert.equal((await invoke(sim.tenant, 'Remove-CalendarEvents', { Identity: JANE_UPN, CancelOrganizedMeetings: true, QueryWindowInDays: 365, Confirm: false })).status, 200);
    const state = sim.tenant.state() as { actions: { removeCalendarEvents: Record<string, number> }; mailboxes: SeedTenant['mailboxes'] };
    assert.equal(state.mailboxes.find((m) => m.userId === sim.P.jane)!.organizedMeetings, 0);
    assert.equal(state.actions.removeCalendarEvents[sim.P.jane!], 1);
  });

  it('removes Jane from distribution lists, needing -BypassSecurityGroupManagerCheck, except synced ones', async () => {
    const members = (await invoke(sim.tenant, 'Get-DistributionGroupMember', { Identity: 'DL Sales Announcements' })).body.value!;
    assert.ok(members.some((m) => m.ExternalDirectoryObjectId === sim.P.jane));
    const noBypass = await invoke(sim.tenant, 'Remove-DistributionGroupMember', { Identity: 'DL Sales Announcements', Member: JANE_UPN });
    assert.equal(noBypass.status, 400);
    assert.match(noBypass.body.error!.details![0]!.message, /manager of the group/);
    const ok = await invoke(sim.tenant, 'Remove-DistributionGroupMember', { Identity: 'dlsalesannouncements@contoso.com', Member: JANE_UPN, BypassSecurityGroupManagerCheck: true, Confirm: false });
    assert.equal(ok.status, 200);
    const notMember = await invoke(sim.tenant, 'Remove-DistributionGroupMember', { Identity: 'DL Sales Announcements', Member: JANE_UPN, BypassSecurityGroupManagerCheck: true });
    assert.match(notMember.body.error!.details![0]!.message, /isn't a member of the group/);
    const mesg = await invoke(sim.tenant, 'Remove-DistributionGroupMember', { Identity: 'MESG CRM Data Owners', Member: sim.P.jane, BypassSecurityGroupManagerCheck: true });
    assert.equal(mesg.status, 200);
    const synced = await invoke(sim.tenant, 'Remove-DistributionGroupMember', { Identity: 'DL Corp All Staff', Member: JANE_UPN, BypassSecurityGroupManagerCheck: true });
    assert.equal(synced.status, 400);
    assert.match(synced.body.error!.details![0]!.message, /synchronized from your on-premises organization/);
    const recipient = (await invoke(sim.tenant, 'Get-Recipient', { Identity: 'Sales Enablement Hub' })).body.value![0]!;
    assert.equal(recipient.RecipientTypeDetails, 'GroupMailbox');
    const unified = await invoke(sim.tenant, 'Get-DistributionGroupMember', { Identity: 'Sales Enablement Hub' });
    assert.equal(unified.status, 404);
  });
});
