// Preparing a batch: every entry resolved like a single `offboard` (start.ts resolve: exact UPN or mail first, then a
// name, then the same rules), a few at a time (the governor paces Graph underneath). An entry that can't be offboarded
// is left out with the reason and never blocks the rest; only the requester, the place, the size and an empty list
// refuse the whole batch. Nothing is written to Microsoft 365: the draft is stored, and its full list audited (cards
// show only the first entries).
import { randomBytes } from 'node:crypto';
import { M365Error } from '../../m365/errors';
import type { Directory, DirectoryUser } from '../directory';
import { MAX_LIST_ENTRIES, tooMany } from '../limits';
import { requestIdFrom } from '../requests';
import type { PersonRef } from '../snapshot';
import { NOT_AN_OPERATOR, OFFBOARD_YOURSELF, type OffboardingStart, type Refused } from '../start';
import { venueRefusal } from '../venue';
import type { Batch, BatchEntryInput, BatchRow, LeftOut, LeftOutReason } from './batch';
import { inSlots, type BatchRecords } from './records';
import type { BatchDeps, PrepareInput } from './use-case';

/** Entries resolved at once: each is one or two Graph round trips, paced by the governor. */
const RESOLVING_AT_ONCE = 8;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Resolved = { ok: true; leaver: DirectoryUser; manager?: DirectoryUser } | { ok: false; reason: LeftOutReason; detail: string };
type Inheritor = { ok: true; user: DirectoryUser } | { ok: false; detail: string };

/** The fields a batch keeps of a person (not their job title or department). */
export function personRef(u: PersonRef): PersonRef {
  return { id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName, ...(u.mail ? { mail: u.mail } : {}), accountEnabled: u.accountEnabled };
}

/** Which left-out reason a single `offboard`'s refusal (start.ts checkLeaver) amounts to. */
export function leftOutReason(refusal: string): LeftOutReason {
  if (refusal === OFFBOARD_YOURSELF) {
    return 'requester';
  }
  if (/ is in the protected group: /.test(refusal)) {
    return 'protected';
  }
  if (/ already has an open offboarding request, /.test(refusal)) {
    return 'open-request';
  }
  return /^No user with id /.test(refusal) ? 'unknown' : 'refused';
}

const why = (err: unknown): string => (err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err));

export async function prepareBatch(deps: BatchDeps, records: BatchRecords, input: PrepareInput): Promise<{ ok: true; batch: Batch } | Refused> {
  const wrongPlace = venueRefusal(input.where, deps.operationsChannelIds);
  if (wrongPlace) {
    return { ok: false, reason: wrongPlace }; // before any read
  }
  if (input.entries.length > MAX_LIST_ENTRIES) {
    return { ok: false, reason: `${tooMany('The list', input.entries.length)}. Nothing was looked up.` };
  }
  if (input.entries.length === 0) {
    return { ok: false, reason: 'There are no names, UPNs or mails in the list. Nothing was looked up.' };
  }
  // A failed check is thrown, as for a single `offboard`: "you are not an operator" would be untrue.
  if (!(await deps.access.isOperator(input.requester.id))) {
    return { ok: false, reason: NOT_AN_OPERATOR };
  }
  // The same inheritor is often named on many rows: looked up once.
  const inheritors = new Map<string, Promise<Inheritor>>();
  const inheritorOf = (query: string): Promise<Inheritor> => {
    const key = query.trim().toLowerCase();
    let found = inheritors.get(key);
    if (!found) {
      found = resolveInheritor(deps.start, deps.directory, query.trim()).catch((err: unknown) => ({ ok: false as const, detail: `I couldn't look up the inheritor "${query.trim()}" (${why(err)}).` }));
      inheritors.set(key, found);
    }
    return found;
  };
  const resolved = await inSlots(input.entries, RESOLVING_AT_ONCE, async (entry) => {
    const leaver = await resolveLeaver(deps.start, input, entry);
    const inheritor = leaver.ok && entry.inheritor ? await inheritorOf(entry.inheritor) : undefined;
    return { entry, leaver, inheritor };
  });

  // Everyone on the list who could be offboarded: none of them inherits, and a manager among them doesn't approve.
  const listed = new Set(resolved.flatMap((r) => (r.leaver.ok ? [r.leaver.leaver.id] : [])));
  const kept: Array<{ entry: BatchEntryInput; leaver: DirectoryUser; manager?: DirectoryUser; inheritor?: DirectoryUser }> = [];
  const leftOut: LeftOut[] = [];
  const firstEntry = new Map<string, BatchEntryInput>();
  const leave = (entry: BatchEntryInput, reason: LeftOutReason, detail: string) => leftOut.push({ entry: entry.query, ...(entry.line !== undefined ? { line: entry.line } : {}), reason, detail });
  for (const { entry, leaver, inheritor } of resolved) {
    if (!leaver.ok) {
      leave(entry, leaver.reason, leaver.detail);
      continue;
    }
    const person = leaver.leaver;
    const first = firstEntry.get(person.id);
    if (first) {
      leave(entry, 'duplicate', `${person.displayName} is already in this batch (as "${first.query}"${first.line !== undefined ? `, line ${first.line}` : ''}).`);
      continue;
    }
    firstEntry.set(person.id, entry);
    if (inheritor && !inheritor.ok) {
      leave(entry, 'inheritor', inheritor.detail);
    } else if (inheritor?.user.id === person.id) {
      leave(entry, 'inheritor', `${person.displayName} can't inherit their own mailbox: name someone else.`);
    } else if (inheritor && listed.has(inheritor.user.id)) {
      leave(entry, 'inheritor', `The inheritor ${inheritor.user.displayName} is leaving in this batch too: name someone else.`);
    } else {
      kept.push({ entry, leaver: person, ...(leaver.manager ? { manager: leaver.manager } : {}), ...(inheritor?.ok ? { inheritor: inheritor.user } : {}) });
    }
  }
  for (const query of input.duplicates ?? []) {
    leftOut.push({ entry: query, reason: 'duplicate', detail: `"${query}" is listed more than once: it counts once.` });
  }

  const leaving = new Set(kept.map((k) => k.leaver.id));
  const rows = kept.map(({ entry, leaver, manager, inheritor }): BatchRow => {
    const managerInBatch = manager !== undefined && leaving.has(manager.id);
    // The manager is the recommended inheritor, as on a single request card (teams/view.ts), unless they can't be.
    const heir = inheritor ?? (manager && manager.accountEnabled && manager.id !== leaver.id && !managerInBatch ? manager : undefined);
    return {
      leaver: personRef(leaver),
      ...(entry.line !== undefined ? { line: entry.line } : {}),
      ...(manager ? { manager: personRef(manager) } : {}),
      managerInBatch,
      ...(heir ? { inheritor: personRef(heir) } : {}),
      ...(entry.effectiveAt ? { effectiveAt: entry.effectiveAt } : {}),
    };
  });

  const batch: Batch = {
    id: deps.newBatchId?.() ?? requestIdFrom(randomBytes(6), 'BAT'),
    status: 'draft',
    requester: input.requester,
    createdAt: deps.now().toISOString(),
    where: input.where,
    teams: input.teams,
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    source: input.source,
    rows,
    leftOut,
  };
  await records.create(batch);
  await deps.audit.record({
    kind: 'batch',
    requestId: batch.id,
    data: {
      event: 'prepared',
      batchId: batch.id,
      requester: batch.requester.id,
      source: batch.source,
      rows: rows.map((r) => ({ leaver: r.leaver.id, line: r.line ?? null, manager: r.manager?.id ?? null, managerInBatch: r.managerInBatch, inheritor: r.inheritor?.id ?? null, effectiveAt: r.effectiveAt ?? null })),
      leftOut: leftOut.map((l) => ({ entry: l.entry, line: l.line ?? null, reason: l.reason, detail: l.detail })),
    },
  });
  return { ok: true, batch };
}

/** One entry, as a single `offboard` would resolve it; a lookup that fails leaves only this entry out. */
async function resolveLeaver(start: OffboardingStart, input: PrepareInput, entry: BatchEntryInput): Promise<Resolved> {
  const q = entry.query.trim();
  let found: Awaited<ReturnType<OffboardingStart['resolve']>>;
  try {
    // An Entra object id (a CSV exported from Entra has them) is read directly; anything else as a single `offboard`.
    found = ENTRA_ID.test(q) ? await checkedById(start, input, q) : await start.resolve(input.requester, q, input.where, true);
  } catch (err) {
    return { ok: false, reason: 'refused', detail: `I couldn't look up "${q}" (${why(err)}). Try again later.` };
  }
  if ('ok' in found) {
    return { ok: false, reason: leftOutReason(found.reason), detail: found.reason };
  }
  switch (found.kind) {
    case 'ready':
      return { ok: true, leaver: found.leaver, ...(found.manager ? { manager: found.manager } : {}) };
    case 'many':
      return { ok: false, reason: 'ambiguous', detail: `"${q}" matches several people: ${found.users.map((u) => `${u.displayName} (${u.userPrincipalName})`).join(', ')}${found.more ? ' and more' : ''}. List their UPN or mail instead.` };
    default:
      return { ok: false, reason: 'unknown', detail: `Nobody matches "${q}".` };
  }
}

async function checkedById(start: OffboardingStart, input: PrepareInput, id: string): Promise<Refused | { kind: 'ready'; leaver: DirectoryUser; manager?: DirectoryUser }> {
  const checked = await start.checkLeaver(input.requester, id, input.where, true);
  return checked.ok ? { kind: 'ready', leaver: checked.leaver, ...(checked.manager ? { manager: checked.manager } : {}) } : checked;
}

/** A CSV row's inheritor: exactly one enabled person (an Entra id, an exact UPN or mail, or a unique name). */
async function resolveInheritor(start: OffboardingStart, directory: Directory, q: string): Promise<Inheritor> {
  let user: DirectoryUser | undefined;
  if (ENTRA_ID.test(q)) {
    user = await directory.get(q);
  } else {
    const found = await start.find(q);
    if (found.kind === 'many') {
      return { ok: false, detail: `The inheritor "${q}" matches several people: ${found.users.map((u) => u.displayName).join(', ')}${found.more ? ' and more' : ''}. Use their UPN or mail.` };
    }
    user = found.kind === 'one' ? found.user : undefined;
  }
  if (!user) {
    return { ok: false, detail: `Nobody matches the inheritor "${q}".` };
  }
  return user.accountEnabled ? { ok: true, user } : { ok: false, detail: `The inheritor ${user.displayName} is disabled: name someone else.` };
}
