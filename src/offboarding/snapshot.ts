// What the preflight reads about the leaver and the inheritor: read-only, taken before approval. The planner turns it
// into steps; nothing here talks to Microsoft 365. A part that could not be read is `undefined` and comes with a
// ReadWarning: the step that needs it reads again when it runs.
import type { M365ErrorInfo } from '../m365/errors';

/** How a group membership is removed, decided from groupTypes / mailEnabled / securityEnabled / sync / rule. */
export type GroupKind = 'security' | 'microsoft365' | 'distribution' | 'mailEnabledSecurity';

export interface GroupInfo {
  id: string;
  displayName: string;
  kind: GroupKind;
  mail?: string;
  /** groupTypes contains DynamicMembership: the rule decides membership; manual removal is rejected. */
  dynamic: boolean;
  /** onPremisesSyncEnabled: the group is mastered in on-premises AD. */
  synced: boolean;
  /** A Microsoft 365 group with a team (resourceProvisioningOptions contains "Team"). */
  team: boolean;
  /**
   * isAssignableToRole: the group can hold directory roles. Changing its membership needs RoleManagement.ReadWrite.Directory
   * as well (group-delete-members), and its members' and owners' credentials need at least a Privileged Authentication
   * Administrator (groups-concept). Absent: false.
   */
  roleAssignable?: boolean;
}

export interface OwnedGroup extends GroupInfo {
  /** Number of owners, the leaver included. 1 → the leaver owns it alone. */
  ownerCount: number;
  /** The owners' ids, the leaver included (unset when not read). */
  ownerIds?: string[];
}

export interface LicenceInfo {
  skuId: string;
  skuPartNumber?: string;
  /** 'direct' from assignedLicenses/licenseAssignmentStates; 'group' when assignedByGroup is set. */
  source: 'direct' | 'group';
  /** The licence-assigning group, for source 'group'. */
  groupId?: string;
  groupName?: string;
  /** Carries Exchange Online (Plan 2) (service plan EXCHANGE_S_ENTERPRISE), not disabled for this user. */
  carriesExchangePlan2: boolean;
  /** Carries any Exchange Online mailbox plan (losing the last one on a user mailbox deletes the mailbox). */
  carriesExchange: boolean;
  /** Service plans turned off in this assignment (a reinstatement assigns the licence again the same way). */
  disabledPlans?: string[];
}

export interface ManagedDeviceInfo {
  id: string;
  deviceName: string;
  operatingSystem?: string;
  /** managedDeviceOwnerType: company → wipe, personal → retire. */
  ownerType: 'company' | 'personal' | 'unknown';
}

export interface RegisteredDeviceInfo {
  id: string;
  displayName: string;
  operatingSystem?: string;
  accountEnabled: boolean;
}

export interface OAuthGrantInfo {
  id: string;
  clientId: string;
  /** The client app's name, when it could be read. */
  clientName?: string;
  scope: string;
}

export interface AuthMethodInfo {
  id: string;
  /** The @odata.type, e.g. "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod". */
  odataType: string;
}

export interface InboxRuleInfo {
  identity: string;
  name: string;
  /** Addresses the rule forwards or redirects to. */
  forwardsTo: string[];
  /** Forwards to an address outside the tenant's domains. */
  external: boolean;
  /** Listed by Get-InboxRule only with -IncludeHidden (Outlook doesn't show it either). */
  hidden?: boolean;
  /** A system rule (the junk e-mail rule, the Microsoft.Exchange.OOF.* automatic-reply rules): left alone. */
  system?: boolean;
}

export interface MobileDeviceInfo {
  identity: string;
  friendlyName: string;
  /** An Outlook for iOS/Android partnership: it ignores account-only wipes (DOMAIN.md; unverified). */
  outlookApp?: boolean;
}

export interface MailboxInfo {
  /** Get-Mailbox RecipientTypeDetails: UserMailbox, SharedMailbox, ... */
  recipientTypeDetails: string;
  litigationHoldEnabled: boolean;
  forwardingSmtpAddress?: string;
  forwardingAddress?: string;
  hiddenFromAddressLists: boolean;
  /**
   * Get-Mailbox IsExchangeCloudManaged (2025): true when a synced user's Exchange attributes are managed in Exchange
   * Online. Absent (false): on a synced user, on-premises AD masters them and Exchange refuses cloud writes to them.
   */
  exchangeCloudManaged?: boolean;
  archiveActive: boolean;
  /** From Get-MailboxStatistics TotalItemSize; undefined when it could not be read. */
  totalItemSizeBytes?: number;
  /** undefined when Get-InboxRule could not be read. */
  inboxRules?: InboxRuleInfo[];
  /** Get-CASMailbox; undefined when it could not be read. */
  protocols?: { activeSync: boolean; pop: boolean; imap: boolean };
  /** Get-MobileDevice; undefined when it could not be read. */
  mobileDevices?: MobileDeviceInfo[];
}

export interface PersonRef {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  accountEnabled: boolean;
}

export interface LeaverSnapshot extends PersonRef {
  jobTitle?: string;
  department?: string;
  onPremisesSyncEnabled: boolean;
  /** undefined: none (Graph 404) or unreadable (see warnings). */
  manager?: PersonRef;
  directoryRoles?: Array<{ id: string; displayName: string }>;
  licences?: LicenceInfo[];
  /** Every group the leaver is a direct member of (all pages). */
  groups?: GroupInfo[];
  /** Groups the leaver owns. */
  ownedGroups?: OwnedGroup[];
  /** Groups that assign licences to the leaver (from licenseAssignmentStates). */
  licenceGroupIds?: string[];
  managedDevices?: ManagedDeviceInfo[];
  registeredDevices?: RegisteredDeviceInfo[];
  oauthGrants?: OAuthGrantInfo[];
  authMethods?: AuthMethodInfo[];
  /** null: the leaver has no Exchange Online mailbox; undefined: unreadable. */
  mailbox?: MailboxInfo | null;
  /** null: no OneDrive; undefined: unreadable. */
  drive?: { id: string; webUrl?: string } | null;
}

export interface InheritorSnapshot extends PersonRef {
  /** Has an Exchange Online mailbox (needed for FullAccess and as a forwarding target). */
  hasMailbox: boolean;
}

/**
 * The `what` of the reads a safety check depends on (DOMAIN.md Pitfalls: never dropped silently). The planner words
 * their failure for the approver instead of the generic "reads again when it runs": no step reads them again.
 */
export const SAFETY_READS = { manager: 'manager', directoryRoles: 'directory roles' } as const;

export interface ReadWarning {
  /** What could not be read, e.g. "managed devices". */
  what: string;
  error: M365ErrorInfo;
}

export interface Snapshot {
  takenAt: string;
  tenantDomains: string[];
  leaver: LeaverSnapshot;
  inheritor: InheritorSnapshot;
  readWarnings: ReadWarning[];
}
