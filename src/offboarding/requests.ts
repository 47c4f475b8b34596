// An offboarding request's lifecycle, as pure transitions. TRANSITIONS below is the one list of every move a request
// can make (the README's state diagram is checked against it); every function here moves through `move`, which
// refuses anything not listed. Who may decide is checked here too, against the stored request — never against card data.
import type { OffboardingOptions } from './options';
import type { Plan, PlanWarning, StepKind } from './plan';
import type { PersonRef } from './snapshot';
import type { Venue } from './venue';

export const REQUEST_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'expired',
  'cancelled',
  'withdrawn',
  'scheduled',
  'running',
  'stopping',
  'stopped',
  'closed',
  'completed',
  'completed-with-failures',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Ended: nothing more will happen to it (a completed-with-failures request may still be retried by an operator). */
export const FINAL_STATUSES: RequestStatus[] = ['rejected', 'expired', 'cancelled', 'withdrawn', 'closed', 'completed', 'completed-with-failures'];
/** Open: counts as "the" request for its leaver (one at a time). A stopped request keeps its claim until resumed or closed. */
export const OPEN_STATUSES: RequestStatus[] = ['requested', 'approved', 'scheduled', 'running', 'stopping', 'stopped'];

export interface Transition {
  from: RequestStatus;
  to: RequestStatus;
  /** What moves it (the label on the README's diagram). */
  on: string;
}

/** Every move a request can make. The README's Mermaid state diagram lists exactly these (test/offboarding/lifecycle-diagram.test.ts). */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'requested', to: 'approved', on: 'approve' },
  { from: 'requested', to: 'rejected', on: 'reject' },
  { from: 'requested', to: 'expired', on: 'expire' },
  { from: 'requested', to: 'cancelled', on: 'cancel' },
  // stored by a submit that died before claiming its leaver, so nobody was ever asked (housekeeping.ts); never claimed
  { from: 'requested', to: 'withdrawn', on: 'withdraw' },
  { from: 'approved', to: 'scheduled', on: 'schedule' },
  { from: 'approved', to: 'running', on: 'start' },
  { from: 'approved', to: 'cancelled', on: 'cancel' },
  // at the effective time the preflight is taken again (scheduled-start.ts): a fresh plan runs, or a change needs a new decision
  { from: 'scheduled', to: 'running', on: 'start' },
  { from: 'scheduled', to: 'requested', on: 're-approval' },
  { from: 'scheduled', to: 'cancelled', on: 'cancel' },
  { from: 'running', to: 'completed', on: 'finish' },
  { from: 'running', to: 'completed-with-failures', on: 'finish' },
  // cancel while running: no new step starts, steps in flight finish
  { from: 'running', to: 'stopping', on: 'stop' },
  { from: 'stopping', to: 'stopped', on: 'finish' },
  // the stop came when nothing was left to start
  { from: 'stopping', to: 'completed', on: 'finish' },
  { from: 'stopping', to: 'completed-with-failures', on: 'finish' },
  { from: 'stopped', to: 'running', on: 'resume' },
  { from: 'stopped', to: 'closed', on: 'close' },
  // a reinstatement of this stopped offboarding was approved: it is closed for good
  { from: 'stopped', to: 'closed', on: 'reinstate' },
  { from: 'completed-with-failures', to: 'running', on: 'retry' },
  // `status` read a requested wipe again and Microsoft 365 now reports it cancelled or failed (recheck.ts)
  { from: 'completed', to: 'completed-with-failures', on: 'recheck' },
];

/** The request moved to `to`, or an Error: a move not in TRANSITIONS is a bug, never a user's mistake. */
function move(r: OffboardingRequest, to: RequestStatus, on: string, changes: Partial<OffboardingRequest> = {}): OffboardingRequest {
  if (!TRANSITIONS.some((t) => t.from === r.status && t.to === to && t.on === on)) {
    throw new Error(`no transition ${r.status} → ${to} on ${on} (${r.id})`);
  }
  return { ...r, ...changes, status: to };
}

export interface Actor {
  /** Entra object id. */
  id: string;
  displayName: string;
}

export interface Approver extends Actor {
  /** Why this person approves: the leaver's manager, or a member of the approvers group standing in. */
  role: 'manager' | 'approvers-group';
}

export interface Decision {
  by: Actor;
  at: string;
  comment?: string;
}

/** One approver's approval card delivery (see housekeeping.ts). No record yet: the submit's own attempt, at createdAt. */
export interface ApproverDelivery {
  attempts: number;
  /** When the latest attempt started: while it runs (no failedAt) nobody else starts one, for a lease. */
  lastAttemptAt: string;
  /** The latest attempt ended with no card (1:1 and thread both failed); the next one waits for the backoff. */
  failedAt?: string;
}

/** What the requester was told about approval cards (once each): nobody reachable, then reached after all. */
export interface DeliveryNotice {
  /** When telling started (a claim, so two processes don't both tell). */
  at: string;
  /** Where they were told; unset while telling (or after a crash in it). */
  via?: 'thread' | '1:1';
}

export interface DeliveryState {
  approvers: Record<string, ApproverDelivery>;
  nobodyReached?: DeliveryNotice;
  reached?: DeliveryNotice;
}

/** A target in a plan taken at the effective time that the approved plan did not have (or the reverse). */
export interface PlanChange {
  step: StepKind;
  id: string;
  label: string;
}

/** What the preflight at the effective time found (scheduled-start.ts): the run uses that plan. */
export interface Replan {
  at: string;
  /** Targets that appeared since approval: included, and the summary lists them. */
  added: PlanChange[];
  /** Targets gone since approval (nothing to do for them). */
  gone: PlanChange[];
}

/** A scheduled request sent back for a new decision: what changed since the approval that no longer holds. */
export interface Reapproval {
  at: string;
  changes: string[];
  /** The approval it replaces. */
  previous?: Decision & { outcome: 'approved' | 'rejected' };
}

/** Teams-side references kept with the request, opaque to the domain (conversation references, activity ids). */
export type ChannelData = Record<string, unknown>;

/** What a reinstatement undoes (reinstate/): the offboarding, and the choice made on its card. */
export interface Reinstates {
  /** The offboarding request it undoes (completed, completed with failures, or stopped). */
  requestId: string;
  /** Remove the ownerships and memberships the offboarding gave the manager or inheritor when it handed groups over. */
  removeHandovers: boolean;
}

export interface OffboardingRequest {
  /** Short and typeable, e.g. "OFB-7K3Q9P" (a reinstatement: "RST-…"). */
  id: string;
  /** Unset: an offboarding. A reinstatement undoes one (`reinstates`); `leaver` is then the person being reinstated. */
  kind?: 'reinstatement';
  reinstates?: Reinstates;
  /** A reinstatement's Temporary Access Pass was shown to the requester (when; the pass itself is never stored). */
  passShownAt?: string;
  /** The requester was offered the pass (a "Show pass" card): a process that died before that offers it at start-up. */
  passOfferedAt?: string;
  /** An offboarding undone by this approved reinstatement: never resumed or retried again. */
  reinstatedBy?: string;
  /** Asked for in a batch (batch/): its approval, progress and summary are the batch's; everything else is its own. */
  batchId?: string;
  status: RequestStatus;
  leaver: PersonRef;
  inheritor: PersonRef;
  /** The leaver's manager when active: groups the leaver owns alone go to them. */
  manager?: PersonRef;
  requester: Actor;
  approvers: Approver[];
  /** Why the approvers group stands in, when it does. */
  approverNote?: string;
  options: OffboardingOptions;
  /** When the run may start (ISO); undefined: at once on approval. */
  effectiveAt?: string;
  /** The requester's time zone (IANA), to show times as they see them. */
  timeZone?: string;
  reason?: string;
  plan: Plan;
  warnings: PlanWarning[];
  createdAt: string;
  expiresAt: string;
  decision?: Decision & { outcome: 'approved' | 'rejected' };
  cancelled?: Decision;
  /** Set when housekeeping withdrew it (see the status 'withdrawn'). */
  withdrawn?: { at: string; reason: string };
  /** Approval card delivery attempts, for redelivery with a backoff from any process. */
  delivery?: DeliveryState;
  runId?: string;
  startedAt?: string;
  endedAt?: string;
  /** Teams bookkeeping: the originating thread, the progress card, the approval cards sent. */
  teams: ChannelData;
  /** Where it was asked for (venue.ts): decides whether an approval card may go to that thread. Unset on old requests. */
  where?: Venue;
  /** Set once the summary reached the channel (or was given up on, with the reason). */
  summary?: { postedAt?: string; error?: string };
  /** Who stopped it while it ran (cancel during a run): no new step starts, the run ends as stopped. */
  stop?: Decision;
  /** When the run ended stopped (steps left not run). */
  stoppedAt?: string;
  /** The latest resume of a stopped run, by an operator. */
  resumed?: Decision;
  /** The latest retry of failed steps, by an operator: a drive that finds the run ended before it retries them. */
  retried?: Decision;
  /** An operator closed a stopped request: it frees its leaver. */
  closed?: Decision;
  /** The plan was taken again at the effective time (scheduled runs). */
  replanned?: Replan;
  /** Sent back for a new decision at the effective time (the latest time). */
  reapproval?: Reapproval;
  /**
   * The leaver's directory roles the approver saw (at submit, or at the latest re-approval): a role held at the
   * effective time that is not here needs a new decision (scheduled-start.ts). Unset when they could not be read, and
   * on requests stored before this field: the plan's warnings stand in.
   */
  rolesAtApproval?: Array<{ id: string; displayName: string }>;
  /** The latest attempt to start at the effective time that could not read Microsoft 365: it is tried again. */
  startDelayed?: { at: string; reason: string };
  /** A process is taking the preflight to start it (a lease: another may take over after it lapses). */
  starting?: { at: string };
  /** When the requester and the approvers were told when a scheduled request runs (not yet: told again at start-up). */
  scheduledToldAt?: string;
  /** Time zones (IANA) from people's mailboxSettings, by Entra id: scheduled times are shown in each person's zone. */
  zones?: Record<string, string>;
}

export type Refusal = { ok: false; reason: string };
export type Allowed<T> = { ok: true; value: T };

const refuse = (reason: string): Refusal => ({ ok: false, reason });

export function isFinal(r: OffboardingRequest): boolean {
  return FINAL_STATUSES.includes(r.status);
}

export function isExpired(r: OffboardingRequest, now: Date): boolean {
  return r.status === 'requested' && now.getTime() >= Date.parse(r.expiresAt);
}

/** Which round of decision a request is in: "1" until a re-approval, then the re-approval's time (cards carry it). */
export function decisionRound(r: Pick<OffboardingRequest, 'reapproval'>): string {
  return r.reapproval?.at ?? '1';
}

/**
 * Only a listed approver decides; never the requester, never the leaver; only while the request is open and valid.
 * `round`: the card's (decisionRound when it was sent); a card from before a re-approval can't decide the new round,
 * whose card names what changed. Absent (a card without it): not checked.
 */
export function decide(r: OffboardingRequest, by: Actor, outcome: 'approved' | 'rejected', now: Date, comment?: string, round?: string): Allowed<OffboardingRequest> | Refusal {
  if (by.id === r.leaver.id) {
    return refuse(`${by.displayName}, you are the person being offboarded: you can't decide on this request.`);
  }
  if (by.id === r.requester.id) {
    return refuse("You asked for this offboarding, so you can't also approve or reject it.");
  }
  if (!r.approvers.some((a) => a.id === by.id)) {
    // Names nobody: a click holds the card, but a forged one may not (visibility.ts).
    return refuse('Only the approvers this request was sent to can decide on it.');
  }
  if (r.status !== 'requested') {
    return refuse(alreadyDecided(r));
  }
  if (isExpired(r, now)) {
    return refuse(`This request expired at ${r.expiresAt} without a decision.`);
  }
  if (round !== undefined && round !== decisionRound(r)) {
    return refuse(`This card is from before ${r.id} was sent back for a new decision: ${r.reapproval?.changes.join(' ') ?? ''} Decide on the newer card, which names what changed. Nothing was changed.`);
  }
  const decision = { by, at: now.toISOString(), outcome, ...(comment ? { comment } : {}) };
  return { ok: true, value: move(r, outcome, outcome === 'approved' ? 'approve' : 'reject', { decision }) };
}

/**
 * The requester, or any operator. Before the run starts it is cancelled; while it runs it is stopped (no new step
 * starts, steps in flight finish, and the run ends as stopped).
 */
export function cancel(r: OffboardingRequest, by: Actor, byIsOperator: boolean, now: Date): Allowed<OffboardingRequest> | Refusal {
  if (by.id !== r.requester.id && !byIsOperator) {
    return refuse(`Only ${r.requester.displayName} (who asked for it) or an operator can cancel ${r.id}.`);
  }
  const at = { by, at: now.toISOString() };
  if (r.status === 'running') {
    return { ok: true, value: move(r, 'stopping', 'stop', { stop: at }) };
  }
  if (r.status === 'stopping') {
    return refuse(`${r.id} is already stopping (${r.stop?.by.displayName ?? 'someone'} stopped it): the steps in flight are finishing.`);
  }
  if (r.status === 'stopped') {
    return refuse(`${r.id} is already stopped. An operator can resume it from its progress card, or close it with \`close ${r.id}\`.`);
  }
  if (r.status === 'completed' || r.status === 'completed-with-failures' || r.status === 'closed') {
    return refuse(`${r.id} has already ended (${r.status.replace(/-/g, ' ')}): nothing is left to cancel or stop. Nothing was changed.`);
  }
  if (!['requested', 'approved', 'scheduled'].includes(r.status)) {
    return refuse(alreadyDecided(r));
  }
  return { ok: true, value: move(r, 'cancelled', 'cancel', { cancelled: at }) };
}

/** Only a request nobody was asked about yet (housekeeping checks that it never claimed its leaver). */
export function withdraw(r: OffboardingRequest, now: Date, reason: string): Allowed<OffboardingRequest> | Refusal {
  return r.status === 'requested' ? { ok: true, value: move(r, 'withdrawn', 'withdraw', { withdrawn: { at: now.toISOString(), reason } }) } : refuse(alreadyDecided(r));
}

export function expire(r: OffboardingRequest, now: Date): Allowed<OffboardingRequest> | Refusal {
  return isExpired(r, now) ? { ok: true, value: move(r, 'expired', 'expire') } : refuse(`${r.id} has not expired.`);
}

/** After approval: scheduled for later, or running now. */
export function schedule(r: OffboardingRequest, now: Date): OffboardingRequest {
  if (r.status !== 'approved') {
    throw new Error(`can't schedule ${r.id} in status ${r.status}`);
  }
  // A request with an effective time is scheduled even when approved after that time (approval may take days), and so
  // is one approved again after a re-approval: the plan is taken again before it runs (the next tick's scheduled
  // start, scheduled-start.ts). Only "as soon as it is approved" runs the plan the approver just saw, at once.
  const later = r.effectiveAt !== undefined || r.reapproval !== undefined;
  return later ? move(r, 'scheduled', 'schedule') : move(r, 'running', 'start', { startedAt: now.toISOString() });
}

/**
 * Running (idempotent for a request already running: its run id is set once). A scheduled request starts with the
 * plan taken at its effective time (`replan`): the run executes that plan, and a resumed run uses it too.
 */
export function start(r: OffboardingRequest, runId: string, now: Date, replan?: { plan: Plan; replanned: Replan }): OffboardingRequest {
  const started = { runId: r.runId ?? runId, startedAt: r.startedAt ?? now.toISOString() };
  if (r.status === 'running') {
    return { ...r, ...started };
  }
  const fresh = replan ? { plan: replan.plan, warnings: replan.plan.warnings, replanned: replan.replanned } : {};
  return move(r, 'running', 'start', { ...started, ...fresh, starting: undefined, startDelayed: undefined });
}

/**
 * A scheduled request whose leaver or inheritor changed in a way the approval did not cover (now protected, deleted,
 * an admin, an inheritor disabled or gone): back to requested, with the fresh plan and approvers, for a new decision.
 */
export function reapprove(r: OffboardingRequest, input: { plan: Plan; approvers: Approver[]; approverNote?: string; changes: string[]; now: Date; expiresAt: string }): OffboardingRequest {
  const reapproval: Reapproval = { at: input.now.toISOString(), changes: input.changes, ...(r.decision ? { previous: r.decision } : {}) };
  return move(r, 'requested', 're-approval', {
    plan: input.plan,
    warnings: input.plan.warnings,
    approvers: input.approvers,
    approverNote: input.approverNote,
    expiresAt: input.expiresAt,
    decision: undefined,
    delivery: undefined,
    starting: undefined,
    startDelayed: undefined,
    reapproval,
  });
}

/** The run ended: completed, with failures, or stopped (a stop that came when nothing was left to start ends as the run did). */
export function finish(r: OffboardingRequest, outcome: 'completed' | 'completed-with-failures' | 'stopped', now: Date): Allowed<OffboardingRequest> | Refusal {
  if (r.status !== 'running' && r.status !== 'stopping') {
    return refuse(alreadyDecided(r));
  }
  if (outcome === 'stopped') {
    // A run ends stopped only after a stop; a run that ran out of steps ends as it did.
    return r.status === 'stopping' ? { ok: true, value: move(r, 'stopped', 'finish', { stoppedAt: now.toISOString() }) } : refuse(`${r.id} was not stopped.`);
  }
  return { ok: true, value: move(r, outcome, 'finish', { endedAt: now.toISOString() }) };
}

/** Operators only (checked by the caller): a stopped run resumes, a run with failed steps runs them again. */
export function resume(r: OffboardingRequest, by: Actor, now: Date): Allowed<OffboardingRequest> | Refusal {
  if (!r.runId) {
    return refuse(`No run to resume for ${r.id}.`);
  }
  if (r.status === 'stopped') {
    return { ok: true, value: move(r, 'running', 'resume', { resumed: { by, at: now.toISOString() }, stop: undefined, stoppedAt: undefined }) };
  }
  if (r.status === 'completed-with-failures') {
    return { ok: true, value: move(r, 'running', 'retry', { endedAt: undefined, retried: { by, at: now.toISOString() } }) };
  }
  if (r.status === 'running' || r.status === 'stopping') {
    return refuse(`${r.id} is still running.`);
  }
  return refuse(r.status === 'completed' ? `${r.id} has no failed steps to retry.` : alreadyDecided(r));
}

/** An operator closes a stopped request: nothing more will run, and its leaver is free for a new request. */
export function close(r: OffboardingRequest, by: Actor, byIsOperator: boolean, now: Date): Allowed<OffboardingRequest> | Refusal {
  if (!byIsOperator) {
    return refuse(`Only members of the offboarding operators group can close ${r.id}.`);
  }
  if (r.status !== 'stopped') {
    return refuse(r.status === 'running' || r.status === 'stopping' ? `${r.id} is running: stop it first with \`cancel ${r.id}\`.` : `Only a stopped request can be closed; ${r.id} is ${r.status}.`);
  }
  return { ok: true, value: move(r, 'closed', 'close', { closed: { by, at: now.toISOString() }, endedAt: now.toISOString() }) };
}

/** `status` found a requested wipe cancelled or failed (recheck.ts): operators see it and can act. */
export function recheckFailed(r: OffboardingRequest): Allowed<OffboardingRequest> | Refusal {
  return r.status === 'completed' ? { ok: true, value: move(r, 'completed-with-failures', 'recheck') } : refuse(r.status);
}

export function alreadyDecided(r: OffboardingRequest): string {
  switch (r.status) {
    case 'approved':
    case 'scheduled':
    case 'running':
    case 'completed':
    case 'completed-with-failures':
      return `${r.id} was already approved by ${r.decision?.by.displayName ?? 'an approver'}.`;
    case 'rejected':
      return `${r.id} was already rejected by ${r.decision?.by.displayName ?? 'an approver'}.`;
    case 'cancelled':
      return `${r.id} was cancelled by ${r.cancelled?.by.displayName ?? 'someone'}.`;
    case 'expired':
      return `${r.id} expired without a decision.`;
    case 'stopping':
    case 'stopped':
      return `${r.id} was stopped by ${r.stop?.by.displayName ?? 'someone'} while it ran.`;
    case 'closed':
      return `${r.id} was stopped, then closed by ${r.closed?.by.displayName ?? 'an operator'}.`;
    case 'withdrawn':
      return `${r.id} was withdrawn: ${r.withdrawn?.reason ?? 'it was never fully opened'}.`;
    default:
      return `${r.id} is still waiting for a decision.`;
  }
}

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** "OFB-" (a reinstatement: "RST-") + 6 characters without look-alikes (0/O, 1/I/L), from the given random bytes. */
export function requestIdFrom(bytes: Uint8Array, prefix: 'OFB' | 'RST' | 'BAT' = 'OFB'): string {
  return `${prefix}-${[...bytes.slice(0, 6)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

export function isReinstatement(r: Pick<OffboardingRequest, 'kind'>): boolean {
  return r.kind === 'reinstatement';
}

/** A stopped offboarding whose reinstatement was approved: closed for good (by the approver of the reinstatement). */
export function closeForReinstatement(r: OffboardingRequest, by: Actor, now: Date): Allowed<OffboardingRequest> | Refusal {
  if (r.status !== 'stopped') {
    return refuse(`${r.id} is ${r.status}, not stopped.`);
  }
  return { ok: true, value: move(r, 'closed', 'reinstate', { closed: { by, at: now.toISOString() }, endedAt: now.toISOString() }) };
}
