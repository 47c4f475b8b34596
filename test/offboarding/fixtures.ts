// Hand-built snapshots for pure tests of the planner and the licence decision (no tenant involved).
import type { GroupInfo, LeaverSnapshot, LicenceInfo, Snapshot } from '../../src/offboarding/snapshot';

export const TENANT_DOMAINS = ['contoso.com', 'contoso.onmicrosoft.com'];

export function group(id: string, over: Partial<GroupInfo> = {}): GroupInfo {
  return { id, displayName: `Group ${id}`, kind: 'security', dynamic: false, synced: false, team: false, ...over };
}

export const E3_VIA_GROUP: LicenceInfo = { skuId: 'sku-e3', skuPartNumber: 'SPE_E3', source: 'group', groupId: 'lic-group', groupName: 'LIC - E3', carriesExchangePlan2: true, carriesExchange: true };
export const PBI_DIRECT: LicenceInfo = { skuId: 'sku-pbi', skuPartNumber: 'POWER_BI_PRO', source: 'direct', carriesExchangePlan2: false, carriesExchange: false };
export const VISIO_DIRECT: LicenceInfo = { skuId: 'sku-visio', skuPartNumber: 'VISIOCLIENT', source: 'direct', carriesExchangePlan2: false, carriesExchange: false };
export const E3_DIRECT: LicenceInfo = { skuId: 'sku-e3', skuPartNumber: 'SPE_E3', source: 'direct', carriesExchangePlan2: true, carriesExchange: true };

/** A Jane-like leaver: a bit of everything, every read successful. */
export function leaver(over: Partial<LeaverSnapshot> = {}): LeaverSnapshot {
  return {
    id: 'jane',
    displayName: 'Jane Doe',
    userPrincipalName: 'jane.doe@contoso.com',
    mail: 'jane.doe@contoso.com',
    accountEnabled: true,
    onPremisesSyncEnabled: false,
    manager: { id: 'marcus', displayName: 'Marcus Reed', userPrincipalName: 'marcus.reed@contoso.com', accountEnabled: true },
    directoryRoles: [],
    licences: [E3_VIA_GROUP, PBI_DIRECT, VISIO_DIRECT],
    licenceGroupIds: ['lic-group'],
    groups: [
      group('sec1'),
      group('m365', { kind: 'microsoft365', team: true }),
      group('dl1', { kind: 'distribution', mail: 'dl1@contoso.com' }),
      group('mes1', { kind: 'mailEnabledSecurity', mail: 'mes1@contoso.com' }),
      group('dyn1', { dynamic: true }),
      group('sync1', { synced: true }),
      group('lic-group', { displayName: 'LIC - E3' }),
      group('owned-alone', { kind: 'microsoft365' }),
    ],
    ownedGroups: [{ ...group('owned-alone', { kind: 'microsoft365' }), ownerCount: 1 }, { ...group('owned-shared'), ownerCount: 3 }],
    managedDevices: [
      { id: 'laptop', deviceName: 'JANE-LAPTOP', operatingSystem: 'Windows', ownerType: 'company' },
      { id: 'iphone', deviceName: "Jane's iPhone", operatingSystem: 'iOS', ownerType: 'personal' },
    ],
    registeredDevices: [
      { id: 'homepc', displayName: 'JANE-HOME', operatingSystem: 'Windows', accountEnabled: true },
      { id: 'mac', displayName: 'Jane-Mac', operatingSystem: 'MacMDM', accountEnabled: true },
    ],
    oauthGrants: [{ id: 'grant1', clientId: 'app1', clientName: 'Contoso CRM', scope: 'User.Read' }],
    authMethods: [
      { id: 'pwd', odataType: '#microsoft.graph.passwordAuthenticationMethod' },
      { id: 'auth', odataType: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod' },
      { id: 'phone', odataType: '#microsoft.graph.phoneAuthenticationMethod' },
    ],
    mailbox: {
      recipientTypeDetails: 'UserMailbox',
      litigationHoldEnabled: false,
      forwardingSmtpAddress: 'smtp:jane@gmail.com',
      hiddenFromAddressLists: false,
      archiveActive: false,
      totalItemSizeBytes: 13_249_974_272,
      inboxRules: [
        { identity: 'jane\\1', name: 'To Gmail', forwardsTo: ['jane@gmail.com'], external: true },
        { identity: 'jane\\2', name: 'Newsletters', forwardsTo: [], external: false },
      ],
      protocols: { activeSync: true, pop: true, imap: false },
      mobileDevices: [{ identity: 'jane\\ExchangeActiveSyncDevices\\iPhone', friendlyName: 'iPhone 15' }],
    },
    drive: { id: 'drive1', webUrl: 'https://contoso-my.sharepoint.com/personal/jane' },
    ...over,
  };
}

export function snapshot(over: Partial<LeaverSnapshot> = {}, inheritor: Partial<Snapshot['inheritor']> = {}, readWarnings: Snapshot['readWarnings'] = []): Snapshot {
  return {
    takenAt: '2026-11-27T00:00:00.000Z',
    tenantDomains: TENANT_DOMAINS,
    leaver: leaver(over),
    inheritor: { id: 'tom', displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', mail: 'tom.alvarez@contoso.com', accountEnabled: true, hasMailbox: true, ...inheritor },
    readWarnings,
  };
}
