// Jane Doe's offboarding against the simulated tenant: run it, then check the tenant's end state and the order of
// writes in its request log. Shared by the plain, fault-injection and crash/resume tests.
import assert from 'node:assert/strict';
import type { LogEntry, SimulatedTenant } from '../../src/simulator';
import { isM365Write } from '../fakes/simulated-tenant';

interface Body {
  accountEnabled?: boolean;
  passwordProfile?: unknown;
}
const bodyOf = (e: LogEntry): Body => (typeof e.body === 'object' && e.body !== null ? (e.body) : {});

export const TOM_ID = 'f19ea5c6-87bc-595b-ac6e-b71a304132c5';

/** A write that went through (DOMAIN.md "What counts as a write"). */
const isWrite = (e: LogEntry): boolean => e.status < 400 && !e.fault && isM365Write(e);

/** Index of the first / last successful write matching `test` in the log. */
function firstWrite(log: LogEntry[], test: (e: LogEntry) => boolean): number {
  return log.findIndex((e) => isWrite(e) && test(e));
}
function lastWrite(log: LogEntry[], test: (e: LogEntry) => boolean): number {
  for (let i = log.length - 1; i >= 0; i--) {
    if (isWrite(log[i]!) && test(log[i]!)) {
      return i;
    }
  }
  return -1;
}

export function assertJaneOffboarded(tenant: SimulatedTenant, conversionDelayMs: number): void {
  const s = tenant.state();
  const jane = s.personas.jane!;
  const marcus = s.personas.janeManager!;
  const user = s.users.find((u) => u.id === jane)!;
  const mailbox = s.mailboxes.find((m) => m.userId === jane)!;

  // Contain.
  assert.equal(user.accountEnabled, false, 'sign-in blocked');
  assert.equal((s.actions.passwordResets[jane] ?? 0) >= 1, true, 'password reset');
  assert.equal((s.actions.revokeSignInSessions[jane] ?? 0) >= 1, true, 'sessions revoked');
  assert.ok(user, 'account kept');

  // Preserve.
  assert.equal(mailbox.LitigationHoldEnabled, true, 'litigation hold');
  assert.equal(mailbox.RecipientTypeDetails, 'SharedMailbox', 'shared mailbox');
  assert.ok(mailbox.permissions.some((p) => /tom\.alvarez/i.test(p.User) && p.AccessRights.includes('FullAccess')), 'FullAccess for Tom');
  assert.equal(mailbox.automaticRepliesSetting.status, 'alwaysEnabled', 'auto-reply');
  assert.match(mailbox.automaticRepliesSetting.internalReplyMessage, /Tom Alvarez/);
  // Every rule gone, the hidden redirect included; the system rules (junk e-mail, automatic replies) left alone.
  assert.deepEqual(
    mailbox.inboxRules.map((r) => r.Name),
    ['Junk E-mail Rule', 'Microsoft.Exchange.OOF.KnownExternalSenders.Global', 'Microsoft.Exchange.OOF.AllExternalSenders.Global'],
    'inbox rules cleared, system rules kept',
  );
  assert.equal(mailbox.ForwardingSmtpAddress ?? null, null, 'forwarding cleared');
  assert.equal(mailbox.ForwardingAddress ?? null, null, 'forwarding cleared');
  assert.equal(mailbox.HiddenFromAddressListsEnabled, true, 'hidden from the address list');
  assert.equal(mailbox.cas.ActiveSyncEnabled, false);
  assert.equal(mailbox.cas.PopEnabled, false);
  assert.equal(mailbox.cas.ImapEnabled, false);
  assert.equal(mailbox.cas.MAPIEnabled, true, 'MAPI stays for the shared mailbox');
  assert.equal(mailbox.cas.OWAEnabled, true, 'OWA stays for the shared mailbox');
  const drive = s.drives.find((d) => d.ownerId === jane)!;
  assert.ok(JSON.stringify(drive.sharedWith).includes('tom.alvarez'), 'OneDrive shared with Tom');

  // Groups: out of every removable group; dynamic and synced ones untouched; the sole-owned group handed over;
  // the group that assigns the kept E3 (Exchange Online Plan 2, for the hold) kept.
  const hers = s.groups.filter((g) => g.members.includes(jane));
  for (const g of hers) {
    const dynamic = g.groupTypes.includes('DynamicMembership');
    const synced = g.onPremisesSyncEnabled === true;
    const licence = (g.assignedLicenses ?? []).length > 0;
    assert.ok(dynamic || synced || licence, `still in ${g.displayName}`);
  }
  assert.ok(hers.some((g) => g.groupTypes.includes('DynamicMembership')), 'dynamic groups untouched');
  assert.ok(hers.some((g) => g.onPremisesSyncEnabled === true), 'synced groups untouched');
  const owned = s.groups.filter((g) => g.owners.includes(jane));
  assert.deepEqual(owned.map((g) => g.displayName), [], 'no ownership left');
  const hub = s.groups.find((g) => g.displayName === 'Sales Enablement Hub')!;
  assert.ok(hub.owners.includes(marcus), 'sole-owned group handed to Marcus');
  // It has a team: its new owner manages the team only as a member too (group-post-owners).
  assert.ok(hub.members.includes(marcus), 'Marcus made a member of the team he now owns');
  assert.deepEqual(s.teamOwnersNotMembers, [], 'no owner of a team left out of its members');
  const distribution = s.groups.filter((g) => g.mailEnabled && !g.groupTypes.includes('Unified') && g.onPremisesSyncEnabled !== true);
  assert.ok(distribution.length > 0 && distribution.every((g) => !g.members.includes(jane)), 'out of distribution lists (through Exchange)');

  // Devices: each corporate device wiped once, each personal one retired once; Windows devices disabled.
  const intune = s.managedDevices.filter((d) => d.userId === jane);
  for (const d of intune) {
    const action = d.managedDeviceOwnerType === 'company' ? 'wipe' : 'retire';
    assert.equal(s.actions[action][d.id], 1, `${d.deviceName} ${action} sent exactly once`);
    assert.equal(s.actions[action === 'wipe' ? 'retire' : 'wipe'][d.id] ?? 0, 0);
  }
  for (const d of s.devices.filter((x) => x.registeredOwners?.includes(jane) && /^windows/i.test(x.operatingSystem))) {
    assert.equal(d.accountEnabled, false, `${d.displayName} disabled`);
  }
  for (const phone of mailbox.mobileDevices) {
    assert.equal(s.actions.clearMobileDevice[phone.Guid], 1, `${phone.FriendlyName}: mail account removed exactly once`);
    // Outlook for iOS/Android ignores account-only wipes; a full Clear-MobileDevice on its partnership wipes only
    // Outlook's data. Every other phone: account only, never a full device wipe.
    assert.equal(phone.WipeRequested, phone.ClientType === 'Outlook' ? 'Full' : 'AccountOnly', `${phone.FriendlyName}: ${phone.ClientType}`);
  }
  assert.equal(s.oauth2PermissionGrants.filter((g) => g.principalId === jane).length, 0, 'grants revoked');
  // Every MFA method gone but her default, the Authenticator app: Graph refuses to delete a default while others
  // remain and v1.0 can't change it, so it is left to IT (a follow-up), never sent a second time.
  const methods = s.authenticationMethods[jane]!.methods.map((m) => m['@odata.type']);
  assert.deepEqual(methods, ['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod'], 'MFA methods gone but the default');

  // Licences: direct ones removed; E3 still arrives through its group for the hold.
  assert.deepEqual(user.assignedLicenses, [], 'direct licences removed');
  assert.equal(s.consequences.filter((c) => /delet/i.test(JSON.stringify(c)) && JSON.stringify(c).includes(jane)).length, 0, 'mailbox not marked for deletion');

  // Order, from the request log.
  const log = tenant.requestLog();
  // Every OData cast of a directory list went as an advanced query, inside $batch too (on the inner request).
  const casts = log.filter((e) => e.service === 'graph' && e.method === 'GET' && /\/microsoft\.graph\.\w+$/.test(e.path) && !e.path.includes('/deletedItems/'));
  assert.ok(casts.some((e) => e.batch) && casts.some((e) => e.path.endsWith('/transitiveMemberOf/microsoft.graph.directoryRole')), 'the preflight reads its casts in $batch');
  for (const e of casts) {
    assert.ok(e.consistencyLevel === 'eventual' && /(^|&)\$count=true(&|$)/.test(e.query), `${e.path}?${e.query} without the advanced query parameters`);
  }
  const at = (test: (e: LogEntry) => boolean) => firstWrite(log, test);
  const block = at((e) => e.method === 'PATCH' && bodyOf(e).accountEnabled === false && e.path.endsWith(jane));
  const reset = at((e) => e.method === 'PATCH' && bodyOf(e).passwordProfile !== undefined);
  const revoke = at((e) => e.path.endsWith('/revokeSignInSessions'));
  assert.ok(block >= 0 && block < reset && reset < revoke, `block ${block} < reset ${reset} < revoke ${revoke}`);
  // A bot restarted after a crash sends again a containment write it never recorded: every block, reset and revoke
  // counts as containment, and every other write comes after the first revoke.
  const containment = (e: LogEntry): boolean =>
    (e.method === 'PATCH' && e.path.endsWith(jane) && (bodyOf(e).accountEnabled === false || bodyOf(e).passwordProfile !== undefined)) || e.path.endsWith(`/users/${jane}/revokeSignInSessions`);
  const otherWrites = log.map((e, i) => ({ e, i })).filter(({ e }) => isWrite(e) && !containment(e));
  assert.ok(otherWrites.length > 50);
  assert.ok(otherWrites.every(({ i }) => i > revoke), 'containment before every other write');
  const hold = at((e) => e.cmdlet === 'Set-Mailbox' && JSON.stringify(e.body).includes('LitigationHoldEnabled'));
  const convert = at((e) => e.cmdlet === 'Set-Mailbox' && JSON.stringify(e.body).includes('"Shared"'));
  const licences = at((e) => e.path.endsWith('/assignLicense'));
  assert.ok(hold < convert && convert < licences, `hold ${hold} < convert ${convert} < licences ${licences}`);
  // The mailbox reports shared only conversionDelayMs after the conversion: licences and licence groups wait for it.
  const sharedFrom = Date.parse(log[convert]!.time) + conversionDelayMs;
  for (const e of log.filter((x) => isWrite(x) && (x.path.endsWith('/assignLicense') || /\/groups\/[^/]+\/members\//.test(x.path)))) {
    if (e.path.endsWith('/assignLicense')) {
      assert.ok(Date.parse(e.time) >= sharedFrom, `assignLicense at ${e.time} before the mailbox reported shared`);
    }
  }
  const handover = at((e) => e.method === 'POST' && e.path.includes(`/groups/${hub.id}/owners/`));
  const dropHub = lastWrite(log, (e) => e.method === 'DELETE' && e.path.includes(`/groups/${hub.id}/owners/${jane}`));
  assert.ok(handover >= 0 && handover < dropHub, 'new owner added before the leaver stops owning');
  // The alternate mobile number goes before the mobile one (it can't outlive it); the external method by its $ref.
  const alternateMobile = at((e) => e.method === 'DELETE' && e.path.endsWith(`/users/${jane}/authentication/phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41`));
  const mobile = at((e) => e.method === 'DELETE' && e.path.endsWith(`/users/${jane}/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7`));
  assert.ok(alternateMobile >= 0 && alternateMobile < mobile, `alternateMobile ${alternateMobile} < mobile ${mobile}`);
  assert.ok(at((e) => e.method === 'DELETE' && new RegExp(`/users/${jane}/authentication/externalAuthenticationMethods/[^/]+/\\$ref$`).test(e.path)) > revoke, 'external method deleted by its $ref');
  const betaCalls = log.filter((e) => e.path.startsWith('/beta'));
  assert.deepEqual(betaCalls, [], 'no beta endpoint');
}
