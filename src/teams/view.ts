// Domain objects → card data (types in cards/types.ts). Formatting lives here, so templates only place strings.
import { DEFAULT_OPTIONS, INTUNE_DEVICE_ACTIONS, OPTION_IDS, type OffboardingOptions } from '../offboarding/options';
import type { Plan, PlannedStep, StepKind } from '../offboarding/plan';
import type { RunView } from '../offboarding/executor';
import { decisionRound, isReinstatement, type OffboardingRequest, type PlanChange } from '../offboarding/requests';
import type { ReinstatePreview } from '../offboarding/reinstate/use-case';
import type { StepState } from '../offboarding/run';
import type { DirectoryUser } from '../offboarding/directory';
import type { ApprovalCardData, DecidedCardData, Fact, PlanCardData, ProgressCardData, ReinstateCardData, RequestCardData, StatusCardData, StepLine, SummaryCardData } from './cards/types';
import { VERBS } from './verbs';
import { formatInZone, formatter, isValidZone } from './zoned-time';

export { isValidZone };

const TOGGLE_TITLES: Partial<Record<keyof OffboardingOptions, string>> = {
  litigationHold: 'Litigation hold on the mailbox',
  convertToShared: 'Convert the mailbox to shared',
  grantFullAccess: 'Full access to the mailbox for the inheritor',
  grantSendAs: 'Send-as for the inheritor',
  autoReply: 'Automatic reply naming the inheritor',
  forwardToInheritor: 'Forward new mail to the inheritor',
  clearForwardingAndInboxRules: 'Remove existing forwarding and inbox rules',
  disableMobileProtocols: 'Turn off ActiveSync, POP and IMAP; remove mail from phones',
  hideFromAddressList: 'Hide from the address list',
  oneDriveAccess: 'OneDrive access for the inheritor',
  leaveGroups: 'Leave groups (groups owned alone go to the manager first)',
  removeFromRoleAssignableGroups: 'Also leave role-assignable groups (the app needs RoleManagement.ReadWrite.Directory)',
  disableEntraDevices: 'Disable Windows devices in Entra ID',
  revokeOAuthGrants: 'Revoke app consents',
  removeMfaMethods: 'Remove MFA methods',
  cancelMeetings: 'Cancel meetings they organised',
  removeLicences: 'Remove licences (after the mailbox is shared)',
  deleteAccount: 'Delete the account (not recommended while the mailbox is kept)',
};

const INTUNE_TITLES: Record<(typeof INTUNE_DEVICE_ACTIONS)[number], string> = {
  'wipe-corporate-retire-personal': 'Intune: wipe corporate devices, retire personal ones',
  'retire-all': 'Intune: retire every device (company data only)',
  leave: 'Intune: leave devices alone',
};

export function personLine(p: { displayName: string; userPrincipalName?: string; mail?: string }): string {
  const address = p.mail ?? p.userPrincipalName;
  return address ? `${p.displayName} (${address})` : p.displayName;
}

export function userDetail(u: DirectoryUser): string {
  return [u.userPrincipalName, u.jobTitle, u.department].filter(Boolean).join(' · ');
}

/** "27 Nov 2026, 18:40 (Europe/London)" in the given zone (UTC when unknown). */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  const zone = isValidZone(timeZone) ? timeZone : 'UTC';
  const text = formatter(`display|${zone}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })).format(new Date(iso));
  return `${text} (${zone})`;
}

/** The request card's inheritor choice that means "the person searched for in the people picker below". */
export const SOMEONE_ELSE = 'someone-else';

/** The request card's option inputs with their defaults (also the batch request card's, once for the whole batch). */
export function optionInputs(): Pick<RequestCardData, 'toggles' | 'intuneDevices'> {
  return {
    toggles: OPTION_IDS.filter((id) => typeof DEFAULT_OPTIONS[id] === 'boolean').map((id) => ({ id, title: TOGGLE_TITLES[id] ?? id, value: DEFAULT_OPTIONS[id] as boolean })),
    intuneDevices: { value: DEFAULT_OPTIONS.intuneDevices, choices: INTUNE_DEVICE_ACTIONS.map((v) => ({ title: INTUNE_TITLES[v], value: v })) },
  };
}

export function requestCardData(leaver: DirectoryUser, manager: DirectoryUser | undefined, requester: { id: string; displayName: string }, today: string, timeZone: string | undefined, error?: string): RequestCardData {
  // Static choices, so the card also works where the people picker isn't rendered: the manager (preselected), and
  // the requester as a fallback. A disabled manager, or a leaver listed as their own manager, can't inherit: the
  // preflight would refuse them, so they are not offered.
  const heir = manager && manager.accountEnabled && manager.id !== leaver.id ? manager : undefined;
  const choices = [
    // "manager" before the address: a narrow drop-down cuts the end of the line.
    ...(heir ? [{ title: personLine({ ...heir, displayName: `${heir.displayName}, manager` }), value: heir.id }] : []),
    ...(requester.id !== heir?.id && requester.id !== leaver.id ? [{ title: `${requester.displayName} (you)`, value: requester.id }] : []),
    { title: 'Someone else… (search below)', value: SOMEONE_ELSE },
  ];
  return {
    verb: VERBS.submit,
    ...(error ? { error } : {}),
    leaver: { id: leaver.id, title: personLine(leaver), detail: [leaver.jobTitle, leaver.department].filter(Boolean).join(' · ') || undefined },
    inheritorChoices: choices,
    ...(heir ? { inheritorDefault: heir.id } : {}),
    ...optionInputs(),
    autoReplyPlaceholder: `Default: "${leaver.displayName} no longer works here. Please contact <inheritor>, who is taking over."`,
    today,
    timeZoneNote: `Effective date and time are in your time zone (${isValidZone(timeZone) ? timeZone : 'UTC'}); leave them empty to start as soon as it is approved.`,
  };
}

const ICON = { done: '✅', requested: '📨', skipped: '⏭️', failed: '❌', running: '⏳', pending: '•', notRun: '⏹' } as const;

function countNote(state: StepState): string {
  const { total, done, failed } = state.counts;
  const requested = state.counts.requested ?? 0;
  if (requested > 0) {
    // Accepted is not finished: a wipe is carried out when the device checks in (docs/ENGINE.md).
    return `${requested} of ${total} requested, not confirmed done yet${done ? `, ${done} done` : ''}${failed ? `, ${failed} failed` : ''}`;
  }
  return total > 1 ? `${done} of ${total} done${failed ? `, ${failed} failed` : ''}` : '';
}

/** "3 calls, last request id …": which Microsoft 365 request to quote to Microsoft support (the audit log has all). */
function callsNote(state: StepState): string {
  const calls = state.calls;
  if (!calls || calls.count === 0) {
    return '';
  }
  const last = calls.lastRequestId ? `, last request id ${calls.lastRequestId}` : '';
  const errorId = state.status === 'failed' && state.error?.requestId && state.error.requestId !== calls.lastRequestId && !(state.reason ?? '').includes(state.error.requestId) ? `; failed request id ${state.error.requestId}` : '';
  return `${calls.count} ${calls.count === 1 ? 'call' : 'calls'}${last}${errorId}`;
}

/**
 * One line per step: planned (preview) or with its state (progress, summary). `notRun`: the note for steps still
 * pending in a stopped run ("not run: stopped by …"), so the card says what was done and what was not.
 */
export function stepLines(plan: Plan, states?: StepState[], notRun?: string): StepLine[] {
  const byKind = new Map((states ?? []).map((s) => [s.kind, s]));
  return plan.steps.map((step: PlannedStep): StepLine => {
    const state = byKind.get(step.kind);
    if (!state) {
      return step.skip ? { icon: ICON.skipped, title: step.title, note: `skipped: ${step.skip}` } : { icon: ICON.pending, title: step.title, note: step.readAtRun ? 'read when it runs' : '' };
    }
    if (notRun && state.status === 'pending') {
      return { icon: ICON.notRun, title: step.title, note: notRun };
    }
    const counts = countNote(state);
    const reason = state.status === 'failed' && state.error?.requestId && !state.calls && !(state.reason ?? '').includes(state.error.requestId) ? `${state.reason} (request id ${state.error.requestId})` : state.reason;
    const requested = state.status === 'done' && (state.counts.requested ?? 0) > 0;
    const note =
      state.status === 'skipped' ? `skipped: ${reason ?? ''}` : state.status === 'failed' ? `failed: ${[counts, reason].filter(Boolean).join('; ')}` : [counts, state.status === 'done' ? reason : ''].filter(Boolean).join('; ');
    // The calls note goes last and is never cut: the request id is what support asks for.
    const calls = callsNote(state);
    return { icon: requested ? ICON.requested : ICON[state.status], title: step.title, note: [truncate(note, calls ? 240 : 300), calls].filter(Boolean).join(' · ') };
  });
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function requestFacts(r: OffboardingRequest): Fact[] {
  if (isReinstatement(r)) {
    return [
      { title: 'Reinstating', value: personLine(r.leaver) },
      { title: 'Undoes', value: r.reinstates?.requestId ?? '?' },
      ...(r.reinstates?.removeHandovers ? [{ title: 'Handed-over groups', value: 'the ownerships and memberships the offboarding gave are removed' }] : []),
      { title: 'Requested by', value: `${r.requester.displayName}, ${formatTime(r.createdAt, r.timeZone)}` },
      { title: 'Approver', value: r.approvers.map((a) => a.displayName).join(' or ') + (r.approverNote ? ` (${r.approverNote})` : '') },
      ...(r.reason ? [{ title: 'Reason or ticket', value: r.reason }] : []),
    ];
  }
  return [
    { title: 'Leaving', value: personLine(r.leaver) },
    { title: 'Mailbox and OneDrive to', value: personLine(r.inheritor) },
    { title: 'Requested by', value: `${r.requester.displayName}, ${formatTime(r.createdAt, r.timeZone)}` },
    { title: 'Approver', value: r.approvers.map((a) => a.displayName).join(' or ') + (r.approverNote ? ` (${r.approverNote})` : '') },
    { title: 'Effective', value: r.effectiveAt ? formatTime(r.effectiveAt, r.timeZone) : 'as soon as it is approved' },
    ...(r.reason ? [{ title: 'Reason or ticket', value: r.reason }] : []),
  ];
}

/** "Offboarding Jane Doe", or for a reinstatement "Reinstate Jane Doe, undoes OFB-…": card titles by kind. */
function requestTitle(r: OffboardingRequest): string {
  return isReinstatement(r) ? `Reinstate ${r.leaver.displayName}, undoes ${r.reinstates?.requestId ?? '?'}` : `Offboarding ${r.leaver.displayName}`;
}

/** "what — why" lines of a reinstatement's plan (capped: each is short, but an inbox could hold many rules). */
function notRestorableLines(r: OffboardingRequest): string[] {
  return capped(
    (r.plan.notRestorable ?? []).map((n) => `${n.what} — ${n.why}`),
    MAX_WARNINGS_LISTED,
    (n) => `…and ${n} more in the audit log of ${r.id}`,
  );
}

export function planCardData(r: OffboardingRequest): PlanCardData {
  const notRestorable = notRestorableLines(r);
  return {
    requestId: r.id,
    title: isReinstatement(r) ? `Reinstate ${r.leaver.displayName} (${r.id}, undoes ${r.reinstates?.requestId ?? '?'})` : `Offboarding plan for ${r.leaver.displayName} (${r.id})`,
    facts: requestFacts(r),
    steps: stepLines(r.plan),
    warnings: capped(
      r.warnings.map((w) => `⚠️ ${w.message}`),
      MAX_WARNINGS_LISTED,
      (n) => `⚠️ …and ${n} more warnings in the audit log of ${r.id}`,
    ),
    ...(notRestorable.length > 0 ? { notRestorable } : {}),
  };
}

export function approvalCardData(r: OffboardingRequest): ApprovalCardData {
  return { ...planCardData(r), ...(r.reapproval ? { changes: changesSinceApproval(r) } : {}), approveVerb: VERBS.approve, rejectVerb: VERBS.reject, round: decisionRound(r), expires: `Expires ${formatTime(r.expiresAt, r.timeZone)} without a decision.` };
}

/** A re-approval's "what changed since the approval": the earlier decision, then each change. */
function changesSinceApproval(r: OffboardingRequest): string[] {
  const previous = r.reapproval?.previous;
  const before = previous ? `${previous.by.displayName} approved it on ${formatTime(previous.at, r.timeZone)}; at its effective time it did not start, and nothing was changed, because:` : 'At its effective time it did not start, and nothing was changed, because:';
  return [before, ...(r.reapproval?.changes ?? []).map((c) => `• ${c}`)];
}

/** An earlier approval card once its request was sent back for a new decision (the new card names what changed). */
export function supersededCardData(r: OffboardingRequest): DecidedCardData {
  return { ...planCardData(r), outcome: `🔁 Sent back for a new decision: something this approval rested on changed before it ran. ${r.approvers.map((a) => a.displayName).join(' or ')} got a new approval card.`, tone: 'warning' };
}

/** "2 groups (Sales EMEA, Project X), 1 device (JANE-LAPTOP), 1 MFA method": what a plan taken again added. */
export function addedSinceApproval(added: PlanChange[]): string {
  const parts: string[] = [];
  for (const [kind, noun] of Object.entries(ADDED_NOUNS) as Array<[StepKind, [string, string, boolean]]>) {
    const items = added.filter((c) => c.step === kind);
    if (items.length === 0) {
      continue;
    }
    const [one, many, named] = noun;
    const names = named ? ` (${items.slice(0, MAX_ADDED_NAMED).map((c) => c.label).join(', ')}${items.length > MAX_ADDED_NAMED ? `, …and ${items.length - MAX_ADDED_NAMED} more` : ''})` : '';
    parts.push(`${items.length} ${items.length === 1 ? one : many}${names}`);
  }
  const other = added.filter((c) => !(c.step in ADDED_NOUNS)).length;
  return [...parts, ...(other > 0 ? [`${other} other ${other === 1 ? 'target' : 'targets'}`] : [])].join(', ');
}

const MAX_ADDED_NAMED = 5;
/** By step: singular, plural, whether the targets are named. */
const ADDED_NOUNS: Partial<Record<StepKind, [string, string, boolean]>> = {
  'hand-over-owned-groups': ['group owned alone (handed over)', 'groups owned alone (handed over)', true],
  'leave-groups': ['group', 'groups', true],
  'leave-distribution-lists': ['distribution list', 'distribution lists', true],
  'drop-group-ownerships': ['group ownership', 'group ownerships', true],
  'intune-devices': ['device', 'devices', true],
  'disable-entra-devices': ['Entra ID device', 'Entra ID devices', true],
  'revoke-oauth-grants': ['app consent', 'app consents', true],
  'remove-mfa-methods': ['MFA method', 'MFA methods', false],
  'clear-inbox-rules': ['inbox rule', 'inbox rules', true],
  'remove-mobile-mail': ['phone with mail', 'phones with mail', true],
  'remove-direct-licences': ['licence', 'licences', true],
  'leave-licence-groups': ['licence group', 'licence groups', true],
};

export function outcomeLine(r: OffboardingRequest): { text: string; tone: string } {
  switch (r.status) {
    case 'rejected':
      return { text: `❌ Rejected by ${r.decision?.by.displayName ?? '?'} on ${formatTime(r.decision?.at ?? r.createdAt, r.timeZone)}`, tone: 'attention' };
    case 'cancelled':
      return { text: `🚫 Cancelled by ${r.cancelled?.by.displayName ?? '?'} on ${formatTime(r.cancelled?.at ?? r.createdAt, r.timeZone)}`, tone: 'warning' };
    case 'expired':
      return { text: `⌛ Expired on ${formatTime(r.expiresAt, r.timeZone)} without a decision`, tone: 'warning' };
    case 'withdrawn':
      return { text: `↩️ Withdrawn on ${formatTime(r.withdrawn?.at ?? r.createdAt, r.timeZone)}: ${r.withdrawn?.reason ?? 'never fully opened'}`, tone: 'warning' };
    case 'requested':
      return { text: `Waiting for ${r.approvers.map((a) => a.displayName).join(' or ')}`, tone: 'default' };
    default:
      return { text: `✅ Approved by ${r.decision?.by.displayName ?? '?'} on ${formatTime(r.decision?.at ?? r.createdAt, r.timeZone)}`, tone: 'good' };
  }
}

/**
 * A person's time zone for showing them a time: the one read from their mailbox settings when the request was
 * scheduled (request.zones); for the requester, else the zone their Teams client reported when they asked (the one
 * they typed the effective time in). Undefined: unknown, shown as UTC with its offset (formatInZone).
 */
export function personZone(r: OffboardingRequest, personId: string | undefined): string | undefined {
  if (!personId) {
    return undefined;
  }
  return r.zones?.[personId] ?? (personId === r.requester.id ? r.timeZone : undefined);
}

/** "Runs on Fri 5 Dec 2026, 17:00 Europe/Berlin (UTC+01:00)", in `zone`, while a request waits for its effective time. */
export function runsOnLine(r: OffboardingRequest, zone: string | undefined): string | undefined {
  return r.status === 'scheduled' && r.effectiveAt ? `Runs on ${formatInZone(r.effectiveAt, zone)}` : undefined;
}

/** `forId`: whose card it is (an approver's): a scheduled run's time is shown in their zone. */
export function decidedCardData(r: OffboardingRequest, forId?: string): DecidedCardData {
  const { text, tone } = outcomeLine(r);
  const runs = runsOnLine(r, personZone(r, forId));
  return { ...planCardData(r), outcome: text, tone, ...(r.decision?.comment ? { comment: `“${r.decision.comment}”` } : {}), ...(runs ? { runs } : {}) };
}

function runStatus(r: OffboardingRequest, view?: RunView): { status: string; tone: string } {
  const finished = view?.steps.filter((s) => s.status === 'done' || s.status === 'skipped' || s.status === 'failed').length ?? 0;
  const failed = view?.steps.filter((s) => s.status === 'failed').length ?? 0;
  switch (r.status) {
    case 'completed': {
      const requested = view?.steps.reduce((n, s) => n + (s.counts.requested ?? 0), 0) ?? 0;
      const waiting = requested > 0 ? ` ${requested} device action${requested === 1 ? ' is' : 's are'} requested but not confirmed done yet (\`status ${r.id}\` checks again).` : '';
      return { status: `Completed: every step done, requested or skipped with its reason${r.endedAt ? `, ${formatTime(r.endedAt, r.timeZone)}` : ''}.${waiting}`, tone: 'good' };
    }
    case 'completed-with-failures':
      return { status: `Completed with failures: ${failed} step${failed === 1 ? '' : 's'} failed (see the reasons). Operators can retry them.`, tone: 'attention' };
    case 'scheduled':
      return { status: `Scheduled for ${formatTime(r.effectiveAt ?? r.createdAt, r.timeZone)}.`, tone: 'default' };
    case 'stopping': {
      const inFlight = view?.steps.filter((s) => s.status === 'running').length ?? 0;
      return {
        status: `Stopping: ${stopper(r)} stopped it on ${formatTime(r.stop?.at ?? r.createdAt, r.timeZone)}. No new step starts; ${inFlight} ${inFlight === 1 ? 'step' : 'steps'} in flight finish${inFlight === 1 ? 'es' : ''}. ${finished} of ${r.plan.steps.length} steps finished${failed ? `, ${failed} failed` : ''}.`,
        tone: 'warning',
      };
    }
    case 'stopped':
    case 'closed': {
      const notRun = view?.steps.filter((s) => s.status === 'pending').length ?? 0;
      const head =
        r.status === 'closed'
          ? `Closed by ${r.closed?.by.displayName ?? 'an operator'} on ${formatTime(r.closed?.at ?? r.createdAt, r.timeZone)}, after ${stopper(r)} stopped it`
          : `Stopped by ${stopper(r)} on ${formatTime(r.stop?.at ?? r.createdAt, r.timeZone)}`;
      const next = r.status === 'closed' ? ' Nothing more will run.' : ` An operator can resume it (Resume) or close it (\`close ${r.id}\`).`;
      return { status: `${head}: ${finished} of ${r.plan.steps.length} steps finished${failed ? `, ${failed} failed` : ''}; ${notRun} not run.${next}`, tone: 'warning' };
    }
    default:
      return { status: `Running: ${finished} of ${r.plan.steps.length} steps finished${failed ? `, ${failed} failed` : ''}.`, tone: failed ? 'warning' : 'default' };
  }
}

const stopper = (r: OffboardingRequest): string => r.stop?.by.displayName ?? 'someone';

/** Statuses of a run that was stopped: its steps still pending never ran. */
const STOPPED_STATUSES: OffboardingRequest['status'][] = ['stopping', 'stopped', 'closed'];

/** The note on a stopped run's steps that never started, or undefined when the run was not stopped. */
function notRunNote(r: OffboardingRequest): string | undefined {
  if (!STOPPED_STATUSES.includes(r.status)) {
    return undefined;
  }
  return `${r.status === 'stopping' ? "won't start" : 'not run'}: stopped by ${stopper(r)}`;
}

export function progressCardData(r: OffboardingRequest, view?: RunView): ProgressCardData {
  const { status, tone } = runStatus(r, view);
  return {
    requestId: r.id,
    title: `${requestTitle(r)} (${r.id})`,
    status,
    tone,
    steps: stepLines(r.plan, view?.steps, notRunNote(r)),
    ...(r.status === 'completed-with-failures' ? { retry: { verb: VERBS.retry, requestId: r.id, title: 'Retry failed steps' } } : {}),
    ...(r.status === 'stopped' ? { retry: { verb: VERBS.retry, requestId: r.id, title: 'Resume' } } : {}),
  };
}

/**
 * Long lists are cut so every message stays well under Teams' ~100 KB limit (we keep under 80 KB) whatever the
 * tenant: hundreds of synced or dynamic groups are common. The full lists are in the audit log.
 */
const MAX_GROUPS_LISTED = 40;
const MAX_FOLLOW_UPS_LISTED = 20;
const MAX_WARNINGS_LISTED = 20;

function capped<T>(items: T[], max: number, more: (n: number) => T): T[] {
  return items.length > max ? [...items.slice(0, max), more(items.length - max)] : items;
}

const OUTCOME: Record<string, string> = {
  completed: 'Completed',
  'completed-with-failures': 'Completed with failures',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
  withdrawn: 'Withdrawn',
  stopping: 'Stopping',
  stopped: 'Stopped',
  closed: 'Closed',
};

export function summaryCardData(r: OffboardingRequest, view?: RunView): SummaryCardData {
  const decision = outcomeLine(r);
  const run = ['completed', 'completed-with-failures', ...STOPPED_STATUSES].includes(r.status) ? runStatus(r, view) : undefined;
  const leftInPlace = r.plan.steps.find((s) => s.kind === 'groups-left-in-place')?.untouched ?? [];
  const notRestored = notRestorableLines(r);
  return {
    requestId: r.id,
    title: `${requestTitle(r)} (${r.id}): ${OUTCOME[r.status] ?? r.status}`,
    ...(notRestored.length > 0 ? { notRestored } : {}),
    outcome: run?.status ?? decision.text,
    tone: run?.tone ?? decision.tone,
    facts: [
      ...requestFacts(r),
      ...(r.decision ? [{ title: r.decision.outcome === 'approved' ? 'Approved' : 'Rejected', value: `${r.decision.by.displayName}, ${formatTime(r.decision.at, r.timeZone)}${r.decision.comment ? ` — “${r.decision.comment}”` : ''}` }] : []),
      ...(r.startedAt ? [{ title: 'Started', value: formatTime(r.startedAt, r.timeZone) }] : []),
      ...(r.replanned?.added.length ? [{ title: 'Added since approval', value: addedSinceApproval(r.replanned.added) }] : []),
      ...(r.stop ? [{ title: 'Stopped', value: `${r.stop.by.displayName}, ${formatTime(r.stop.at, r.timeZone)}` }] : []),
      ...(r.resumed ? [{ title: 'Resumed after a stop', value: `${r.resumed.by.displayName}, ${formatTime(r.resumed.at, r.timeZone)}` }] : []),
      ...(r.closed ? [{ title: 'Closed', value: `${r.closed.by.displayName}, ${formatTime(r.closed.at, r.timeZone)}` }] : []),
      ...(r.endedAt ? [{ title: 'Ended', value: formatTime(r.endedAt, r.timeZone) }] : []),
    ],
    steps: view ? stepLines(r.plan, view.steps, notRunNote(r)) : [],
    leftInPlace: run
      ? capped(
          leftInPlace.map((g) => ({ title: g.label, value: g.reason })),
          MAX_GROUPS_LISTED,
          (n) => ({ title: `…and ${n} more`, value: `every group is in the audit log of ${r.id} (npm run audit:export)` }),
        )
      : [],
    followUps: run
      ? capped(
          [...r.plan.followUps.filter((f) => !leftInPlace.some((g) => f.message.startsWith(`${g.label}:`))).map((f) => f.message), ...(view?.steps.flatMap((s) => s.followUps ?? []) ?? [])],
          MAX_FOLLOW_UPS_LISTED,
          (n) => `…and ${n} more in the audit log of ${r.id}`,
        )
      : [],
  };
}

/** `viewerZone`: the time zone of who asked (see the status command): a scheduled run's time is shown in it. */
export function statusCardData(requests: OffboardingRequest[], query?: string, viewerZone?: string): StatusCardData {
  return {
    title: query ? `Offboarding requests for ${query}` : 'Offboarding requests',
    requests: requests.slice(0, 20).map((r) => ({
      id: r.id,
      title: isReinstatement(r) ? `${r.id}: reinstate ${r.leaver.displayName}` : `${r.id}: ${r.leaver.displayName}`,
      status: `${OUTCOME[r.status] ?? r.status[0]!.toUpperCase() + r.status.slice(1)}${r.status === 'requested' ? ` — waiting for ${r.approvers.map((a) => a.displayName).join(' or ')}` : ''}${r.status === 'stopping' || r.status === 'stopped' ? ` by ${stopper(r)}${r.status === 'stopped' ? ' — an operator can resume or close it' : ''}` : ''}${r.status === 'scheduled' && r.effectiveAt ? ` — runs on ${formatInZone(r.effectiveAt, viewerZone)}` : ''}${r.status === 'scheduled' && r.startDelayed ? ` — not started yet: ${r.startDelayed.reason}; tried again every minute` : ''}`,
      detail: `Asked by ${r.requester.displayName} on ${formatTime(r.createdAt, r.timeZone)}; ${isReinstatement(r) ? `undoes ${r.reinstates?.requestId ?? '?'}` : `inheritor ${r.inheritor.displayName}`}`,
    })),
    ...(requests.length === 0 ? { note: query ? `No offboarding request matches "${query}".` : 'No offboarding requests yet.' } : requests.length > 20 ? { note: `Showing 20 of ${requests.length}.` } : {}),
  };
}

/** A few of a step's targets by name, then how many more: "Sales EMEA, Project X, VPN users and 12 more". */
const MAX_TARGETS_NAMED = 5;
function targetsLine(step: PlannedStep): string | undefined {
  const labels = step.targets.map((t) => t.label).filter(Boolean);
  if (labels.length === 0) {
    return undefined;
  }
  const named = labels.slice(0, MAX_TARGETS_NAMED).join(', ');
  return labels.length > MAX_TARGETS_NAMED ? `${named} and ${labels.length - MAX_TARGETS_NAMED} more` : named;
}

const MAX_REINSTATE_LINES = 40;

/** "completed on 27 Nov 2026, 18:40 (Europe/London)": how the offboarding ended, in the viewer's zone. */
function howItEnded(r: OffboardingRequest, zone?: string): string {
  const status = (OUTCOME[r.status] ?? r.status).toLowerCase();
  const at = r.endedAt ?? r.stoppedAt ?? r.closed?.at;
  return at ? `${status} on ${formatTime(at, zone)}` : status;
}

/** The `reinstate` card, from the use case's preview. `zone`: the requester's, for the times shown. */
export function reinstateCardData(preview: ReinstatePreview, zone?: string): ReinstateCardData {
  const off = preview.offboarding;
  const plan = preview.plan;
  const more = (n: number) => `…and ${n} more in the audit log of ${off.id}`;
  const approvers = preview.approvers.map((a) => `${a.displayName}${a.role === 'manager' ? ' (manager)' : ''}`).join(' or ');
  // The offboarding handed groups owned alone to the leaver's manager (the inheritor when there was none).
  const heir = off.manager ?? off.inheritor;
  const refusals = plan.refusals;
  return {
    verb: VERBS.reinstateSubmit,
    requestId: off.id,
    title: `Reinstate ${off.leaver.displayName}`,
    subtitle: `Undoes ${off.id}, ${howItEnded(off, zone)}`,
    facts: [
      { title: 'Person', value: personLine(off.leaver) },
      { title: 'Offboarding', value: `${off.id}, asked by ${off.requester.displayName}${off.reason ? ` (${off.reason})` : ''}` },
      { title: 'Approval', value: (approvers || 'nobody can approve') + (preview.approverNote ? ` (${preview.approverNote})` : '') },
    ],
    restore: capped(
      plan.steps.filter((s) => !s.skip).map((s) => ({ title: s.title, ...(targetsLine(s) ? { detail: targetsLine(s) } : {}) })),
      MAX_REINSTATE_LINES,
      (n) => ({ title: more(n) }),
    ),
    alreadyBack: capped(
      plan.steps.filter((s) => s.skip).map((s) => `${s.title}: ${s.skip ?? ''}`),
      MAX_REINSTATE_LINES,
      more,
    ),
    notRestorable: capped(
      (plan.notRestorable ?? []).map((n) => `${n.what} — ${n.why}`),
      MAX_REINSTATE_LINES,
      more,
    ),
    warnings: capped(
      plan.warnings.map((w) => `⚠️ ${w.message}`),
      MAX_WARNINGS_LISTED,
      (n) => `⚠️ ${more(n)}`,
    ),
    followUps: capped(
      plan.followUps.map((f) => f.message),
      MAX_FOLLOW_UPS_LISTED,
      more,
    ),
    refusals,
    ...(preview.handedOverGroups > 0
      ? { handover: { title: `Also remove the ownerships and memberships the offboarding gave ${heir.displayName} in ${preview.handedOverGroups} ${preview.handedOverGroups === 1 ? 'group' : 'groups'}` } }
      : {}),
    canSubmit: refusals.length === 0,
  };
}
