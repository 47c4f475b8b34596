// A run: the execution of one approved plan, as persisted. Every step transition and every target's result is a
// document in the store, written around each call, so a crashed process resumes where it stopped.
import type { M365ErrorInfo } from '../m365/errors';
import type { Plan, StepKind } from './plan';
import type { PersonRef } from './snapshot';

/** 'stopped': a stop came while it ran; the steps in flight finished and the rest were left pending (resume runs them). */
export type RunStatus = 'running' | 'completed' | 'completed-with-failures' | 'stopped';
export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface RunPeople {
  leaver: PersonRef;
  inheritor: PersonRef;
  /** Who receives groups the leaver owns alone (the manager, else the inheritor). */
  manager?: PersonRef;
}

export interface RunRecord {
  id: string;
  /** The offboarding request this run executes. */
  requestId: string;
  plan: Plan;
  people: RunPeople;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  /** Incremented on every (re)start of the run: after a crash, or a retry of failed steps. */
  attempt: number;
  /**
   * Set by a stop (cancel while it runs): no new step starts; steps in flight (found running after a crash too) run
   * to their end, then the run ends 'stopped' if steps are left pending. Cleared by a resume.
   */
  stop?: { at: string; by?: string };
}

export interface StepCounts {
  total: number;
  done: number;
  failed: number;
  skipped: number;
  /** Accepted by Microsoft 365 but not carried out yet (a wipe waits for the device to check in). */
  requested?: number;
}

/** The Microsoft 365 calls a step made: how many HTTP requests (a $batch counts once) and the last one's id. */
export interface StepCalls {
  count: number;
  lastRequestId?: string;
}

export interface StepState {
  kind: StepKind;
  status: StepStatus;
  /** Why it was skipped or failed, or what it did ("98 left, 2 were already gone"). */
  reason?: string;
  /** skipped because a step it depends on failed (its dependents are then skipped too). */
  blocked?: boolean;
  counts: StepCounts;
  /** The first failure, with Graph's or Exchange's request id. */
  error?: M365ErrorInfo;
  startedAt?: string;
  endedAt?: string;
  attempts: number;
  /** Counted by this bot across attempts (a process killed mid-step loses its count; the audit log keeps every id). */
  calls?: StepCalls;
  /** Work for IT that the run found (e.g. a wipe Intune cancelled): the summary lists them with the plan's. */
  followUps?: string[];
}

/** One target of one step of one run: the idempotency record (key: run id + step + target). */
export interface ItemRecord {
  /**
   * 'sent': a one-shot action (wipe, retire, ActiveSync wipe) is being sent; found so later, its fate is in doubt and
   * is settled from Microsoft 365's own record before anything is sent again. 'requested': Microsoft 365 accepted
   * it and carries it out later (when the device checks in); it becomes 'done' once Microsoft 365 reports it done.
   */
  status: 'sent' | 'requested' | 'done' | 'failed' | 'skipped';
  label: string;
  detail?: string;
  error?: M365ErrorInfo;
  /** When a one-shot action was (possibly) sent: kept until its fate is known, so it is never assumed. */
  sentAt?: string;
  /** Work for IT this target needs (e.g. "check Intune"). */
  followUp?: string;
  /** A one-shot action's target facts (e.g. wipe or retire, an Outlook app): to settle it later from the record alone. */
  data?: Record<string, string | number | boolean | null>;
  at: string;
}

export const COLLECTIONS = {
  runs: 'runs',
  steps: 'steps',
  items: 'items',
} as const;

export const stepDocId = (runId: string, kind: StepKind): string => `${runId}/${kind}`;
export const itemDocId = (runId: string, kind: StepKind, targetId: string): string => `${runId}/${kind}/${targetId}`;

export function isFinal(status: StepStatus): boolean {
  return status === 'done' || status === 'skipped' || status === 'failed';
}
