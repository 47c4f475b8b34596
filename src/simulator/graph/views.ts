// How each stored record looks through Graph v1.0: the full property set (for $select and $filter) and the default
// set returned without $select. Users return only a small default set (user resource type: "By default, only a
// limited set of properties are returned"); accountEnabled, department, onPremisesSyncEnabled, assignedLicenses,
// licenseAssignmentStates and the like appear only when selected.
import type { TenantState } from '../state';
import type { DeviceRecord, DirectoryRoleRecord, GroupRecord, ManagedDeviceRecord, ServicePrincipalRecord, SkuRecord, UserRecord } from '../types';
import type { EntityType } from './collection';

type Entity = Record<string, unknown>;

const SERVICE_OF_PLAN: Record<string, string> = {
  EXCHANGE_S_ENTERPRISE: 'exchange',
  EXCHANGE_S_STANDARD: 'exchange',
  EXCHANGE_S_FOUNDATION: 'exchange',
  SHAREPOINTENTERPRISE: 'SharePoint',
  SHAREPOINTSTANDARD: 'SharePoint',
  SHAREPOINTWAC: 'SharePoint',
  OFFICESUBSCRIPTION: 'MicrosoftOffice',
  TEAMS1: 'TeamspaceAPI',
  INTUNE_A: 'SCO',
  AAD_PREMIUM: 'AADPremiumService',
  MFA_PREMIUM: 'MultiFactorService',
  BI_AZURE_P2: 'ProcessSimple',
  VISIO_CLIENT_SUBSCRIPTION: 'Visio',
  VISIOONLINE: 'SharePoint',
};

export function userView(state: TenantState, u: UserRecord): Entity {
  const { managerId: _managerId, ...props } = u;
  const states = state.licenceStates(u);
  const assignedPlans = state.assignedLicenses(u).flatMap((l) =>
    (state.findSku(l.skuId)?.servicePlans ?? [])
      .filter((p) => !l.disabledPlans.includes(p.servicePlanId))
      .map((p) => ({ assignedDateTime: u.createdDateTime, capabilityStatus: 'Enabled', service: SERVICE_OF_PLAN[p.servicePlanName] ?? 'unknown', servicePlanId: p.servicePlanId })),
  );
  return {
    ...props,
    assignedLicenses: state.assignedLicenses(u),
    licenseAssignmentStates: states,
    assignedPlans,
    otherMails: [],
    imAddresses: u.mail ? [u.mail] : [],
    showInAddressList: null,
    externalUserState: null,
    creationType: null,
    passwordPolicies: null,
    deletedDateTime: null,
    employeeHireDate: null,
    employeeType: null,
    ageGroup: null,
    faxNumber: null,
    postalCode: null,
    state: null,
    streetAddress: null,
    onPremisesUserPrincipalName: u.onPremisesSyncEnabled ? u.userPrincipalName : null,
    onPremisesDistinguishedName: u.onPremisesSamAccountName ? `CN=${u.displayName},OU=Users,DC=corp,DC=contoso,DC=com` : null,
    onPremisesSecurityIdentifier: null,
    securityIdentifier: `S-1-12-1-${parseInt(u.id.slice(0, 8), 16)}`,
  };
}

export const USER: EntityType = {
  name: 'user',
  directory: true,
  properties: [
    'id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'mailNickname', 'jobTitle', 'department', 'companyName',
    'officeLocation', 'city', 'country', 'employeeId', 'mobilePhone', 'businessPhones', 'preferredLanguage', 'usageLocation', 'userType',
    'accountEnabled', 'createdDateTime', 'onPremisesSyncEnabled', 'onPremisesImmutableId', 'onPremisesSamAccountName', 'onPremisesDomainName',
    'onPremisesLastSyncDateTime', 'proxyAddresses', 'assignedLicenses', 'licenseAssignmentStates', 'assignedPlans', 'signInSessionsValidFromDateTime',
    'lastPasswordChangeDateTime', 'otherMails', 'imAddresses', 'showInAddressList', 'externalUserState', 'creationType', 'passwordPolicies',
    'deletedDateTime', 'employeeHireDate', 'employeeType', 'ageGroup', 'faxNumber', 'postalCode', 'state', 'streetAddress',
    'onPremisesUserPrincipalName', 'onPremisesDistinguishedName', 'onPremisesSecurityIdentifier', 'securityIdentifier',
  ],
  defaults: ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'],
};

export function groupView(g: GroupRecord): Entity {
  const { members: _m, owners: _o, ...props } = g;
  return {
    ...props,
    classification: null,
    deletedDateTime: null,
    expirationDateTime: null,
    renewedDateTime: g.createdDateTime,
    onPremisesDomainName: g.onPremisesSyncEnabled ? 'corp.contoso.com' : null,
    onPremisesLastSyncDateTime: g.onPremisesSyncEnabled ? '2025-05-31T23:41:12Z' : null,
    onPremisesNetBiosName: g.onPremisesSyncEnabled ? 'CORP' : null,
    onPremisesSecurityIdentifier: null,
    preferredDataLocation: null,
    preferredLanguage: null,
    securityIdentifier: `S-1-12-1-${parseInt(g.id.slice(0, 8), 16)}`,
    theme: null,
    creationOptions: g.resourceProvisioningOptions.includes('Team') ? ['Team'] : [],
    resourceBehaviorOptions: [],
    onPremisesProvisioningErrors: [],
    serviceProvisioningErrors: [],
  };
}

const GROUP_PROPERTIES = [
  'id', 'displayName', 'description', 'mail', 'mailNickname', 'mailEnabled', 'securityEnabled', 'groupTypes', 'membershipRule',
  'membershipRuleProcessingState', 'onPremisesSyncEnabled', 'onPremisesSamAccountName', 'resourceProvisioningOptions', 'visibility',
  'isAssignableToRole', 'createdDateTime', 'proxyAddresses', 'assignedLicenses', 'classification', 'deletedDateTime', 'expirationDateTime',
  'renewedDateTime', 'onPremisesDomainName', 'onPremisesLastSyncDateTime', 'onPremisesNetBiosName', 'onPremisesSecurityIdentifier',
  'preferredDataLocation', 'preferredLanguage', 'securityIdentifier', 'theme', 'creationOptions', 'resourceBehaviorOptions',
  'onPremisesProvisioningErrors', 'serviceProvisioningErrors',
];
export const GROUP: EntityType = {
  name: 'group',
  directory: true,
  properties: GROUP_PROPERTIES,
  // assignedLicenses is "Returned only on $select" (group resource type).
  defaults: GROUP_PROPERTIES.filter((p) => p !== 'assignedLicenses'),
};

export function roleView(r: DirectoryRoleRecord): Entity {
  return { id: r.id, deletedDateTime: null, description: r.description, displayName: r.displayName, roleTemplateId: r.roleTemplateId };
}
export const DIRECTORY_ROLE: EntityType = { name: 'directoryRole', directory: true, properties: ['id', 'deletedDateTime', 'description', 'displayName', 'roleTemplateId'] };

export function deviceView(d: DeviceRecord): Entity {
  const { registeredOwners: _o, registeredUsers: _u, ...props } = d;
  return { ...props, deletedDateTime: null, profileType: d.trustType === 'Workplace' ? 'RegisteredDevice' : null, manufacturer: null, model: null };
}
export const DEVICE: EntityType = {
  name: 'device',
  directory: true,
  properties: [
    'id', 'deviceId', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'trustType', 'accountEnabled', 'isCompliant', 'isManaged',
    'approximateLastSignInDateTime', 'registrationDateTime', 'deletedDateTime', 'profileType', 'manufacturer', 'model',
  ],
};

export function servicePrincipalView(s: ServicePrincipalRecord): Entity {
  return { ...s, accountEnabled: true, appDisplayName: s.displayName, deletedDateTime: null, tags: [] };
}
export const SERVICE_PRINCIPAL: EntityType = {
  name: 'servicePrincipal',
  directory: true,
  properties: ['id', 'appId', 'displayName', 'publisherName', 'servicePrincipalType', 'accountEnabled', 'appDisplayName', 'deletedDateTime', 'tags'],
};

/** A directory object in a mixed collection (memberOf, ownedObjects, manager) carries its @odata.type. */
export function typed(type: string, view: Entity): Entity {
  return { '@odata.type': `#microsoft.graph.${type}`, ...view };
}

/** The union type used when a directoryObject collection is not cast to one type. */
export const DIRECTORY_OBJECT: EntityType = {
  name: 'directoryObject',
  directory: true,
  properties: [...new Set([...USER.properties, ...GROUP_PROPERTIES, ...DIRECTORY_ROLE.properties, ...DEVICE.properties])],
};

export function managedDeviceView(d: ManagedDeviceRecord, user: UserRecord | undefined): Entity {
  const { userId, deviceActionResults, ...props } = d;
  return {
    ...props,
    userId,
    userDisplayName: user?.displayName ?? null,
    deviceRegistrationState: 'registered',
    managementAgent: 'mdm',
    isEncrypted: true,
    isSupervised: false,
    jailBroken: 'False',
    imei: null,
    phoneNumber: null,
    wiFiMacAddress: null,
    totalStorageSpaceInBytes: 256_000_000_000,
    freeStorageSpaceInBytes: 120_000_000_000,
    managedDeviceName: `${user?.mailNickname ?? 'user'}_${d.operatingSystem}_${d.enrolledDateTime.slice(0, 10)}`,
    deviceActionResults: structuredClone(deviceActionResults ?? []),
  };
}
export const MANAGED_DEVICE: EntityType = {
  name: 'managedDevice',
  directory: false,
  properties: [
    'id', 'userId', 'deviceName', 'managedDeviceOwnerType', 'operatingSystem', 'osVersion', 'complianceState', 'managementState', 'model',
    'manufacturer', 'serialNumber', 'azureADDeviceId', 'enrolledDateTime', 'lastSyncDateTime', 'deviceEnrollmentType', 'userPrincipalName',
    'emailAddress', 'userDisplayName', 'deviceRegistrationState', 'managementAgent', 'isEncrypted', 'isSupervised', 'jailBroken', 'imei',
    'phoneNumber', 'wiFiMacAddress', 'totalStorageSpaceInBytes', 'freeStorageSpaceInBytes', 'managedDeviceName', 'deviceActionResults',
  ],
};

export function skuView(state: TenantState, s: SkuRecord): Entity {
  return {
    accountName: 'contosodemo',
    accountId: state.data.tenant.id,
    appliesTo: s.appliesTo,
    capabilityStatus: s.capabilityStatus,
    consumedUnits: state.consumedUnits(s.skuId),
    id: `${state.data.tenant.id}_${s.skuId}`,
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [`${s.skuId.slice(0, 8)}-0000-4000-8000-000000000001`],
    prepaidUnits: s.prepaidUnits,
    servicePlans: s.servicePlans,
  };
}
export const SUBSCRIBED_SKU: EntityType = {
  name: 'subscribedSku',
  directory: false,
  properties: ['accountName', 'accountId', 'appliesTo', 'capabilityStatus', 'consumedUnits', 'id', 'skuId', 'skuPartNumber', 'subscriptionIds', 'prepaidUnits', 'servicePlans'],
};
