// WIP-PLACEHOLDER body: the interface is final; the implementation lands in this file.
import type { Actor, ChannelData, OffboardingRequest } from '../requests';
import type { Plan } from '../plan';
import type { Venue } from '../venue';
import type { HeldPass } from './pass-vault';

export type Refused = { ok: false; reason: string };

/** What the reinstatement card shows before anything is stored: the plan from the stored run and a fresh preflight. */
export interface ReinstatePreview {
  /** The offboarding it would undo. */
  offboarding: OffboardingRequest;
  /** Steps (each with title, targets, skip reason), warnings, followUps, notRestorable, refusals (non-empty: can't go ahead). */
  plan: Plan;
  /** The offboarding handed groups over (the card asks whether to undo that; default: keep). */
  handedOverGroups: number;
  /** Who would approve, and why the approvers group stands in when it does. */
  approvers: Array<{ id: string; displayName: string; role: 'manager' | 'approvers-group' }>;
  approverNote?: string;
}

export interface ReinstateSubmitInput {
  requester: Actor;
  /** The offboarding request id (the card's action data `requestId`). */
  offboardingId: string;
  removeHandovers: boolean;
  reason?: string;
  timeZone?: string;
  teams: ChannelData;
  where: Venue;
}

export interface ReinstatementUseCase {
  /** `reinstate <request id | UPN | name>`: operators only; the offboarding (an id, or the person's latest one that ended) and its preview. Read-only. */
  prepare(requester: Actor, query: string, where: Venue): Promise<{ ok: true; preview: ReinstatePreview } | Refused>;
  /** reinstate.submit: every rule checked again, a fresh preflight and plan, the approvers picked, the request stored (kind 'reinstatement'). Read-only in Microsoft 365. */
  submit(input: ReinstateSubmitInput): Promise<{ ok: true; request: OffboardingRequest; preview: ReinstatePreview } | Refused>;
  /** The requester's own "Show pass" click: the Temporary Access Pass, once (checked against the stored request's requester). */
  showPass(requestId: string, by: Actor): Promise<{ ok: true; request: OffboardingRequest; pass: HeldPass } | Refused>;
}
