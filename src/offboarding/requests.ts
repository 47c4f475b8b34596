// An offboarding request's lifecycle, as pure transitions:
//   requested → approved | rejected | expired | cancelled
//   approved → scheduled (a later effective time) | running;  scheduled → running | cancelled
//   running → completed | completed-with-failures
//   requested → withdrawn: stored by a submit that died before claiming its leaver, so nobody was ever asked
//   (housekeeping.ts); it never held the leaver's claim.
// Who may decide is checked here too, against the stored request — never against card data.
import type { OffboardingOptions } from './options';
import type { Plan, PlanWarning } from './plan';
import type { PersonRef } from './snapshot';
import type { Venue } from './venue';

export type RequestStatus = 'requested' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'withdrawn' | 'scheduled' | 'running' | 'completed' | 'completed-with-failures';

/** Ended: nothing more will happen to it. */
export const FINAL_STATUSES: RequestStatus[] = ['rejected', 'expired', 'cancelled', 'withdrawn', 'completed', 'completed-with-failures'];
/** Open: counts as "the" request for its leaver (one at a time). */
export const OPEN_STATUSES: RequestStatus[] = ['requested', 'approved', 'scheduled', 'running'];

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

/** Teams-side references kept with the request, opaque to the domain (conversation references, activity ids). */
export type ChannelData = Record<string, unknown>;

export interface OffboardingRequest {
  /** Short and typeable, e.g. "OFB-7K3Q9P". */
  id: string;
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

/** Only a listed approver decides; never the requester, never the leaver; only while the request is open and valid. */
export function decide(r: OffboardingRequest, by: Actor, outcome: 'approved' | 'rejected', now: Date, comment?: string): Allowed<OffboardingRequest> | Refusal {
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
  const decision = { by, at: now.toISOString(), outcome, ...(comment ? { comment } : {}) };
  return { ok: true, value: { ...r, status: outcome, decision } };
}

/** The requester, or any operator, may cancel before the run starts. */
export function cancel(r: OffboardingRequest, by: Actor, byIsOperator: boolean, now: Date): Allowed<OffboardingRequest> | Refusal {
  if (by.id !== r.requester.id && !byIsOperator) {
    return refuse(`Only ${r.requester.displayName} (who asked for it) or an operator can cancel ${r.id}.`);
  }
  if (!['requested', 'approved', 'scheduled'].includes(r.status)) {
    return refuse(r.status === 'running' ? `${r.id} is already running and can't be cancelled.` : alreadyDecided(r));
  }
  return { ok: true, value: { ...r, status: 'cancelled', cancelled: { by, at: now.toISOString() } } };
}

/** Only a request nobody was asked about yet (housekeeping checks that it never claimed its leaver). */
export function withdraw(r: OffboardingRequest, now: Date, reason: string): Allowed<OffboardingRequest> | Refusal {
  return r.status === 'requested' ? { ok: true, value: { ...r, status: 'withdrawn', withdrawn: { at: now.toISOString(), reason } } } : refuse(alreadyDecided(r));
}

export function expire(r: OffboardingRequest, now: Date): Allowed<OffboardingRequest> | Refusal {
  return isExpired(r, now) ? { ok: true, value: { ...r, status: 'expired' } } : refuse(`${r.id} has not expired.`);
}

/** After approval: scheduled for later, or running now. */
export function schedule(r: OffboardingRequest, now: Date): OffboardingRequest {
  if (r.status !== 'approved') {
    throw new Error(`can't schedule ${r.id} in status ${r.status}`);
  }
  return r.effectiveAt && Date.parse(r.effectiveAt) > now.getTime() ? { ...r, status: 'scheduled' } : { ...r, status: 'running', startedAt: now.toISOString() };
}

export function start(r: OffboardingRequest, runId: string, now: Date): OffboardingRequest {
  if (r.status !== 'scheduled' && r.status !== 'running') {
    throw new Error(`can't start ${r.id} in status ${r.status}`);
  }
  return { ...r, status: 'running', runId, startedAt: r.startedAt ?? now.toISOString() };
}

export function finish(r: OffboardingRequest, outcome: 'completed' | 'completed-with-failures', now: Date): OffboardingRequest {
  return { ...r, status: outcome, endedAt: now.toISOString() };
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
    case 'withdrawn':
      return `${r.id} was withdrawn: ${r.withdrawn?.reason ?? 'it was never fully opened'}.`;
    default:
      return `${r.id} is still waiting for a decision.`;
  }
}

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** "OFB-" + 6 characters without look-alikes (0/O, 1/I/L), from the given random bytes. */
export function requestIdFrom(bytes: Uint8Array): string {
  return `OFB-${[...bytes.slice(0, 6)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}
