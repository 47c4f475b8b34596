// The preflight: a read-only snapshot of the leaver and the inheritor, taken before approval (snapshot.ts). Only GETs
// (inside one $batch) and Exchange Get-* cmdlets — never a write (DOMAIN.md "What counts as a write").
//
// Two rounds one after another: (1) one $batch with every read that needs only the ids; (2) what needs round 1's
// answers — the Exchange cmdlets (anchored on the UPN), owner counts of owned groups and the names of consented apps
// (one more $batch) — all at once. Extra pages, rare, add a round only to the collection that has them.
import { M365Error, type M365ErrorInfo } from '../m365/errors';
import type { ExchangePort, GraphPort } from '../m365/ports';
import { SAFETY_READS, type GroupInfo, type OwnedGroup, type Snapshot } from './snapshot';
import {
  firstRoundUrls,
  ownersUrl,
  servicePrincipalUrl,
  toAuthMethod,
  toGrant,
  toGroup,
  toManagedDevice,
  toPerson,
  toRegisteredDevices,
  toRole,
  verifiedDomains,
  type RawGroup,
  type RawUser,
} from './preflight/directory';
import { readLicences, type RawLicenceState, type RawSku } from './preflight/licences';
import { inheritorHasMailbox, readMailbox } from './preflight/mailbox';
import { collection, entity, getAll, isNotFound, ReadWarnings, type Outcome } from './preflight/reads';

/** Bad input, not a read warning: an unknown leaver or inheritor, or one whose account can't be read at all. */
export class PreflightError extends Error {
  constructor(
    message: string,
    readonly who: 'leaver' | 'inheritor',
    readonly error?: M365ErrorInfo,
  ) {
    super(message);
    this.name = 'PreflightError';
  }
}

export interface PreflightPorts {
  graph: GraphPort;
  exchange: ExchangePort;
}

interface RawLeaver extends RawUser {
  onPremisesSyncEnabled?: boolean | null;
  jobTitle?: string | null;
  department?: string | null;
  assignedLicenses?: Array<{ skuId: string; disabledPlans?: string[] }> | null;
  licenseAssignmentStates?: RawLicenceState[] | null;
}

function requireUser<T extends RawUser>(outcome: Outcome, id: string, who: 'leaver' | 'inheritor'): T {
  if (outcome instanceof M365Error) {
    if (outcome.status === 404) {
      throw new PreflightError(`No user with id ${id} (the ${who}).`, who, outcome.info);
    }
    throw new PreflightError(`Couldn't read the ${who} (${id}): ${outcome.summary()}`, who, outcome.info);
  }
  return entity<T>(outcome);
}

export async function takeSnapshot(ports: PreflightPorts, leaverId: string, inheritorId: string, now: () => Date = () => new Date()): Promise<Snapshot> {
  const { graph, exchange } = ports;
  const takenAt = now().toISOString();
  const warnings = new ReadWarnings();

  // ---- Round 1 ----------------------------------------------------------------------------------------------------
  const first = await getAll(graph, firstRoundUrls(leaverId, inheritorId));
  const leaver = requireUser<RawLeaver>(first.leaver!, leaverId, 'leaver');
  const inheritor = requireUser<RawUser>(first.inheritor!, inheritorId, 'inheritor');
  const part = <T>(what: string, read: () => T | Promise<T>): Promise<T | undefined> => warnings.attempt(what, async () => read());
  const list = <T>(what: string, key: string): Promise<T[] | undefined> => part(what, () => collection<T>(graph, first[key]!));

  const tenantDomains = (await part('tenant domains', () => verifiedDomains(entity(first.organization!)))) ?? [];

  // ---- Round 2 ----------------------------------------------------------------------------------------------------
  const mailboxP = leaver.userPrincipalName ? readMailbox(exchange, leaver.userPrincipalName, tenantDomains, warnings) : Promise.resolve(undefined);
  const hasMailboxP = inheritor.userPrincipalName ? inheritorHasMailbox(exchange, inheritor.userPrincipalName, warnings) : Promise.resolve(false);
  const [groups, ownedRaw, grantsRaw, roles, managedDevices, registeredDevices, authMethods, skus, manager, drive] = await Promise.all([
    list<RawGroup>('group memberships', 'groups').then((g) => g?.map(toGroup)),
    list<RawGroup>('owned groups', 'owned'),
    list<{ id: string; clientId: string; scope?: string }>('app consents (OAuth grants)', 'grants'),
    list<{ id: string; displayName?: string }>(SAFETY_READS.directoryRoles, 'roles').then((r) => r?.map(toRole)),
    list<Parameters<typeof toManagedDevice>[0]>('Intune devices', 'managedDevices').then((d) => d?.map(toManagedDevice)),
    list<Parameters<typeof toRegisteredDevices>[0][number]>('Entra ID devices', 'registeredDevices').then((d) => d && toRegisteredDevices(d)),
    list<{ id: string; '@odata.type'?: string }>('MFA methods', 'methods').then((m) => m?.map(toAuthMethod)),
    list<RawSku>('subscribed licences (SKUs)', 'skus'),
    readManager(first.manager!, warnings),
    readDrive(first.drive!, warnings),
  ]);
  const { ownedGroups, grantNames } = await ownersAndAppNames(graph, ownedRaw, grantsRaw?.map((g) => g.clientId) ?? [], warnings);
  const states = leaver.licenseAssignmentStates ?? leaver.assignedLicenses?.map((l) => ({ ...l, assignedByGroup: null })) ?? [];
  const licenceRead = skus === undefined ? undefined : readLicences(states, skus, groups);
  const [mailbox, hasMailbox] = await Promise.all([mailboxP, hasMailboxP]);

  return {
    takenAt,
    tenantDomains,
    leaver: {
      ...toPerson(leaver),
      ...(leaver.jobTitle ? { jobTitle: leaver.jobTitle } : {}),
      ...(leaver.department ? { department: leaver.department } : {}),
      onPremisesSyncEnabled: leaver.onPremisesSyncEnabled === true,
      manager,
      directoryRoles: roles,
      licences: licenceRead?.licences,
      groups,
      ownedGroups,
      // From the states alone, so the group steps know them even when the SKUs could not be read.
      licenceGroupIds: [...new Set(states.flatMap((s) => (s.assignedByGroup ? [s.assignedByGroup] : [])))],
      managedDevices,
      registeredDevices,
      oauthGrants: grantsRaw?.map((g) => toGrant(g, grantNames)),
      authMethods,
      mailbox,
      drive,
    },
    inheritor: { ...toPerson(inheritor), hasMailbox },
    readWarnings: warnings.list,
  };
}

/** No manager is Graph's 404 Request_ResourceNotFound (user-list-manager), not a warning. */
async function readManager(outcome: Outcome, warnings: ReadWarnings): Promise<ReturnType<typeof toPerson> | undefined> {
  if (isNotFound(outcome)) {
    return undefined;
  }
  return warnings.attempt(SAFETY_READS.manager, () => Promise.resolve(toPerson(entity<RawUser>(outcome))));
}

/** No OneDrive is a 404 ("User's mysite not found" for a user never provisioned), not a warning. */
async function readDrive(outcome: Outcome, warnings: ReadWarnings): Promise<{ id: string; webUrl?: string } | null | undefined> {
  if (isNotFound(outcome)) {
    return null;
  }
  return warnings.attempt('OneDrive', () => {
    const d = entity<{ id: string; webUrl?: string | null }>(outcome);
    return Promise.resolve({ id: d.id, ...(d.webUrl ? { webUrl: d.webUrl } : {}) });
  });
}

/**
 * Owner counts of the owned groups and the names of the apps the leaver consented to, in one $batch. A group whose
 * owners can't be read leaves ownedGroups undefined (a sole owner must not be missed); an app name that can't be read
 * just stays unnamed.
 */
async function ownersAndAppNames(
  graph: GraphPort,
  owned: RawGroup[] | undefined,
  clientIds: string[],
  warnings: ReadWarnings,
): Promise<{ ownedGroups: OwnedGroup[] | undefined; grantNames: Map<string, string> }> {
  const clients = [...new Set(clientIds)];
  const urls: Record<string, string> = {};
  owned?.forEach((g, i) => (urls[`o${i}`] = ownersUrl(g.id)));
  clients.forEach((id, i) => (urls[`s${i}`] = servicePrincipalUrl(id)));
  const answers = Object.keys(urls).length === 0 ? {} : await getAll(graph, urls);

  const grantNames = new Map<string, string>();
  clients.forEach((id, i) => {
    const a = answers[`s${i}`];
    const name = a instanceof M365Error || a === undefined ? undefined : (a.body as { displayName?: string } | undefined)?.displayName;
    if (name) {
      grantNames.set(id, name);
    }
  });
  const ownedGroups =
    owned === undefined
      ? undefined
      : await warnings.attempt('owners of owned groups', () =>
          Promise.all(
            owned.map(async (g, i): Promise<OwnedGroup> => {
              const owners = await collection<{ id: string }>(graph, answers[`o${i}`]!);
              const info: GroupInfo = toGroup(g);
              return { ...info, ownerCount: owners.length, ownerIds: owners.map((o) => o.id) };
            }),
          ),
        );
  return { ownedGroups, grantNames };
}
