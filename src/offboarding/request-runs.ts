// The run use case: a running request's drive of the engine (one per request in this process), and how the run's end
// reaches the request (completed, completed with failures, stopped), its leaver's claim and Teams. Started, resumed
// after a crash or a stop, or retried (failed steps) by the service; a reinstatement will run through here too.
// With leases (several instances on one store) the run's lease is held from before the request is read until Teams
// is told how it ended: a run driven elsewhere is left alone (no card, no end), and of two instances only one ever
// records a run's end and posts its summary. A drive that loses its lease records nothing: its new owner will.
import { LeaseLostError, type Lease } from '../store/leases';
import { ConflictError, type Store } from '../store/store';
import type { Audit } from './audit';
import { RunHeldElsewhereError, type RunView } from './executor';
import * as lifecycle from './requests';
import type { OffboardingRequest } from './requests';
import type { RequestNotifier, ServiceDeps } from './service';

type Change = (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal;

export interface RequestRunsDeps extends Pick<ServiceDeps, 'engine' | 'logger'> {
  store: Store;
  audit: Audit;
  /** The collection of open-request claims by leaver (the service's OPEN_BY_LEAVER). */
  claims: string;
  now: () => Date;
  get: (id: string) => Promise<OffboardingRequest | undefined>;
  /** The service's compare-and-swap update of a request (retries lost races; `change` may refuse). */
  update: (id: string, change: Change) => Promise<{ ok: true; request: OffboardingRequest } | { ok: false; reason: string }>;
  /** Frees the leaver's claim of a request that ended. */
  release: (request: OffboardingRequest) => Promise<void>;
  notifier: () => RequestNotifier | undefined;
}

export class RequestRuns {
  private readonly drives = new Map<string, Promise<void>>();

  constructor(private readonly deps: RequestRunsDeps) {}

  /** The drives under way in this process (idle() waits for them). */
  get active(): Array<Promise<void>> {
    return [...this.drives.values()];
  }

  /** Whether a drive of this request is under way in this process. */
  driving(requestId: string): boolean {
    return this.drives.has(requestId);
  }

  /** Resolves when no drive of this request is under way here (a resume follows the drive that stopped, never joins it). */
  async ended(requestId: string): Promise<void> {
    while (this.drives.has(requestId)) {
      await this.drives.get(requestId)!.catch(() => undefined);
    }
  }

  /** Runs (or resumes) the engine for a running request, then records how it ended. One drive per request. */
  run(requestId: string): Promise<void> {
    const existing = this.drives.get(requestId);
    if (existing) {
      return existing;
    }
    // Runs past containment at once are bounded by the executor's run slots (MAX_CONCURRENT_RUNS), not here.
    const running = this.leftElsewhere(requestId, this.runOnce(requestId)).finally(() => this.drives.delete(requestId));
    this.drives.set(requestId, running);
    return running;
  }

  /**
   * The leaver's claim back (a retry): housekeeping finds open requests through their claims, so without it no other
   * instance would take this request over. One still there is fine; any other failure is worth a warning.
   */
  async reclaim(request: OffboardingRequest): Promise<void> {
    await this.deps.store.put(this.deps.claims, request.leaver.id, { requestId: request.id }, null).catch((err: unknown) => {
      if (!(err instanceof ConflictError)) {
        this.deps.logger?.warn({ err, requestId: request.id }, 'the leaver’s claim was not put back: other instances do not see this request until a retry puts it back');
      }
    });
  }

  /** Failed steps (and those skipped because of them) run again; the request was put back to running by the caller. */
  async retryFailed(request: OffboardingRequest): Promise<void> {
    await this.reclaim(request);
    await this.leftElsewhere(
      request.id,
      this.leased(request.runId!, async (lease) => {
        // Read again under the lease: another instance may have run this retry already (its housekeeping took it over).
        if (lease && (await this.deps.get(request.id))?.status !== 'running') {
          return;
        }
        const view = await this.deps.engine.executor.retryFailed(request.runId!, lease);
        await this.runEnded(request.id, view, lease);
      }),
    );
  }

  /** A run driven by another instance, or whose lease was lost mid-drive, is its owner's to finish: not a failure here. */
  private async leftElsewhere(requestId: string, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      if (err instanceof RunHeldElsewhereError) {
        this.deps.logger?.debug({ requestId }, 'run driven by another instance');
      } else if (err instanceof LeaseLostError) {
        this.deps.logger?.warn({ err, requestId }, 'the run’s lease was lost: another instance takes it over');
      } else {
        throw err;
      }
    }
  }

  /** Runs `work` holding the run's lease (none without leases), released once the request has been told. */
  private async leased(runId: string, work: (lease: Lease | undefined) => Promise<void>): Promise<void> {
    const lease = await this.deps.engine.executor.own(runId);
    if (lease?.settleNotBefore !== undefined) {
      // Operators see which instance carries on a run whose owner died or stalled (and when it settles what was sent).
      this.deps.logger?.info({ runId, settleNotBefore: new Date(lease.settleNotBefore).toISOString() }, 'run taken over: its last owner lost the lease without letting go');
    }
    try {
      await work(lease);
    } finally {
      await lease?.release();
    }
  }

  private async runOnce(requestId: string): Promise<void> {
    const found = await this.deps.get(requestId);
    // 'stopping': a stop came while it ran (or before its run was created); the run ends stopped.
    if (!found || (found.status !== 'running' && found.status !== 'stopping')) {
      return;
    }
    if (!this.deps.engine.executor.leasing) {
      return this.runLeased(found, undefined);
    }
    // Read again under the lease: its last owner may have ended it meanwhile.
    return this.leased(found.runId ?? found.id, async (lease) => {
      const request = await this.deps.get(requestId);
      if (request && (request.status === 'running' || request.status === 'stopping')) {
        await this.runLeased(request, lease);
      }
    });
  }

  private async runLeased(found: OffboardingRequest, lease: Lease | undefined): Promise<void> {
    const requestId = found.id;
    let request = found;
    if (!request.runId) {
      // A request stopped before its run was created keeps the same run id: its run is created stopped (below).
      const started = await this.deps.update(requestId, (r) =>
        r.runId ? { ok: true, value: r } : r.status === 'running' ? { ok: true, value: lifecycle.start(r, r.id, this.deps.now()) } : r.status === 'stopping' ? { ok: true, value: { ...r, runId: r.id } } : { ok: false, reason: r.status },
      );
      if (!started.ok) {
        return;
      }
      request = started.request;
    }
    const runId = request.runId ?? request.id;
    const executor = this.deps.engine.executor;
    const stop = request.status === 'stopping' && request.stop ? { at: request.stop.at, by: request.stop.by.id } : undefined;
    let view: RunView;
    const existing = await executor.view(runId).catch(() => undefined);
    if (existing && existing.run.status === 'stopped' && request.status === 'running') {
      // Resumed, but the process died before the run took it up: resume it now (settling first, as always).
      view = await executor.resume(runId, lease);
    } else if (existing && existing.run.status === 'completed-with-failures' && request.status === 'running' && Date.parse(request.retried?.at ?? '') > Date.parse(existing.run.endedAt ?? '')) {
      // A retry clicked after the run ended, whose drive never began here (another instance, or a process that died
      // in between): its failed steps run again now, as the click asked.
      await this.deps.store.put(this.deps.claims, request.leaver.id, { requestId }, null).catch(() => undefined);
      view = await executor.retryFailed(runId, lease);
    } else if (existing && existing.run.status !== 'running') {
      view = existing; // the run ended but the process died before the request was told
    } else {
      // Not awaited before the run starts: with many runs approved at once, posting the progress cards waits for the
      // Bot Connector's budget, and containment must not wait for it (the card follows; progress updates join it).
      const posted = this.deps
        .notifier()
        ?.started(request)
        .catch((err: unknown) => this.deps.logger?.warn({ err, requestId }, 'progress card not posted'));
      const people = { leaver: request.leaver, inheritor: request.inheritor, ...(request.manager ? { manager: request.manager } : {}) };
      if (existing && stop && !existing.run.stop) {
        await executor.stop(runId, stop.by); // the process died between stopping the request and its run
      }
      view = existing ? await executor.drive(runId, lease) : await executor.start({ runId, requestId, plan: request.plan, people, ...(stop ? { stop } : {}), ...(lease ? { lease } : {}) });
      await posted;
    }
    await this.runEnded(requestId, view, lease);
  }

  /**
   * The run ended: the request follows it. Completed (with failures or not) frees the leaver; stopped keeps the claim
   * until an operator resumes or closes it. A stop that came when nothing was left to start ends as the run did.
   */
  private async runEnded(requestId: string, view: RunView, lease?: Lease): Promise<void> {
    // Only the run's owner tells the request and Teams: one paused past its lease ends nothing (its successor does).
    lease?.assertHeld();
    const outcome = view.run.status === 'stopped' ? 'stopped' : view.run.status === 'completed' ? 'completed' : 'completed-with-failures';
    const ended = await this.deps.update(requestId, (r) => lifecycle.finish(r, outcome, this.deps.now()));
    const final = ended.ok ? ended.request : await this.deps.get(requestId);
    if (!final) {
      return;
    }
    if (ended.ok) {
      await this.deps.audit.record({ kind: 'request', requestId, data: { event: outcome, ...(outcome === 'stopped' ? { notRun: view.steps.filter((s) => s.status === 'pending').map((s) => s.kind) } : {}) } });
      if (lifecycle.isFinal(final)) {
        await this.deps.release(final);
      }
    }
    lease?.assertHeld();
    await this.deps.notifier()?.ended(final, view);
  }
}
