// A run: the execution of one approved plan, as persisted. Every step transition and every target's result is a
// document in the store, written around each call, so a crashed process resumes where it stopped.
import type { M365ErrorInfo } from '../m365/errors';
import type { Plan, StepKind } from './plan';
import type { PersonRef } from './snapshot';

export type RunStatus = 'running' | 'completed' | 'completed-with-failures';
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
}

export interface StepCounts {
  total: number;
  done: number;
  failed: number;
  skipped: number;
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
}

/** One target of one step of one run: the idempotency record (key: run id + step + target). */
export interface ItemRecord {
  /** 'sent': a one-shot action (wipe, retire) was recorded before sending; it is never sent again. */
  status: 'sent' | 'done' | 'failed' | 'skipped';
  label: string;
  detail?: string;
  error?: M365ErrorInfo;
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
