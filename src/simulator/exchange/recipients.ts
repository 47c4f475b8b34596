// Recipient resolution as Exchange does it for -Identity, -User, -Trustee, -Member: by UPN, primary or proxy SMTP
// address, alias, name/display name, GUID or ExternalDirectoryObjectId (case-insensitive). And the output shapes of
// mailboxes, groups and recipients.
import { exchangeErrors } from '../errors';
import type { TenantState } from '../state';
import type { GroupRecord, MailboxRecord, UserRecord } from '../types';

function same(a: string | null | undefined, b: string): boolean {
  return a !== null && a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function stripSmtp(s: string): string {
  return s.replace(/^smtp:/i, '');
}

export function userMatches(u: UserRecord, identity: string): boolean {
  const id = stripSmtp(identity.trim());
  return (
    same(u.id, id) ||
    same(u.userPrincipalName, id) ||
    same(u.mail, id) ||
    same(u.mailNickname, id) ||
    same(u.displayName, id) ||
    u.proxyAddresses.some((p) => same(stripSmtp(p), id))
  );
}

export function findMailbox(state: TenantState, identity: string): { mailbox: MailboxRecord; user: UserRecord } | undefined {
  for (const mailbox of state.data.mailboxes) {
    const user = state.findUser(mailbox.userId);
    if (!user) {
      continue;
    }
    if (userMatches(user, identity) || same(mailbox.Alias, identity) || same(mailbox.ExchangeGuid, identity) || same(mailbox.Guid, identity)) {
      return { mailbox, user };
    }
  }
  return undefined;
}

export function requireMailbox(state: TenantState, identity: string, server: string): { mailbox: MailboxRecord; user: UserRecord } {
  const found = findMailbox(state, identity);
  if (!found) {
    throw exchangeErrors.objectNotFound(identity, server);
  }
  return found;
}

export function groupMatches(g: GroupRecord, identity: string): boolean {
  const id = stripSmtp(identity.trim());
  return same(g.id, id) || same(g.mail, id) || same(g.mailNickname, id) || same(g.displayName, id) || g.proxyAddresses.some((p) => same(stripSmtp(p), id));
}

/** Distribution lists and mail-enabled security groups (what *-DistributionGroup* cmdlets see; not Microsoft 365 groups). */
export function findDistributionGroup(state: TenantState, identity: string): GroupRecord | undefined {
  return state.data.groups.find((g) => g.mailEnabled && !g.groupTypes.includes('Unified') && groupMatches(g, identity));
}

export function distributionGroupType(g: GroupRecord): 'MailUniversalSecurityGroup' | 'MailUniversalDistributionGroup' {
  return g.securityEnabled ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup';
}

export function distinguishedName(state: TenantState, name: string): string {
  return `CN=${name},OU=${state.data.tenant.initialDomain},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A002,DC=PROD,DC=OUTLOOK,DC=COM`;
}

export function mailboxObject(state: TenantState, mailbox: MailboxRecord, user: UserRecord): Record<string, unknown> {
  const type = state.visibleType(mailbox);
  return {
    Identity: mailbox.Alias,
    Id: mailbox.Alias,
    Name: mailbox.Alias,
    DistinguishedName: distinguishedName(state, mailbox.Alias),
    DisplayName: user.displayName,
    Alias: mailbox.Alias,
    UserPrincipalName: user.userPrincipalName,
    PrimarySmtpAddress: user.mail,
    WindowsEmailAddress: user.mail,
    EmailAddresses: user.proxyAddresses,
    ExternalDirectoryObjectId: user.id,
    Guid: mailbox.Guid,
    ExchangeGuid: mailbox.ExchangeGuid,
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: type,
    IsMailboxEnabled: true,
    IsShared: type === 'SharedMailbox',
    IsDirSynced: user.onPremisesSyncEnabled === true,
    IsExchangeCloudManaged: mailbox.IsExchangeCloudManaged === true,
    AccountDisabled: !user.accountEnabled,
    LitigationHoldEnabled: mailbox.LitigationHoldEnabled,
    LitigationHoldDate: mailbox.LitigationHoldDate,
    LitigationHoldOwner: mailbox.LitigationHoldOwner,
    LitigationHoldDuration: mailbox.LitigationHoldDuration,
    ForwardingAddress: mailbox.ForwardingAddress,
    ForwardingSmtpAddress: mailbox.ForwardingSmtpAddress,
    DeliverToMailboxAndForward: mailbox.DeliverToMailboxAndForward,
    HiddenFromAddressListsEnabled: mailbox.HiddenFromAddressListsEnabled,
    ArchiveStatus: mailbox.ArchiveStatus,
    ArchiveGuid: mailbox.ArchiveGuid,
    ProhibitSendReceiveQuota: mailbox.ProhibitSendReceiveQuota,
    WhenMailboxCreated: mailbox.WhenMailboxCreated,
    GrantSendOnBehalfTo: [],
  };
}

export function userRecipient(state: TenantState, user: UserRecord): Record<string, unknown> {
  const mailbox = state.mailboxOf(user.id);
  return {
    Identity: mailbox?.Alias ?? user.mailNickname,
    Name: mailbox?.Alias ?? user.mailNickname,
    DisplayName: user.displayName,
    Alias: mailbox?.Alias ?? user.mailNickname,
    PrimarySmtpAddress: user.mail,
    ExternalDirectoryObjectId: user.id,
    Guid: mailbox?.Guid ?? user.id,
    RecipientType: mailbox ? 'UserMailbox' : 'User',
    RecipientTypeDetails: mailbox ? state.visibleType(mailbox) : 'User',
  };
}

export function groupRecipient(g: GroupRecord): Record<string, unknown> {
  const unified = g.groupTypes.includes('Unified');
  return {
    Identity: g.mailNickname,
    Name: g.mailNickname,
    DisplayName: g.displayName,
    Alias: g.mailNickname,
    PrimarySmtpAddress: g.mail,
    ExternalDirectoryObjectId: g.id,
    Guid: g.id,
    RecipientType: unified ? 'MailUniversalDistributionGroup' : distributionGroupType(g),
    RecipientTypeDetails: unified ? 'GroupMailbox' : distributionGroupType(g),
    IsDirSynced: g.onPremisesSyncEnabled === true,
  };
}

/** Any recipient: a user with a mailbox (or any user, for -User/-Trustee), or a mail-enabled group. */
export function findRecipient(state: TenantState, identity: string): Record<string, unknown> | undefined {
  const user = state.data.users.find((u) => userMatches(u, identity));
  if (user) {
    return userRecipient(state, user);
  }
  const group = state.data.groups.find((g) => g.mailEnabled && groupMatches(g, identity));
  return group ? groupRecipient(group) : undefined;
}
