// Writes src/simulator/seed/tenant.json, the simulated tenant's demo organisation. Deterministic: ids are name-based
// (SHA-1, formatted as GUIDs), so running it again gives the same file. Run: `npx tsx scripts/generate-seed.ts`.
// The output is committed; the simulator never generates data at run time.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  AuthMethodRecord,
  DeviceRecord,
  DriveRecord,
  GrantRecord,
  GroupRecord,
  InboxRuleRecord,
  LicenseRef,
  MailboxRecord,
  ManagedDeviceRecord,
  SeedTenant,
  SkuRecord,
  UserAuthMethods,
  UserRecord,
} from '../src/simulator/types';

function guid(kind: string, name: string): string {
  const h = createHash('sha1').update(`${kind}:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A small deterministic PRNG so sizes and dates vary without changing between runs. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rnd = prng(20240611);

const TENANT_ID = 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5';
const DOMAIN = 'contoso.com';
const INITIAL_DOMAIN = 'contosodemo.onmicrosoft.com';
const TEAMS_APP_EXTERNAL_ID = '6f1a1f0e-5b8a-4c1e-9d61-0ffb0a7d1e01';
const CREATED = '2021-03-01T09:00:00Z';

// ---- Licences (real SKU and service plan ids, from "Product names and service plan identifiers for licensing") ----
const PLAN = {
  EXCHANGE_S_ENTERPRISE: ['efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE'],
  EXCHANGE_S_STANDARD: ['9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'],
  EXCHANGE_S_FOUNDATION: ['113feb6c-3fe4-4440-bddc-54d774bf0318', 'EXCHANGE_S_FOUNDATION'],
  SHAREPOINTENTERPRISE: ['5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE'],
  SHAREPOINTSTANDARD: ['c7699d2e-19aa-44de-8edf-1736da088ca1', 'SHAREPOINTSTANDARD'],
  SHAREPOINTWAC: ['e95bec33-7c88-4a70-8e19-b10bd9d0c014', 'SHAREPOINTWAC'],
  OFFICESUBSCRIPTION: ['43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION'],
  TEAMS1: ['57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1'],
  INTUNE_A: ['c1ec4a95-1f05-45b3-a911-aa3fa01094f5', 'INTUNE_A'],
  AAD_PREMIUM: ['41781fb2-bc02-4b7c-bd55-b576c07bb09d', 'AAD_PREMIUM'],
  MFA_PREMIUM: ['8a256a2b-b617-496d-b51b-e76466e88db0', 'MFA_PREMIUM'],
  BI_AZURE_P2: ['70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2'],
  VISIO_CLIENT_SUBSCRIPTION: ['663a804f-1c30-4ff0-9915-9db84f0d1cea', 'VISIO_CLIENT_SUBSCRIPTION'],
  VISIOONLINE: ['2bdbaf8f-738f-4ac7-9234-3c3ee2ce7d0f', 'VISIOONLINE'],
} as const;
type PlanKey = keyof typeof PLAN;

function sku(skuId: string, skuPartNumber: string, enabled: number, plans: PlanKey[]): SkuRecord {
  return {
    skuId,
    skuPartNumber,
    capabilityStatus: 'Enabled',
    appliesTo: 'User',
    prepaidUnits: { enabled, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: plans.map((p) => ({ servicePlanId: PLAN[p][0], servicePlanName: PLAN[p][1], provisioningStatus: 'Success', appliesTo: 'User' })),
  };
}
const SKU = {
  E3: sku('05e9a617-0261-4cee-bb44-138d3ef5d965', 'SPE_E3', 75, [
    'EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'SHAREPOINTWAC', 'OFFICESUBSCRIPTION', 'TEAMS1', 'INTUNE_A', 'AAD_PREMIUM', 'MFA_PREMIUM',
  ]),
  E1: sku('18181a46-0d4e-45cd-891e-60aabd171b4e', 'STANDARDPACK', 20, ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'SHAREPOINTWAC', 'TEAMS1']),
  PBI: sku('f8a1db68-be16-40ed-86d5-cb42ce701560', 'POWER_BI_PRO', 25, ['BI_AZURE_P2', 'EXCHANGE_S_FOUNDATION']),
  VISIO: sku('c5928f49-12ba-48f7-ada3-0d743a3601d5', 'VISIOCLIENT', 10, ['VISIO_CLIENT_SUBSCRIPTION', 'VISIOONLINE', 'EXCHANGE_S_FOUNDATION']),
};
const lic = (s: SkuRecord): LicenseRef => ({ skuId: s.skuId, disabledPlans: [] });

// ---- People ----
interface Person {
  key: string;
  given: string;
  surname: string;
  title: string;
  dept: string;
  manager: string | null;
  licences?: SkuRecord[];
  synced?: boolean;
  enabled?: boolean;
  city?: string;
  noMailbox?: boolean;
  shared?: boolean;
}
const P: Person[] = [
  { key: 'elena', given: 'Elena', surname: 'Fischer', title: 'Chief Executive Officer', dept: 'Executive', manager: null },
  { key: 'victor', given: 'Victor', surname: 'Hale', title: 'Chief Financial Officer', dept: 'Finance', manager: 'elena' },
  { key: 'olivia', given: 'Olivia', surname: 'Grant', title: 'VP Sales', dept: 'Sales', manager: 'elena' },
  { key: 'marcus', given: 'Marcus', surname: 'Reed', title: 'Sales Director', dept: 'Sales', manager: 'olivia' },
  { key: 'jane', given: 'Jane', surname: 'Doe', title: 'Senior Account Executive', dept: 'Sales', manager: 'marcus', licences: [SKU.PBI, SKU.VISIO] },
  { key: 'tom', given: 'Tom', surname: 'Alvarez', title: 'Account Executive', dept: 'Sales', manager: 'marcus' },
  { key: 'aisha', given: 'Aisha', surname: 'Rahman', title: 'Account Executive', dept: 'Sales', manager: 'marcus' },
  { key: 'kevin', given: 'Kevin', surname: "O'Brien", title: 'Sales Development Representative', dept: 'Sales', manager: 'marcus' },
  { key: 'nina', given: 'Nina', surname: 'Petrova', title: 'Sales Operations Analyst', dept: 'Sales', manager: 'olivia' },
  { key: 'helen', given: 'Helen', surname: 'Brooks', title: 'Marketing Director', dept: 'Marketing', manager: 'elena' },
  { key: 'janesmith', given: 'Jane', surname: 'Smith', title: 'Marketing Specialist', dept: 'Marketing', manager: 'helen' },
  { key: 'diego', given: 'Diego', surname: 'Santos', title: 'Content Strategist', dept: 'Marketing', manager: 'helen' },
  { key: 'chloe', given: 'Chloe', surname: 'Martin', title: 'Brand Designer', dept: 'Marketing', manager: 'helen' },
  { key: 'rachel', given: 'Rachel', surname: 'Kim', title: 'Head of IT', dept: 'IT', manager: 'elena' },
  { key: 'isaac', given: 'Isaac', surname: 'Ito', title: 'IT Systems Administrator', dept: 'IT', manager: 'rachel' },
  { key: 'priya', given: 'Priya', surname: 'Natarajan', title: 'Cloud Infrastructure Lead', dept: 'IT', manager: 'rachel' },
  { key: 'felix', given: 'Felix', surname: 'Wagner', title: 'Service Desk Analyst', dept: 'IT', manager: 'rachel' },
  { key: 'zoe', given: 'Zoe', surname: 'Clarke', title: 'Service Desk Analyst', dept: 'IT', manager: 'rachel' },
  { key: 'amara', given: 'Amara', surname: 'Okafor', title: 'HR Director', dept: 'Human Resources', manager: 'elena' },
  { key: 'ben', given: 'Ben', surname: 'Carter', title: 'HR Business Partner', dept: 'Human Resources', manager: 'amara' },
  { key: 'maya', given: 'Maya', surname: 'Patel', title: 'Recruiter', dept: 'Human Resources', manager: 'amara' },
  { key: 'leo', given: 'Leo', surname: 'Fischer', title: 'Summer Intern', dept: 'Human Resources', manager: 'amara', licences: [], noMailbox: true },
  { key: 'lucas', given: 'Lucas', surname: 'Meyer', title: 'Finance Controller', dept: 'Finance', manager: 'victor' },
  { key: 'grace', given: 'Grace', surname: 'Liu', title: 'Accountant', dept: 'Finance', manager: 'lucas' },
  { key: 'omar', given: 'Omar', surname: 'Haddad', title: 'Payroll Specialist', dept: 'Finance', manager: 'lucas' },
  { key: 'robert', given: 'Robert', surname: 'Chen', title: 'General Counsel', dept: 'Legal', manager: 'elena' },
  { key: 'sofia', given: 'Sofia', surname: 'Rossi', title: 'Paralegal', dept: 'Legal', manager: 'robert' },
  { key: 'daniel', given: 'Daniel', surname: 'Novak', title: 'VP Engineering', dept: 'Engineering', manager: 'elena' },
  { key: 'ethan', given: 'Ethan', surname: 'Brown', title: 'Engineering Manager', dept: 'Engineering', manager: 'daniel' },
  { key: 'hannah', given: 'Hannah', surname: 'Schmidt', title: 'Senior Software Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'liam', given: 'Liam', surname: 'Johnson', title: 'Software Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'ava', given: 'Ava', surname: 'Williams', title: 'Software Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'noah', given: 'Noah', surname: 'Davis', title: 'QA Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'mia', given: 'Mia', surname: 'Garcia', title: 'Product Manager', dept: 'Engineering', manager: 'daniel' },
  { key: 'oliver', given: 'Oliver', surname: 'Wilson', title: 'DevOps Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'emma', given: 'Emma', surname: 'Thompson', title: 'UX Designer', dept: 'Engineering', manager: 'mia' },
  { key: 'james', given: 'James', surname: 'Anderson', title: 'Data Engineer', dept: 'Engineering', manager: 'ethan' },
  { key: 'isabella', given: 'Isabella', surname: 'Moore', title: 'Technical Writer', dept: 'Engineering', manager: 'mia' },
  { key: 'william', given: 'William', surname: 'Taylor', title: 'Operations Manager', dept: 'Operations', manager: 'elena', synced: true, city: 'Rotterdam' },
  { key: 'samuel', given: 'Samuel', surname: 'Park', title: 'Warehouse Supervisor', dept: 'Operations', manager: 'william', synced: true, licences: [SKU.E1], city: 'Rotterdam' },
  { key: 'charlotte', given: 'Charlotte', surname: 'Lee', title: 'Logistics Coordinator', dept: 'Operations', manager: 'william', synced: true, licences: [SKU.E1], city: 'Rotterdam' },
  { key: 'henry', given: 'Henry', surname: 'Walker', title: 'Facilities Coordinator', dept: 'Operations', manager: 'william', licences: [SKU.E1] },
  { key: 'amelia', given: 'Amelia', surname: 'Hall', title: 'Customer Success Manager', dept: 'Customer Success', manager: 'olivia' },
  { key: 'jack', given: 'Jack', surname: 'Young', title: 'Support Engineer', dept: 'Customer Success', manager: 'amelia' },
  { key: 'lily', given: 'Lily', surname: 'King', title: 'Support Engineer', dept: 'Customer Success', manager: 'amelia' },
  { key: 'mason', given: 'Mason', surname: 'Wright', title: 'Onboarding Specialist', dept: 'Customer Success', manager: 'amelia' },
  { key: 'ruby', given: 'Ruby', surname: 'Scott', title: 'Executive Assistant', dept: 'Executive', manager: 'elena' },
  { key: 'ian', given: 'Ian', surname: 'Murphy', title: 'Security Analyst', dept: 'IT', manager: 'rachel' },
  { key: 'sara', given: 'Sara', surname: 'Lindqvist', title: 'Partner Manager', dept: 'Sales', manager: 'olivia' },
  { key: 'salesinbox', given: 'Sales', surname: 'Inbox', title: '', dept: 'Sales', manager: null, licences: [], enabled: false, shared: true },
];
const SALES_GROUP_LICENSED = new Set(['olivia', 'marcus', 'jane', 'tom', 'aisha', 'kevin', 'nina', 'sara']);

const id = (key: string): string => guid('user', key);
const personOf = (key: string): Person => {
  const p = P.find((x) => x.key === key);
  if (!p) {
    throw new Error(`no person ${key}`);
  }
  return p;
};
const nick = (p: Person): string => (p.shared ? 'sales' : `${p.given}.${p.surname}`.toLowerCase().replace(/[^a-z.]/g, ''));
const upnOf = (key: string): string => `${nick(personOf(key))}@${DOMAIN}`;
const isoDaysAgo = (days: number): string => new Date(Date.UTC(2025, 5, 1) - days * 86400000).toISOString().replace('.000Z', 'Z');

function directLicences(p: Person): LicenseRef[] {
  if (p.licences !== undefined) {
    return p.licences.map(lic);
  }
  return SALES_GROUP_LICENSED.has(p.key) ? [] : [lic(SKU.E3)];
}

const users: UserRecord[] = P.map((p, i) => {
  const n = nick(p);
  const mail = p.noMailbox ? null : `${n}@${DOMAIN}`;
  return {
    id: id(p.key),
    displayName: p.shared ? 'Sales Inbox' : `${p.given} ${p.surname}`,
    givenName: p.shared ? null : p.given,
    surname: p.shared ? null : p.surname,
    userPrincipalName: `${n}@${DOMAIN}`,
    mail,
    mailNickname: n.replace(/\./g, ''),
    jobTitle: p.title === '' ? null : p.title,
    department: p.dept,
    companyName: 'Contoso Ltd',
    officeLocation: p.city === 'Rotterdam' ? 'Rotterdam Warehouse' : 'London HQ',
    city: p.city ?? 'London',
    country: p.city === 'Rotterdam' ? 'Netherlands' : 'United Kingdom',
    employeeId: p.shared ? null : String(10000 + i * 7),
    mobilePhone: p.shared ? null : `+44 7700 900${String(100 + i).padStart(3, '0')}`,
    businessPhones: p.shared ? [] : [`+44 20 7946 0${String(100 + i).padStart(3, '0')}`],
    preferredLanguage: 'en-GB',
    usageLocation: p.city === 'Rotterdam' ? 'NL' : 'GB',
    userType: 'Member',
    accountEnabled: p.enabled ?? true,
    createdDateTime: isoDaysAgo(400 + i * 11),
    onPremisesSyncEnabled: p.synced ? true : null,
    onPremisesImmutableId: p.synced ? Buffer.from(guid('immutable', p.key).replace(/-/g, ''), 'hex').toString('base64') : null,
    onPremisesSamAccountName: p.synced ? `${p.given[0]}${p.surname}`.toLowerCase() : null,
    onPremisesDomainName: p.synced ? 'corp.contoso.com' : null,
    onPremisesLastSyncDateTime: p.synced ? '2025-05-31T23:41:12Z' : null,
    proxyAddresses: mail ? [`SMTP:${mail}`, `smtp:${n.replace(/\./g, '')}@${INITIAL_DOMAIN}`] : [],
    assignedLicenses: directLicences(p),
    managerId: p.manager === null ? null : id(p.manager),
    signInSessionsValidFromDateTime: isoDaysAgo(30),
    lastPasswordChangeDateTime: isoDaysAgo(45 + i),
  };
});

// ---- Groups ----
const groups: GroupRecord[] = [];
interface GroupSpec {
  name: string;
  kind: 'security' | 'unified' | 'team' | 'dynamicSecurity' | 'dynamicUnified' | 'syncedSecurity' | 'distribution' | 'mailSecurity' | 'syncedDistribution';
  members: string[];
  owners?: string[];
  rule?: string;
  description?: string;
  licences?: LicenseRef[];
  roleAssignable?: boolean;
}
function addGroup(spec: GroupSpec): GroupRecord {
  const mailNick = spec.name.replace(/[^A-Za-z0-9]/g, '');
  const unified = ['unified', 'team', 'dynamicUnified'].includes(spec.kind);
  const mailEnabled = unified || ['distribution', 'mailSecurity', 'syncedDistribution'].includes(spec.kind);
  const securityEnabled = ['security', 'dynamicSecurity', 'syncedSecurity', 'mailSecurity'].includes(spec.kind) || spec.kind === 'dynamicUnified';
  const groupTypes: string[] = [];
  if (unified) {
    groupTypes.push('Unified');
  }
  if (spec.kind === 'dynamicSecurity' || spec.kind === 'dynamicUnified') {
    groupTypes.push('DynamicMembership');
  }
  const synced = spec.kind === 'syncedSecurity' || spec.kind === 'syncedDistribution';
  const mail = mailEnabled ? `${mailNick.toLowerCase()}@${DOMAIN}` : null;
  const g: GroupRecord = {
    id: guid('group', spec.name),
    displayName: spec.name,
    description: spec.description ?? `${spec.name}`,
    mail,
    mailNickname: mailNick,
    mailEnabled,
    securityEnabled,
    groupTypes,
    membershipRule: spec.rule ?? null,
    membershipRuleProcessingState: spec.rule ? 'On' : null,
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesSamAccountName: synced ? mailNick : null,
    resourceProvisioningOptions: spec.kind === 'team' ? ['Team'] : [],
    visibility: unified ? 'Private' : null,
    isAssignableToRole: spec.roleAssignable ? true : null,
    createdDateTime: CREATED,
    proxyAddresses: mail ? [`SMTP:${mail}`] : [],
    assignedLicenses: spec.licences ?? [],
    members: [...new Set(spec.members)],
    owners: spec.owners ?? [],
  };
  groups.push(g);
  return g;
}
const ids = (...keys: string[]): string[] => keys.map(id);
const byDept = (dept: string): string[] => P.filter((p) => p.dept === dept && !p.shared).map((p) => id(p.key));
const everyone = P.filter((p) => !p.shared).map((p) => id(p.key));

// The three groups the bot is configured with.
const serviceDesk = addGroup({ name: 'IT Service Desk', kind: 'security', members: ids('isaac', 'felix', 'zoe'), owners: ids('rachel') });
const operators = addGroup({
  name: 'Offboarding Operators',
  kind: 'security',
  members: [serviceDesk.id, ...ids('marcus', 'rachel')],
  owners: ids('rachel'),
  description: 'May request offboarding (nested: IT Service Desk)',
});
const approvers = addGroup({ name: 'Offboarding Approvers', kind: 'security', members: ids('amara', 'ben'), owners: ids('rachel') });
const financeLeadership = addGroup({ name: 'Finance Leadership', kind: 'security', members: ids('victor', 'lucas'), owners: ids('victor') });
const protectedGroup = addGroup({
  name: 'Offboarding Protected',
  kind: 'security',
  members: [financeLeadership.id],
  owners: ids('rachel'),
  description: 'Never offboarded by the bot (nested: Finance Leadership)',
});

// Tenant-wide groups.
addGroup({ name: 'All Company', kind: 'team', members: everyone, owners: ids('elena', 'rachel') });
for (const dept of ['Sales', 'Marketing', 'Finance', 'IT', 'Human Resources', 'Legal', 'Engineering', 'Operations', 'Customer Success', 'Executive']) {
  addGroup({ name: `SG-${dept.replace(/ /g, '')}-All`, kind: 'security', members: byDept(dept), owners: ids('rachel') });
}
addGroup({ name: 'Engineering Team', kind: 'team', members: byDept('Engineering'), owners: ids('daniel', 'ethan') });
addGroup({ name: 'Marketing Team', kind: 'team', members: byDept('Marketing'), owners: ids('helen') });
addGroup({ name: 'Privileged Access Reviewers', kind: 'security', members: ids('priya', 'ian'), owners: ids('rachel'), roleAssignable: true });

// ---- Jane's groups: more than 100 direct memberships of every kind ----
const jane = id('jane');
const salesPeers = ids('tom', 'aisha', 'kevin', 'nina', 'marcus', 'sara');
const peerAt = (i: number, n: number): string[] => Array.from({ length: n }, (_, k) => salesPeers[(i + k) % salesPeers.length]!);

const topics = [
  'EMEA Accounts', 'Key Accounts', 'Renewals', 'Pipeline Review', 'Deal Desk', 'Pricing', 'Forecasting', 'Partners',
  'Public Sector', 'Retail', 'Healthcare', 'Manufacturing', 'Financial Services', 'Nordics', 'DACH', 'Benelux',
  'France', 'Iberia', 'Italy', 'UK North', 'UK South', 'Ireland', 'CRM Admins', 'Sales Tools', 'Enablement',
  'Quota Planning', 'Territory Planning', 'Win Loss', 'Competitive Intel', 'Proposals', 'RFP Library', 'Demo Systems',
  'Sales Analytics', 'Commission', 'Contracts', 'Travel Approvals',
];
const saAccountExecs = addGroup({ name: 'SG-Sales-Account-Executives', kind: 'security', members: [jane, ...ids('tom', 'aisha')], owners: ids('marcus') });
const allSales = addGroup({ name: 'SG-Sales-Everyone', kind: 'security', members: [saAccountExecs.id, ...ids('marcus', 'olivia', 'nina')], owners: ids('olivia') });
addGroup({ name: 'SG-Revenue-Org', kind: 'security', members: [allSales.id, ...ids('amelia')], owners: ids('olivia') });
topics.forEach((t, i) => {
  const name = `SG-Sales-${t.replace(/ /g, '-')}`;
  // Jane co-owns one security group with her manager.
  const owners = t === 'EMEA Accounts' ? [jane, id('marcus')] : ids(i % 2 === 0 ? 'marcus' : 'olivia');
  addGroup({ name, kind: 'security', members: [jane, ...peerAt(i, 1 + (i % 3))], owners });
});
const teamTopics = [
  'Sales EMEA', 'Key Account Pursuits', 'Renewals Squad', 'Deal Desk', 'Partner Alliances', 'Public Sector Bids',
  'Retail Vertical', 'Healthcare Vertical', 'Quarterly Business Reviews', 'Sales Kickoff 2025', 'Customer Advisory Board',
  'Contoso x Fabrikam', 'Contoso x Northwind', 'Contoso x Tailspin', 'Contoso x Litware', 'Product Feedback',
  'Pricing Council', 'Sales Tools Pilot', 'Mentoring Circle', 'Social Club',
];
teamTopics.forEach((t, i) => {
  const owners = t === 'Key Account Pursuits' ? [jane, id('tom')] : ids(i % 3 === 0 ? 'marcus' : i % 3 === 1 ? 'olivia' : 'tom');
  addGroup({ name: t, kind: 'team', members: [jane, ...peerAt(i, 2)], owners });
});
// The group only Jane owns: handing it over needs a new owner first.
addGroup({ name: 'Sales Enablement Hub', kind: 'team', members: [jane, ...ids('tom', 'aisha', 'kevin')], owners: [jane], description: 'Playbooks and training; owned by Jane Doe alone' });
['Account Planning', 'Sales Book Club', 'Pipeline Hygiene', 'Travel Buddies', 'London Office', 'Sales Wiki', 'Lunch and Learn', 'Volunteering'].forEach((t, i) =>
  addGroup({ name: t, kind: 'unified', members: [jane, ...peerAt(i, 2)], owners: ids('marcus') }),
);
const salesRule = 'user.department -eq "Sales"';
const londonRule = 'user.city -eq "London"';
addGroup({ name: 'DYN-Sales-Department', kind: 'dynamicSecurity', rule: `(${salesRule})`, members: byDept('Sales'), owners: [] });
addGroup({ name: 'DYN-London-Staff', kind: 'dynamicSecurity', rule: `(${londonRule})`, members: users.filter((u) => u.city === 'London' && u.accountEnabled).map((u) => u.id) });
addGroup({ name: 'DYN-All-Members', kind: 'dynamicSecurity', rule: '(user.userType -eq "Member") and (user.accountEnabled -eq true)', members: users.filter((u) => u.accountEnabled).map((u) => u.id) });
addGroup({ name: 'DYN-Senior-Staff', kind: 'dynamicSecurity', rule: '(user.jobTitle -contains "Senior") or (user.jobTitle -contains "Director")', members: users.filter((u) => /Senior|Director/.test(u.jobTitle ?? '')).map((u) => u.id) });
addGroup({ name: 'Sales Community', kind: 'dynamicUnified', rule: `(${salesRule})`, members: byDept('Sales'), owners: ids('olivia') });
addGroup({ name: 'London Office Community', kind: 'dynamicUnified', rule: `(${londonRule})`, members: users.filter((u) => u.city === 'London' && u.accountEnabled).map((u) => u.id), owners: ids('ruby') });
addGroup({ name: 'Sales Newsletter Readers', kind: 'dynamicUnified', rule: `(${salesRule}) or (user.department -eq "Marketing")`, members: [...byDept('Sales'), ...byDept('Marketing')], owners: ids('helen') });
addGroup({ name: 'DYN-Licensed-E3', kind: 'dynamicSecurity', rule: '(user.assignedPlans -any (assignedPlan.servicePlanId -eq "efb87545-963c-4e0d-99df-69c6916d9eb0" -and assignedPlan.capabilityStatus -eq "Enabled"))', members: [] });
['CORP-Sales-Share-RW', 'CORP-CRM-Users', 'CORP-VPN-Users', 'CORP-Printers-London', 'CORP-Expenses-Submitters', 'CORP-Wifi-Staff', 'CORP-Sales-Share-RO', 'CORP-Badge-Access-L3'].forEach((t) =>
  addGroup({ name: t, kind: 'syncedSecurity', members: [jane, id('samuel'), id('william')], owners: [] }),
);
['Sales Announcements', 'Sales Team EMEA', 'Sales Managers Cc', 'Deal Alerts', 'Renewal Notices', 'Customer Escalations', 'Pricing Updates', 'Partner News', 'Events London', 'Sales Ops Requests', 'Weekly Wins', 'Quote Approvals'].forEach((t, i) =>
  addGroup({ name: `DL ${t}`, kind: 'distribution', members: [jane, ...peerAt(i, 2)], owners: ids('marcus') }),
);
addGroup({ name: 'DL Corp All Staff', kind: 'syncedDistribution', members: [jane, ...ids('samuel', 'william', 'charlotte', 'elena')], owners: [] });
['Sales Finance Approvals', 'CRM Data Owners', 'Contract Signatories', 'Sales Shared Drive', 'Customer Data Access', 'Discount Approvers'].forEach((t, i) =>
  addGroup({ name: `MESG ${t}`, kind: 'mailSecurity', members: [jane, ...peerAt(i, 1)], owners: ids('olivia') }),
);
// Group-based licensing: Jane's Microsoft 365 E3 (which carries Exchange Online Plan 2) comes from this group.
addGroup({
  name: 'LIC - Microsoft 365 E3 (Sales)',
  kind: 'security',
  members: [...SALES_GROUP_LICENSED].map(id),
  owners: ids('rachel'),
  licences: [lic(SKU.E3)],
  description: 'Assigns Microsoft 365 E3 to the sales organisation',
});

// ---- Directory roles ----
const directoryRoles = [
  { id: guid('role', 'Global Administrator'), displayName: 'Global Administrator', description: 'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', members: ids('priya') },
  { id: guid('role', 'Exchange Administrator'), displayName: 'Exchange Administrator', description: 'Can manage all aspects of the Exchange product.', roleTemplateId: '29232cdf-9323-42fd-ade2-1d097af3e4de', members: [] as string[] },
  { id: guid('role', 'Security Reader'), displayName: 'Security Reader', description: 'Can read security information and reports in Microsoft Entra ID and Office 365.', roleTemplateId: '5d6b6bb7-de71-4623-b4af-96380a352509', members: [guid('group', 'Privileged Access Reviewers')] },
];

// ---- Entra devices and Intune managed devices ----
const devices: DeviceRecord[] = [];
const managedDevices: ManagedDeviceRecord[] = [];
function device(owner: string, name: string, os: string, osVersion: string, trustType: DeviceRecord['trustType'], intune?: { owner: 'company' | 'personal'; model: string; make: string }): void {
  const deviceId = guid('deviceId', name);
  devices.push({
    id: guid('device', name),
    deviceId,
    displayName: name,
    operatingSystem: os,
    operatingSystemVersion: osVersion,
    trustType,
    accountEnabled: true,
    isCompliant: intune ? true : null,
    isManaged: intune ? true : null,
    approximateLastSignInDateTime: isoDaysAgo(1),
    registrationDateTime: isoDaysAgo(300),
    registeredOwners: [id(owner)],
    registeredUsers: [id(owner)],
  });
  if (intune) {
    managedDevices.push({
      id: guid('managedDevice', name),
      userId: id(owner),
      deviceName: name,
      managedDeviceOwnerType: intune.owner,
      operatingSystem: os,
      osVersion,
      complianceState: 'compliant',
      managementState: 'managed',
      model: intune.model,
      manufacturer: intune.make,
      serialNumber: guid('serial', name).replace(/-/g, '').slice(0, 12).toUpperCase(),
      azureADDeviceId: deviceId,
      enrolledDateTime: isoDaysAgo(290),
      lastSyncDateTime: isoDaysAgo(0.2),
      deviceEnrollmentType: intune.owner === 'company' ? 'windowsAzureADJoin' : 'userEnrollment',
      userPrincipalName: upnOf(owner),
      emailAddress: upnOf(owner),
    });
  }
}
device('jane', 'JANE-LT-01', 'Windows', '10.0.22631.3880', 'AzureAd', { owner: 'company', model: 'Latitude 7440', make: 'Dell Inc.' });
device('jane', "Jane's iPhone", 'iOS', '17.5.1', 'Workplace', { owner: 'personal', model: 'iPhone 14', make: 'Apple' });
device('jane', 'JANE-HOME-PC', 'Windows', '10.0.19045.4529', 'Workplace');
device('tom', 'TOM-LT-02', 'Windows', '10.0.22631.3880', 'AzureAd', { owner: 'company', model: 'ThinkPad T14', make: 'LENOVO' });
device('marcus', 'MARCUS-LT-01', 'Windows', '10.0.22631.3880', 'AzureAd', { owner: 'company', model: 'Surface Laptop 5', make: 'Microsoft Corporation' });
device('marcus', "Marcus's Pixel", 'Android', '14', 'Workplace', { owner: 'company', model: 'Pixel 8', make: 'Google' });
device('samuel', 'RTM-WH-PC07', 'Windows', '10.0.19045.4529', 'ServerAd');
device('janesmith', 'JSMITH-MBP', 'MacMDM', '14.5', 'Workplace', { owner: 'company', model: 'MacBook Pro', make: 'Apple' });

// ---- OAuth2 delegated grants ----
const GRAPH_SP = guid('sp', 'Microsoft Graph');
const servicePrincipals = [
  { id: GRAPH_SP, appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', publisherName: 'Microsoft Services', servicePrincipalType: 'Application' },
  { id: guid('sp', 'Contoso Expenses'), appId: guid('app', 'Contoso Expenses'), displayName: 'Contoso Expenses', publisherName: 'Contoso Ltd', servicePrincipalType: 'Application' },
  { id: guid('sp', 'MeetingBuddy'), appId: guid('app', 'MeetingBuddy'), displayName: 'MeetingBuddy for Outlook', publisherName: 'MeetingBuddy Inc.', servicePrincipalType: 'Application' },
  { id: guid('sp', 'Offboarding'), appId: guid('app', 'Offboarding'), displayName: 'Offboarding', publisherName: 'Contoso Ltd', servicePrincipalType: 'Application' },
];
const grants: GrantRecord[] = [
  { id: 'cUrUG8XhjU6vpjTqoS-3Vw_grant_jane_meetingbuddy', clientId: guid('sp', 'MeetingBuddy'), consentType: 'Principal', principalId: jane, resourceId: GRAPH_SP, scope: 'User.Read Calendars.ReadWrite Mail.Read offline_access' },
  { id: 'cUrUG8XhjU6vpjTqoS-3Vw_grant_jane_expenses', clientId: guid('sp', 'Contoso Expenses'), consentType: 'Principal', principalId: jane, resourceId: GRAPH_SP, scope: 'User.Read Files.Read' },
  { id: 'cUrUG8XhjU6vpjTqoS-3Vw_grant_tom_meetingbuddy', clientId: guid('sp', 'MeetingBuddy'), consentType: 'Principal', principalId: id('tom'), resourceId: GRAPH_SP, scope: 'User.Read Calendars.ReadWrite' },
  { id: 'cUrUG8XhjU6vpjTqoS-3Vw_grant_allprincipals_expenses', clientId: guid('sp', 'Contoso Expenses'), consentType: 'AllPrincipals', principalId: null, resourceId: GRAPH_SP, scope: 'User.Read' },
];

// ---- Authentication methods (well-known ids: password 28c10230-..., mobile phone 3179e48a-..., email 3ddfcfc8-...) ----
const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';
const authenticationMethods: Record<string, UserAuthMethods> = {};
for (const [i, u] of users.entries()) {
  const p = P[i]!;
  if (p.shared) {
    continue;
  }
  const methods: AuthMethodRecord[] = [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID, password: null, createdDateTime: u.lastPasswordChangeDateTime },
    { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: '3179e48a-750b-4051-897c-87b9720928f7', phoneNumber: u.mobilePhone, phoneType: 'mobile', smsSignInState: 'notSupported' },
  ];
  let defaultMethodId = '3179e48a-750b-4051-897c-87b9720928f7';
  if (p.key === 'jane') {
    const authenticator = guid('authenticator', p.key);
    methods.push(
      { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', id: authenticator, displayName: 'iPhone 14', deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.8.11', createdDateTime: isoDaysAgo(280) },
      { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: guid('fido2', p.key), displayName: 'YubiKey 5 NFC', aaGuid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8', model: 'YubiKey 5 Series with NFC', attestationCertificates: [], attestationLevel: 'attested', createdDateTime: isoDaysAgo(200) },
      { '@odata.type': '#microsoft.graph.emailAuthenticationMethod', id: '3ddfcfc8-9383-446f-83cc-3ab9be4be18f', emailAddress: 'jane.doe.home@example.net' },
      { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: guid('oath', p.key), secretKey: null },
      // The alternate mobile can't outlive the mobile number (phoneauthenticationmethod-delete); an external MFA
      // provider's method is deleted through its $ref (authentication-delete-externalauthenticationmethods).
      { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'b6332ec1-7057-4abe-9331-3d72feddfe41', phoneNumber: '+44 7700 900461', phoneType: 'alternateMobile', smsSignInState: 'notSupported' },
      { '@odata.type': '#microsoft.graph.externalAuthenticationMethod', id: guid('external', p.key), displayName: 'Fabrikam MFA', configurationId: guid('externalConfig', 'fabrikam'), createdDateTime: isoDaysAgo(150) },
    );
    defaultMethodId = authenticator;
  }
  authenticationMethods[u.id] = { defaultMethodId, methods };
}

// ---- Teams apps ----
const teamsApps = [
  { id: 'b8d3c9a4-2f41-4e7a-9c55-1d2e3f4a5b6c', externalId: TEAMS_APP_EXTERNAL_ID, displayName: 'Offboarding', distributionMethod: 'organization' as const, appDefinitionId: 'YjhkM2M5YTQtMmY0MS00ZTdhLTljNTUtMWQyZTNmNGE1YjZjIyMxLjAuMCMjUHVibGlzaGVk', version: '1.0.0' },
  { id: 'e4c9a1f2-33b5-4d8e-8a71-6c2b9d0e1f34', externalId: 'a1b2c3d4-1111-4222-8333-944455566677', displayName: 'Contoso Expenses', distributionMethod: 'organization' as const, appDefinitionId: 'ZTRjOWExZjItMzNiNS00ZDhlLThhNzEtNmMyYjlkMGUxZjM0IyMyLjEuMCMjUHVibGlzaGVk', version: '2.1.0' },
  { id: 'com.microsoft.teamspace.tab.planner', externalId: null, displayName: 'Planner', distributionMethod: 'store' as const, appDefinitionId: 'Y29tLm1pY3Jvc29mdC50ZWFtc3BhY2UudGFiLnBsYW5uZXIjIzEuMCMjUHVibGlzaGVk', version: '1.0' },
];
const installedApps: Record<string, { id: string; teamsAppId: string }[]> = {};
for (const key of ['amara', 'isaac', 'marcus', 'rachel', 'felix', 'zoe', 'elena', 'tom']) {
  installedApps[id(key)] = [{ id: Buffer.from(`${id(key)}##${teamsApps[0]!.id}`).toString('base64url'), teamsAppId: teamsApps[0]!.id }];
}

// ---- OneDrive ----
const drives: DriveRecord[] = [];
for (const [i, u] of users.entries()) {
  const p = P[i]!;
  if (p.shared || p.noMailbox) {
    continue;
  }
  const used = p.key === 'jane' ? 8_804_682_137 : Math.round(200_000_000 + rnd() * 6_000_000_000);
  drives.push({
    id: `b!${Buffer.from(guid('drive', p.key)).toString('base64url').slice(0, 60)}`,
    ownerId: u.id,
    webUrl: `https://contosodemo-my.sharepoint.com/personal/${u.userPrincipalName.replace(/[@.]/g, '_')}/Documents`,
    quota: { total: 1_099_511_627_776, used, deleted: Math.round(used * 0.02) },
    sharedWith: [],
  });
}

// ---- Exchange mailboxes ----
function rule(name: string, priority: number, extra: Partial<InboxRuleRecord>): InboxRuleRecord {
  return {
    RuleIdentity: String(BigInt(`0x${guid('rule', name).replace(/-/g, '').slice(0, 15)}`)),
    Name: name,
    Enabled: true,
    Priority: priority,
    Description: '',
    From: null,
    SubjectContainsWords: null,
    MoveToFolder: null,
    ForwardTo: null,
    ForwardAsAttachmentTo: null,
    RedirectTo: null,
    DeleteMessage: false,
    MarkAsRead: false,
    ...extra,
  };
}
// mailboxSettings.timeZone: Windows names (Exchange's default format), one IANA name (an administrator may set that
// format up), one never chosen (null). A scheduled request tells people its run time in these (issue 12): Isaac (the
// operator) in London, Marcus (Jane's manager) in Berlin, Amara and Ben (the approvers group) in New York and unknown.
const TIME_ZONES: Record<string, string | null> = { marcus: 'W. Europe Standard Time', amara: 'America/New_York', ben: null };
const mailboxes: MailboxRecord[] = [];
for (const [i, u] of users.entries()) {
  const p = P[i]!;
  if (p.noMailbox || u.mail === null) {
    continue;
  }
  const size = p.key === 'jane' ? 13_249_974_272 : p.key === 'victor' ? 57_982_058_496 : Math.round(150_000_000 + rnd() * 9_000_000_000);
  const mbx: MailboxRecord = {
    userId: u.id,
    ExchangeGuid: guid('exchangeGuid', p.key),
    Guid: guid('mailboxGuid', p.key),
    Alias: u.mailNickname,
    RecipientTypeDetails: p.shared ? 'SharedMailbox' : 'UserMailbox',
    LitigationHoldEnabled: p.key === 'victor',
    LitigationHoldDate: p.key === 'victor' ? isoDaysAgo(120) : null,
    LitigationHoldOwner: p.key === 'victor' ? upnOf('robert') : null,
    LitigationHoldDuration: 'Unlimited',
    ForwardingAddress: null,
    ForwardingSmtpAddress: null,
    DeliverToMailboxAndForward: false,
    HiddenFromAddressListsEnabled: false,
    ArchiveStatus: p.key === 'victor' ? 'Active' : 'None',
    ArchiveGuid: p.key === 'victor' ? guid('archive', p.key) : '00000000-0000-0000-0000-000000000000',
    ProhibitSendReceiveQuota: p.shared ? '50 GB (53,687,091,200 bytes)' : '100 GB (107,374,182,400 bytes)',
    WhenMailboxCreated: u.createdDateTime,
    totalItemSizeBytes: size,
    totalDeletedItemSizeBytes: Math.round(size * 0.03),
    itemCount: p.key === 'jane' ? 48_213 : Math.round(size / 90_000),
    lastLogonTime: p.shared ? null : isoDaysAgo(0.5),
    permissions: [{ User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false, InheritanceType: 'All' }],
    recipientPermissions: [{ Trustee: 'NT AUTHORITY\\SELF', AccessRights: ['SendAs'], AccessControlType: 'Allow', IsInherited: false, InheritanceType: 'None' }],
    inboxRules: [],
    cas: { ActiveSyncEnabled: true, OWAEnabled: true, OWAforDevicesEnabled: true, PopEnabled: true, ImapEnabled: true, MAPIEnabled: true, EwsEnabled: true, SmtpClientAuthenticationDisabled: null },
    mobileDevices: [],
    organizedMeetings: p.key === 'jane' ? 14 : Math.round(rnd() * 6),
    automaticRepliesSetting: {
      status: 'disabled',
      externalAudience: 'all',
      internalReplyMessage: '',
      externalReplyMessage: '',
      scheduledStartDateTime: { dateTime: '2025-06-01T08:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2025-06-02T08:00:00.0000000', timeZone: 'UTC' },
    },
    timeZone: p.key in TIME_ZONES ? (TIME_ZONES[p.key] ?? null) : 'GMT Standard Time',
    language: { locale: 'en-GB', displayName: 'English (United Kingdom)' },
  };
  if (p.shared) {
    for (const k of ['marcus', 'tom']) {
      mbx.permissions.push({ User: upnOf(k), AccessRights: ['FullAccess'], IsInherited: false, Deny: false, InheritanceType: 'All' });
    }
  }
  if (p.key === 'jane') {
    mbx.inboxRules = [
      rule('Newsletters to Reading', 1, { From: ['news@fabrikam.example'], MoveToFolder: 'Inbox\\Reading', Description: 'If the message:\r\n\tthe message was received from news@fabrikam.example\r\nTake the following actions:\r\n\tmove the message to folder \'Reading\'\r\n' }),
      rule('Copy to personal', 2, { ForwardTo: ['"jane.doe.home@example.net" [SMTP:jane.doe.home@example.net]'], Description: 'Take the following actions:\r\n\tforward the message to "jane.doe.home@example.net"\r\n' }),
      rule('Marcus flagged', 3, { From: [`"Marcus Reed" [SMTP:${upnOf('marcus')}]`], MarkAsRead: false, Description: 'If the message:\r\n\tthe message was received from Marcus Reed\r\n' }),
      // Hidden from Outlook and from Get-InboxRule without -IncludeHidden: how an attacker keeps mail flowing out.
      rule('.', 4, { hidden: true, RedirectTo: ['"jd.backup@mailbox.example" [SMTP:jd.backup@mailbox.example]'], MarkAsRead: true, Description: 'Take the following actions:\r\n\tredirect the message to "jd.backup@mailbox.example"\r\n\tmark the message as read\r\n' }),
      // System rules, hidden too: the junk e-mail rule and the rules that carry the automatic reply. Left alone.
      rule('Junk E-mail Rule', 5, { hidden: true, MoveToFolder: 'Junk Email' }),
      rule('Microsoft.Exchange.OOF.KnownExternalSenders.Global', 6, { hidden: true, Enabled: false }),
      rule('Microsoft.Exchange.OOF.AllExternalSenders.Global', 7, { hidden: true, Enabled: false }),
    ];
    mbx.mobileDevices = [
      { Guid: guid('eas', 'jane-iphone'), DeviceId: 'ApplF4GH12KLMN8Q', DeviceType: 'iPhone', DeviceModel: 'iPhone14C5', DeviceOS: 'iOS 17.5.1 21F90', FriendlyName: "Jane's iPhone", DeviceUserAgent: 'Apple-iPhone14C5/2105.90', ClientType: 'EAS', DeviceAccessState: 'Allowed', FirstSyncTime: isoDaysAgo(250), WipeRequested: 'None' },
    ];
  }
  if (p.key === 'charlotte') {
    // A synced user whose Exchange attributes were moved to the cloud (Set-Mailbox -IsExchangeCloudManaged $true).
    mbx.IsExchangeCloudManaged = true;
  }
  if (p.key === 'tom') {
    mbx.inboxRules = [rule('CC my manager', 1, { ForwardTo: [`"Marcus Reed" [SMTP:${upnOf('marcus')}]`], SubjectContainsWords: ['escalation'] })];
  }
  if (p.key === 'marcus') {
    mbx.mobileDevices = [
      { Guid: guid('eas', 'marcus-pixel'), DeviceId: '3C9A5F1E2B7D4C60', DeviceType: 'Outlook', DeviceModel: 'Pixel 8', DeviceOS: 'Android 14', FriendlyName: "Marcus's Pixel", DeviceUserAgent: 'Outlook-Android/2.0', ClientType: 'Outlook', DeviceAccessState: 'Allowed', FirstSyncTime: isoDaysAgo(120), WipeRequested: 'None' },
    ];
  }
  mailboxes.push(mbx);
}

// ---- Administrative unit and the bot's Entra role assignments (docs/DEPLOYMENT.md, "Least privilege") ----
// The unit holds the people the bot may offboard (OFFBOARDABLE_UNIT_ID); Kevin O'Brien (persona outsideUnit) is not in
// it. The bot's roles are assigned tenant-wide, as section 3 of the guide does (the doctor warns about User
// Administrator); a test narrows them with a seed of its own.
const OFFBOARDABLE_UNIT = '5c1b2a3d-0f4e-4b6a-9c8d-7e6f5a4b3c2d';
const administrativeUnits = [
  {
    id: OFFBOARDABLE_UNIT,
    displayName: 'Offboardable staff',
    description: 'The people the offboarding bot may offboard (OFFBOARDABLE_UNIT_ID).',
    visibility: null,
    members: [jane, id('janesmith'), id('tom')],
  },
];
const OFFBOARDING_SP = guid('sp', 'Offboarding');
const roleAssignments = [
  { id: 'Bd8oaWlxZ0iSHjx5r7FX0u7_NMfuT2pHpNgVaGR3QUM', principalId: OFFBOARDING_SP, roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', directoryScopeId: '/' },
  { id: 'zEnMfh8fIFG2qikaiGiGwd8ceSkjk0JCrR0dCWpfKtQ', principalId: OFFBOARDING_SP, roleDefinitionId: '29232cdf-9323-42fd-ade2-1d097af3e4de', directoryScopeId: '/' },
];

const seed: SeedTenant = {
  tenant: {
    id: TENANT_ID,
    displayName: 'Contoso Ltd (simulated)',
    initialDomain: INITIAL_DOMAIN,
    verifiedDomains: [DOMAIN, INITIAL_DOMAIN],
    domainController: 'AM6PR01A002DC003.EURPR01A002.PROD.OUTLOOK.COM',
  },
  personas: {
    operator: id('isaac'),
    jane: id('jane'),
    janeManager: id('marcus'),
    secondJane: id('janesmith'),
    syncedUser: id('samuel'),
    syncedCloudManagedUser: id('charlotte'),
    adminUser: id('priya'),
    noManagerUser: id('elena'),
    protectedUser: id('victor'),
    approver1: id('amara'),
    approver2: id('ben'),
    inheritorCandidate: id('tom'),
    // Ian Murphy, a direct member of the role-assignable group Privileged Access Reviewers (Security Reader).
    roleGroupMember: id('ian'),
    // Kevin O'Brien: not in the administrative unit "Offboardable staff" (Jane is).
    outsideUnit: id('kevin'),
  },
  groupSettings: { operatorsGroupId: operators.id, approversGroupId: approvers.id, protectedGroupId: protectedGroup.id },
  teamsAppExternalId: TEAMS_APP_EXTERNAL_ID,
  users,
  groups,
  directoryRoles,
  subscribedSkus: [SKU.E3, SKU.E1, SKU.PBI, SKU.VISIO],
  devices,
  managedDevices,
  oauth2PermissionGrants: grants,
  servicePrincipals,
  authenticationMethods,
  teamsApps,
  installedApps,
  drives,
  mailboxes,
  administrativeUnits,
  roleAssignments,
};

const janeDirect = groups.filter((g) => g.members.includes(jane)).length;
if (janeDirect <= 100) {
  throw new Error(`Jane must have more than 100 direct memberships, has ${janeDirect}`);
}
const out = path.join(__dirname, '..', 'src', 'simulator', 'seed', 'tenant.json');
writeFileSync(out, `${JSON.stringify(seed, null, 1)}\n`);
console.log(`wrote ${out}: ${users.length} users, ${groups.length} groups, Jane in ${janeDirect} groups directly`);
