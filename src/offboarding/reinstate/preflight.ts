// A reinstatement's preflight: the person as Microsoft 365 has them now, read-only (GETs in one $batch, a transitive
// membership check, Get-Mailbox), and the offboarding's run as the store has it. Never a write.
import { M365Error } from '../../m365/errors';
import type { ExchangePort, GraphPort } from '../../m365/ports';
import type { Store } from '../../store/store';
import { isNoMailbox } from '../preflight/mailbox';
import { collection, entity, getAll, isNotFound, ReadWarnings } from '../preflight/reads';
import type { OffboardingRequest } from '../requests';
import { COLLECTIONS, type ItemRecord, type StepState } from '../run';
import type { OffboardingOutcome, ReinstateSnapshot, SkuSeats, TapPolicy } from './snapshot';

const enc = encodeURIComponent;

interface RawUser {
  id: string;
  accountEnabled?: boolean | null;
  onPremisesSyncEnabled?: boolean | null;
  assignedLicenses?: Array<{ skuId: string }> | null;
}

interface RawSku {
  skuId: string;
  skuPartNumber?: string | null;
  prepaidUnits?: { enabled?: number | null } | null;
  consumedUnits?: number | null;
}

interface RawTarget {
  targetType?: string;
  id: string;
}

interface RawTapPolicy {
  state?: string;
  minimumLifetimeInMinutes?: number;
  maximumLifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  includeTargets?: RawTarget[];
  excludeTargets?: RawTarget[];
}

/** The offboarding's run from the store: its steps' end states and every target's record. */
export async function readOutcome(store: Store, request: OffboardingRequest): Promise<OffboardingOutcome> {
  const runId = request.runId ?? request.id;
  const steps = (await store.list<StepState>(COLLECTIONS.steps, `${runId}/`)).map((d) => d.value);
  const items: OffboardingOutcome['items'] = {};
  for (const doc of await store.list<ItemRecord>(COLLECTIONS.items, `${runId}/`)) {
    const [kind, ...rest] = doc.id.slice(runId.length + 1).split('/');
    (items[kind!] ??= {})[rest.join('/')] = doc.value;
  }
  return { request, steps, items };
}

export async function takeReinstateSnapshot(ports: { graph: GraphPort; exchange: ExchangePort }, person: { id: string; userPrincipalName: string }, now: Date): Promise<ReinstateSnapshot> {
  const { graph, exchange } = ports;
  const warnings = new ReadWarnings();
  const id = enc(person.id);
  const first = await getAll(graph, {
    user: `/users/${id}?$select=id,accountEnabled,onPremisesSyncEnabled,assignedLicenses`,
    deleted: `/directory/deletedItems/${id}`,
    skus: '/subscribedSkus?$select=skuId,skuPartNumber,prepaidUnits,consumedUnits',
    tap: '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass',
    memberOf: `/users/${id}/memberOf/microsoft.graph.group?$select=id&$top=999`,
    ownerOf: `/users/${id}/ownedObjects/microsoft.graph.group?$select=id&$top=999`,
    devices: `/users/${id}/registeredDevices?$select=id,accountEnabled&$top=999`,
  });

  let account: ReinstateSnapshot['account'];
  let user: RawUser | undefined;
  let deletedAt: string | undefined;
  if (!(first.user instanceof M365Error)) {
    account = 'active';
    user = entity<RawUser>(first.user);
  } else if (!isNotFound(first.user)) {
    throw first.user; // the person's account itself can't be read: nothing can be planned
  } else if (!(first.deleted instanceof M365Error)) {
    account = 'deleted';
    deletedAt = entity<{ deletedDateTime?: string }>(first.deleted).deletedDateTime ?? undefined;
  } else if (isNotFound(first.deleted)) {
    account = 'gone';
  } else {
    throw first.deleted;
  }

  const seats = await warnings.attempt('licence seats (subscribedSkus)', async () =>
    (await collection<RawSku>(graph, first.skus)).map((s): SkuSeats => ({ skuId: s.skuId, ...(s.skuPartNumber ? { skuPartNumber: s.skuPartNumber } : {}), free: (s.prepaidUnits?.enabled ?? 0) - (s.consumedUnits ?? 0) })),
  );
  const rawPolicy = await warnings.attempt('the Temporary Access Pass policy', () => Promise.resolve(entity<RawTapPolicy>(first.tap)));

  // A deleted account's memberships, devices and mailbox are read by each step when it runs (after the restore).
  const active = account === 'active';
  const memberOf = active ? await warnings.attempt('group memberships', async () => (await collection<{ id: string }>(graph, first.memberOf)).map((g) => g.id)) : undefined;
  const ownerOf = active ? await warnings.attempt('group ownerships', async () => (await collection<{ id: string }>(graph, first.ownerOf)).map((g) => g.id)) : undefined;
  const devices = active
    ? await warnings.attempt('registered devices', async () => Object.fromEntries((await collection<{ id: string; accountEnabled?: boolean | null }>(graph, first.devices)).map((d) => [d.id, d.accountEnabled === true])))
    : undefined;
  const [mailbox, applies] = await Promise.all([
    active ? readMailbox(exchange, person.userPrincipalName, warnings) : Promise.resolve(null),
    rawPolicy && active ? policyApplies(graph, person.id, rawPolicy, warnings) : Promise.resolve(rawPolicy ? targetsAll(rawPolicy) : undefined),
  ]);
  const tapPolicy: TapPolicy | undefined = rawPolicy
    ? {
        enabled: rawPolicy.state === 'enabled',
        appliesToPerson: applies,
        // Microsoft's defaults when a value is missing (temporaryAccessPassAuthenticationMethodConfiguration).
        minimumLifetimeInMinutes: rawPolicy.minimumLifetimeInMinutes ?? 60,
        maximumLifetimeInMinutes: rawPolicy.maximumLifetimeInMinutes ?? 480,
        isUsableOnce: rawPolicy.isUsableOnce ?? false,
      }
    : undefined;

  return {
    takenAt: now.toISOString(),
    account,
    ...(deletedAt ? { deletedAt } : {}),
    ...(user ? { accountEnabled: user.accountEnabled === true, onPremisesSyncEnabled: user.onPremisesSyncEnabled === true, skuIds: (user.assignedLicenses ?? []).map((l) => l.skuId) } : {}),
    ...(seats ? { seats } : {}),
    ...(memberOf ? { memberOf } : {}),
    ...(ownerOf ? { ownerOf } : {}),
    ...(devices ? { devices } : {}),
    ...(mailbox !== undefined ? { mailbox } : {}),
    ...(tapPolicy ? { tapPolicy } : {}),
    readWarnings: warnings.list,
  };
}

/** Included as "all users" and excluded from no group: known without reading memberships. */
function targetsAll(policy: RawTapPolicy): boolean | undefined {
  return (policy.includeTargets ?? []).some((t) => t.id === 'all_users') && (policy.excludeTargets ?? []).length === 0 ? true : undefined;
}

/** Whether the policy's include targets (all users, or groups, transitively) hold the person and its exclusions don't. */
async function policyApplies(graph: GraphPort, userId: string, policy: RawTapPolicy, warnings: ReadWarnings): Promise<boolean | undefined> {
  const include = (policy.includeTargets ?? []).map((t) => t.id);
  const exclude = (policy.excludeTargets ?? []).map((t) => t.id);
  const groups = [...include.filter((g) => g !== 'all_users'), ...exclude];
  if (groups.length === 0) {
    return include.includes('all_users');
  }
  // checkMemberGroups: transitive, a read (POST only because the ids go in the body); at most 20 ids a call.
  const result = await warnings.attempt('who the Temporary Access Pass policy applies to', async () => {
    const member = new Set<string>();
    for (let i = 0; i < groups.length; i += 20) {
      const r = await graph.call<{ value: string[] }>({ method: 'POST', url: `/users/${enc(userId)}/checkMemberGroups`, body: { groupIds: groups.slice(i, i + 20) } });
      r.body.value.forEach((g) => member.add(g));
    }
    return member;
  });
  if (!result) {
    return undefined;
  }
  const included = include.includes('all_users') || include.some((g) => result.has(g));
  return included && !exclude.some((g) => result.has(g));
}

async function readMailbox(exchange: ExchangePort, upn: string, warnings: ReadWarnings): Promise<ReinstateSnapshot['mailbox'] | undefined> {
  try {
    const found = await exchange.invoke<{ RecipientTypeDetails?: string; HiddenFromAddressListsEnabled?: boolean }>('Get-Mailbox', { Identity: upn }, upn);
    const m = found.value[0];
    return m ? { recipientTypeDetails: m.RecipientTypeDetails ?? 'Unknown', hiddenFromAddressLists: m.HiddenFromAddressListsEnabled === true } : null;
  } catch (err) {
    return isNoMailbox(err) ? null : warnings.add('the mailbox (Get-Mailbox)', err);
  }
}
