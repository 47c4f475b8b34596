// What a step runner gets, and the ways a step acts on its targets: one call per target, or one $batch for many Graph
// targets. One-shot actions (wipe, retire, ActiveSync wipe) have their own rules: one-shot.ts.
import { M365Error } from '../../m365/errors';
import type { ExchangePort, GraphPort, GraphRequest, GraphResult } from '../../m365/ports';
import type { OffboardingOptions } from '../options';
import type { Plan, PlannedStep, Target } from '../plan';
import type { PassVault } from '../reinstate/pass-vault';
import type { ItemRecord, RunPeople } from '../run';

export interface EngineSettings {
  /** Polling for the mailbox to report shared: first wait, growth factor, longest wait, give-up time. */
  sharedPollInitialMs: number;
  sharedPollMaxMs: number;
  sharedPollTimeoutMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  sharedPollInitialMs: 5_000,
  sharedPollMaxMs: 60_000,
  // Conversions usually show within minutes; CIPP's fixed 5-minute wait still raced (CIPP #1494/#1565).
  sharedPollTimeoutMs: 30 * 60_000,
};

export interface Ledger {
  /** What an earlier attempt recorded for this target (undefined: never attempted). */
  previous(targetId: string): ItemRecord | undefined;
  record(target: Target, record: Omit<ItemRecord, 'label' | 'at'>): Promise<void>;
}

export interface StepContext {
  runId: string;
  /** The request the run executes. */
  requestId: string;
  step: PlannedStep;
  plan: Plan;
  people: RunPeople;
  options: OffboardingOptions;
  graph: GraphPort;
  exchange: ExchangePort;
  ledger: Ledger;
  settings: EngineSettings;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** A strong random password; never logged, never shown. */
  newPassword(): string;
  /** Where a reinstatement's Temporary Access Pass waits for the requester's click (memory only). */
  passes?: PassVault;
  /**
   * Epoch ms: the run was taken over from an owner that lost its lease without letting go, and whatever it sent may
   * still be on its way until then (its lease's end plus the request timeout). A one-shot action in doubt is settled
   * only after it (one-shot.ts).
   */
  settleNotBefore?: number;
}

export type StepRunner = (ctx: StepContext) => Promise<void>;

/** The outcome of one target's call: done, skipped with a reason (and any follow-up for IT), or an error. */
export type TargetOutcome = { status: 'done' | 'skipped'; detail?: string; followUp?: string } | { status: 'failed'; error: M365Error };

/** A target counts as finished when an earlier attempt got it done or skipped it. */
export function alreadyFinished(ctx: StepContext, target: Target): boolean {
  const prev = ctx.ledger.previous(target.id)?.status;
  return prev === 'done' || prev === 'skipped';
}

export async function recordOutcome(ctx: StepContext, target: Target, outcome: TargetOutcome): Promise<void> {
  if (outcome.status === 'failed') {
    await ctx.ledger.record(target, { status: 'failed', error: outcome.error.toJSON(), detail: outcome.error.summary() });
  } else {
    await ctx.ledger.record(target, { status: outcome.status, detail: outcome.detail, ...(outcome.followUp ? { followUp: outcome.followUp } : {}) });
  }
}

function asM365Error(err: unknown): M365Error {
  if (err instanceof M365Error) {
    return err;
  }
  return new M365Error({ service: 'graph', status: 0, code: 'UnexpectedError', message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs `act` for every unfinished target concurrently (the gateways bound the requests in flight) and records each
 * outcome. `interpret` may turn a known error into done/skipped (e.g. 404 on removal: already gone).
 */
export async function forEachTarget(
  ctx: StepContext,
  targets: Target[],
  act: (target: Target) => Promise<string | void>,
  interpret: (error: M365Error, target: Target) => TargetOutcome = (error) => ({ status: 'failed', error }),
): Promise<void> {
  await Promise.all(
    targets
      .filter((t) => !alreadyFinished(ctx, t))
      .map(async (target) => {
        let outcome: TargetOutcome;
        try {
          const detail = await act(target);
          outcome = { status: 'done', ...(detail ? { detail } : {}) };
        } catch (err) {
          outcome = interpret(asM365Error(err), target);
        }
        await recordOutcome(ctx, target, outcome);
      }),
  );
}

/** One Graph request per unfinished target, sent through $batch; each inner answer is judged on its own. */
export async function batchTargets(
  ctx: StepContext,
  targets: Target[],
  toRequest: (target: Target) => GraphRequest,
  interpret: (error: M365Error, target: Target) => TargetOutcome = (error) => ({ status: 'failed', error }),
  onSuccess: (result: GraphResult, target: Target) => TargetOutcome = () => ({ status: 'done' }),
): Promise<void> {
  const pending = targets.filter((t) => !alreadyFinished(ctx, t));
  if (pending.length === 0) {
    return;
  }
  const results = await ctx.graph.batch(pending.map(toRequest));
  await Promise.all(
    pending.map((target, i) => {
      const result = results[i]!;
      return recordOutcome(ctx, target, result instanceof M365Error ? interpret(result, target) : onSuccess(result, target));
    }),
  );
}

/** A step with readAtRun gets its targets when it runs; otherwise the plan's. */
export async function targetsOf(ctx: StepContext, read: () => Promise<Target[]>): Promise<Target[]> {
  return ctx.step.readAtRun ? read() : ctx.step.targets;
}

/** Graph answers 404 Request_ResourceNotFound when the thing to remove is already gone: done, idempotently. */
export function goneIsDone(detail = 'already gone'): (error: M365Error) => TargetOutcome {
  return (error) => (error.status === 404 ? { status: 'done', detail } : { status: 'failed', error });
}

export const enc = encodeURIComponent;
