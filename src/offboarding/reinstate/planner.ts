// The reinstatement planner: pure. From the offboarding's stored run (what each target's record says the bot did) and
// a fresh read of the person now, the steps that undo only what the bot changed — leaving alone what is already back,
// by hand or never removed — and what can't be undone, named with why. Dependency order: the account before
// everything; a licence before the mailbox type; the leaver's ownership back before a handed-over owner goes.
import type { FollowUp, NotRestorable, Plan, PlannedStep, PlanWarning, ReinstateStepKind, Target } from '../plan';
import type { ItemRecord } from '../run';
import type { PersonRef } from '../snapshot';
import { RESTORE_WINDOW_DAYS, type OffboardingOutcome, type ReinstateSnapshot } from './snapshot';

/** A Temporary Access Pass lives at most this long (the issue's rule; the tenant's policy may allow less). */
export const TAP_MAX_MINUTES = 60;

/**
 * Details a run records when a target needed no change (it was already in the end state): nothing to undo there. The
 * runners' wording: leave-groups, leave-licence-groups, leave-distribution-lists (was no longer a member),
 * drop-group-ownerships (was no longer an owner), remove-direct-licences (already removed; kept for the mailbox),
 * revoke-oauth-grants / remove-mfa-methods (already deleted, already gone), hand-over-owned-groups (already an owner),
 * grant-full-access / grant-send-as / onedrive-access (already had …: the inheritor's own access stays).
 * A retry after a lost answer also records "was no longer a member": the first attempt's removal is then not restored
 * (the offboarding's audit log keeps both attempts).
 */
const UNCHANGED = /^(already gone|already deleted|already removed|kept for the mailbox|was no longer an? (member|owner)|already done|already an owner( and a member)?|already had (full access|send-as|access))$/;

/** The auto-reply step's detail when it replaced a reply the person had on (steps/auto-reply.ts). */
export const REPLY_WAS_ON = /^replaced an automatic reply that was on/;

export interface ReinstatePlanInput {
  offboarding: OffboardingOutcome;
  now: ReinstateSnapshot;
  removeHandovers: boolean;
  /** When the plan is made (the 30-day window). */
  at: Date;
}

interface Draft {
  title: string;
  targets?: Target[];
  skip?: string;
  params?: PlannedStep['params'];
  dependsOn?: ReinstateStepKind[];
  orderOnly?: ReinstateStepKind[];
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function planReinstatement(input: ReinstatePlanInput): Plan {
  const { request, items } = input.offboarding;
  const now = input.now;
  const person = request.leaver;
  const heir = request.manager ?? request.inheritor;
  const self: Target = { id: person.id, label: person.displayName };
  const warnings: PlanWarning[] = [];
  const followUps: FollowUp[] = [];
  const refusals: string[] = [];
  const notRestorable: NotRestorable[] = [];
  const drafts = new Map<ReinstateStepKind, Draft>();

  /** The targets the offboarding changed in a step: done (or requested) and not merely found already so. */
  const changed = (kind: string): Array<Target & { record: ItemRecord }> => {
    const planned = request.plan.steps.find((s) => s.kind === kind);
    return Object.entries(items[kind] ?? {})
      .filter(([, r]) => (r.status === 'done' || r.status === 'requested') && !UNCHANGED.test(r.detail ?? ''))
      .map(([id, record]) => {
        const target = planned?.targets.find((t) => t.id === id);
        const data = target?.data ?? record.data;
        return { id, label: target?.label ?? record.label, ...(data ? { data } : {}), record };
      });
  };
  const target = ({ record: _record, ...t }: Target & { record: ItemRecord }): Target => t;
  const didChange = (kind: string): boolean => changed(kind).length > 0;
  /** A step over what the offboarding changed, minus what is back now (`isBack`: undefined when unread). */
  const undo = (kind: ReinstateStepKind, from: string, title: (n: number) => string, isBack: (t: Target) => boolean | undefined, extra: Partial<Draft> = {}): void => {
    const all = changed(from).map(target);
    const todo = all.filter((t) => isBack(t) !== true);
    drafts.set(kind, {
      title: title(todo.length),
      targets: todo,
      ...(all.length === 0 ? { skip: 'nothing to do: the offboarding did not change this' } : todo.length === 0 ? { skip: 'already back' } : {}),
      ...extra,
    });
  };

  // --- The account ---------------------------------------------------------------------------------------------------
  const deletedOn = now.deletedAt ? now.deletedAt.slice(0, 10) : 'an unknown date';
  const windowEnds = now.deletedAt ? Date.parse(now.deletedAt) + RESTORE_WINDOW_DAYS * 86_400_000 : undefined;
  if (now.account === 'gone' || (now.account === 'deleted' && windowEnds !== undefined && input.at.getTime() >= windowEnds)) {
    refusals.push(`${person.displayName}'s account was deleted more than ${RESTORE_WINDOW_DAYS} days ago${now.deletedAt ? ` (on ${deletedOn})` : ''}: Entra ID no longer holds it, so it can't be restored. Nothing was changed.`);
  }
  if (now.account === 'deleted') {
    const byBot = didChange('delete-account');
    drafts.set('restore-account', { title: `Restore the deleted account (deleted on ${deletedOn}; restorable for ${RESTORE_WINDOW_DAYS} days)`, targets: [self] });
    if (!byBot) {
      warnings.push({ code: 'account-state', message: `${person.displayName}'s account was deleted outside this offboarding (on ${deletedOn}); restoring it is the first step.` });
    }
  } else {
    drafts.set('restore-account', { title: 'Restore the deleted account', skip: now.account === 'active' ? (didChange('delete-account') ? 'already back: the account is active' : 'nothing to do: the account was kept') : 'gone' });
  }

  const synced = now.onPremisesSyncEnabled === true;
  if (!didChange('block-sign-in')) {
    drafts.set('enable-sign-in', { title: 'Allow sign-in again', skip: 'nothing to do: the offboarding did not block sign-in' });
  } else if (synced) {
    drafts.set('enable-sign-in', { title: 'Allow sign-in again', skip: 'synced from on-premises AD: enable the account there' });
    followUps.push({ message: `${person.displayName} is synced from on-premises AD: enable their account in Active Directory (a cloud change would be overwritten at the next sync).` });
  } else {
    drafts.set('enable-sign-in', { title: 'Allow sign-in again', targets: [self], ...(now.account === 'active' && now.accountEnabled === true ? { skip: 'already back: sign-in is allowed' } : {}) });
  }

  planTemporaryAccessPass(person, now, self, drafts, warnings);
  if (request.rolesAtApproval?.length && drafts.get('temporary-access-pass')!.skip === undefined) {
    // authentication-post-temporaryaccesspassmethods: a pass for a role holder needs a Privileged Authentication
    // Administrator, which this app is not given (docs/DEPLOYMENT.md).
    warnings.push({ code: 'tap-policy', message: `${person.displayName} held directory roles (${request.rolesAtApproval.map((r) => r.displayName).join(', ')}): Entra ID will likely refuse this app a Temporary Access Pass for them; IT then creates one by hand.` });
  }
  if (didChange('reset-password')) {
    followUps.push({ message: `${person.displayName}'s password was reset to a random one nobody knows: after signing in with the Temporary Access Pass they set a new one through self-service password reset, or IT sets one.` });
  }

  // --- Licences (before the mailbox type) ----------------------------------------------------------------------------
  const hasSku = (t: Target): boolean | undefined => now.skuIds?.some((s) => s.toLowerCase() === t.id.toLowerCase());
  undo('restore-direct-licences', 'remove-direct-licences', (n) => `Assign ${plural(n, 'licence')} again (after checking for free seats)`, hasSku);
  for (const sku of drafts.get('restore-direct-licences')!.targets ?? []) {
    const seats = now.seats?.find((s) => s.skuId.toLowerCase() === sku.id.toLowerCase());
    if (seats && seats.free <= 0) {
      warnings.push({ code: 'licence-seats', message: `No free seat for ${sku.label}: buy or free one before this runs, or that licence fails (the rest goes on).` });
    }
  }
  const isMember = (t: Target): boolean | undefined => now.memberOf?.includes(t.id);
  undo('rejoin-licence-groups', 'leave-licence-groups', (n) => `Join ${plural(n, 'licence-assigning group')} again`, isMember);

  // --- The mailbox ---------------------------------------------------------------------------------------------------
  const mailbox = now.mailbox;
  const mailboxBack = (check: (m: NonNullable<ReinstateSnapshot['mailbox']>) => boolean) => (): boolean | undefined => (mailbox ? check(mailbox) : undefined);
  undo('mailbox-to-regular', 'convert-to-shared', () => 'Make the mailbox a user mailbox again (Set-Mailbox -Type Regular)', mailboxBack((m) => m.recipientTypeDetails === 'UserMailbox'), {
    dependsOn: ['restore-account', 'restore-direct-licences', 'rejoin-licence-groups'],
    // Only first: one SKU without a free seat must not hold the mailbox back; the step checks for an Exchange licence.
    orderOnly: ['restore-direct-licences', 'rejoin-licence-groups'],
  });
  undo('remove-full-access', 'grant-full-access', () => `Remove ${request.inheritor.displayName}'s full access to the mailbox`, () => undefined);
  undo('remove-send-as', 'grant-send-as', () => `Remove ${request.inheritor.displayName}'s send-as`, () => undefined);
  const reply = changed('auto-reply')[0];
  if (reply && REPLY_WAS_ON.test(reply.record.detail ?? '')) {
    drafts.set('auto-reply-off', { title: 'Turn the automatic reply off', skip: 'left on: an automatic reply was already on before the offboarding' });
    followUps.push({ message: `${person.displayName} had an automatic reply on before the offboarding; it now names ${request.inheritor.displayName}: they should set their own again.` });
  } else {
    undo('auto-reply-off', 'auto-reply', () => 'Turn the automatic reply off', () => undefined);
  }
  undo('show-in-address-list', 'hide-from-address-list', () => 'Show the mailbox in the address list again', mailboxBack((m) => !m.hiddenFromAddressLists));
  planProtocols(changed('disable-mobile-protocols').map(target), drafts, followUps);
  undo('remove-onedrive-access', 'onedrive-access', () => `Remove ${request.inheritor.displayName}'s access to the OneDrive`, () => undefined);

  // --- Groups and devices --------------------------------------------------------------------------------------------
  undo('rejoin-groups', 'leave-groups', (n) => `Join ${plural(n, 'group')} again`, isMember);
  undo('rejoin-distribution-lists', 'leave-distribution-lists', (n) => `Join ${plural(n, 'distribution list or mail-enabled security group', 'distribution lists and mail-enabled security groups')} again (through Exchange)`, isMember);
  undo('restore-group-ownerships', 'drop-group-ownerships', (n) => `Own ${plural(n, 'group')} again`, (t) => now.ownerOf?.includes(t.id));
  planHandover(changed('hand-over-owned-groups'), heir, input.removeHandovers, drafts);
  undo('enable-entra-devices', 'disable-entra-devices', (n) => `Enable ${plural(n, 'Windows device')} in Entra ID again`, (t) => now.devices?.[t.id]);

  notRestorable.push(...whatCantBeUndone(input.offboarding, changed));
  for (const w of now.readWarnings) {
    warnings.push({ code: 'read-failed', message: `Couldn't read ${w.what} (${w.error.code}): the step that needs it checks again when it runs.` });
  }

  const steps = (Object.keys(TITLES_ORDER) as ReinstateStepKind[]).map((kind): PlannedStep => {
    const d = drafts.get(kind)!;
    const targets = d.targets ?? [];
    const skip = d.skip ?? (targets.length === 0 ? 'nothing to do' : undefined);
    const dependsOn = d.dependsOn ?? (kind === 'restore-account' ? [] : kind === 'undo-group-handover' ? ['restore-account', 'restore-group-ownerships'] : kind === 'temporary-access-pass' ? ['restore-account', 'enable-sign-in'] : ['restore-account']);
    return {
      kind,
      phase: 'reinstate',
      title: d.title,
      dependsOn,
      ...(d.orderOnly ? { orderOnly: d.orderOnly } : {}),
      targets,
      ...(skip !== undefined ? { skip } : {}),
      ...(d.params ? { params: d.params } : {}),
      rounds: 1,
    };
  });
  return { leaverId: person.id, inheritorId: request.inheritor.id, options: request.options, steps, warnings, followUps, refusals, notRestorable };
}

/** Display order = REINSTATE_STEP_KINDS (kept as an object so a missing kind is a type error). */
const TITLES_ORDER: Record<ReinstateStepKind, true> = {
  'restore-account': true,
  'enable-sign-in': true,
  'temporary-access-pass': true,
  'restore-direct-licences': true,
  'rejoin-licence-groups': true,
  'mailbox-to-regular': true,
  'remove-full-access': true,
  'remove-send-as': true,
  'auto-reply-off': true,
  'show-in-address-list': true,
  'restore-mobile-protocols': true,
  'remove-onedrive-access': true,
  'rejoin-groups': true,
  'rejoin-distribution-lists': true,
  'restore-group-ownerships': true,
  'undo-group-handover': true,
  'enable-entra-devices': true,
};

function planTemporaryAccessPass(person: PersonRef, now: ReinstateSnapshot, self: Target, drafts: Map<ReinstateStepKind, Draft>, warnings: PlanWarning[]): void {
  const title = 'Create a Temporary Access Pass (one use, at most 60 minutes), shown once to you';
  const policy = now.tapPolicy;
  if (!policy) {
    drafts.set('temporary-access-pass', { title, targets: [self], params: { lifetimeInMinutes: TAP_MAX_MINUTES, isUsableOnce: true } });
    return; // unreadable: the read warning says so, and Entra's answer decides when it runs
  }
  const refusal = !policy.enabled
    ? 'the Temporary Access Pass policy is off in this tenant'
    : policy.appliesToPerson === false
      ? `the Temporary Access Pass policy does not include ${person.displayName} (or excludes them)`
      : policy.minimumLifetimeInMinutes > TAP_MAX_MINUTES
        ? `the Temporary Access Pass policy's shortest pass is ${policy.minimumLifetimeInMinutes} minutes, longer than ${TAP_MAX_MINUTES}`
        : undefined;
  if (refusal) {
    warnings.push({ code: 'tap-policy', message: `No Temporary Access Pass: ${refusal}. ${person.displayName} will need IT to set a password, or the policy changed first (Entra ID → Authentication methods → Temporary Access Pass).` });
    drafts.set('temporary-access-pass', { title, skip: `not possible: ${refusal}` });
    return;
  }
  const lifetime = Math.min(TAP_MAX_MINUTES, policy.maximumLifetimeInMinutes);
  drafts.set('temporary-access-pass', { title, targets: [self], params: { lifetimeInMinutes: lifetime, isUsableOnce: true } });
}

function planProtocols(changed: Target[], drafts: Map<ReinstateStepKind, Draft>, followUps: FollowUp[]): void {
  const t = changed[0];
  if (!t) {
    drafts.set('restore-mobile-protocols', { title: 'Turn ActiveSync, POP and IMAP back on as they were', skip: 'nothing to do: the offboarding did not change this' });
    return;
  }
  const before = t.data;
  const known = typeof before?.activeSync === 'boolean' && typeof before.pop === 'boolean' && typeof before.imap === 'boolean';
  // Not recorded by offboardings planned before this was kept: Exchange's default for a user mailbox (all on).
  if (!known) {
    // Not recorded (an offboarding planned before they were kept, or Get-CASMailbox unreadable then): turning POP and
    // IMAP on by guess could open more than the person had, so IT decides.
    drafts.set('restore-mobile-protocols', { title: 'Turn ActiveSync, POP and IMAP back on as they were', skip: 'not possible: their earlier values were not recorded (a follow-up for IT)' });
    followUps.push({ message: `ActiveSync, POP and IMAP are off for ${t.label}'s mailbox, and their values before the offboarding were not recorded: turn on what they need (Set-CASMailbox).` });
    return;
  }
  const params = { activeSync: before.activeSync as boolean, pop: before.pop as boolean, imap: before.imap as boolean };
  const on = (['activeSync', 'pop', 'imap'] as const).filter((k) => params[k]).map((k) => ({ activeSync: 'ActiveSync', pop: 'POP', imap: 'IMAP' })[k]);
  drafts.set('restore-mobile-protocols', {
    title: `Set ActiveSync, POP and IMAP back as they were (${on.length ? `${on.join(', ')} on` : 'all off'})`,
    targets: [t],
    params,
  });
}

/** The hand-over added the heir as owner and/or member (hand-over-owned-groups.ts details); only that may be undone. */
function planHandover(changed: Array<Target & { record: ItemRecord }>, heir: PersonRef, remove: boolean, drafts: Map<ReinstateStepKind, Draft>): void {
  const added = changed
    .map((t) => {
      const detail = t.record.detail ?? '';
      const owner = /added as owner/.test(detail);
      const member = /added as (owner and )?member/.test(detail);
      const heirId = typeof t.data?.newOwnerId === 'string' ? t.data.newOwnerId : heir.id;
      return { id: t.id, label: t.label, data: { heirId, owner, member } };
    })
    .filter((t) => t.data.owner || t.data.member);
  const title = `Remove what the offboarding gave ${heir.displayName} in ${plural(added.length, 'group')} it handed over`;
  if (added.length === 0) {
    drafts.set('undo-group-handover', { title, skip: 'nothing to do: the offboarding handed no group over' });
  } else if (!remove) {
    drafts.set('undo-group-handover', { title, targets: added, skip: `not chosen: ${heir.displayName} keeps the ownerships and memberships (the default)` });
  } else {
    drafts.set('undo-group-handover', { title, targets: added });
  }
}

/** How many groups the offboarding handed over by adding someone (what the card's question is about). */
export function handedOverGroups(plan: Plan): number {
  return plan.steps.find((s) => s.kind === 'undo-group-handover')?.targets.length ?? 0;
}

/** What the offboarding did that no request can take back: named on the card and in the summary. */
function whatCantBeUndone(offboarding: OffboardingOutcome, changed: (kind: string) => Array<Target & { record: ItemRecord }>): NotRestorable[] {
  const list: NotRestorable[] = [];
  const names = (ts: Target[], max = 5): string => ts.slice(0, max).map((t) => t.label).join(', ') + (ts.length > max ? ` and ${ts.length - max} more` : '');
  const devices = changed('intune-devices');
  if (devices.length) {
    list.push({ what: `${plural(devices.length, 'device')} wiped or retired (${names(devices)})`, why: 'a wipe or retire cannot be undone: the device is enrolled again' });
  }
  const methods = changed('remove-mfa-methods');
  if (methods.length) {
    list.push({ what: `${plural(methods.length, 'MFA method')} deleted (${names(methods)})`, why: 'deleted methods cannot be restored: the person registers them again with the Temporary Access Pass' });
  }
  const grants = changed('revoke-oauth-grants');
  if (grants.length) {
    list.push({ what: `${plural(grants.length, 'app consent')} revoked (${names(grants)})`, why: 'the person consents again when they next use each app' });
  }
  if (changed('cancel-meetings').length) {
    list.push({ what: 'Meetings they organised were cancelled', why: 'attendees were sent cancellations: the meetings have to be sent again' });
  }
  const forwarding = offboarding.request.plan.steps.find((s) => s.kind === 'mail-forwarding');
  if (changed('mail-forwarding').length && !offboarding.request.options.forwardToInheritor) {
    list.push({ what: `Mail forwarding (${forwarding?.title.replace(/^Remove mail forwarding( to )?/, '') || 'as it was'})`, why: 'cleared on purpose, as forwarding is how mail leaks out: set it again by hand if it is still wanted' });
  }
  if (changed('mail-forwarding').length && offboarding.request.options.forwardToInheritor) {
    list.push({ what: `New mail is still forwarded to ${offboarding.request.inheritor.displayName}`, why: 'the earlier forwarding (if any) was replaced and is not recorded: clear or set it by hand (Set-Mailbox -ForwardingSmtpAddress)' });
  }
  for (const rule of changed('clear-inbox-rules')) {
    const to = typeof rule.data?.forwardsTo === 'string' ? `forwarded to ${rule.data.forwardsTo}` : 'kept mail in place';
    list.push({ what: `Inbox rule "${rule.label}" (${to}${rule.data?.hidden === true ? ', hidden' : ''})`, why: 'removed rules cannot be restored: recreate the ones still wanted' });
  }
  const phones = changed('remove-mobile-mail');
  if (phones.length) {
    list.push({ what: `Mail account removed from ${plural(phones.length, 'phone')} (${names(phones)})`, why: 'the account is added on each phone again' });
  }
  if (changed('litigation-hold').length) {
    list.push({ what: 'Litigation hold', why: 'left on: a hold is a legal decision, so only IT and legal turn it off' });
  }
  return list;
}
