// One-shot actions: destructive requests that must reach Microsoft 365 exactly once (Intune wipe and retire, the
// ActiveSync account wipe). Every other step is safe to run again (docs/ENGINE.md says why, step by step).
//
// The rule: an action is recorded as being sent (with the time) before it leaves. If no answer comes back — the bot
// died, or the connection dropped, or the service timed out — its fate is in doubt, and it is settled from the
// service's own record (Intune's deviceActionResults, Exchange's Get-MobileDeviceStatistics) before anything is sent
// again. Nothing is ever assumed: an action the service records is never sent twice, and an action it does not
// record is sent. Accepted is not finished either: a wipe is 'requested' until the service reports it done.
import { M365Error } from '../../m365/errors';
import { LeaseLostError } from '../../store/leases';
import { crashPoint } from '../../testing/crash-points';
import type { Target } from '../plan';
import type { StepContext } from './context';

/** What the service's own record says about an action. */
export type Settled =
  | { state: 'requested'; detail: string }
  | { state: 'done'; detail: string }
  /** `gone`: the service no longer knows the device at all (404). */
  | { state: 'failed'; detail: string; followUp: string; error?: M365Error; gone?: boolean }
  /** The service records nothing: the action never arrived, so it may be sent. */
  | { state: 'absent' };
export type Known = Exclude<Settled, { state: 'absent' }>;

export interface OneShotAction {
  /** "Intune" or "Exchange": whose record settles it. */
  service: string;
  /** Sends the action; resolves with what the answer means (normally 'requested'). Throws M365Error. */
  send(target: Target): Promise<Known>;
  /** Reads the service's record of the action sent at `sentAt` (ISO); throws M365Error when it can't be read. */
  settle(target: Target, sentAt: string): Promise<Settled>;
  /**
   * What it means when a device whose action the service had accepted is gone: set where the service removes a device
   * once the action is carried out (Intune after a wipe or retire). Unset: a vanished device proves nothing.
   */
  goneAfterAccepted?: string;
}

/**
 * Records older than this before our own "sent" time belong to someone else's earlier action (clocks differ a little
 * between this host and Microsoft 365, so allow some slack).
 */
export const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * A service's time as epoch ms: ISO with or without a zone (no zone: UTC, as Exchange stores them), or the
 * "/Date(1733220000000)/" form some Exchange serialisations use. NaN when it is none of these.
 */
export function parseServiceTime(time: string | null | undefined): number {
  if (!time) {
    return NaN;
  }
  const legacy = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(time);
  if (legacy) {
    return Number(legacy[1]);
  }
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time) || !/T\d/.test(time) ? time : `${time}Z`;
  return Date.parse(zoned);
}

/** Whether a service timestamp could be the action recorded at `sentAt`. */
export function isSince(time: string | null | undefined, sentAt: string): boolean {
  const t = parseServiceTime(time);
  return Number.isFinite(t) && t >= Date.parse(sentAt) - CLOCK_SKEW_MS;
}

/**
 * How old an action must be before "the service records nothing" is believed: a record may trail the request that
 * made it (Microsoft documents no bound; unverified). A younger action is read again once it is this old.
 */
export const RECORD_LAG_MS = 10_000;

/**
 * No answer, or an answer that does not say whether the action was applied: a dropped connection, a timeout, a 5xx.
 * A 4xx (429 included: throttled requests are not applied) is a definite refusal, and so is a failure on our side
 * before anything was sent (no token).
 */
export function isInDoubt(error: M365Error): boolean {
  return (error.status === 0 && error.code === 'NetworkError') || error.status === 408 || error.status >= 500;
}

/** Runs the action for every target not yet requested or done: settles the in-doubt ones first, sends the rest. */
export async function oneShot(ctx: StepContext, targets: Target[], action: OneShotAction): Promise<void> {
  await Promise.all(targets.map((target) => settleOrSend(ctx, target, action)));
}

/**
 * Settles, without sending anything, every target whose action is in doubt (recorded as being sent, no outcome known):
 * what a resumed run does first, before any step sends anything (executor.ts). A target the service records nothing
 * for stays in doubt: its step reads the service again before it sends (the rule above).
 */
export async function settleInDoubt(ctx: StepContext, targets: Target[], action: OneShotAction): Promise<number> {
  const doubtful = targets.filter((t) => inDoubtSince(ctx, t) !== undefined);
  await Promise.all(doubtful.map((target) => settleRecorded(ctx, target, action, inDoubtSince(ctx, target)!)));
  return doubtful.length;
}

/** When the target's action was (possibly) sent with its fate unknown, or undefined: never sent, or its fate known. */
function inDoubtSince(ctx: StepContext, target: Target): string | undefined {
  const prev = ctx.ledger.previous(target.id);
  if (!prev || prev.status === 'done' || prev.status === 'skipped' || prev.status === 'requested') {
    return undefined;
  }
  // Recorded as being sent (before a crash, or no answer came): it may have reached the service. Read, never assume.
  // (Records from before sentAt was kept: 'sent', or failed with no answer; their time is when they were written.)
  return prev.sentAt ?? (prev.status === 'sent' || (prev.status === 'failed' && prev.error?.status === 0 && prev.error.code !== 'ClientError') ? prev.at : undefined);
}

/**
 * A run taken over from an owner that lost its lease: that owner's last action may still be on its way to the service,
 * so its record is read only once whatever it sent has surely arrived or failed (StepContext.settleNotBefore).
 */
async function afterPreviousOwner(ctx: StepContext): Promise<void> {
  const wait = (ctx.settleNotBefore ?? -Infinity) - ctx.now();
  if (wait > 0) {
    await ctx.sleep(wait);
  }
}

/** Reads the service's record and keeps what it says; false when it records nothing (yet). */
async function settleRecorded(ctx: StepContext, target: Target, action: OneShotAction, sentAt: string): Promise<boolean> {
  await afterPreviousOwner(ctx);
  const settled = await readSettled(ctx, action, target, sentAt);
  if (settled.state === 'absent') {
    return false;
  }
  await record(ctx, target, settled, sentAt);
  return true;
}

async function settleOrSend(ctx: StepContext, target: Target, action: OneShotAction): Promise<void> {
  const prev = ctx.ledger.previous(target.id)?.status;
  if (prev === 'done' || prev === 'skipped' || prev === 'requested') {
    return;
  }
  const sentAt = inDoubtSince(ctx, target);
  if (sentAt !== undefined && (await settleRecorded(ctx, target, action, sentAt))) {
    return;
  }
  await send(ctx, target, action);
}

/** The service's record; "nothing recorded" only once the action is old enough for its record to have appeared. */
async function readSettled(ctx: StepContext, action: OneShotAction, target: Target, sentAt: string): Promise<Settled> {
  const settled = await read(action, target, sentAt);
  const wait = Date.parse(sentAt) + RECORD_LAG_MS - ctx.now();
  if (settled.state !== 'absent' || wait <= 0) {
    return settled;
  }
  await ctx.sleep(wait);
  return read(action, target, sentAt);
}

/** Sends once; an answer in doubt is settled at once, and an action the service does not record is sent once more. */
async function send(ctx: StepContext, target: Target, action: OneShotAction, resends = 1): Promise<void> {
  const sentAt = new Date(ctx.now()).toISOString();
  await ctx.ledger.record(target, { status: 'sent', sentAt });
  crashPoint('one-shot');
  let settled: Known;
  try {
    settled = await action.send(target);
  } catch (err) {
    if (err instanceof LeaseLostError) {
      throw err; // nothing was sent (the lease is checked before the request leaves), and nothing more may be written
    }
    // Only a service's answer (or a failure before sending) is a definite refusal; anything unexpected may have left.
    const error = err instanceof M365Error ? err : new M365Error({ service: 'graph', status: 0, code: 'NetworkError', message: err instanceof Error ? err.message : String(err) });
    if (!isInDoubt(error)) {
      // Refused: nothing was done, so a retry may send it again (no sentAt kept).
      await ctx.ledger.record(target, { status: 'failed', error: error.toJSON(), detail: error.summary() });
      return;
    }
    const found = await readSettled(ctx, action, target, sentAt);
    if (found.state !== 'absent') {
      settled = found;
    } else if (resends > 0) {
      return send(ctx, target, action, resends - 1);
    } else {
      settled = {
        state: 'failed',
        detail: `in doubt: no answer (${error.summary()}) and ${action.service} records nothing yet`,
        followUp: `${target.label}: check ${action.service}: the bot got no answer and will read ${action.service} again before any resend (retry)`,
        error,
      };
    }
  }
  crashPoint('one-shot-answered');
  await record(ctx, target, settled, sentAt);
}

/** The service's record; a record that can't be read leaves the action in doubt, never done. */
async function read(action: OneShotAction, target: Target, sentAt: string): Promise<Settled> {
  try {
    return await action.settle(target, sentAt);
  } catch (err) {
    const error = err instanceof M365Error ? err : undefined;
    return {
      state: 'failed',
      detail: `in doubt: check ${action.service} (${error?.summary() ?? String(err)})`,
      followUp: `${target.label}: the bot could not read ${action.service} to learn whether its action arrived: check ${action.service} before doing anything else`,
      ...(error ? { error } : {}),
    };
  }
}

async function record(ctx: StepContext, target: Target, settled: Known, sentAt: string): Promise<void> {
  switch (settled.state) {
    case 'requested':
      return ctx.ledger.record(target, { status: 'requested', detail: settled.detail, sentAt });
    case 'done':
      return ctx.ledger.record(target, { status: 'done', detail: settled.detail, sentAt });
    case 'failed':
      // sentAt stays: a retry reads the service again before it could send anything.
      return ctx.ledger.record(target, { status: 'failed', detail: settled.detail, followUp: settled.followUp, sentAt, ...(settled.error ? { error: settled.error.toJSON() } : {}) });
  }
}
