// The planner: snapshot + options → steps with their dependencies, targets, counts, up-front skips, warnings,
// follow-ups and refusals. Pure — no I/O, no clock, no randomness (lint forbids I/O imports here) — so every branch is
// tested as an input → output table. The dependency rules are DOMAIN.md §1.
import { decideLicences, licenceLabel, type LicenceDecision } from './licences';
import type { OffboardingOptions } from './options';
import { planHybrid } from './planner/hybrid';
import { roleAssignableMemberReason, roleAssignableOwnerReason, roleAssignableWarning } from './planner/role-assignable';
import {
  SHARED_MAILBOX_FREE_LIMIT_BYTES,
  STEP_KINDS,
  type FollowUp,
  type Phase,
  type Plan,
  type PlannedStep,
  type PlanWarning,
  type OffboardingStepKind as StepKind,
  type Target,
} from './plan';
import { SAFETY_READS, type GroupInfo, type LeaverSnapshot, type LicenceInfo, type MailboxInfo, type PersonRef, type ReadWarning, type Snapshot } from './snapshot';

const CONTAINMENT: StepKind[] = ['block-sign-in', 'reset-password', 'revoke-sessions'];
function phaseOf(kind: StepKind): Phase {
  const at = (k: StepKind): number => STEP_KINDS.indexOf(k);
  if (at(kind) < at('litigation-hold')) {
    return 'contain';
  }
  if (at(kind) < at('leave-groups')) {
    return 'preserve';
  }
  if (at(kind) < at('remove-direct-licences')) {
    return 'remove';
  }
  return kind === 'delete-account' ? 'account' : 'licences';
}

/** Explicit links beyond "containment before every other write" and "everything before deleting the account". */
const LINKS: Partial<Record<StepKind, StepKind[]>> = {
  'reset-password': ['block-sign-in'],
  'revoke-sessions': ['reset-password'],
  'convert-to-shared': ['litigation-hold'],
  'await-shared-mailbox': ['convert-to-shared'],
  'remove-direct-licences': ['await-shared-mailbox'],
  'leave-licence-groups': ['await-shared-mailbox', 'hand-over-owned-groups'],
  'leave-groups': ['hand-over-owned-groups'],
  'leave-distribution-lists': ['hand-over-owned-groups'],
  'drop-group-ownerships': ['hand-over-owned-groups'],
  // Exchange sends the account wipe "the next time the device receives data", which it can't once ActiveSync is off.
  'disable-mobile-protocols': ['remove-mobile-mail'],
};

/** Links that only order two steps: the later one runs even when the earlier failed (turning ActiveSync off matters). */
export const ORDER_ONLY: Partial<Record<StepKind, StepKind[]>> = {
  'disable-mobile-protocols': ['remove-mobile-mail'],
};

export function dependenciesOf(kind: StepKind): StepKind[] {
  if (kind === 'block-sign-in') {
    return [];
  }
  if (kind === 'delete-account') {
    return STEP_KINDS.filter((k) => k !== 'delete-account');
  }
  const links = LINKS[kind] ?? [];
  return CONTAINMENT.includes(kind) ? links : [...new Set<StepKind>(['revoke-sessions', ...links])];
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const readError = (w: ReadWarning): string => `${w.error.status} ${w.error.code}${w.error.requestId ? `, request id ${w.error.requestId}` : ''}`;
const person = (p: PersonRef): Target => ({ id: p.id, label: p.displayName });
const NOT_CHOSEN = 'not chosen';
const NO_MAILBOX = 'no Exchange Online mailbox';

function describeGroup(g: GroupInfo): Target {
  return { id: g.id, label: g.displayName, data: { kind: g.kind, mail: g.mail ?? null, team: g.team } };
}

function leftInPlaceReason(g: GroupInfo, options: OffboardingOptions): string | undefined {
  if (g.dynamic) {
    return 'dynamic membership: its rule decides who is in it';
  }
  if (g.synced) {
    return 'synced from on-premises AD: remove the membership there';
  }
  return roleAssignableMemberReason(g, options);
}

interface Draft {
  title: string;
  params?: PlannedStep['params'];
  targets?: Target[];
  skip?: string;
  readAtRun?: boolean;
  rounds?: number;
  untouched?: PlannedStep['untouched'];
}

/** Builds the plan. The caller checks `refusals` before asking for approval. */
export function planOffboarding(snapshot: Snapshot, options: OffboardingOptions): Plan {
  const { leaver, inheritor } = snapshot;
  const safetyReads: string[] = Object.values(SAFETY_READS);
  const warnings: PlanWarning[] = snapshot.readWarnings
    .filter((w) => !safetyReads.includes(w.what)) // worded below: no step reads them again
    .map((w) => ({ code: 'read-failed', message: `Couldn't read ${w.what} (${readError(w)}): the step that needs it reads again when it runs.` }));
  const followUps: FollowUp[] = [];
  const refusals: string[] = [];
  const failedRead = (what: string): ReadWarning | undefined => snapshot.readWarnings.find((w) => w.what === what);

  // --- Safety reads (DOMAIN.md Pitfalls): a failure is never silent --------------------------------------------------
  // The manager approves and receives the groups the leaver owns alone: not knowing them is not "no manager".
  const managerRead = failedRead(SAFETY_READS.manager);
  if (managerRead) {
    refusals.push(`Couldn't read ${leaver.displayName}'s manager (${readError(managerRead)}), who approves this offboarding and receives the groups ${leaver.displayName} owns alone: try again later.`);
  }
  const drafts = new Map<StepKind, Draft>();
  const self: Target[] = [person(leaver)];

  // --- Who inherits -------------------------------------------------------------------------------------------------
  if (inheritor.id === leaver.id) {
    refusals.push(`${leaver.displayName} can't inherit their own mailbox: choose someone else.`);
  } else if (!inheritor.accountEnabled) {
    refusals.push(`${inheritor.displayName}'s account is disabled: choose an active colleague to inherit the mailbox.`);
  } else if (!inheritor.hasMailbox && leaver.mailbox !== null && (options.grantFullAccess || options.grantSendAs || options.forwardToInheritor)) {
    refusals.push(`${inheritor.displayName} has no Exchange Online mailbox, so they can't be given access to or receive mail from ${leaver.displayName}'s mailbox.`);
  }

  // --- Contain ------------------------------------------------------------------------------------------------------
  if (leaver.onPremisesSyncEnabled) {
    const why = 'synced from on-premises AD: cloud changes are refused or overwritten at the next sync';
    drafts.set('block-sign-in', { title: 'Block sign-in', targets: self, skip: why });
    drafts.set('reset-password', { title: 'Reset the password', targets: self, skip: why });
    warnings.push({ code: 'synced-user', message: `${leaver.displayName} is synced from on-premises AD: block sign-in and reset the password there; the bot still revokes sessions.` });
    followUps.push({ message: `Disable ${leaver.userPrincipalName} and reset their password in on-premises Active Directory, then let it sync.` });
  } else {
    drafts.set('block-sign-in', { title: 'Block sign-in', targets: self, skip: leaver.accountEnabled ? undefined : 'already done: the account is already disabled' });
    drafts.set('reset-password', { title: 'Reset the password to a random one', targets: self });
  }
  drafts.set('revoke-sessions', { title: 'Revoke sign-in sessions', targets: self });

  if (leaver.directoryRoles === undefined) {
    const read = failedRead(SAFETY_READS.directoryRoles);
    // First, so that no cap on the cards' warning list can hide it.
    warnings.unshift({
      code: 'directory-roles-unknown',
      message: `Couldn't check whether ${leaver.displayName} holds admin (directory) roles${read ? ` (${readError(read)})` : ''}. If they do, the app can block and reset them only with a role at least as high, and containment fails. Check their roles in Entra ID before approving.`,
    });
    followUps.push({ message: `Check ${leaver.displayName}'s directory roles in Entra ID and remove any: the bot couldn't read them.` });
  } else if (leaver.directoryRoles.length > 0) {
    const roles = leaver.directoryRoles.map((r) => r.displayName).join(', ');
    warnings.push({
      code: 'directory-roles',
      message: `${leaver.displayName} holds directory roles (${roles}): the app can block and reset them only with a role at least as high (e.g. Privileged Authentication Administrator for a Global Administrator). If it can't, containment fails and no other step runs.`,
    });
    followUps.push({ message: `Remove ${leaver.displayName}'s directory roles (${roles}): the bot does not change role assignments.` });
  }

  // Members and owners of role-assignable groups are protected like admins (planner/role-assignable.ts).
  const roleGroups = roleAssignableWarning(leaver);
  if (roleGroups) {
    warnings.push(roleGroups);
  }

  // --- Preserve -----------------------------------------------------------------------------------------------------
  planMailbox(leaver, inheritor, options, snapshot.tenantDomains, drafts, warnings);
  planOneDrive(leaver, inheritor, options, drafts);
  const licencing = decideLicencing(leaver, options);
  const keptGroup = licencing.decision?.keep?.source === 'group' ? licencing.decision.keep : undefined;
  planGroups(leaver, inheritor, options, keptGroup, drafts, warnings, followUps);

  // --- Remove access ------------------------------------------------------------------------------------------------
  planDevices(leaver, options, drafts, warnings, followUps);
  planList(drafts, 'revoke-oauth-grants', options.revokeOAuthGrants, leaver.oauthGrants, (g) => ({ id: g.id, label: g.clientName ?? g.clientId, data: { scope: g.scope } }), (n) => `Revoke ${plural(n, 'app consent')}`, 'no app consents');
  planList(
    drafts,
    'remove-mfa-methods',
    options.removeMfaMethods,
    leaver.authMethods?.filter((m) => m.odataType !== '#microsoft.graph.passwordAuthenticationMethod'),
    (m) => ({ id: m.id, label: m.odataType.replace('#microsoft.graph.', '').replace(/AuthenticationMethod$/, ''), data: { odataType: m.odataType } }),
    (n) => `Remove ${plural(n, 'MFA method')}`,
    'no MFA methods besides the password',
    2, // the mobile number goes last, after the alternateMobile (DOMAIN.md): a second round
  );

  // --- Licences -----------------------------------------------------------------------------------------------------
  planLicences(leaver, options, licencing, drafts, warnings, refusals);

  // --- Account ------------------------------------------------------------------------------------------------------
  if (!options.deleteAccount) {
    drafts.set('delete-account', { title: 'Delete the account', targets: self, skip: 'not chosen: the disabled account is kept (recommended)' });
  } else {
    drafts.set('delete-account', { title: 'Delete the account (restorable for 30 days)', targets: self });
    if (leaver.mailbox && options.convertToShared) {
      refusals.push(`Deleting ${leaver.displayName}'s account would delete the mailbox kept as shared: keep the account, or don't keep the mailbox.`);
    }
  }

  // --- On-premises synced leaver: what Entra and Exchange refuse in the cloud becomes a follow-up for AD -------------
  planHybrid(leaver, options, drafts, warnings, followUps);

  const steps = STEP_KINDS.map((kind): PlannedStep => {
    const d = drafts.get(kind)!; // every kind is drafted above (tested)
    const targets = d.targets ?? [];
    const skip = d.skip ?? (targets.length === 0 && !d.readAtRun ? 'nothing to do' : undefined);
    return {
      kind,
      phase: phaseOf(kind),
      title: d.title,
      dependsOn: dependenciesOf(kind),
      ...(ORDER_ONLY[kind] ? { orderOnly: ORDER_ONLY[kind] } : {}),
      targets,
      ...(skip !== undefined ? { skip } : {}),
      ...(d.readAtRun ? { readAtRun: true } : {}),
      ...(d.params ? { params: d.params } : {}),
      rounds: d.rounds ?? 1,
      ...(d.untouched?.length ? { untouched: d.untouched } : {}),
    };
  });

  return { leaverId: leaver.id, inheritorId: inheritor.id, options, steps, warnings, followUps, refusals };
}

/** A step over a list read by the preflight; undefined list → read at run time. */
function planList<T>(
  drafts: Map<StepKind, Draft>,
  kind: StepKind,
  chosen: boolean,
  items: T[] | undefined,
  toTarget: (item: T) => Target,
  title: (n: number) => string,
  emptyReason: string,
  rounds = 1,
): void {
  if (!chosen) {
    drafts.set(kind, { title: title(items?.length ?? 0), skip: NOT_CHOSEN });
  } else if (items === undefined) {
    drafts.set(kind, { title: title(0).replace(/^(\S+) 0 /, '$1 all '), readAtRun: true, rounds: rounds + 1 });
  } else {
    drafts.set(kind, { title: title(items.length), targets: items.map(toTarget), skip: items.length === 0 ? `nothing to do: ${emptyReason}` : undefined, rounds });
  }
}

function isExternal(address: string, tenantDomains: string[]): boolean {
  const domain = address.split('@')[1]?.toLowerCase();
  return domain !== undefined && !tenantDomains.some((d) => d.toLowerCase() === domain);
}

function planMailbox(leaver: LeaverSnapshot, inheritor: PersonRef, options: OffboardingOptions, tenantDomains: string[], drafts: Map<StepKind, Draft>, warnings: PlanWarning[]): void {
  const mailbox: MailboxInfo | null | undefined = leaver.mailbox;
  const self = [person(leaver)];
  const mailboxSteps = Object.keys(MAILBOX_TITLES) as MailboxStep[];
  if (mailbox === null) {
    for (const kind of mailboxSteps) {
      drafts.set(kind, { title: mailboxTitle(kind, leaver, inheritor), skip: NO_MAILBOX });
    }
    return;
  }
  const shared = mailbox?.recipientTypeDetails === 'SharedMailbox';
  const t = (kind: MailboxStep): string => mailboxTitle(kind, leaver, inheritor);
  const option = (kind: MailboxStep, chosen: boolean, alreadyDone: boolean, extra: Draft = { title: t(kind) }): void => {
    drafts.set(kind, { targets: self, ...extra, title: extra.title, skip: !chosen ? NOT_CHOSEN : alreadyDone ? 'already done' : extra.skip });
  };

  option('litigation-hold', options.litigationHold, mailbox?.litigationHoldEnabled === true);
  option('convert-to-shared', options.convertToShared, shared);
  drafts.set('await-shared-mailbox', {
    title: t('await-shared-mailbox'),
    targets: self,
    skip: !options.convertToShared ? NOT_CHOSEN : shared ? 'already done: the mailbox is shared' : undefined,
  });
  option('grant-full-access', options.grantFullAccess, false, { title: t('grant-full-access'), targets: [person(inheritor)] });
  option('grant-send-as', options.grantSendAs, false, { title: t('grant-send-as'), targets: [person(inheritor)] });
  option('auto-reply', options.autoReply, false);
  option('hide-from-address-list', options.hideFromAddressList, mailbox?.hiddenFromAddressLists === true);
  option('cancel-meetings', options.cancelMeetings, false);

  // Forwarding: to the inheritor when chosen (replacing any existing), otherwise clear what exists.
  const existing = mailbox?.forwardingSmtpAddress ?? mailbox?.forwardingAddress;
  if (options.forwardToInheritor) {
    drafts.set('mail-forwarding', { title: `Forward new mail to ${inheritor.displayName} (and keep a copy)`, targets: [person(inheritor)] });
  } else if (!options.clearForwardingAndInboxRules) {
    drafts.set('mail-forwarding', { title: 'Remove mail forwarding', skip: NOT_CHOSEN });
  } else if (mailbox === undefined) {
    drafts.set('mail-forwarding', { title: 'Remove mail forwarding, if any', targets: self, readAtRun: true });
  } else {
    drafts.set('mail-forwarding', {
      title: existing ? `Remove mail forwarding to ${existing.replace(/^smtp:/i, '')}` : 'Remove mail forwarding',
      targets: existing ? self : [],
      skip: existing ? undefined : 'nothing to do: no forwarding set',
    });
  }

  // Inbox rules (a forwarding rule is how mail leaks out).
  const rules = mailbox?.inboxRules;
  if (!options.clearForwardingAndInboxRules) {
    drafts.set('clear-inbox-rules', { title: 'Remove inbox rules', skip: NOT_CHOSEN });
  } else if (rules === undefined) {
    drafts.set('clear-inbox-rules', { title: 'Remove all inbox rules', readAtRun: true, rounds: 2 });
  } else {
    // Hidden rules (listed only with -IncludeHidden) go too, and the preview says how many; system rules stay.
    const removable = rules.filter((r) => !r.system);
    const leaking = removable.filter((r) => r.external || r.forwardsTo.some((a) => isExternal(a, tenantDomains))).length;
    const hidden = removable.filter((r) => r.hidden).length;
    const notes = [hidden ? `${hidden} hidden` : '', leaking ? `${leaking} forward${leaking === 1 ? 's' : ''} outside` : ''].filter(Boolean).join(', ');
    drafts.set('clear-inbox-rules', {
      title: `Remove ${plural(removable.length, 'inbox rule')}${notes ? ` (${notes})` : ''}`,
      targets: removable.map((r) => ({ id: r.identity, label: r.name, data: { forwardsTo: r.forwardsTo.join(', ') || null, ...(r.hidden ? { hidden: true } : {}) } })),
      skip: removable.length === 0 ? `nothing to do: no inbox rules${rules.length ? ' besides the system ones' : ''}` : undefined,
      untouched: rules.filter((r) => r.system).map((r) => ({ id: r.identity, label: r.name, reason: 'system rule (junk e-mail or automatic replies): left alone' })),
    });
  }

  // Mobile mail protocols and phones.
  const protocols = mailbox?.protocols;
  const protocolsOff = protocols !== undefined && !protocols.activeSync && !protocols.pop && !protocols.imap;
  // The values before (when read) go with the target: a reinstatement sets them back (reinstate/planner.ts).
  option('disable-mobile-protocols', options.disableMobileProtocols, protocolsOff, {
    title: t('disable-mobile-protocols'),
    targets: [{ ...person(leaver), ...(protocols ? { data: { activeSync: protocols.activeSync, pop: protocols.pop, imap: protocols.imap } } : {}) }],
  });
  const phones = mailbox?.mobileDevices;
  if (!options.disableMobileProtocols) {
    drafts.set('remove-mobile-mail', { title: t('remove-mobile-mail'), skip: NOT_CHOSEN });
  } else if (phones === undefined) {
    drafts.set('remove-mobile-mail', { title: 'Remove the mail account from every ActiveSync phone', readAtRun: true, rounds: 2 });
  } else {
    drafts.set('remove-mobile-mail', {
      // Outlook for iOS/Android ignores account-only wipes: its partnership gets a full Clear-MobileDevice, which wipes
      // only Outlook's data. The approver is told which.
      title: `Remove the mail account from ${plural(phones.length, 'ActiveSync phone')} (account only, not a device wipe${phones.some((p) => p.outlookApp) ? "; Outlook for iOS/Android: Outlook's data only" : ''})`,
      targets: phones.map((p) => ({ id: p.identity, label: p.friendlyName, ...(p.outlookApp ? { data: { outlookApp: true } } : {}) })),
      skip: phones.length === 0 ? 'nothing to do: no ActiveSync phones' : undefined,
    });
  }

  const size = mailbox?.totalItemSizeBytes;
  if (size !== undefined && size > SHARED_MAILBOX_FREE_LIMIT_BYTES && options.convertToShared) {
    warnings.push({ code: 'large-mailbox', message: `The mailbox holds ${(size / 1024 ** 3).toFixed(1)} GB: a shared mailbox over 50 GB needs a licence with Exchange Online (Plan 2), so one is kept.` });
  }
}

type Titler = (leaver: PersonRef, inheritor: PersonRef) => string;
type MailboxStep = 'litigation-hold' | 'convert-to-shared' | 'await-shared-mailbox' | 'grant-full-access' | 'grant-send-as' | 'auto-reply' | 'mail-forwarding' | 'hide-from-address-list' | 'clear-inbox-rules' | 'disable-mobile-protocols' | 'remove-mobile-mail' | 'cancel-meetings';
const MAILBOX_TITLES: Record<MailboxStep, Titler> = {
  'litigation-hold': () => 'Put the mailbox on litigation hold',
  'convert-to-shared': () => 'Convert the mailbox to a shared mailbox',
  'await-shared-mailbox': () => 'Wait until Exchange reports the mailbox as shared',
  'grant-full-access': (_l, i) => `Give ${i.displayName} full access to the mailbox`,
  'grant-send-as': (l, i) => `Let ${i.displayName} send as ${l.displayName}`,
  'auto-reply': (_l, i) => `Set an automatic reply pointing to ${i.displayName}`,
  'mail-forwarding': () => 'Remove mail forwarding',
  'hide-from-address-list': () => 'Hide from the address list',
  'clear-inbox-rules': () => 'Remove inbox rules',
  'disable-mobile-protocols': () => 'Turn off ActiveSync, POP and IMAP (MAPI, EWS and OWA stay for the shared mailbox)',
  'remove-mobile-mail': () => 'Remove the mail account from ActiveSync phones',
  'cancel-meetings': (l) => `Cancel the meetings ${l.displayName} organised`,
};

function mailboxTitle(kind: MailboxStep, leaver: PersonRef, inheritor: PersonRef): string {
  return MAILBOX_TITLES[kind](leaver, inheritor);
}

function planOneDrive(leaver: LeaverSnapshot, inheritor: PersonRef, options: OffboardingOptions, drafts: Map<StepKind, Draft>): void {
  const title = `Give ${inheritor.displayName} access to the OneDrive`;
  if (!options.oneDriveAccess) {
    drafts.set('onedrive-access', { title, skip: NOT_CHOSEN });
  } else if (leaver.drive === null) {
    drafts.set('onedrive-access', { title, skip: 'nothing to do: no OneDrive' });
  } else {
    drafts.set('onedrive-access', {
      title,
      targets: [{ ...person(inheritor), data: { driveId: leaver.drive?.id ?? null } }],
      readAtRun: leaver.drive === undefined,
      rounds: leaver.drive === undefined ? 2 : 1,
    });
  }
}

function planGroups(leaver: LeaverSnapshot, inheritor: PersonRef, options: OffboardingOptions, keptGroup: LicenceInfo | undefined, drafts: Map<StepKind, Draft>, warnings: PlanWarning[], followUps: FollowUp[]): void {
  if (!options.leaveGroups) {
    for (const [kind, title] of Object.entries(GROUP_TITLES) as Array<[StepKind, string]>) {
      drafts.set(kind, { title, skip: NOT_CHOSEN });
    }
    return;
  }
  const licenceGroups = new Set(leaver.licenceGroupIds ?? []);
  const viaGraph: Target[] = [];
  const viaExchange: Target[] = [];
  const leftInPlace: Array<Target & { reason: string }> = [];
  for (const g of leaver.groups ?? []) {
    const reason = leftInPlaceReason(g, options);
    if (reason) {
      leftInPlace.push({ ...describeGroup(g), reason: licenceGroups.has(g.id) ? `${reason} (it assigns a licence)` : reason });
    } else if (g.id === keptGroup?.groupId) {
      leftInPlace.push({ ...describeGroup(g), reason: `kept: it assigns ${licenceLabel(keptGroup)}, the Exchange Online (Plan 2) licence the kept mailbox needs` });
    } else if (licenceGroups.has(g.id)) {
      continue; // left by the licence step, after the mailbox is shared
    } else if (g.kind === 'distribution' || g.kind === 'mailEnabledSecurity') {
      viaExchange.push(describeGroup(g)); // Graph refuses: "Cannot Update a mail-enabled security groups and or distribution list."
    } else {
      viaGraph.push(describeGroup(g));
    }
  }

  // Ownerships: sole-owned groups get a new owner first (the last owner can't be removed).
  const manager = leaver.manager?.accountEnabled ? leaver.manager : undefined;
  const heir = manager ?? (inheritor.id !== leaver.id && inheritor.accountEnabled ? inheritor : undefined);
  const handOver: Target[] = [];
  const drop: Target[] = [];
  for (const g of leaver.ownedGroups ?? []) {
    const reason =
      (g.synced ? 'synced from on-premises AD: change its owners there' : g.kind === 'distribution' || g.kind === 'mailEnabledSecurity' ? 'a mail-enabled group: its owners (ManagedBy) are changed in Exchange' : undefined) ??
      roleAssignableOwnerReason(g);
    if (reason) {
      leftInPlace.push({ ...describeGroup(g), reason: `owned: ${reason}` });
      continue;
    }
    if (g.ownerCount <= 1 && heir) {
      // With a team, the new owner is made a member too (group-post-owners), unless a dynamic rule decides membership.
      handOver.push({ ...describeGroup(g), data: { ...describeGroup(g).data, newOwnerId: heir.id, dynamic: g.dynamic } });
    }
    drop.push(describeGroup(g));
  }
  const teams = handOver.filter((t) => t.data?.team === true && t.data.dynamic !== true).length;
  if (!manager && handOver.length > 0) {
    warnings.push({ code: 'no-manager', message: `${leaver.displayName} has no active manager: the groups they own alone go to ${inheritor.displayName}.` });
  }

  drafts.set('hand-over-owned-groups', {
    title: heir
      ? `Make ${heir.displayName} owner of ${plural(handOver.length, 'group')} ${leaver.displayName} owns alone${teams ? ` (and a member of the ${teams === 1 ? 'one' : teams} with a team)` : ''}`
      : 'Hand over groups owned alone',
    targets: handOver,
    readAtRun: leaver.ownedGroups === undefined,
    skip: leaver.ownedGroups !== undefined && handOver.length === 0 ? `nothing to do: no group owned alone` : undefined,
  });
  drafts.set('leave-groups', { title: `Leave ${plural(viaGraph.length, 'group')}`, targets: viaGraph, readAtRun: leaver.groups === undefined });
  drafts.set('leave-distribution-lists', { title: `Leave ${plural(viaExchange.length, 'distribution list or mail-enabled security group', 'distribution lists and mail-enabled security groups')} (through Exchange)`, targets: viaExchange, readAtRun: leaver.groups === undefined });
  drafts.set('drop-group-ownerships', { title: `Give up ownership of ${plural(drop.length, 'group')}`, targets: drop, readAtRun: leaver.ownedGroups === undefined });
  drafts.set('groups-left-in-place', {
    title: `Leave ${plural(leftInPlace.length, 'group')} in place`,
    untouched: leftInPlace,
    skip: leftInPlace.length ? `left in place: ${summariseReasons(leftInPlace)}` : 'nothing to do',
  });
  if (leftInPlace.length) {
    warnings.push({ code: 'groups-left-in-place', message: `${plural(leftInPlace.length, 'group')} can't be changed here: ${summariseReasons(leftInPlace)}. The summary names each.` });
    followUps.push(...leftInPlace.map((g) => ({ message: `${g.label}: ${g.reason}.` })));
  }
}

const GROUP_TITLES: Partial<Record<StepKind, string>> = {
  'hand-over-owned-groups': 'Hand over groups owned alone',
  'leave-groups': 'Leave groups',
  'leave-distribution-lists': 'Leave distribution lists',
  'drop-group-ownerships': 'Give up group ownerships',
  'groups-left-in-place': 'Groups left in place',
};

function summariseReasons(items: Array<{ reason: string }>): string {
  const counts = new Map<string, number>();
  for (const { reason } of items) {
    const key = reason.split(':')[0]!.replace(/^owned$/, 'owned, managed elsewhere');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

function planDevices(leaver: LeaverSnapshot, options: OffboardingOptions, drafts: Map<StepKind, Draft>, warnings: PlanWarning[], followUps: FollowUp[]): void {
  // Intune: wipe corporate devices, retire personal ones (retire removes only company data). Unknown ownership is
  // treated as personal: a wipe can't be undone.
  const devices = leaver.managedDevices;
  if (options.intuneDevices === 'leave') {
    drafts.set('intune-devices', { title: 'Wipe or retire Intune devices', skip: NOT_CHOSEN });
  } else if (devices === undefined) {
    drafts.set('intune-devices', { title: 'Wipe corporate and retire personal Intune devices', readAtRun: true, rounds: 2 });
  } else {
    const action = (ownerType: string): 'wipe' | 'retire' => (options.intuneDevices === 'wipe-corporate-retire-personal' && ownerType === 'company' ? 'wipe' : 'retire');
    const wipes = devices.filter((d) => action(d.ownerType) === 'wipe').length;
    const retires = devices.length - wipes;
    const parts = [wipes ? `wipe ${plural(wipes, 'corporate device')}` : '', retires ? `retire ${plural(retires, 'device')}` : ''].filter(Boolean);
    drafts.set('intune-devices', {
      title: parts.length ? `${parts.join(', ').replace(/^./, (c) => c.toUpperCase())} in Intune` : 'Wipe or retire Intune devices',
      targets: devices.map((d) => ({ id: d.id, label: d.deviceName, data: { action: action(d.ownerType), ownerType: d.ownerType, os: d.operatingSystem ?? null } })),
      skip: devices.length === 0 ? 'nothing to do: no Intune devices' : undefined,
    });
  }

  // Entra-registered devices: app-only calls may disable Windows devices only.
  const registered = leaver.registeredDevices;
  if (!options.disableEntraDevices) {
    drafts.set('disable-entra-devices', { title: 'Disable Entra ID devices', skip: NOT_CHOSEN });
  } else if (registered === undefined) {
    drafts.set('disable-entra-devices', { title: 'Disable Windows devices in Entra ID', readAtRun: true, rounds: 2 });
  } else {
    const windows = registered.filter((d) => /^windows/i.test(d.operatingSystem ?? ''));
    const untouched = [
      ...registered.filter((d) => !/^windows/i.test(d.operatingSystem ?? '')).map((d) => ({ id: d.id, label: d.displayName, reason: `${d.operatingSystem ?? 'unknown OS'}: an app can disable only Windows devices` })),
      ...windows.filter((d) => !d.accountEnabled).map((d) => ({ id: d.id, label: d.displayName, reason: 'already disabled' })),
    ];
    const targets = windows.filter((d) => d.accountEnabled).map((d) => ({ id: d.id, label: d.displayName }));
    drafts.set('disable-entra-devices', {
      title: `Disable ${plural(targets.length, 'Windows device')} in Entra ID`,
      targets,
      untouched,
      skip: targets.length === 0 ? `nothing to do: ${registered.length ? 'no enabled Windows device' : 'no registered devices'}` : undefined,
    });
    const others = untouched.filter((u) => u.reason !== 'already disabled');
    if (others.length) {
      warnings.push({ code: 'non-windows-devices', message: `${plural(others.length, 'registered device')} other than Windows can't be disabled by the app: ${others.map((d) => d.label).join(', ')}.` });
      followUps.push({ message: `Disable or delete in Entra ID: ${others.map((d) => d.label).join(', ')}.` });
    }
  }
}

interface Licencing {
  /** The kept mailbox needs Exchange Online (Plan 2): on hold, with an archive, or over 50 GB. */
  needsPlan2: boolean;
  /** undefined when the licences could not be read. */
  decision?: LicenceDecision;
}

/** Decided before the groups, so the group kept for its licence is reported with the groups left in place. */
function decideLicencing(leaver: LeaverSnapshot, options: OffboardingOptions): Licencing {
  const mailbox = leaver.mailbox;
  const mailboxKept = mailbox !== null && !options.deleteAccount;
  const needsPlan2 =
    mailboxKept &&
    (options.litigationHold || mailbox?.litigationHoldEnabled === true || mailbox?.archiveActive === true || (mailbox?.totalItemSizeBytes ?? 0) > SHARED_MAILBOX_FREE_LIMIT_BYTES);
  if (leaver.licences === undefined) {
    return { needsPlan2 };
  }
  // Dynamic and on-premises licence groups can't be left here; planGroups reports them as left in place.
  const unremovable = new Set((leaver.groups ?? []).filter((g) => leftInPlaceReason(g, options) !== undefined).map((g) => g.id));
  const decided = decideLicences(leaver.licences, needsPlan2);
  return { needsPlan2, decision: { ...decided, leaveGroups: decided.leaveGroups.filter((g) => !unremovable.has(g.groupId)) } };
}

function planLicences(leaver: LeaverSnapshot, options: OffboardingOptions, licences: Licencing, drafts: Map<StepKind, Draft>, warnings: PlanWarning[], refusals: string[]): void {
  if (!options.removeLicences) {
    drafts.set('remove-direct-licences', { title: 'Remove direct licences', skip: NOT_CHOSEN });
    drafts.set('leave-licence-groups', { title: 'Leave licence groups', skip: NOT_CHOSEN });
    return;
  }
  const mailbox = leaver.mailbox;
  if (mailbox && mailbox.recipientTypeDetails === 'UserMailbox' && !options.convertToShared && !options.deleteAccount) {
    refusals.push(`Removing ${leaver.displayName}'s licences without converting the mailbox to shared deletes the mailbox after 30 days: convert it, or keep the licences.`);
  }
  const params = { needsPlan2: licences.needsPlan2 };
  if (licences.decision === undefined) {
    drafts.set('remove-direct-licences', { title: 'Remove direct licences (keeping one for the mailbox if it needs it)', readAtRun: true, rounds: 2, params });
    drafts.set('leave-licence-groups', { title: 'Leave licence-assigning groups', readAtRun: true, rounds: 2, params });
    return;
  }
  const decision = licences.decision;
  const keepNote = decision.keep ? ` (keeping ${licenceLabel(decision.keep)}${decision.keep.source === 'group' ? ` from ${decision.keep.groupName ?? 'its group'}` : ''} for the mailbox)` : '';
  drafts.set('remove-direct-licences', {
    title: `Remove ${plural(decision.removeDirect.length, 'direct licence')}${decision.keep?.source === 'direct' ? keepNote : ''}`,
    targets: decision.removeDirect.map((l) => ({ id: l.skuId, label: licenceLabel(l), data: licenceData(l) })),
    skip: decision.removeDirect.length === 0 ? 'nothing to do: no direct licence to remove' : undefined,
    rounds: 2, // re-read what is still assigned, then remove
    params,
  });
  drafts.set('leave-licence-groups', {
    title: `Leave ${plural(decision.leaveGroups.length, 'licence-assigning group')}${decision.keep?.source === 'group' ? keepNote : ''}`,
    targets: decision.leaveGroups.map((g) => ({ id: g.groupId, label: g.groupName ?? g.groupId, data: { skus: g.skus.join(', ') } })),
    skip: decision.leaveGroups.length === 0 ? `nothing to do: no licence group to leave${decision.keep?.source === 'group' ? keepNote : ''}` : undefined,
    params,
  });
  const groupLicences = leaver.licences!.filter((l) => l.source === 'group');
  if (groupLicences.length) {
    warnings.push({
      code: 'group-licences',
      message: `${plural(groupLicences.length, 'licence')} come${groupLicences.length === 1 ? 's' : ''} from groups (${[...new Set(groupLicences.map((l) => l.groupName ?? l.groupId))].join(', ')}): they can't be removed from the user directly, so the bot leaves those groups instead.`,
    });
  }
  if (decision.keep) {
    warnings.push({ code: 'hold-needs-licence', message: `The kept mailbox needs Exchange Online (Plan 2) (litigation hold, archive or over 50 GB): ${licenceLabel(decision.keep)} is kept${decision.keep.source === 'group' ? ` through ${decision.keep.groupName ?? 'its group'}` : ''}.` });
  } else if (decision.plan2Missing) {
    warnings.push({ code: 'hold-licence-missing', message: `The kept mailbox needs Exchange Online (Plan 2) for its hold, archive or size, and none of ${leaver.displayName}'s licences carries it: assign one, or the hold is not licensed.` });
  }
}

/** What a reinstatement needs to assign a removed licence again as it was: its turned-off service plans. */
export function licenceData(l: LicenceInfo): { disabledPlans: string } {
  return { disabledPlans: (l.disabledPlans ?? []).join(',') };
}
