// The executor runs an approved plan: steps whose dependencies are met run concurrently (the gateways bound the
// requests in flight and batch them), every step transition and every target's result is persisted around each call,
// and an unfinished run resumes by itself after a crash. A failed step skips the steps that depend on it, with the
// reason; independent steps go on.
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from '../logger';
import { M365Error } from '../m365/errors';
import type { Limiter } from '../m365/limiter';
import { withPriority } from '../m365/priority';
import type { ExchangePort, GraphPort } from '../m365/ports';
import { LeaseLostError, runLeaseName, type Lease, type Leases } from '../store/leases';
import { ConflictError, FencedError, type Store } from '../store/store';
import { Audit, withAuditScope } from './audit';
import { withCallTally } from './call-tally';
import { criticalSteps } from './critical-path';
import { guardedPorts } from './lease-guard';
import type { Plan, PlannedStep, StepKind, Target } from './plan';
import { COLLECTIONS, isFinal, itemDocId, stepDocId, type ItemRecord, type RunPeople, type RunRecord, type StepState } from './run';
import { DEFAULT_ENGINE_SETTINGS, ONE_SHOT_ACTIONS, ONE_SHOT_STEPS, RUNNERS, type EngineSettings, type OneShotStep, type StepContext, type StepRunner } from './steps';
import type { Ledger } from './steps/context';
import { settleInDoubt, type OneShotAction } from './steps/one-shot';
import type { PassVault } from './reinstate/pass-vault';

/** Containment goes before everything else in the gateways' and the governor's queues (priority.ts). */
const CONTAINMENT = new Set<StepKind>(['block-sign-in', 'reset-password', 'revoke-sessions']);

/** A drive's run slot: taken once it reaches the steps past containment (release undefined: stopped while waiting). */
interface RunSlot {
  taken?: boolean;
  release?: () => void;
}

/** How often a drive reads the stored run and request for a stop made elsewhere (another process or instance). */
const STOP_READ_INTERVAL_MS = 1000;

/** Steps whose targets' facts the ledger keeps besides the one-shot ones (read at run time, not in the plan). */
const KEEPS_TARGET_DATA = new Set<StepKind>(['remove-direct-licences']);

/** Licence steps fail (not skip) when the mailbox never reported shared: IT must act on licences left in place. */
const FAIL_WHEN_BLOCKED: StepKind[] = ['remove-direct-licences', 'leave-licence-groups'];

export interface ProgressEvent {
  runId: string;
  requestId: string;
  /** 'item': a target finished inside a running step (counts moved). */
  kind: 'run' | 'step' | 'item';
  step?: StepState;
  run?: RunRecord;
}

export interface ExecutorDeps {
  store: Store;
  graph: GraphPort;
  exchange: ExchangePort;
  audit?: Audit;
  logger?: Logger;
  settings?: Partial<EngineSettings>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Steps in flight at once (default: no limit; the gateways bound the requests). 1 runs them one at a time. */
  maxConcurrentSteps?: number;
  /**
   * Runs past containment at once (MAX_CONCURRENT_RUNS; default: no limit). Containment (block sign-in → reset
   * password → revoke sessions) never waits for a slot: a batch of 500 can't hold the 501st leaver's sign-in block
   * behind 499 runs' group removals. A run takes a slot for the rest of its steps, and keeps it to its end.
   */
  runSlots?: Limiter;
  /**
   * Runs in containment at once (default: no limit): enough to use the whole identity-write budget, few enough that
   * a batch doesn't hold hundreds of built requests waiting in the governor at once. First come, first contained.
   */
  containmentSlots?: Limiter;
  /** A reinstatement's Temporary Access Pass waits here for the requester's click (reinstate/pass-vault.ts). */
  passes?: PassVault;
  /** Replaces runners (tests inject failures or crashes). */
  runners?: Partial<Record<StepKind, StepRunner>>;
  /** Replaces how a one-shot step's actions are settled on resume (tests, with the runners that send them). */
  oneShotActions?: Partial<Record<OneShotStep, (ports: { graph: GraphPort; exchange: ExchangePort }, people: RunPeople) => OneShotAction>>;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Run ownership when several instances share the store (leases.ts): a drive first takes its run's lease, writes
   * with its fence and sends only while it holds it. Absent: this process owns every run (no leases, no fences).
   */
  leases?: Leases;
}

/** Another instance holds the run's lease and drives it: this drive did nothing. */
export class RunHeldElsewhereError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} is driven elsewhere (another instance holds its lease)`);
    this.name = 'RunHeldElsewhereError';
  }
}

export interface RunView {
  run: RunRecord;
  steps: StepState[];
}

type Versioned<T> = { value: T; etag: string };

/** 24 characters from four classes: meets Entra's complexity rules; shown to nobody. */
export function randomPassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!@#$%^&*-_=+?'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  for (const byte of randomBytes(20)) {
    chars.push(all[byte % all.length]!);
  }
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

const emptyCounts = () => ({ total: 0, done: 0, failed: 0, skipped: 0, requested: 0 });

export class Executor {
  private readonly settings: EngineSettings;
  private readonly active = new Map<string, Promise<RunView>>();
  /** Runs stopped in this process: checked synchronously before each step starts (the run record says it to others). */
  private readonly stops = new Set<string>();
  /** Wakes a run waiting for a run slot when it is stopped here (it then ends without taking the slot). */
  private readonly stopSignals = new Map<string, () => void>();
  /** The step states of the runs driven here, to count the steps in flight when a stop comes. */
  private readonly live = new Map<string, Map<StepKind, StepState>>();
  /** Whoever owns the runs' requests says whether one was stopped (the request's status is the truth: see stopWhen). */
  private stopRequested?: (requestId: string) => Promise<boolean>;
  private readonly audit: Audit;
  /** Step document id → the etag this process last wrote (steps are written by their run's one driver). */
  private readonly stepEtags = new Map<string, string>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly deps: ExecutorDeps) {
    this.settings = { ...DEFAULT_ENGINE_SETTINGS, ...deps.settings };
    this.audit = deps.audit ?? new Audit(deps.store, deps.logger);
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = deps.now ?? Date.now;
  }

  /** Persists a new run for an approved plan (all steps pending) and drives it to its end. */
  start(input: { runId: string; requestId: string; plan: Plan; people: RunPeople; stop?: RunRecord['stop']; lease?: Lease }): Promise<RunView> {
    return this.withLease(input.runId, input.lease, (lease) => this.create(input, lease));
  }

  private async create(input: { runId: string; requestId: string; plan: Plan; people: RunPeople; stop?: RunRecord['stop'] }, lease: Lease | undefined): Promise<RunView> {
    const run: RunRecord = {
      id: input.runId,
      requestId: input.requestId,
      plan: input.plan,
      people: input.people,
      status: 'running',
      startedAt: new Date(this.now()).toISOString(),
      attempt: 0,
      // Stopped before its run was created (a cancel that came while it waited for a slot): no step starts.
      ...(input.stop ? { stop: input.stop } : {}),
    };
    await this.put(lease, COLLECTIONS.runs, run.id, run, null);
    // All at once: on a shared store each is a round trip. A crash part-way leaves some missing: the drive takes a
    // plan step without a stored state as pending (driveOnce).
    await Promise.all(
      input.plan.steps.map(async (step) => {
        const state: StepState = { kind: step.kind, status: 'pending', counts: emptyCounts(), attempts: 0 };
        const id = stepDocId(run.id, step.kind);
        this.stepEtags.set(id, await this.put(lease, COLLECTIONS.steps, id, state, null));
      }),
    );
    await this.audit.record({ kind: 'run', requestId: run.requestId, runId: run.id, data: { event: 'started', steps: input.plan.steps.length } });
    return this.drive(run.id, lease);
  }

  /**
   * Drives a run to its end; joins the drive already under way for it in this process. With leases, the drive holds
   * the run's lease (`lease`, handed over by its caller, or taken here: RunHeldElsewhereError when another instance has
   * it) and rejects with LeaseLostError, having recorded no end, once it loses it.
   */
  drive(runId: string, lease?: Lease): Promise<RunView> {
    const existing = this.active.get(runId);
    if (existing) {
      return existing;
    }
    const driving = this.withLease(runId, lease, (held) => this.driveInSlots(runId, held)).finally(() => {
      this.active.delete(runId);
      this.forgetStepEtags(runId);
    });
    this.active.set(runId, driving);
    return driving;
  }

  /** Whether runs are owned by lease (several instances may share the store). */
  get leasing(): boolean {
    return this.deps.leases !== undefined;
  }

  /**
   * Takes the run's lease (advancing its fence) for a caller that hands it to start/drive/resume/retryFailed and
   * releases it itself; undefined without leases. Throws RunHeldElsewhereError when another holder has it.
   */
  async own(runId: string): Promise<Lease | undefined> {
    if (!this.deps.leases) {
      return undefined;
    }
    const lease = await this.deps.leases.acquire(runLeaseName(runId), runId);
    if (!lease) {
      throw new RunHeldElsewhereError(runId);
    }
    return lease;
  }

  /**
   * Runs `work` under the run's lease: the one given (its giver releases it), else one taken here and released at the
   * end. A failure once the lease is gone is a LeaseLostError: whatever broke, the run is someone else's now.
   */
  private withLease<T>(runId: string, given: Lease | undefined, work: (lease: Lease | undefined) => Promise<T>): Promise<T> {
    // Without leases, exactly as before: not a microtask added.
    return this.deps.leases ? this.underLease(runId, given, work) : work(undefined);
  }

  /**
   * The lease goes explicitly to everything the work starts (steps, ledgers, ports): a step still in flight when its
   * drive ended (lost) keeps checking the lease it started under, never an absent or a later one.
   */
  private async underLease<T>(runId: string, given: Lease | undefined, work: (lease: Lease) => Promise<T>): Promise<T> {
    const lease = given ?? (await this.own(runId))!;
    // A drive waiting for a slot wakes up, and finds it can write nothing more.
    lease.onLost(() => this.stopSignals.get(runId)?.());
    try {
      return await work(lease);
    } catch (err) {
      throw lease.held() || err instanceof LeaseLostError ? err : new LeaseLostError(lease.name);
    } finally {
      if (!given) {
        await lease.release();
      }
    }
  }

  /** On start-up: every run not finished (the process died under it) resumes by itself. */
  async resumeUnfinished(): Promise<string[]> {
    const runs = await this.deps.store.list<RunRecord>(COLLECTIONS.runs);
    const unfinished = runs.filter((r) => r.value.status === 'running').map((r) => r.id);
    for (const id of unfinished) {
      this.deps.logger?.warn({ runId: id }, 'resuming an unfinished run');
      this.drive(id).catch((err: unknown) =>
        err instanceof RunHeldElsewhereError || err instanceof LeaseLostError ? this.deps.logger?.warn({ err, runId: id }, 'resumed run left to its owner') : this.deps.logger?.error({ err, runId: id }, 'resumed run failed'),
      );
    }
    return unfinished;
  }

  /** Failed steps, and the steps skipped because of them, go back to pending and the run is driven again. */
  async retryFailed(runId: string, lease?: Lease): Promise<RunView> {
    if (this.active.has(runId)) {
      return this.active.get(runId)!;
    }
    return this.withLease(runId, lease, async (held) => {
      const view = await this.view(runId);
      const again = await this.resetFailed(view, held);
      if (again.length === 0) {
        return view;
      }
      this.stops.delete(runId);
      await this.updateRun(runId, (r) => ({ ...r, status: 'running', endedAt: undefined }), held);
      await this.audit.record({ kind: 'run', runId, requestId: view.run.requestId, data: { event: 'retry', steps: again } });
      return this.drive(runId, held);
    });
  }

  /**
   * The request's own record of a stop, read on a drive's first pass and then at most once a second: a stop written
   * while a run was being created, resumed or retried (when the run record had no stop to keep, or had it cleared), or
   * by another instance, still stops it. (A run parked for a run slot sees another instance's stop once it has one;
   * a stop made in this process wakes it at once.)
   */
  stopWhen(check: (requestId: string) => Promise<boolean>): void {
    this.stopRequested = check;
  }

  /**
   * Stops a run: no new step starts; the steps in flight (and steps found running after a crash) run to their end;
   * then the run ends 'stopped' when steps are left pending, else as it would have. Persisted on the run, so a drive in
   * another process, or after a restart, obeys it too. Resolves with the number of steps in flight now.
   */
  async stop(runId: string, by?: string): Promise<{ inFlight: number }> {
    this.stops.add(runId);
    this.stopSignals.get(runId)?.();
    const at = new Date(this.now()).toISOString();
    let run: RunRecord | undefined;
    for (let attempt = 0; attempt < 5 && !run; attempt++) {
      if (!(await this.deps.store.get<RunRecord>(COLLECTIONS.runs, runId))) {
        return { inFlight: 0 }; // not created yet: the caller starts it stopped (start's `stop`)
      }
      // Unfenced: any instance may stop a run (a compare-and-swap on the run; its owner reads it).
      run = await this.updateRun(runId, (r) => (r.status === 'running' && !r.stop ? { ...r, stop: { at, ...(by ? { by } : {}) } } : r), 'any').catch((err: unknown) => {
        if (err instanceof ConflictError) {
          return undefined; // the drive wrote the run at the same moment: read it again
        }
        throw err;
      });
    }
    if (!run) {
      throw new Error(`could not stop run ${runId}: it kept changing`);
    }
    if (run.status !== 'running') {
      this.stops.delete(runId); // it had ended: nothing to stop (a retry later must not find a stale stop)
      return { inFlight: 0 };
    }
    await this.audit.record({ kind: 'run', runId, requestId: run.requestId, data: { event: 'stop', by: by ?? null } });
    const local = this.live.get(runId);
    const inFlight = local ? [...local.values()].filter((s) => s.status === 'running').length : (await this.view(runId)).steps.filter((s) => s.status === 'running').length;
    return { inFlight };
  }

  /**
   * Resumes a stopped run. First every one-shot target in doubt (recorded as being sent, no outcome) is settled from
   * the service's own record, before anything is sent; then failed steps and the steps skipped because of them go back
   * to pending (as in retryFailed), and the pending steps run. Safe to call again after a crash at any point: the run
   * stays 'stopped' until the settling and the reset are written, and both are idempotent.
   */
  async resume(runId: string, lease?: Lease): Promise<RunView> {
    await this.active.get(runId)?.catch(() => undefined); // the stopped drive may still be writing its end
    return this.withLease(runId, lease, async (held) => {
      const view = await this.view(runId);
      if (view.run.status === 'running') {
        this.stops.delete(runId);
        await this.updateRun(runId, (r) => ({ ...r, stop: undefined }), held);
        return this.drive(runId, held);
      }
      if (view.run.status !== 'stopped') {
        return view;
      }
      const settled = await this.settleInDoubt(view, held);
      const again = await this.resetFailed(await this.view(runId), held);
      this.stops.delete(runId);
      await this.updateRun(runId, (r) => ({ ...r, status: 'running', stop: undefined, endedAt: undefined }), held);
      await this.audit.record({ kind: 'run', runId, requestId: view.run.requestId, data: { event: 'resumed', settled, retried: again } });
      return this.drive(runId, held);
    });
  }

  /** Failed steps, and those skipped because of them, back to pending; returns their kinds. */
  private async resetFailed(view: RunView, lease: Lease | undefined): Promise<StepKind[]> {
    const again = view.steps.filter((s) => s.status === 'failed' || s.blocked);
    for (const state of again) {
      await this.writeStep(view.run.id, { ...state, status: 'pending', blocked: undefined, reason: undefined, error: undefined, endedAt: undefined }, lease);
    }
    return again.map((s) => s.kind);
  }

  /** Settles every one-shot target in doubt from Microsoft 365's own record (one-shot.ts); sends nothing. */
  private async settleInDoubt(view: RunView, lease: Lease | undefined): Promise<number> {
    let count = 0;
    for (const kind of ONE_SHOT_STEPS) {
      const step = view.run.plan.steps.find((s) => s.kind === kind);
      const state = view.steps.find((s) => s.kind === kind);
      if (!step || !state || step.skip !== undefined) {
        continue;
      }
      const { ledger, items } = await this.ledgerFor(view.run, step, state, lease);
      // Targets read at run time are not in the plan: the ledger keeps what settling needs.
      const targets = [...items].map(([id, { value }]): Target => step.targets.find((t) => t.id === id) ?? { id, label: value.label, ...(value.data ? { data: value.data } : {}) });
      const action = (this.deps.oneShotActions?.[kind] ?? ONE_SHOT_ACTIONS[kind])(this.ports(lease), view.run.people);
      const settled = await withAuditScope({ requestId: view.run.requestId, runId: view.run.id, stepId: kind }, () => settleInDoubt(this.context(view.run, step, ledger, lease), targets, action));
      count += settled;
      if (settled > 0 && isFinal(state.status)) {
        // The step's outcome follows its targets (all settled: it need not run again; else it is retried, reading first).
        await this.writeStep(view.run.id, { ...state, followUps: undefined, ...outcome(items) }, lease);
      }
    }
    return count;
  }

  async view(runId: string): Promise<RunView> {
    const run = await this.deps.store.get<RunRecord>(COLLECTIONS.runs, runId);
    if (!run) {
      throw new Error(`no run ${runId}`);
    }
    const steps = await this.deps.store.list<StepState>(COLLECTIONS.steps, `${runId}/`);
    const order = new Map(run.value.plan.steps.map((s, i) => [s.kind, i]));
    return { run: run.value, steps: steps.map((s) => s.value).sort((a, b) => order.get(a.kind)! - order.get(b.kind)!) };
  }

  /**
   * A drive that reaches the steps past containment without a run slot parks: it lets go of the run's state (its
   * plan, its steps) while it waits, and takes the run up again from the store once it has one. Hundreds of runs
   * waiting for a slot hold nothing but a promise.
   */
  private async driveInSlots(runId: string, lease: Lease | undefined): Promise<RunView> {
    const slot: RunSlot = {};
    try {
      let driven = await this.driveOnce(runId, slot, lease);
      while (driven === 'parked') {
        slot.release = await this.slot(runId, this.deps.runSlots!); // undefined when stopped: the drive ends stopped
        slot.taken = true;
        driven = await this.driveOnce(runId, slot, lease, true);
      }
      return driven;
    } finally {
      slot.release?.();
    }
  }

  private async driveOnce(runId: string, slot: RunSlot, lease: Lease | undefined, again = false): Promise<RunView | 'parked'> {
    // Taking the run up again after waiting for a slot is not a new attempt.
    const run = again ? (await this.deps.store.get<RunRecord>(COLLECTIONS.runs, runId))!.value : await this.updateRun(runId, (r) => ({ ...r, attempt: r.attempt + 1 }), lease);
    const plan = run.plan;
    const states = new Map<StepKind, StepState>();
    // Steps found running were in flight when the process died: a stop lets them run to their end.
    const inFlight = new Set<StepKind>();
    for (const { value } of await this.deps.store.list<StepState>(COLLECTIONS.steps, `${runId}/`)) {
      // A step found running was cut short by a crash: run it again (its targets' ledger makes that safe).
      if (value.status === 'running') {
        inFlight.add(value.kind);
      }
      states.set(value.kind, value.status === 'running' ? { ...value, status: 'pending' } : value);
    }
    for (const step of plan.steps) {
      if (!states.has(step.kind)) {
        states.set(step.kind, { kind: step.kind, status: 'pending', counts: emptyCounts(), attempts: 0 });
      }
    }
    const byKind = new Map(plan.steps.map((s) => [s.kind, s]));
    const urgent = criticalSteps(plan);
    const running = new Map<StepKind, Promise<void>>();
    this.live.set(runId, states);
    let stopped = run.stop !== undefined;
    let releaseContainment: (() => void) | undefined;
    let parked = false;
    let stopReadAt = -Infinity;
    /** A step that threw (the store, or the lease lost): the drive ends with it. */
    let failure: { err: unknown } | undefined;

    try {
      await withAuditScope({ requestId: run.requestId, runId }, async () => {
        for (;;) {
          if (failure) {
            throw failure.err;
          }
          // Lost: no new step starts (nor any write: the fenced writes check it too).
          lease?.assertHeld();
          // A stop written by another process (or before a restart) shows on the run record or the request: read on a
          // drive's first pass, then at most once a second (both records hold the plan; a pass per finished step reading
          // them made most of a large batch's garbage). A stop made here is seen at once (`stops`).
          stopped ||= this.stops.has(runId);
          if (!stopped && Date.now() - stopReadAt >= STOP_READ_INTERVAL_MS) {
            stopReadAt = Date.now();
            stopped = (await this.deps.store.get<RunRecord>(COLLECTIONS.runs, runId))?.value.stop !== undefined || ((await this.stopRequested?.(run.requestId)) ?? false);
          }
          const phase = stopped ? undefined : this.phaseOf(plan, states);
          if (phase === 'containment' && !releaseContainment && this.deps.containmentSlots) {
            releaseContainment = await this.slot(runId, this.deps.containmentSlots);
            continue; // a stop may have come while it waited
          }
          if (phase !== 'containment' && releaseContainment) {
            releaseContainment(); // contained (or stopped): the next run's containment goes
            releaseContainment = undefined;
          }
          if (phase === 'rest' && !slot.taken && this.deps.runSlots && running.size === 0) {
            slot.release = this.deps.runSlots.tryHold();
            slot.taken = slot.release !== undefined;
            if (!slot.taken) {
              parked = true;
              break;
            }
          }
          // A pass may await (persisting a skip) while running steps end: another pass follows whenever anything moved.
          let moved = false;
          for (const step of plan.steps) {
            const state = states.get(step.kind)!;
            if (state.status !== 'pending') {
              continue;
            }
            if (step.skip !== undefined) {
              states.set(step.kind, await this.finish(run, step, { ...state, status: 'skipped', reason: step.skip }, lease));
              moved = true;
              continue;
            }
            const deps = step.dependsOn.map((k) => ({ step: byKind.get(k)!, state: states.get(k)! }));
            const broken = deps.find((d) => (d.state.status === 'failed' || d.state.blocked) && !step.orderOnly?.includes(d.step.kind));
            if (broken) {
              const reason = `not run: "${broken.step.title}" ${broken.state.status === 'failed' ? 'failed' : 'did not run'}`;
              const status = FAIL_WHEN_BLOCKED.includes(step.kind) ? 'failed' : 'skipped';
              states.set(step.kind, await this.finish(run, step, { ...state, status, reason, blocked: true }, lease));
              moved = true;
              continue;
            }
            if (deps.every((d) => isFinal(d.state.status)) && running.size < (this.deps.maxConcurrentSteps ?? Infinity)) {
              // Stopped: no new step starts (checked right before it starts, with nothing awaited in between).
              if ((stopped || this.stops.has(runId)) && !inFlight.has(step.kind)) {
                continue;
              }
              inFlight.delete(step.kind);
              moved = true;
              const started: StepState = { ...state, status: 'running', attempts: state.attempts + 1, startedAt: new Date(this.now()).toISOString() };
              states.set(step.kind, started);
              await this.writeStep(runId, started, lease);
              this.emit({ runId, requestId: run.requestId, kind: 'step', step: started });
              running.set(
                step.kind,
                (CONTAINMENT.has(step.kind) ? withPriority(() => this.runStep(run, step, started, lease), 'containment') : urgent.has(step.kind) ? withPriority(() => this.runStep(run, step, started, lease)) : this.runStep(run, step, started, lease)).then(
                  (final) => {
                    states.set(step.kind, final);
                    running.delete(step.kind);
                  },
                  (err: unknown) => {
                    failure ??= { err };
                    running.delete(step.kind);
                  },
                ),
              );
            }
          }
          if (running.size === 0) {
            if (!moved) {
              break;
            }
            continue;
          }
          await Promise.race(running.values());
        }
      });
    } finally {
      // Also when the store or a step throws: a containment slot lost would stop every later containment.
      releaseContainment?.();
      this.live.delete(runId);
      // A drive that failed waits for its steps still in flight before its lease goes: released early, the next owner
      // would take it at once, with no reason to wait before settling a one-shot action that is still on its way.
      if (running.size > 0) {
        await Promise.allSettled([...running.values()]);
      }
    }
    if (parked) {
      return 'parked';
    }
    const failed = [...states.values()].some((s) => s.status === 'failed');
    // Steps are left pending only when a stop kept them from starting.
    const left = [...states.values()].some((s) => s.status === 'pending');
    const ended = await this.updateRun(runId, (r) => ({ ...r, status: left ? 'stopped' : failed ? 'completed-with-failures' : 'completed', endedAt: new Date(this.now()).toISOString() }), lease);
    await this.audit.record({ kind: 'run', requestId: run.requestId, runId, data: { event: 'ended', status: ended.status } });
    this.emit({ runId, requestId: run.requestId, kind: 'run', run: ended });
    return this.view(runId);
  }

  /** Which slot a run needs now: containment's while a containment step is left to run, then the rest's. */
  private phaseOf(plan: Plan, states: Map<StepKind, StepState>): 'containment' | 'rest' | undefined {
    const left = (s: PlannedStep): boolean => s.skip === undefined && !isFinal(states.get(s.kind)!.status);
    if (plan.steps.some((s) => CONTAINMENT.has(s.kind) && left(s))) {
      return 'containment';
    }
    return plan.steps.some((s) => !CONTAINMENT.has(s.kind) && left(s)) ? 'rest' : undefined;
  }

  /**
   * Waits for a slot; a stop made here meanwhile ends the wait (the slot, when it comes, is handed straight back).
   * Returns the slot's release, or undefined when stopped.
   */
  private async slot(runId: string, slots: Limiter): Promise<(() => void) | undefined> {
    const holding = slots.hold();
    const stopped = new Promise<undefined>((resolve) => {
      this.stopSignals.set(runId, () => resolve(undefined));
      if (this.stops.has(runId)) {
        resolve(undefined); // stopped between the drive's last look and now
      }
    });
    const slot = await Promise.race([holding, stopped]);
    this.stopSignals.delete(runId);
    if (!slot) {
      void holding.then((release) => release());
    }
    return slot;
  }

  private async runStep(run: RunRecord, step: PlannedStep, state: StepState, lease: Lease | undefined): Promise<StepState> {
    // Its first attempt ever (just counted): no target of it can have a record yet, so none is read.
    const { ledger, items } = await this.ledgerFor(run, step, state, lease, state.attempts === 1);
    const runner = this.deps.runners?.[step.kind] ?? (step.kind === 'groups-left-in-place' ? undefined : RUNNERS[step.kind]);
    const ctx = this.context(run, step, ledger, lease);
    let crash: M365Error | undefined;
    // Counted across attempts: a retry adds to what the first attempt made.
    const calls = { count: state.calls?.count ?? 0, ...(state.calls?.lastRequestId ? { lastRequestId: state.calls.lastRequestId } : {}) };
    try {
      await withAuditScope({ stepId: step.kind }, () => withCallTally(calls, () => (runner ? runner(ctx) : Promise.resolve())));
    } catch (err) {
      if (err instanceof LeaseLostError) {
        throw err; // not the step's failure: the run is someone else's now
      }
      // A failure outside any target (e.g. reading targets at run time) fails the whole step.
      crash = err instanceof M365Error ? err : new M365Error({ service: 'graph', status: 0, code: 'UnexpectedError', message: err instanceof Error ? err.message : String(err) });
      this.deps.logger?.error({ err, runId: run.id, step: step.kind }, 'step failed outside its targets');
    }
    return this.finish(run, step, { ...state, ...outcome(items, crash), ...(calls.count > 0 ? { calls } : {}) }, lease);
  }

  /** The step's targets' records, and the ledger that reads and writes them (the idempotency record). */
  private async ledgerFor(run: RunRecord, step: PlannedStep, state: StepState, lease: Lease | undefined, fresh = false): Promise<{ ledger: Ledger; items: Map<string, Versioned<ItemRecord>> }> {
    const items = new Map<string, Versioned<ItemRecord>>();
    for (const doc of fresh ? [] : await this.deps.store.list<ItemRecord>(COLLECTIONS.items, `${run.id}/${step.kind}/`)) {
      items.set(doc.id.slice(`${run.id}/${step.kind}/`.length), doc);
    }
    // A one-shot action's facts settle it later; a removed licence's turned-off plans let a reinstatement assign it again.
    const oneShot = (ONE_SHOT_STEPS as StepKind[]).includes(step.kind) || KEEPS_TARGET_DATA.has(step.kind);
    const ledger: Ledger = {
      previous: (targetId) => items.get(targetId)?.value,
      record: async (target: Target, record) => {
        const value: ItemRecord = { ...record, label: target.label, ...(oneShot && target.data ? { data: target.data } : {}), at: new Date(this.now()).toISOString() };
        const id = itemDocId(run.id, step.kind, target.id);
        const etag = await this.put(lease, COLLECTIONS.items, id, value, items.get(target.id)?.etag ?? null);
        items.set(target.id, { value, etag });
        // The audit log is written in batches a moment later; the run doesn't wait for it.
        void this.audit.record({ kind: 'target', stepId: step.kind, m365RequestId: record.error?.requestId, data: { target: target.id, label: target.label, status: record.status, detail: record.detail } });
        if (record.status !== 'sent') {
          // 'sent' is bookkeeping before the request leaves; progress moves when the answer (or the settling) comes.
          this.emit({ runId: run.id, requestId: run.requestId, kind: 'item', step: { ...state, counts: countItems(items) } });
        }
      },
    };
    return { ledger, items };
  }

  private context(run: RunRecord, step: PlannedStep, ledger: Ledger, lease: Lease | undefined): StepContext {
    const settleNotBefore = lease?.settleNotBefore;
    return {
      runId: run.id,
      requestId: run.requestId,
      step,
      plan: run.plan,
      people: run.people,
      options: run.plan.options,
      ...this.ports(lease),
      ledger,
      settings: this.settings,
      sleep: this.sleep,
      now: this.now,
      newPassword: randomPassword,
      ...(this.deps.passes ? { passes: this.deps.passes } : {}),
      ...(settleNotBefore !== undefined ? { settleNotBefore } : {}),
    };
  }

  /** The Microsoft 365 ports of a run: each request checks its lease first, when it has one. */
  private ports(lease: Lease | undefined): { graph: GraphPort; exchange: ExchangePort } {
    const ports = { graph: this.deps.graph, exchange: this.deps.exchange };
    return lease ? guardedPorts(ports, lease) : ports;
  }

  /** A write of the run (its record, steps, targets), with its lease's fence when it has one. */
  private put<T>(lease: Lease | undefined, collection: string, id: string, value: T, etag: string | null): Promise<string> {
    if (this.deps.leases && !lease) {
      return Promise.reject(new Error(`a write to ${collection}/${id} without the run's lease`)); // a bug, never a stale owner's write
    }
    // Without a lease, the store's own promise: the same timing as before leases.
    return lease ? this.fencedPut(lease, collection, id, value, etag) : this.deps.store.put(collection, id, value, etag);
  }

  private async fencedPut<T>(lease: Lease, collection: string, id: string, value: T, etag: string | null): Promise<string> {
    lease.assertHeld();
    try {
      return await this.deps.store.put(collection, id, value, etag, lease.fence);
    } catch (err) {
      if (err instanceof FencedError || !lease.held()) {
        throw new LeaseLostError(lease.name);
      }
      throw err;
    }
  }

  private async finish(run: RunRecord, step: PlannedStep, state: StepState, lease: Lease | undefined): Promise<StepState> {
    const final: StepState = { ...state, endedAt: new Date(this.now()).toISOString() };
    await this.writeStep(run.id, final, lease);
    void this.audit.record({ kind: 'step', stepId: step.kind, m365RequestId: final.error?.requestId, data: { status: final.status, reason: final.reason, counts: final.counts, error: final.error } });
    this.emit({ runId: run.id, requestId: run.requestId, kind: 'step', step: final });
    return final;
  }

  /** Replaces a step's state; the etag of this process's last write saves reading it first (read again on a conflict). */
  private async writeStep(runId: string, state: StepState, lease: Lease | undefined): Promise<void> {
    const id = stepDocId(runId, state.kind);
    const known = this.stepEtags.get(id);
    if (known !== undefined) {
      this.stepEtags.delete(id);
      try {
        this.stepEtags.set(id, await this.put(lease, COLLECTIONS.steps, id, state, known));
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          throw err;
        }
      }
    }
    const current = await this.deps.store.get<StepState>(COLLECTIONS.steps, id);
    this.stepEtags.set(id, await this.put(lease, COLLECTIONS.steps, id, state, current?.etag ?? null));
  }

  private forgetStepEtags(runId: string): void {
    for (const id of this.stepEtags.keys()) {
      if (id.startsWith(`${runId}/`)) {
        this.stepEtags.delete(id);
      }
    }
  }

  /** `lease` 'any': a stop, which any instance may write. */
  private async updateRun(runId: string, change: (r: RunRecord) => RunRecord, lease: Lease | undefined | 'any'): Promise<RunRecord> {
    const current = await this.deps.store.get<RunRecord>(COLLECTIONS.runs, runId);
    if (!current) {
      throw new Error(`no run ${runId}`);
    }
    const next = change(current.value);
    await (lease === 'any' ? this.deps.store.put(COLLECTIONS.runs, runId, next, current.etag) : this.put(lease, COLLECTIONS.runs, runId, next, current.etag));
    return next;
  }

  private emit(event: ProgressEvent): void {
    try {
      this.deps.onProgress?.(event);
    } catch (err) {
      this.deps.logger?.warn({ err }, 'progress listener failed');
    }
  }
}

function countItems(items: Map<string, Versioned<ItemRecord>>): StepState['counts'] {
  const counts = emptyCounts();
  for (const { value } of items.values()) {
    counts.total++;
    if (value.status === 'done') {
      counts.done++;
    } else if (value.status === 'requested') {
      counts.requested++;
    } else if (value.status === 'failed') {
      counts.failed++;
    } else if (value.status === 'skipped') {
      counts.skipped++;
    }
    // 'sent': in flight, counted only in the total until its answer (or its settling) comes.
  }
  return counts;
}

/** The step's end state from its targets' results. */
export function outcome(items: Map<string, Versioned<ItemRecord>>, crash?: M365Error): Pick<StepState, 'status' | 'reason' | 'counts' | 'error' | 'followUps'> {
  const counts = countItems(items);
  const records = [...items.values()].map((i) => i.value);
  const firstFailure = records.find((r) => r.status === 'failed' || r.status === 'sent');
  const followUps = records.flatMap((r) => (r.followUp ? [r.followUp] : []));
  const extra = followUps.length > 0 ? { followUps } : {};
  if (crash) {
    return { status: 'failed', counts, reason: crash.summary(), error: crash.toJSON(), ...extra };
  }
  if (firstFailure) {
    // A target still 'sent' when its step ends never got an outcome: in doubt, so a failure (a retry settles it).
    counts.failed += records.filter((r) => r.status === 'sent').length;
    return { status: 'failed', counts, reason: `${counts.failed} of ${counts.total} failed; first: ${firstFailure.label}: ${firstFailure.detail ?? 'failed'}`, error: firstFailure.error, ...extra };
  }
  if (counts.total === 0) {
    return { status: 'skipped', counts, reason: 'nothing to do' };
  }
  const notes = new Map<string, number>();
  for (const r of records) {
    if (r.detail) {
      notes.set(r.detail, (notes.get(r.detail) ?? 0) + 1);
    }
  }
  const detail = [...notes].map(([d, n]) => (counts.total > 1 ? `${n} ${d}` : d)).join('; ');
  // Every target skipped (e.g. Exchange refused an attribute mastered on-premises): the step did nothing, so it says so.
  return { status: counts.skipped === counts.total ? 'skipped' : 'done', counts, reason: detail || undefined, ...extra };
}
