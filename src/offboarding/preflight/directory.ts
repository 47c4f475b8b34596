// Graph v1.0 directory objects → the snapshot's shapes. Pure: no I/O here.
import type { AuthMethodInfo, GroupInfo, GroupKind, ManagedDeviceInfo, OAuthGrantInfo, PersonRef, RegisteredDeviceInfo } from '../snapshot';

const PERSON_FIELDS = 'id,displayName,userPrincipalName,mail,accountEnabled';
const GROUP_FIELDS = 'id,displayName,groupTypes,mailEnabled,securityEnabled,mail,onPremisesSyncEnabled,resourceProvisioningOptions,isAssignableToRole';

/** Every request of the preflight's first round, by what it reads (user resource type: only $select returns
 *  accountEnabled, onPremisesSyncEnabled, licenseAssignmentStates). */
export function firstRoundUrls(leaverId: string, inheritorId: string): Record<string, string> {
  const u = `/users/${encodeURIComponent(leaverId)}`;
  return {
    leaver: `${u}?$select=${PERSON_FIELDS},onPremisesSyncEnabled,jobTitle,department,assignedLicenses,licenseAssignmentStates`,
    inheritor: `/users/${encodeURIComponent(inheritorId)}?$select=${PERSON_FIELDS}`,
    manager: `${u}/manager?$select=${PERSON_FIELDS}`,
    organization: '/organization?$select=verifiedDomains',
    skus: '/subscribedSkus?$select=skuId,skuPartNumber,servicePlans',
    // The casts below travel as advanced queries (ConsistencyLevel + $count=true): the gateway adds both (advanced-query.ts).
    roles: `${u}/transitiveMemberOf/microsoft.graph.directoryRole?$select=id,displayName`,
    // Directory collections page at 100 unless $top says up to 999 (Paging doc): most leavers fit in one page.
    groups: `${u}/memberOf/microsoft.graph.group?$select=${GROUP_FIELDS}&$top=999`,
    owned: `${u}/ownedObjects/microsoft.graph.group?$select=${GROUP_FIELDS}&$top=999`,
    managedDevices: `${u}/managedDevices?$select=id,deviceName,operatingSystem,managedDeviceOwnerType`,
    // "List registeredDevices" documents no cast to microsoft.graph.device: the list is filtered on @odata.type.
    registeredDevices: `${u}/registeredDevices?$select=id,displayName,operatingSystem,accountEnabled`,
    grants: `${u}/oauth2PermissionGrants?$select=id,clientId,scope`,
    // "List methods" supports no query options, $select included.
    methods: `${u}/authentication/methods`,
    drive: `${u}/drive?$select=id,webUrl`,
  };
}

export const ownersUrl = (groupId: string): string => `/groups/${encodeURIComponent(groupId)}/owners?$select=id&$top=999`;
export const servicePrincipalUrl = (id: string): string => `/servicePrincipals/${encodeURIComponent(id)}?$select=displayName`;

export interface RawUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  accountEnabled?: boolean | null;
}

export function toPerson(u: RawUser): PersonRef {
  return {
    id: u.id,
    displayName: u.displayName ?? u.userPrincipalName ?? u.id,
    userPrincipalName: u.userPrincipalName ?? '',
    ...(u.mail ? { mail: u.mail } : {}),
    // Only an explicit true counts: a disabled or unknown state must not pass as enabled.
    accountEnabled: u.accountEnabled === true,
  };
}

export interface RawGroup {
  id: string;
  displayName?: string | null;
  groupTypes?: string[] | null;
  mailEnabled?: boolean | null;
  securityEnabled?: boolean | null;
  mail?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  resourceProvisioningOptions?: string[] | null;
  isAssignableToRole?: boolean | null;
}

/** groups-overview: Unified → Microsoft 365; mail-enabled without security → distribution list; both → mail-enabled security. */
export function groupKind(g: RawGroup): GroupKind {
  if (g.groupTypes?.includes('Unified')) {
    return 'microsoft365';
  }
  if (g.mailEnabled === true) {
    return g.securityEnabled === true ? 'mailEnabledSecurity' : 'distribution';
  }
  return 'security';
}

export function toGroup(g: RawGroup): GroupInfo {
  return {
    id: g.id,
    displayName: g.displayName ?? g.id,
    kind: groupKind(g),
    ...(g.mail ? { mail: g.mail } : {}),
    dynamic: g.groupTypes?.includes('DynamicMembership') ?? false,
    synced: g.onPremisesSyncEnabled === true,
    team: g.resourceProvisioningOptions?.includes('Team') ?? false,
    ...(g.isAssignableToRole === true ? { roleAssignable: true } : {}),
  };
}

export function toRole(r: { id: string; displayName?: string | null }): { id: string; displayName: string } {
  return { id: r.id, displayName: r.displayName ?? r.id };
}

const OWNER_TYPES = new Set(['company', 'personal']);

export function toManagedDevice(d: { id: string; deviceName?: string | null; operatingSystem?: string | null; managedDeviceOwnerType?: string | null }): ManagedDeviceInfo {
  const owner = d.managedDeviceOwnerType ?? 'unknown';
  return {
    id: d.id,
    deviceName: d.deviceName ?? d.id,
    ...(d.operatingSystem ? { operatingSystem: d.operatingSystem } : {}),
    ownerType: OWNER_TYPES.has(owner) ? (owner as 'company' | 'personal') : 'unknown',
  };
}

interface RawRegistered {
  '@odata.type'?: string;
  id: string;
  displayName?: string | null;
  operatingSystem?: string | null;
  accountEnabled?: boolean | null;
}

/** registeredDevices is a directoryObject collection: keep the devices. */
export function toRegisteredDevices(items: RawRegistered[]): RegisteredDeviceInfo[] {
  return items
    .filter((d) => d['@odata.type'] === undefined || d['@odata.type'] === '#microsoft.graph.device')
    .map((d) => ({
      id: d.id,
      displayName: d.displayName ?? d.id,
      ...(d.operatingSystem ? { operatingSystem: d.operatingSystem } : {}),
      accountEnabled: d.accountEnabled === true,
    }));
}

export function toGrant(g: { id: string; clientId: string; scope?: string | null }, names: Map<string, string>): OAuthGrantInfo {
  const clientName = names.get(g.clientId);
  return { id: g.id, clientId: g.clientId, ...(clientName ? { clientName } : {}), scope: (g.scope ?? '').trim() };
}

export function toAuthMethod(m: { id: string; '@odata.type'?: string }): AuthMethodInfo {
  return { id: m.id, odataType: m['@odata.type'] ?? '#microsoft.graph.authenticationMethod' };
}

export function verifiedDomains(org: { value?: Array<{ verifiedDomains?: Array<{ name?: string }> | null }> }): string[] {
  return (org.value ?? []).flatMap((o) => o.verifiedDomains ?? []).flatMap((d) => (d.name ? [d.name] : []));
}
