// What each step and the preflight need from Microsoft 365: Graph application permissions (the least privileged one
// named on the step's Graph API page, with the higher-privileged ones that page lists as also sufficient), Exchange
// (Exchange.ManageAsApp + the Exchange Administrator role: DOMAIN.md "What Graph cannot do"; or a custom Exchange role
// group instead of the role, docs/DEPLOYMENT.md section 3a and EXCHANGE_CMDLETS) and Entra roles.
// Pure: the doctor (m365/doctor.ts) compares this with the roles in the app's tokens, and `npm run permissions:manifest`
// writes the grants it adds up to into infra/permissions.json, which docs/DEPLOYMENT.md grants (a test keeps the three
// in step).
import { DEFAULT_OPTIONS, OPTION_IDS, optionsSchema, type OffboardingOptions } from './options';
import { REINSTATE_STEP_KINDS, type ReinstateStepKind, type StepKind } from './plan';

/**
 * A step, the preflight, the approval card reaching an approver (the Teams app looked up and installed for them), the
 * time zones a scheduled request is shown in (people's mailbox settings), or the administrative-unit check when a
 * request starts (only with OFFBOARDABLE_UNIT_ID: SETTING_REQUIREMENTS).
 */
export type Need = StepKind | 'preflight' | 'reinstate-preflight' | 'approval-card' | 'scheduled-times' | 'offboardable-unit';
/** The needs REQUIREMENTS lists (every one but the setting-driven ones). */
export type RequirementNeed = Exclude<Need, 'offboardable-unit'>;

const DIR_READ = ['Directory.Read.All', 'Directory.ReadWrite.All'];

/**
 * Least-privileged application permission → the higher-privileged ones its Graph API page lists as also sufficient.
 * Each comment names the page.
 */
export const GRAPH_ALTERNATIVES: Record<string, readonly string[]> = {
  // user-get, user-list-manager, user-list-ownedobjects, user-list-registereddevices
  'User.Read.All': ['User.ReadWrite.All', ...DIR_READ],
  // group-list-owners; memberOf group properties ("Limited information returned for inaccessible member objects":
  // without a group permission the groups come back with id and @odata.type only). user-list-memberof itself names
  // Directory.Read.All.
  'GroupMember.Read.All': ['Group.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', ...DIR_READ],
  // directoryRole properties through transitiveMemberOf (limited information rule, as above)
  'RoleManagement.Read.Directory': ['RoleManagement.ReadWrite.Directory', ...DIR_READ],
  // subscribedsku-list
  'LicenseAssignment.Read.All': ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIR_READ],
  // organization-get (verifiedDomains: which inbox-rule targets are outside)
  'Organization.Read.All': ['Organization.ReadWrite.All', ...DIR_READ],
  // user-list-memberof: "To list the members of a group with hidden membership, the Member.Read.Hidden permission is
  // required." No page names a permission that includes it.
  'Member.Read.Hidden': [],
  // appcatalogs-list-teamsapps (finding this app in the org catalog by its manifest id)
  'AppCatalog.Read.All': ['AppCatalog.ReadWrite.All'],
  // userteamwork-post-installedapps (installing this app for an approver who lacks it)
  'TeamsAppInstallation.ReadWriteSelfForUser.All': [
    'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
    'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
    'TeamsAppInstallation.ReadWriteForUser.All',
    'TeamsAppInstallation.ReadWriteSelectedForUser.All',
  ],
  // group-delete-members: "To remove members from a role-assignable group, the calling user must also be assigned the
  // RoleManagement.ReadWrite.Directory permission"; groups-concept: "The Group.ReadWrite.All permission won't work."
  'RoleManagement.ReadWrite.Directory': [],
  // user-list-manageddevices (Intune)
  'DeviceManagementManagedDevices.Read.All': ['DeviceManagementManagedDevices.ReadWrite.All'],
  // registered devices' properties (limited information rule)
  'Device.Read.All': ['Device.ReadWrite.All', ...DIR_READ],
  // user-list-oauth2permissiongrants
  'Directory.Read.All': ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'],
  // serviceprincipal-get (the names of consented apps)
  'Application.Read.All': ['Application.ReadWrite.All', ...DIR_READ],
  // authentication-list-methods
  'UserAuthenticationMethod.Read.All': ['UserAuthenticationMethod.ReadWrite.All'],
  // drive-get
  'Files.Read.All': ['Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
  // user-update (accountEnabled)
  'User.EnableDisableAccount.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-update (passwordProfile)
  'User-PasswordProfile.ReadWrite.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-revokesigninsessions
  'User.RevokeSessions.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-get-mailboxsettings (GET /users/{id}/mailboxSettings/timeZone)
  'MailboxSettings.Read': ['MailboxSettings.ReadWrite'],
  // user-update-mailboxsettings (the auto-reply on, and off again in a reinstatement)
  'MailboxSettings.ReadWrite': [],
  // driveitem-invite; permission-delete (driveitem-delete-permission: the reinstatement removes the inheritor's)
  'Files.ReadWrite.All': ['Sites.ReadWrite.All'],
  // group-post-owners, group-delete-owners (the reinstatement's restore-group-ownerships, undo-group-handover too)
  'Group.ReadWrite.All': ['Directory.ReadWrite.All'],
  // group-delete-members, group-post-members (the reinstatement rejoins groups)
  'GroupMember.ReadWrite.All': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // manageddevice-wipe, manageddevice-retire
  'DeviceManagementManagedDevices.PrivilegedOperations.All': [],
  // device-update (app-only: Windows devices only; disabling and enabling again)
  'Device.ReadWrite.All': ['Directory.ReadWrite.All'],
  // oauth2permissiongrant-delete
  'DelegatedPermissionGrant.ReadWrite.All': ['Directory.ReadWrite.All'],
  // authentication method deletes (phoneauthenticationmethod-delete, …); authentication-post-temporaryaccesspassmethods
  // and temporaryaccesspassauthenticationmethod-delete (the reinstatement's pass)
  'UserAuthenticationMethod.ReadWrite.All': [],
  // user-assignlicense
  'LicenseAssignment.ReadWrite.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-delete names User.ReadWrite.All; User.DeleteRestore.All is the narrower permission for delete and restore
  // (directory-deleteditem-restore: User.DeleteRestore.All, or User.ReadWrite.All, for a deleted user)
  'User.DeleteRestore.All': ['User.ReadWrite.All'],
  // temporaryaccesspassauthenticationmethodconfiguration-get (is the Temporary Access Pass on in the tenant, and its
  // lifetimes: the reinstatement preflight)
  'Policy.Read.AuthenticationMethod': ['Policy.ReadWrite.AuthenticationMethod'],
  // administrativeunit-get-members (is the leaver in OFFBOARDABLE_UNIT_ID?)
  'AdministrativeUnit.Read.All': ['AdministrativeUnit.ReadWrite.All', ...DIR_READ],
};

export const EXCHANGE_PERMISSION = 'Exchange.ManageAsApp';
export const EXCHANGE_ROLE = 'Exchange Administrator';
export const USER_ADMIN_ROLE = 'User Administrator';

/** Entra role template ids (Microsoft Entra built-in roles), as they appear in a token's `wids` claim. */
export const ROLE_TEMPLATE_IDS: Record<string, string> = {
  [USER_ADMIN_ROLE]: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  [EXCHANGE_ROLE]: '29232cdf-9323-42fd-ade2-1d097af3e4de',
};
/** Roles that include a role's rights: Privileged Authentication Administrator and Global Administrator can reset any password. */
const ROLE_ALTERNATIVES: Record<string, readonly string[]> = {
  [USER_ADMIN_ROLE]: ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', '62e90394-69f5-4237-9190-012177145e10'],
  [EXCHANGE_ROLE]: ['62e90394-69f5-4237-9190-012177145e10'],
};

/**
 * The Exchange cmdlets the bot runs, what runs them, and the management roles expected to hold them for a custom role
 * group (docs/DEPLOYMENT.md "Least privilege"). The roles are **unverified**: `Get-ManagementRole -Cmdlet <name>` in
 * the tenant is the answer, and the doctor prints those checks.
 */
export const EXCHANGE_CMDLETS: ReadonlyArray<{ cmdlet: string; roles: readonly string[]; neededBy: readonly Need[] }> = [
  {
    cmdlet: 'Get-Mailbox',
    roles: ['Mail Recipients', 'View-Only Recipients'],
    neededBy: ['preflight', 'await-shared-mailbox', 'reinstate-preflight', 'mailbox-to-regular', 'show-in-address-list'],
  },
  { cmdlet: 'Get-MailboxStatistics', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['preflight'] },
  { cmdlet: 'Get-CASMailbox', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['preflight', 'restore-mobile-protocols'] },
  { cmdlet: 'Get-MailboxPermission', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['grant-full-access', 'remove-full-access'] },
  { cmdlet: 'Get-RecipientPermission', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['grant-send-as', 'remove-send-as'] },
  { cmdlet: 'Get-InboxRule', roles: ['Mail Recipients'], neededBy: ['preflight', 'clear-inbox-rules'] },
  { cmdlet: 'Get-MobileDevice', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['preflight', 'remove-mobile-mail'] },
  { cmdlet: 'Get-MobileDeviceStatistics', roles: ['Mail Recipients', 'View-Only Recipients'], neededBy: ['remove-mobile-mail'] },
  { cmdlet: 'Set-Mailbox', roles: ['Mail Recipients'], neededBy: ['convert-to-shared', 'mail-forwarding', 'hide-from-address-list', 'mailbox-to-regular', 'show-in-address-list'] },
  // -LitigationHoldEnabled is a parameter of its own role.
  { cmdlet: 'Set-Mailbox -LitigationHoldEnabled', roles: ['Legal Hold'], neededBy: ['litigation-hold'] },
  { cmdlet: 'Add-MailboxPermission', roles: ['Mail Recipients'], neededBy: ['grant-full-access'] },
  { cmdlet: 'Add-RecipientPermission', roles: ['Mail Recipients'], neededBy: ['grant-send-as'] },
  { cmdlet: 'Remove-DistributionGroupMember', roles: ['Distribution Groups', 'Security Group Creation and Membership'], neededBy: ['leave-distribution-lists'] },
  { cmdlet: 'Remove-InboxRule', roles: ['Mail Recipients'], neededBy: ['clear-inbox-rules'] },
  { cmdlet: 'Set-CASMailbox', roles: ['Mail Recipients'], neededBy: ['disable-mobile-protocols', 'restore-mobile-protocols'] },
  { cmdlet: 'Remove-MailboxPermission', roles: ['Mail Recipients'], neededBy: ['grant-full-access', 'remove-full-access'] },
  { cmdlet: 'Remove-RecipientPermission', roles: ['Mail Recipients'], neededBy: ['grant-send-as', 'remove-send-as'] },
  { cmdlet: 'Add-DistributionGroupMember', roles: ['Distribution Groups', 'Security Group Creation and Membership'], neededBy: ['rejoin-distribution-lists'] },
  { cmdlet: 'Clear-MobileDevice', roles: ['Mail Recipients'], neededBy: ['remove-mobile-mail'] },
  { cmdlet: 'Remove-CalendarEvents', roles: ['Mail Recipients'], neededBy: ['cancel-meetings'] },
];

/** The checks an Exchange admin can run to see which management roles hold each cmdlet the bot uses. */
export function managementRoleChecks(): string[] {
  return [...new Set(EXCHANGE_CMDLETS.map((c) => c.cmdlet.split(' ')[0]!))].map((c) => `Get-ManagementRole -Cmdlet ${c}`);
}

interface Requirement {
  graph: string[];
  exchange?: true;
  roles?: string[];
}

const EXCHANGE: Requirement = { graph: [], exchange: true };

export const REQUIREMENTS: Record<RequirementNeed, Requirement> = {
  preflight: {
    graph: [
      'User.Read.All',
      'GroupMember.Read.All',
      'RoleManagement.Read.Directory',
      'LicenseAssignment.Read.All',
      'Organization.Read.All',
      'DeviceManagementManagedDevices.Read.All',
      'Device.Read.All',
      'Directory.Read.All',
      'Application.Read.All',
      'UserAuthenticationMethod.Read.All',
      'Files.Read.All',
      // user-list-memberof: groups with hidden membership need it; without it the leaver could stay in them unseen.
      'Member.Read.Hidden',
    ],
    exchange: true,
  },
  // Finding this app in the org catalog and installing it for an approver (offboarding/directory.ts), so the approval
  // card reaches them. Not a step: every request needs it.
  'approval-card': { graph: ['AppCatalog.Read.All', 'TeamsAppInstallation.ReadWriteSelfForUser.All'] },
  // A scheduled request tells the requester and the approvers when it runs in their time zones, read from their
  // mailbox settings (offboarding/time-zones.ts; without it, UTC). Not a step: any request with an effective time.
  // MailboxSettings.ReadWrite (the auto-reply step's) includes it, so the manifest grants no more for it.
  'scheduled-times': { graph: ['MailboxSettings.Read'] },
  'block-sign-in': { graph: ['User.EnableDisableAccount.All'] },
  // 403 Authorization_RequestDenied without the role (DOMAIN.md)
  'reset-password': { graph: ['User-PasswordProfile.ReadWrite.All'], roles: [USER_ADMIN_ROLE] },
  'revoke-sessions': { graph: ['User.RevokeSessions.All'] },
  'litigation-hold': EXCHANGE,
  'convert-to-shared': EXCHANGE,
  'await-shared-mailbox': EXCHANGE,
  'grant-full-access': EXCHANGE,
  'grant-send-as': EXCHANGE,
  'auto-reply': { graph: ['MailboxSettings.ReadWrite'] },
  'mail-forwarding': EXCHANGE,
  'hide-from-address-list': EXCHANGE,
  'onedrive-access': { graph: ['Files.ReadWrite.All'] },
  'hand-over-owned-groups': { graph: ['Group.ReadWrite.All'] },
  'leave-groups': { graph: ['GroupMember.ReadWrite.All'] },
  'leave-distribution-lists': EXCHANGE,
  'drop-group-ownerships': { graph: ['Group.ReadWrite.All'] },
  'groups-left-in-place': { graph: [] },
  // The read settles a wipe or retire whose answer was lost (steps/one-shot.ts).
  'intune-devices': { graph: ['DeviceManagementManagedDevices.PrivilegedOperations.All', 'DeviceManagementManagedDevices.Read.All'] },
  'disable-entra-devices': { graph: ['Device.ReadWrite.All'] },
  'revoke-oauth-grants': { graph: ['DelegatedPermissionGrant.ReadWrite.All'] },
  'remove-mfa-methods': { graph: ['UserAuthenticationMethod.ReadWrite.All'] },
  'clear-inbox-rules': EXCHANGE,
  'disable-mobile-protocols': EXCHANGE,
  'remove-mobile-mail': EXCHANGE,
  'cancel-meetings': EXCHANGE,
  'remove-direct-licences': { graph: ['LicenseAssignment.ReadWrite.All'] },
  'leave-licence-groups': { graph: ['GroupMember.ReadWrite.All'] },
  'delete-account': { graph: ['User.DeleteRestore.All'], roles: [USER_ADMIN_ROLE] },

  // ---- Reinstatement (reinstate/planner.ts, steps/reinstate/): undoing an offboarding. -------------------------------
  // Its read-only preflight (reinstate/preflight.ts): the deleted account (directory-deleteditems-get: User.Read.All for
  // users), the tenant's Temporary Access Pass policy and whether it applies (checkMemberGroups), seats
  // (subscribedsku-list) and the user's licences, groups, ownerships and registered devices, and Get-Mailbox. The
  // rest (permissions, protocols, the automatic reply) each step reads when it runs.
  'reinstate-preflight': {
    graph: ['User.Read.All', 'Policy.Read.AuthenticationMethod', 'LicenseAssignment.Read.All', 'GroupMember.Read.All', 'Device.Read.All'],
    exchange: true,
  },
  // directory-deleteditem-restore; as delete-account, a role for restoring users with directory roles.
  'restore-account': { graph: ['User.DeleteRestore.All'], roles: [USER_ADMIN_ROLE] },
  // user-update (accountEnabled), read first (user-get)
  'enable-sign-in': { graph: ['User.EnableDisableAccount.All', 'User.Read.All'] },
  // authentication-post-temporaryaccesspassmethods; listing (temporaryaccesspassauthenticationmethod-list) and deleting
  // the pass a lost answer left behind. App-only it works for users without directory roles; a pass for an admin is
  // refused unless the app holds Privileged Authentication Administrator (not granted: reinstating an admin's sign-in
  // is for a person to do, docs/DEPLOYMENT.md).
  'temporary-access-pass': { graph: ['UserAuthenticationMethod.ReadWrite.All'] },
  // user-assignlicense; the seats (subscribedsku-list) and the user's licences (user-get) read first
  'restore-direct-licences': { graph: ['LicenseAssignment.ReadWrite.All', 'LicenseAssignment.Read.All', 'User.Read.All'] },
  // group-post-members
  'rejoin-licence-groups': { graph: ['GroupMember.ReadWrite.All'] },
  'rejoin-groups': { graph: ['GroupMember.ReadWrite.All'] },
  // Exchange: Add-DistributionGroupMember (Graph refuses mail-enabled groups)
  'rejoin-distribution-lists': EXCHANGE,
  // group-post-owners
  'restore-group-ownerships': { graph: ['Group.ReadWrite.All'] },
  // group-delete-owners (Group.ReadWrite.All) and group-delete-members (GroupMember.ReadWrite.All)
  'undo-group-handover': { graph: ['Group.ReadWrite.All', 'GroupMember.ReadWrite.All'] },
  // device-update, read first (device-get)
  'enable-entra-devices': { graph: ['Device.ReadWrite.All'] },
  // Get-Mailbox / Set-Mailbox -Type Regular, after reading the user's licences (user-get) and the SKUs' service plans
  // (subscribedsku-list) for an Exchange Online plan.
  'mailbox-to-regular': { ...EXCHANGE, graph: ['User.Read.All', 'LicenseAssignment.Read.All'] },
  'remove-full-access': EXCHANGE,
  'remove-send-as': EXCHANGE,
  'show-in-address-list': EXCHANGE,
  'restore-mobile-protocols': EXCHANGE,
  // user-update-mailboxsettings (the read before it is within the same permission)
  'auto-reply-off': { graph: ['MailboxSettings.ReadWrite'] },
  // driveitem-list-permissions, then permission-delete (driveitem-delete-permission); drive-get when the drive is unknown
  'remove-onedrive-access': { graph: ['Files.ReadWrite.All'] },
};

type BooleanOption = { [K in keyof OffboardingOptions]-?: OffboardingOptions[K] extends boolean ? K : never }[keyof OffboardingOptions];

/** What a step needs only when an option asks for it (on top of REQUIREMENTS). */
export interface OptionRequirement {
  option: BooleanOption;
  steps: StepKind[];
  graph: string[];
}

export const OPTION_REQUIREMENTS: readonly OptionRequirement[] = [
  // Leaving role-assignable groups (the licence-assigning ones included) needs the role-management permission as well
  // (group-delete-members). Off by default: the groups are left in place with a follow-up.
  { option: 'removeFromRoleAssignableGroups', steps: ['leave-groups', 'leave-licence-groups'], graph: ['RoleManagement.ReadWrite.Directory'] },
];

/** Deployment settings (not options) that add a read of their own. */
export interface Settings {
  /** OFFBOARDABLE_UNIT_ID is set: a leaver outside that administrative unit is refused before approval. */
  offboardableUnit?: boolean;
}

export interface SettingRequirement {
  setting: keyof Settings;
  /** The environment variable, as the manifest's `onlyWith` and the guide name it. */
  variable: string;
  need: Need;
  graph: string[];
}

export const SETTING_REQUIREMENTS: readonly SettingRequirement[] = [
  // GET /directory/administrativeUnits/{unit}/members/{leaver} (administrativeunit-get-members; 404: not a member).
  { setting: 'offboardableUnit', variable: 'OFFBOARDABLE_UNIT_ID', need: 'offboardable-unit', graph: ['AdministrativeUnit.Read.All'] },
];

/** Every setting on: what the manifest grants (optionally). */
export const EVERY_SETTING_ON: Settings = Object.fromEntries(SETTING_REQUIREMENTS.map((s) => [s.setting, true]));

/**
 * Options whose grants the deployment guide marks optional: off by default, and what they need is needed by nothing
 * else. Granting them is a decision (RoleManagement.ReadWrite.Directory lets the app give itself any directory role).
 */
export const OPTIONAL_GRANT_OPTIONS: readonly BooleanOption[] = ['deleteAccount', 'removeFromRoleAssignableGroups'];

/** Why a grant deserves a second thought; shown in the manifest (and the guide says it in words). */
export const GRANT_WARNINGS: Record<string, string> = {
  'RoleManagement.ReadWrite.Directory': 'Lets the app manage every directory role assignment, its own included: it can make itself Global Administrator.',
};

/** Every boolean option on (devices wiped): the steps a fully chosen plan may run (`doctor --all`, the manifest). */
export const EVERY_OPTION_ON: OffboardingOptions = optionsSchema.parse(
  Object.fromEntries(OPTION_IDS.filter((id) => typeof DEFAULT_OPTIONS[id] === 'boolean').map((id) => [id, true])),
);

/** The steps an operator's options switch on (the planner may still skip some for the leaver at hand). */
export function enabledSteps(o: OffboardingOptions): StepKind[] {
  const on: Array<[boolean, StepKind[]]> = [
    [true, ['block-sign-in', 'reset-password', 'revoke-sessions']],
    [o.litigationHold, ['litigation-hold']],
    [o.convertToShared, ['convert-to-shared', 'await-shared-mailbox']],
    [o.grantFullAccess, ['grant-full-access']],
    [o.grantSendAs, ['grant-send-as']],
    [o.autoReply, ['auto-reply']],
    [o.forwardToInheritor || o.clearForwardingAndInboxRules, ['mail-forwarding']],
    [o.hideFromAddressList, ['hide-from-address-list']],
    [o.oneDriveAccess, ['onedrive-access']],
    [o.leaveGroups, ['hand-over-owned-groups', 'leave-groups', 'leave-distribution-lists', 'drop-group-ownerships', 'groups-left-in-place']],
    [o.intuneDevices !== 'leave', ['intune-devices']],
    [o.disableEntraDevices, ['disable-entra-devices']],
    [o.revokeOAuthGrants, ['revoke-oauth-grants']],
    [o.removeMfaMethods, ['remove-mfa-methods']],
    [o.clearForwardingAndInboxRules, ['clear-inbox-rules']],
    [o.disableMobileProtocols, ['disable-mobile-protocols', 'remove-mobile-mail']],
    [o.cancelMeetings, ['cancel-meetings']],
    [o.removeLicences, ['remove-direct-licences', 'leave-licence-groups']],
    [o.deleteAccount, ['delete-account']],
  ];
  return on.flatMap(([chosen, kinds]) => (chosen ? kinds : []));
}

export interface RequiredPermission {
  service: 'graph' | 'exchange' | 'entra-role';
  /** A Graph application permission, Exchange.ManageAsApp, or an Entra role's name. */
  permission: string;
  /** Also sufficient: higher-privileged Graph permissions, or (for roles) template ids of roles that include it. */
  satisfiedBy: readonly string[];
  /** The preflight and the enabled steps that need it, in step order. */
  neededBy: Need[];
}

/**
 * What a reinstatement may need. Reinstating is part of every deployment, not an option: its preflight and steps are
 * always needed, except restore-account, which undoes delete-account and so goes with the deleteAccount option (its
 * User.DeleteRestore.All grant is the optional one delete-account makes: without it no account was ever deleted).
 */
export function reinstatementNeeds(options: OffboardingOptions): RequirementNeed[] {
  return ['reinstate-preflight', ...REINSTATE_STEP_KINDS.filter((k): k is ReinstateStepKind => k !== 'restore-account' || options.deleteAccount)];
}

/** The preflight, the approval card, the scheduled times and the enabled steps: what a request with these options may need. */
export function enabledNeeds(options: OffboardingOptions): RequirementNeed[] {
  return ['preflight', 'approval-card', 'scheduled-times', ...enabledSteps(options)];
}

/** What else to count in: a reinstatement's needs (the manifest always grants them). */
export interface Scope {
  reinstatement?: boolean;
}

/**
 * The union of what the preflight, the approval card and the enabled steps need with these options, plus what the
 * deployment settings in use add (SETTING_REQUIREMENTS).
 */
export function requiredPermissions(options: OffboardingOptions, settings: Settings = {}, scope: Scope = {}): RequiredPermission[] {
  const out = new Map<string, RequiredPermission>();
  const add = (service: RequiredPermission['service'], permission: string, satisfiedBy: readonly string[], need: Need): void => {
    const key = `${service}:${permission}`;
    const entry = out.get(key) ?? { service, permission, satisfiedBy, neededBy: [] };
    entry.neededBy.push(need);
    out.set(key, entry);
  };
  const needs = [...enabledNeeds(options), ...(scope.reinstatement ? reinstatementNeeds(options) : [])];
  for (const need of needs) {
    const r = REQUIREMENTS[need];
    for (const p of r.graph) {
      add('graph', p, GRAPH_ALTERNATIVES[p] ?? [], need);
    }
    if (r.exchange) {
      add('exchange', EXCHANGE_PERMISSION, [], need);
      add('entra-role', EXCHANGE_ROLE, [ROLE_TEMPLATE_IDS[EXCHANGE_ROLE]!, ...(ROLE_ALTERNATIVES[EXCHANGE_ROLE] ?? [])], need);
    }
    for (const role of r.roles ?? []) {
      add('entra-role', role, [ROLE_TEMPLATE_IDS[role]!, ...(ROLE_ALTERNATIVES[role] ?? [])], need);
    }
  }
  for (const extra of OPTION_REQUIREMENTS.filter((x) => options[x.option])) {
    for (const step of extra.steps.filter((k) => needs.includes(k))) {
      for (const p of extra.graph) {
        add('graph', p, GRAPH_ALTERNATIVES[p] ?? [], step);
      }
    }
  }
  for (const s of SETTING_REQUIREMENTS.filter((x) => settings[x.setting])) {
    for (const p of s.graph) {
      add('graph', p, GRAPH_ALTERNATIVES[p] ?? [], s.need);
    }
  }
  return [...out.values()];
}

/** Whether a set of granted names (token roles, or role template ids) satisfies a requirement. */
export function isSatisfied(requirement: Pick<RequiredPermission, 'permission' | 'satisfiedBy'>, granted: ReadonlySet<string>): boolean {
  return granted.has(requirement.permission) || requirement.satisfiedBy.some((p) => granted.has(p));
}

// ---- The permission manifest (infra/permissions.json) -----------------------------------------------------------------

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

export interface ManifestGrant {
  /** A Graph or Exchange application permission, or an Entra role's name. */
  permission: string;
  /** Entra roles only: the role template id to assign. */
  templateId?: string;
  /** Grant it only when one of `onlyWith` may be chosen (OPTIONAL_GRANT_OPTIONS) or is set (SETTING_REQUIREMENTS' variables). */
  optional: boolean;
  onlyWith?: string[];
  /** What needs it, with every option on. */
  neededBy: Need[];
  /** Narrower permissions a need names that this grant stands in for (their pages list it as higher-privileged). */
  covers?: string[];
  warning?: string;
}

export interface PermissionManifest {
  $comment: string;
  graph: { resourceAppId: string; grants: ManifestGrant[] };
  exchange: { resourceAppId: string; grants: ManifestGrant[] };
  entraRoles: ManifestGrant[];
}

const keyOf = (r: Pick<RequiredPermission, 'service' | 'permission'>): string => `${r.service}:${r.permission}`;

/**
 * The fewest grants (of the permissions the needs name) that satisfy every requirement: a narrower permission is
 * dropped when another grant its page lists as higher-privileged is made anyway (GroupMember.ReadWrite.All when
 * Group.ReadWrite.All is granted). `given` are grants already made, used but not returned.
 */
function cover(requirements: RequiredPermission[], given: ReadonlySet<string> = new Set()): string[] {
  const chosen = requirements.map(keyOf).filter((k) => !given.has(k));
  const satisfied = (set: ReadonlySet<string>): boolean =>
    requirements.every((r) => set.has(keyOf(r)) || r.satisfiedBy.some((alt) => set.has(`${r.service}:${alt}`)));
  // Least privilege before fewest grants: the broadest permissions (those standing in for the most others, such as
  // Directory.Read.All) are the first to go when what else is granted covers them.
  const breadth = (k: string): number => requirements.filter((r) => r.satisfiedBy.some((alt) => `${r.service}:${alt}` === k)).length;
  const tries = chosen.map((k, i) => ({ k, i, b: breadth(k) })).sort((a, b) => b.b - a.b || a.i - b.i).map((t) => t.k);
  for (const k of tries) {
    const without = new Set([...given, ...chosen.filter((c) => c !== k)]);
    if (satisfied(without)) {
      chosen.splice(chosen.indexOf(k), 1);
    }
  }
  return chosen;
}

/** Reinstating is part of every deployment: the manifest grants what it needs. */
const REINSTATEMENT: Scope = { reinstatement: true };

/**
 * What the guide must grant: required grants for every option on but the OPTIONAL_GRANT_OPTIONS, then those; the
 * reinstatement's needs counted in both (restore-account's goes with deleteAccount).
 */
export function permissionManifest(): PermissionManifest {
  const off = Object.fromEntries(OPTIONAL_GRANT_OPTIONS.map((o) => [o, false]));
  const base: OffboardingOptions = { ...EVERY_OPTION_ON, ...off };
  const baseReqs = requiredPermissions(base, {}, REINSTATEMENT);
  const required = cover(baseReqs);
  const requiredSet = new Set(required);
  const every = requiredPermissions(EVERY_OPTION_ON, EVERY_SETTING_ON, REINSTATEMENT);
  const extra = every.filter((r) => !(requiredSet.has(keyOf(r)) || r.satisfiedBy.some((alt) => requiredSet.has(`${r.service}:${alt}`))));
  const optional = cover(extra, requiredSet);
  const onlyWith = new Map<string, string[]>();
  for (const option of OPTIONAL_GRANT_OPTIONS) {
    for (const r of requiredPermissions({ ...base, [option]: true }, {}, REINSTATEMENT)) {
      if (optional.includes(keyOf(r))) {
        onlyWith.set(keyOf(r), [...(onlyWith.get(keyOf(r)) ?? []), option]);
      }
    }
  }
  for (const s of SETTING_REQUIREMENTS) {
    for (const r of requiredPermissions(base, { [s.setting]: true }, REINSTATEMENT)) {
      if (optional.includes(keyOf(r))) {
        onlyWith.set(keyOf(r), [...(onlyWith.get(keyOf(r)) ?? []), s.variable]);
      }
    }
  }
  const grant = (key: string): ManifestGrant => {
    const own = every.find((r) => keyOf(r) === key)!;
    const stoodFor = every.filter((r) => keyOf(r) !== key && r.service === own.service && r.satisfiedBy.includes(own.permission) && !requiredSet.has(keyOf(r)) && !optional.includes(keyOf(r)));
    const neededBy = [...new Set([...own.neededBy, ...stoodFor.flatMap((r) => r.neededBy)])];
    const order: Need[] = [...enabledNeeds(EVERY_OPTION_ON), ...reinstatementNeeds(EVERY_OPTION_ON), ...SETTING_REQUIREMENTS.map((x) => x.need)];
    neededBy.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const isOptional = optional.includes(key);
    return {
      permission: own.permission,
      ...(own.service === 'entra-role' ? { templateId: ROLE_TEMPLATE_IDS[own.permission]! } : {}),
      optional: isOptional,
      ...(isOptional ? { onlyWith: onlyWith.get(key) ?? [] } : {}),
      neededBy,
      ...(stoodFor.length ? { covers: stoodFor.map((r) => r.permission) } : {}),
      ...(GRANT_WARNINGS[own.permission] ? { warning: GRANT_WARNINGS[own.permission] } : {}),
    };
  };
  const grants = [...required, ...optional].map(grant);
  const of = (service: RequiredPermission['service']): ManifestGrant[] => grants.filter((g) => every.find((r) => r.permission === g.permission)?.service === service);
  return {
    $comment: 'Generated by `npm run permissions:manifest` from src/offboarding/permissions.ts: do not edit. docs/DEPLOYMENT.md grants exactly this (test/offboarding/permissions.test.ts).',
    graph: { resourceAppId: GRAPH_APP_ID, grants: of('graph') },
    exchange: { resourceAppId: EXCHANGE_APP_ID, grants: of('exchange') },
    entraRoles: of('entra-role'),
  };
}

/** The manifest file's text (2-space JSON and a final newline). */
export function permissionManifestText(): string {
  return `${JSON.stringify(permissionManifest(), null, 2)}\n`;
}
