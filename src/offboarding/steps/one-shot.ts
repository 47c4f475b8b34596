// One-shot actions: destructive requests that must reach Microsoft 365 exactly once (Intune wipe and retire, the
// ActiveSync account wipe). Every other step is safe to run again (docs/ENGINE.md says why, step by step).
//
// The rule: an action is recorded as being sent (with the time) before it leaves. If no answer comes back — the bot
// died, or the connection dropped, or the service timed out — its fate is in doubt, and it is settled from the
// service's own record (Intune's deviceActionResults, Exchange's Get-MobileDeviceStatistics) before anything is sent
// again. Nothing is ever assumed: an action the service records is never sent twice, and an action it does not
// record is sent. Accepted is not finished either: a wipe is 'requested' until the service reports it done.
import { M365Error } from '../../m365/errors';
import { crashPoint } from '../../testing/crash-points';
import type { Target } from '../plan';
import type { StepContext } from './context';

/** What the service's own record says about an action. */
export type Settled =
  | { state: 'requested'; detail: string }
  | { state: 'done'; detail: string }
  | { state: 'failed'; detail: string; followUp: string; error?: M365Error }
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
}

/**
 * Records older than this before our own "sent" time belong to someone else's earlier action (clocks differ a little
 * between this host and Microsoft 365, so allow some slack).
 */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** Whether a service timestamp could be the action recorded at `sentAt`. */
export function isSince(time: string | null | undefined, sentAt: string): boolean {
  const t = time ? Date.parse(time) : NaN;
  return Number.isFinite(t) && t >= Date.parse(sentAt) - CLOCK_SKEW_MS;
}

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

async function settleOrSend(ctx: StepContext, target: Target, action: OneShotAction): Promise<void> {
  const prev = ctx.ledger.previous(target.id);
  if (prev?.status === 'done' || prev?.status === 'skipped' || prev?.status === 'requested') {
    return;
  }
  if (prev?.sentAt !== undefined) {
    // It may have reached the service (recorded as sent before a crash, or no answer came): read, never assume.
    const settled = await read(action, target, prev.sentAt);
    if (settled.state !== 'absent') {
      await record(ctx, target, settled, prev.sentAt);
      return;
    }
  }
  await send(ctx, target, action);
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
    const error = err instanceof M365Error ? err : new M365Error({ service: 'graph', status: 0, code: 'UnexpectedError', message: String(err) });
    if (!isInDoubt(error)) {
      // Refused: nothing was done, so a retry may send it again (no sentAt kept).
      await ctx.ledger.record(target, { status: 'failed', error: error.toJSON(), detail: error.summary() });
      return;
    }
    const found = await read(action, target, sentAt);
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
