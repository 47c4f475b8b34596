// What a reinstatement must bring back, read from Microsoft 365 itself (through the real gateways): shared by the
// reinstatement tests, so "the same as before the offboarding" means one thing.
import type { ExchangePort, GraphPort } from '../../src/m365/ports';

/** Everything a reinstatement restores, as Microsoft 365 reports it (MFA methods, wipes and the like are not here). */
export async function observe(graph: GraphPort, exchange: ExchangePort, userId: string, upn: string, heir: { id: string; upn: string }, driveId?: string): Promise<Record<string, unknown>> {
  const user = (await graph.call<{ accountEnabled: boolean; assignedLicenses: Array<{ skuId: string; disabledPlans?: string[] }> }>({ method: 'GET', url: `/users/${userId}?$select=accountEnabled,assignedLicenses` })).body;
  const ids = async (url: string) => (await graph.list<{ id: string }>(url)).map((x) => x.id).sort();
  const mailbox = (await exchange.invoke<{ RecipientTypeDetails: string; HiddenFromAddressListsEnabled: boolean }>('Get-Mailbox', { Identity: upn }, upn)).value[0]!;
  const cas = (await exchange.invoke<{ ActiveSyncEnabled: boolean; PopEnabled: boolean; ImapEnabled: boolean }>('Get-CASMailbox', { Identity: upn }, upn)).value[0]!;
  const fullAccess = (await exchange.invoke<{ User: string; AccessRights: string[] }>('Get-MailboxPermission', { Identity: upn }, upn)).value.filter((p) => p.User.toLowerCase() === heir.upn.toLowerCase());
  const reply = (await graph.call<{ automaticRepliesSetting: { status: string } }>({ method: 'GET', url: `/users/${userId}/mailboxSettings` })).body.automaticRepliesSetting.status;
  const devices = (await graph.list<{ id: string; accountEnabled: boolean }>(`/users/${userId}/registeredDevices`)).map((d) => `${d.id}:${d.accountEnabled}`).sort();
  const drivePermissions = driveId ? (await graph.list<{ grantedToV2?: { user?: { id?: string } } }>(`/drives/${driveId}/root/permissions`)).filter((p) => p.grantedToV2?.user?.id === heir.id).length : 0;
  return {
    accountEnabled: user.accountEnabled,
    // With their turned-off service plans: a licence assigned again as it was.
    licences: user.assignedLicenses.map((l) => `${l.skuId}:${[...(l.disabledPlans ?? [])].sort().join(',')}`).sort(),
    memberOf: await ids(`/users/${userId}/memberOf/microsoft.graph.group?$select=id`),
    ownerOf: await ids(`/users/${userId}/ownedObjects/microsoft.graph.group?$select=id`),
    mailbox: mailbox.RecipientTypeDetails,
    hidden: mailbox.HiddenFromAddressListsEnabled,
    protocols: [cas.ActiveSyncEnabled, cas.PopEnabled, cas.ImapEnabled],
    heirFullAccess: fullAccess.length,
    reply,
    devices,
    drivePermissions,
  };
}

