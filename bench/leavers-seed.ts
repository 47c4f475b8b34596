// Generated leavers for the governor bench: the bundled demo organisation plus `count` leavers, each a member of
// `groupsPerLeaver` shared security groups, with one Intune-managed company laptop, two MFA methods (a mobile phone,
// the default, and an OATH token), a mailbox with one inbox rule, and a OneDrive. Written to a temporary seed file
// that the simulated tenant loads (--seed).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bundled from '../src/simulator/seed/tenant.json';

type Json = Record<string, unknown>;

export interface GeneratedLeavers {
  seedFile: string;
  leaverIds: string[];
  /** The manager of every generated leaver (inheritor of their mailbox and files). */
  managerId: string;
}

export function generateLeavers(count: number, groupsPerLeaver: number, prefix = 'leaver'): GeneratedLeavers {
  const seed = structuredClone(bundled) as unknown as Json & {
    personas: Record<string, string>;
    users: Json[];
    groups: Json[];
    managedDevices: Json[];
    authenticationMethods: Record<string, unknown>;
    mailboxes: Json[];
    drives: Json[];
  };
  const template = seed.users.find((u) => u.id === seed.personas.inheritorCandidate)!;
  const mailboxTemplate = seed.mailboxes.find((m) => m.userId === template.id)!;
  const driveTemplate = seed.drives[0]!;
  const deviceTemplate = seed.managedDevices[0]!;
  const managerId = seed.personas.janeManager!;
  const groupIds = Array.from({ length: groupsPerLeaver }, () => randomUUID());
  const groupTemplate = seed.groups.find((g) => g.securityEnabled === true && g.mailEnabled === false && (g.groupTypes as unknown[]).length === 0 && g.membershipRule === null && g.onPremisesSyncEnabled === null && g.isAssignableToRole === null)!;
  const leaverIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const alias = `${prefix}${i}`;
    const upn = `${alias}@contoso.com`;
    leaverIds.push(id);
    seed.users.push({
      ...template,
      id,
      displayName: `Leaver ${i}`,
      givenName: 'Leaver',
      surname: String(i),
      userPrincipalName: upn,
      mail: upn,
      mailNickname: alias,
      employeeId: String(900000 + i),
      proxyAddresses: [`SMTP:${upn}`],
      assignedLicenses: [],
      managerId,
    });
    const phone = randomUUID();
    seed.authenticationMethods[id] = {
      defaultMethodId: phone,
      methods: [
        { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: randomUUID(), password: null, createdDateTime: '2025-01-01T00:00:00Z' },
        { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: phone, phoneNumber: `+44 7700 ${String(100000 + i).slice(-6)}`, phoneType: 'mobile', smsSignInState: 'notSupported' },
        { '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', id: randomUUID(), secretKey: null },
      ],
    };
    seed.managedDevices.push({
      ...deviceTemplate,
      id: randomUUID(),
      userId: id,
      deviceName: `LEAVER-LT-${i}`,
      managedDeviceOwnerType: 'company',
      serialNumber: `BENCH${i}`,
      azureADDeviceId: randomUUID(),
      userPrincipalName: upn,
      emailAddress: upn,
    });
    seed.mailboxes.push({
      ...mailboxTemplate,
      userId: id,
      ExchangeGuid: randomUUID(),
      Guid: randomUUID(),
      Alias: alias,
      permissions: structuredClone(mailboxTemplate.permissions),
      recipientPermissions: structuredClone(mailboxTemplate.recipientPermissions),
      inboxRules: [{ ...(mailboxTemplate.inboxRules as Json[])[0]!, RuleIdentity: String(1_000_000_000 + i), Name: 'Forward to my home address' }],
    });
    seed.drives.push({ ...driveTemplate, id: `b!bench-${id}`, ownerId: id, webUrl: `https://contosodemo-my.sharepoint.com/personal/${alias}_contoso_com/Documents`, sharedWith: [] });
  }
  groupIds.forEach((gid, k) => {
    seed.groups.push({
      ...groupTemplate,
      id: gid,
      displayName: `SG-Bench-${prefix}-${k}`,
      description: 'Generated for the governor bench',
      mailNickname: `SGBench${prefix}${k}`,
      members: [...leaverIds],
      owners: [managerId],
    });
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'governor-bench-'));
  const seedFile = path.join(dir, 'tenant.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  return { seedFile, leaverIds, managerId };
}
