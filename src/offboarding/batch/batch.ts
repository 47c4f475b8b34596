// A batch (issue 15, *Bulk*): many leavers asked for in one `offboard` (a typed list or a CSV file). The batch record
// holds what the request card showed and, once submitted, which request each leaver became and which approval cards
// group them. Every leaver is still a request of its own (own id, plan, run, audit trail): the batch only groups them.
import type { RequestChoices } from '../start';
import type { Actor, ChannelData } from '../requests';
import type { PersonRef } from '../snapshot';
import type { Venue } from '../venue';

export const BATCHES = 'batches';
/** e.g. "BAT-7K3Q9P": typeable, like a request id. */
export const BATCH_ID = /^BAT-[A-Z0-9]{6}$/i;
/** One approval card holds at most this many leavers; more are split across several cards. */
export const MAX_LEAVERS_PER_APPROVAL = 50;

/** One entry as typed or as a CSV row, before it is resolved. */
export interface BatchEntryInput {
  /** A UPN, mail, name or Entra object id, resolved like a single `offboard`: exact UPN or mail first, then a name. */
  query: string;
  /** 1-based line of the typed list or the CSV file. */
  line?: number;
  /** The CSV's inheritor (UPN, mail, name or id): resolved to exactly one person, else the row is left out. */
  inheritor?: string;
  /** The CSV row's own effective time (ISO, UTC: the Teams layer applied the requester's zone). Wins over the batch's. */
  effectiveAt?: string;
}

export type LeftOutReason = 'ambiguous' | 'unknown' | 'protected' | 'open-request' | 'requester' | 'duplicate' | 'inheritor' | 'refused';

/** An entry that did not become a row of the batch, and why. Never blocks the rest. */
export interface LeftOut {
  entry: string;
  line?: number;
  reason: LeftOutReason;
  /** The reply a single `offboard` would have given, e.g. "Victor Hale is in the protected group: …". */
  detail: string;
}

/** A resolved leaver of the batch, as the request card shows it. */
export interface BatchRow {
  leaver: PersonRef;
  line?: number;
  manager?: PersonRef;
  /** The manager is leaving in this batch too: the approvers group approves this leaver, and no inheritor is preset. */
  managerInBatch: boolean;
  /** Preset inheritor: the CSV's, else the manager (not when leaving too). Undefined: the requester must choose. */
  inheritor?: PersonRef;
  /** The row's own effective time (ISO UTC), from the CSV. */
  effectiveAt?: string;
}

/** A leaver the submit could not turn into a request (the rules are checked again on submit), and why. */
export interface NotSubmitted {
  leaverId: string;
  displayName: string;
  reason: string;
}

/**
 * The submit click's choices, stored with the move to 'submitting' (a crash resumes with them): the single submit's
 * choices, and leaver id → inheritor id from the card (a row the card did not carry keeps its preset). `effectiveAt`
 * (ISO UTC) is for rows without their own.
 */
export type BatchSubmission = RequestChoices & { inheritors: Record<string, string> };

/** One approval card: one approver, up to MAX_LEAVERS_PER_APPROVAL of the batch's requests. */
export interface BatchApproval {
  /** Unique within the batch, e.g. "A1". Card data carries it with the batch id; the server decides what it covers. */
  id: string;
  approverId: string;
  approverName: string;
  requestIds: string[];
}

export type BatchStatus = 'draft' | 'submitting' | 'submitted';

export interface Batch {
  id: string;
  status: BatchStatus;
  /** Who typed the list or sent the file. */
  requester: Actor;
  createdAt: string;
  /** Where it was asked for (venue.ts): the card, the progress and the status answers stay there. */
  where: Venue;
  /** Teams references (the thread, the request card, the progress card): opaque to the domain. */
  teams: ChannelData;
  timeZone?: string;
  source: 'list' | 'csv';
  rows: BatchRow[];
  leftOut: LeftOut[];
  /**
   * What the submit click asked for, stored with the move to 'submitting': a process that dies mid-submit finishes
   * the batch at start-up with the same choices (batch/submit.ts resumeSubmitting).
   */
  submission?: BatchSubmission;
  /** Set when submitted: who clicked, and when. */
  submittedBy?: Actor;
  submittedAt?: string;
  /** The requests made on submit, in row order. */
  requestIds?: string[];
  notSubmitted?: NotSubmitted[];
  approvals?: BatchApproval[];
  /** The batch summary was claimed for posting (once, when every request of the batch has ended). */
  summary?: { claimedAt: string; postedAt?: string; error?: string };
}
