// The shapes of the simulated tenant's data: the seed file (src/simulator/seed/tenant.json) and the live state
// built from it. Graph-facing records use Graph's property names so that $select and $filter work on them directly;
// Exchange-facing records use the cmdlet output's property names.

export interface LicenseRef {
  skuId: string;
  disabledPlans: string[];
}

export interface UserRecord {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  mailNickname: string;
  jobTitle: string | null;
  department: string | null;
  companyName: string | null;
  officeLocation: string | null;
  city: string | null;
  country: string | null;
  employeeId: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  usageLocation: string | null;
  userType: 'Member' | 'Guest';
  accountEnabled: boolean;
  createdDateTime: string;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesDomainName: string | null;
  onPremisesLastSyncDateTime: string | null;
  proxyAddresses: string[];
  /** Direct licence assignments only; group-assigned ones come from group.assignedLicenses. */
  assignedLicenses: LicenseRef[];
  managerId: string | null;
  signInSessionsValidFromDateTime: string;
  lastPasswordChangeDateTime: string;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesSamAccountName: string | null;
  resourceProvisioningOptions: string[];
  visibility: string | null;
  isAssignableToRole: boolean | null;
  createdDateTime: string;
  proxyAddresses: string[];
  /** Group-based licensing: every direct user member receives these. */
  assignedLicenses: LicenseRef[];
  /** Object ids of direct members (users or groups). */
  members: string[];
  /** Object ids of owners (users). */
  owners: string[];
}

export interface DirectoryRoleRecord {
  id: string;
  displayName: string;
  description: string;
  roleTemplateId: string;
  members: string[];
}

/** An administrative unit (administrativeUnit resource) with the object ids of its members (users here). */
export interface AdministrativeUnitRecord {
  id: string;
  displayName: string;
  description: string | null;
  visibility: string | null;
  members: string[];
}

/**
 * A directory role assignment (unifiedRoleAssignment): roleDefinitionId is the built-in role's template id;
 * directoryScopeId '/' is tenant-wide, '/administrativeUnits/{id}' an administrative unit.
 */
export interface RoleAssignmentRecord {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface ServicePlanInfo {
  servicePlanId: string;
  servicePlanName: string;
  provisioningStatus: string;
  appliesTo: string;
}

export interface SkuRecord {
  skuId: string;
  skuPartNumber: string;
  capabilityStatus: string;
  appliesTo: string;
  prepaidUnits: { enabled: number; suspended: number; warning: number; lockedOut: number };
  servicePlans: ServicePlanInfo[];
}

export interface DeviceRecord {
  id: string;
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  trustType: 'AzureAd' | 'Workplace' | 'ServerAd';
  accountEnabled: boolean;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  approximateLastSignInDateTime: string | null;
  registrationDateTime: string;
  registeredOwners: string[];
  registeredUsers: string[];
}

/** intune-devices-actionstate */
export type ActionState = 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';

/** intune-devices-deviceactionresult; actionName is the Graph action's name, as Intune reports `remoteLock`. */
export interface DeviceActionResultRecord {
  actionName: 'wipe' | 'retire';
  actionState: ActionState;
  startDateTime: string;
  lastUpdatedDateTime: string;
}

export interface ManagedDeviceRecord {
  id: string;
  userId: string;
  deviceName: string;
  managedDeviceOwnerType: 'company' | 'personal';
  operatingSystem: string;
  osVersion: string;
  complianceState: string;
  managementState: string;
  model: string;
  manufacturer: string;
  serialNumber: string;
  azureADDeviceId: string;
  enrolledDateTime: string;
  lastSyncDateTime: string;
  deviceEnrollmentType: string;
  userPrincipalName: string;
  emailAddress: string;
  /** Appended by wipe / retire; absent in the seed (none yet). */
  deviceActionResults?: DeviceActionResultRecord[];
}

export interface GrantRecord {
  id: string;
  clientId: string;
  consentType: 'Principal' | 'AllPrincipals';
  principalId: string | null;
  resourceId: string;
  scope: string;
}

export interface ServicePrincipalRecord {
  id: string;
  appId: string;
  displayName: string;
  publisherName: string | null;
  servicePrincipalType: string;
}

/** One authentication method in Graph's shape; `@odata.type` tells the kind. */
export type AuthMethodRecord = { '@odata.type': string; id: string } & Record<string, unknown>;

export interface UserAuthMethods {
  /** Graph v1.0 cannot read this (beta's signInPreferences can); the simulator enforces it on DELETE. */
  defaultMethodId: string | null;
  methods: AuthMethodRecord[];
}

export interface TeamsAppRecord {
  id: string;
  externalId: string | null;
  displayName: string;
  distributionMethod: 'organization' | 'store' | 'sideloaded';
  appDefinitionId: string;
  version: string;
}

export interface InstalledAppRecord {
  id: string;
  teamsAppId: string;
}

export interface DrivePermissionRecord {
  id: string;
  roles: string[];
  grantedToUserId: string | null;
  grantedToEmail: string;
  invitedDateTime: string;
}

export interface DriveRecord {
  id: string;
  ownerId: string;
  webUrl: string;
  quota: { total: number; used: number; deleted: number };
  sharedWith: DrivePermissionRecord[];
}

export interface AutomaticRepliesSetting {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled';
  externalAudience: 'none' | 'contactsOnly' | 'all';
  internalReplyMessage: string;
  externalReplyMessage: string;
  scheduledStartDateTime: { dateTime: string; timeZone: string };
  scheduledEndDateTime: { dateTime: string; timeZone: string };
}

export interface InboxRuleRecord {
  RuleIdentity: string;
  Name: string;
  Enabled: boolean;
  Priority: number;
  Description: string;
  From: string[] | null;
  SubjectContainsWords: string[] | null;
  MoveToFolder: string | null;
  ForwardTo: string[] | null;
  ForwardAsAttachmentTo: string[] | null;
  RedirectTo: string[] | null;
  DeleteMessage: boolean;
  MarkAsRead: boolean;
  /**
   * Not an Exchange property: the rule is hidden, so Get-InboxRule lists it only with -IncludeHidden (the junk e-mail
   * and Microsoft.Exchange.OOF.* system rules are; so is an attacker's rule hidden from Outlook).
   */
  hidden?: boolean;
}

export interface MobileDeviceRecord {
  Guid: string;
  DeviceId: string;
  DeviceType: string;
  DeviceModel: string;
  DeviceOS: string;
  FriendlyName: string;
  DeviceUserAgent: string;
  ClientType: 'EAS' | 'Outlook';
  DeviceAccessState: string;
  FirstSyncTime: string;
  /** The kind of the last Clear-MobileDevice ('None' after -Cancel); the times below tell its fate. */
  WipeRequested: 'None' | 'AccountOnly' | 'Full';
  /**
   * Get-MobileDeviceStatistics' wipe record (names as Exchange outputs them; absent in the seed = null): Request is
   * set by Clear-MobileDevice, Sent when the device next syncs, Ack when the device confirms.
   */
  DeviceWipeRequestTime?: string | null;
  DeviceWipeSentTime?: string | null;
  DeviceWipeAckTime?: string | null;
  LastDeviceWipeRequestor?: string | null;
  AccountOnlyDeviceWipeRequestTime?: string | null;
  AccountOnlyDeviceWipeSentTime?: string | null;
  AccountOnlyDeviceWipeAckTime?: string | null;
  LastAccountOnlyDeviceWipeRequestor?: string | null;
  /** Absent in the seed: FirstSyncTime stands in. */
  LastSuccessSync?: string | null;
  LastSyncAttemptTime?: string | null;
}

export interface PermissionRecord {
  User: string;
  AccessRights: string[];
  IsInherited: boolean;
  Deny: boolean;
  InheritanceType: string;
  /** Add-MailboxPermission -AutoMapping (Outlook opens the mailbox automatically). */
  AutoMapping?: boolean;
}

export interface RecipientPermissionRecord {
  Trustee: string;
  AccessRights: string[];
  AccessControlType: 'Allow' | 'Deny';
  IsInherited: boolean;
  InheritanceType: string;
}

export interface CasSettings {
  ActiveSyncEnabled: boolean;
  OWAEnabled: boolean;
  OWAforDevicesEnabled: boolean;
  PopEnabled: boolean;
  ImapEnabled: boolean;
  MAPIEnabled: boolean;
  EwsEnabled: boolean;
  SmtpClientAuthenticationDisabled: boolean | null;
}

export type MailboxType = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

export interface MailboxRecord {
  /** The owning user's Entra object id (Exchange's ExternalDirectoryObjectId). */
  userId: string;
  ExchangeGuid: string;
  Guid: string;
  Alias: string;
  RecipientTypeDetails: MailboxType;
  LitigationHoldEnabled: boolean;
  LitigationHoldDate: string | null;
  LitigationHoldOwner: string | null;
  LitigationHoldDuration: string;
  ForwardingAddress: string | null;
  ForwardingSmtpAddress: string | null;
  DeliverToMailboxAndForward: boolean;
  HiddenFromAddressListsEnabled: boolean;
  /**
   * Get-Mailbox IsExchangeCloudManaged (2025): a synced user's Exchange attributes are managed in Exchange Online, so
   * cloud writes to them are accepted. Absent or false on a synced user: on-premises AD masters them.
   */
  IsExchangeCloudManaged?: boolean;
  ArchiveStatus: 'None' | 'Active';
  ArchiveGuid: string;
  ProhibitSendReceiveQuota: string;
  WhenMailboxCreated: string;
  totalItemSizeBytes: number;
  totalDeletedItemSizeBytes: number;
  itemCount: number;
  lastLogonTime: string | null;
  permissions: PermissionRecord[];
  recipientPermissions: RecipientPermissionRecord[];
  inboxRules: InboxRuleRecord[];
  cas: CasSettings;
  mobileDevices: MobileDeviceRecord[];
  organizedMeetings: number;
  automaticRepliesSetting: AutomaticRepliesSetting;
  /** mailboxSettings.timeZone: a Windows name (the default) or an IANA one; null: the owner never chose one. */
  timeZone: string | null;
  language: { locale: string; displayName: string };
}

export interface TenantInfo {
  id: string;
  displayName: string;
  initialDomain: string;
  verifiedDomains: string[];
  /** Shown in Exchange's "couldn't be found on '<server>'" texts. */
  domainController: string;
}

/** temporaryAccessPassAuthenticationMethodConfiguration (the Temporary Access Pass policy). */
export interface TemporaryAccessPassPolicy {
  id: 'TemporaryAccessPass';
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  defaultLength: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
  includeTargets: { targetType: 'group'; id: string; isRegistrationRequired: boolean }[];
  excludeTargets: { targetType: 'group'; id: string }[];
}

/** The seed file's root. */
export interface SeedTenant {
  tenant: TenantInfo;
  personas: Record<string, string>;
  groupSettings: { operatorsGroupId: string; approversGroupId: string; protectedGroupId: string };
  teamsAppExternalId: string;
  users: UserRecord[];
  groups: GroupRecord[];
  directoryRoles: DirectoryRoleRecord[];
  subscribedSkus: SkuRecord[];
  devices: DeviceRecord[];
  managedDevices: ManagedDeviceRecord[];
  oauth2PermissionGrants: GrantRecord[];
  servicePrincipals: ServicePrincipalRecord[];
  authenticationMethods: Record<string, UserAuthMethods>;
  teamsApps: TeamsAppRecord[];
  installedApps: Record<string, InstalledAppRecord[]>;
  drives: DriveRecord[];
  mailboxes: MailboxRecord[];
  /** Optional in a seed file: none when absent. */
  administrativeUnits?: AdministrativeUnitRecord[];
  /** Directory role assignments (of the bot's service principal, in the bundled seed). Optional: none when absent. */
  roleAssignments?: RoleAssignmentRecord[];
  /** Optional in a seed file: Microsoft's defaults (enabled for all users) when absent. */
  temporaryAccessPassPolicy?: TemporaryAccessPassPolicy;
}
