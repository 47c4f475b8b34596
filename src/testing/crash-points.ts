// Test-only crash points: the crash sweep (test/crash/) kills the whole bot process with SIGKILL at a chosen moment
// of an offboarding, then starts it again on the same DATA_DIR. Armed only through OFFBOARDING_CRASH_AT, which
// config.ts refuses whenever BOT_ID is set, so a production bot can never arm one. Unarmed, every call is a no-op.
import { isGraphWrite } from '../m365/governor-budgets';
import type { CallRecord } from '../m365/ports';

/**
 * write        after the n-th Microsoft 365 write got its answer, before the bot records it (inner $batch requests
 *              count one by one; Exchange cmdlets other than Get-*)
 * batch        after the n-th Graph $batch was answered, before any of its inner results is recorded
 * one-shot     between recording the n-th one-shot action (wipe, retire, ActiveSync wipe; a reinstatement's Temporary
 *              Access Pass) as sent and sending it
 * one-shot-answered  after the n-th one-shot action was answered (or settled), before the answer is recorded
 * shared-wait  during the n-th wait for the mailbox to report shared
 * Counting starts with the process: the n-th $batch includes the preflight's batches before approval.
 */
export const CRASH_POINTS = ['write', 'batch', 'one-shot', 'one-shot-answered', 'shared-wait'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface CrashAt {
  point: CrashPoint;
  n: number;
}

let armed: CrashAt | undefined;
let reached = 0;

/** "write:17" → { point: 'write', n: 17 }; undefined when malformed. */
export function parseCrashAt(text: string): CrashAt | undefined {
  const m = /^([a-z-]+):(\d+)$/.exec(text.trim());
  const point = m?.[1] as CrashPoint | undefined;
  const n = Number(m?.[2]);
  return point && CRASH_POINTS.includes(point) && Number.isInteger(n) && n >= 1 ? { point, n } : undefined;
}

export function armCrashPoint(at: CrashAt | undefined): void {
  armed = at;
  reached = 0;
}

/** Kills this process at once (no exit handlers, no flushing) when the armed point is reached for the n-th time. */
export function crashPoint(point: CrashPoint): void {
  if (armed?.point !== point || ++reached !== armed.n) {
    return;
  }
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself is delivered before kill() returns on Linux; never let this thread go on regardless.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}


/** A Microsoft 365 call as the gateways report it: a write reaches the 'write' point once answered. */
export function observeCall(call: CallRecord): void {
  if (armed?.point !== 'write' || call.status === 0) {
    return;
  }
  const write = call.service === 'exchange' ? !/^InvokeCommand Get-/.test(call.url) : isGraphWrite(call.method, call.url);
  if (write) {
    crashPoint('write');
  }
}
