// What each step and the preflight need from Microsoft 365: Graph application permissions (the least privileged one
// named on the step's Graph API page, with the higher-privileged ones that page lists as also sufficient), Exchange
// (Exchange.ManageAsApp + the Exchange Administrator role: DOMAIN.md "What Graph cannot do") and Entra roles.
// Pure: the doctor (m365/doctor.ts) compares this with the roles in the app's tokens.
import type { OffboardingOptions } from './options';
import type { StepKind } from './plan';

export type Need = StepKind | 'preflight';

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
  // user-update-mailboxsettings
  'MailboxSettings.ReadWrite': [],
  // driveitem-invite
  'Files.ReadWrite.All': ['Sites.ReadWrite.All'],
  // group-post-owners, group-delete-owners
  'Group.ReadWrite.All': ['Directory.ReadWrite.All'],
  // group-delete-members
  'GroupMember.ReadWrite.All': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  // manageddevice-wipe, manageddevice-retire
  'DeviceManagementManagedDevices.PrivilegedOperations.All': [],
  // device-update (app-only: Windows devices only)
  'Device.ReadWrite.All': ['Directory.ReadWrite.All'],
  // oauth2permissiongrant-delete
  'DelegatedPermissionGrant.ReadWrite.All': ['Directory.ReadWrite.All'],
  // authentication method deletes (phoneauthenticationmethod-delete, …)
  'UserAuthenticationMethod.ReadWrite.All': [],
  // user-assignlicense
  'LicenseAssignment.ReadWrite.All': ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  // user-delete names User.ReadWrite.All; User.DeleteRestore.All is the narrower permission for delete and restore
  'User.DeleteRestore.All': ['User.ReadWrite.All'],
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

interface Requirement {
  graph: string[];
  exchange?: true;
  roles?: string[];
}

const EXCHANGE: Requirement = { graph: [], exchange: true };

export const REQUIREMENTS: Record<Need, Requirement> = {
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
    ],
    exchange: true,
  },
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
};

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

/** The union of what the preflight and the enabled steps need. */
export function requiredPermissions(options: OffboardingOptions): RequiredPermission[] {
  const out = new Map<string, RequiredPermission>();
  const add = (service: RequiredPermission['service'], permission: string, satisfiedBy: readonly string[], need: Need): void => {
    const key = `${service}:${permission}`;
    const entry = out.get(key) ?? { service, permission, satisfiedBy, neededBy: [] };
    entry.neededBy.push(need);
    out.set(key, entry);
  };
  for (const need of ['preflight' as const, ...enabledSteps(options)]) {
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
  return [...out.values()];
}

/** Whether a set of granted names (token roles, or role template ids) satisfies a requirement. */
export function isSatisfied(requirement: Pick<RequiredPermission, 'permission' | 'satisfiedBy'>, granted: ReadonlySet<string>): boolean {
  return granted.has(requirement.permission) || requirement.satisfiedBy.some((p) => granted.has(p));
}
