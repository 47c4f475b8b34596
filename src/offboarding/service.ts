// The conversation's use cases, with no Teams in them: starting (start.ts), deciding, cancelling, expiring, scheduling,
// running and retrying (request-runs.ts), reinstating (reinstate/). Every rule is checked against the stored request.
// Teams gets told what happened through the RequestNotifier port.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger';
import { Limiter } from '../m365/limiter';
import type { Leases } from '../store/leases';
import { ConflictError, type Store } from '../store/store';
import type { ProgressEvent, RunView } from './executor';
import { Housekeeping, releaseClaim, type DeliveryOutcome, type RequesterNews } from './housekeeping';
import { Decisions } from './decisions';
import * as lifecycle from './requests';
import type { Actor, ChannelData, OffboardingRequest } from './requests';
import { RequestRuns } from './request-runs';
import type { PassVault } from './reinstate/pass-vault';
import { Reinstatements } from './reinstate/use-case';
import type { Batch } from './batch/batch';
import { Batches } from './batch/use-case';
import { OffboardingStart, type Found, type Refused, type SubmitInput, type UseCaseDeps } from './start';
import { ScheduledStart } from './scheduled-start';
import { venueGroupId, venueRefusal, type Venue } from './venue';
import { tellScheduled } from './schedule-notice';
import { ZONE_CACHE_MS } from './time-zones';
import { canSee, mayShowHere, requestNotFound } from './visibility';

/** An approval is followed by its run's start within moments; one still approved this long after was left by a dead instance. */
const APPROVED_UNSTARTED_MS = 30_000;

export const REQUESTS = 'requests';
/** leaver id → the open request: one open request per leaver, enforced by compare-and-swap on create. */
export const OPEN_BY_LEAVER = 'open-by-leaver';
export { MAX_APPROVERS } from './approvers';
export { NOT_AN_OPERATOR } from './start';

/** What the Teams layer does when something happens to a request. */
export interface RequestNotifier {
  /** A step moved (called very often: the notifier coalesces and reads the request and run when it updates). */
  progress(requestId: string): void;
  /** Approved, rejected, cancelled or expired: update the approval cards, tell the thread. */
  decided(request: OffboardingRequest): Promise<void>;
  /** Running started (post the progress card; never rejects: the run doesn't wait for it), or the run ended (final card + summary). */
  started(request: OffboardingRequest): Promise<void>;
  ended(request: OffboardingRequest, view?: RunView): Promise<void>;
  /**
   * Approved for a later effective time: the requester and each approver are told when it runs, each in their own
   * time zone (request.zones, read at scheduling). Never throws. Optional: a notifier without it tells nobody.
   */
  scheduled?(request: OffboardingRequest): Promise<void>;
  /** Approvers of the request who have no approval card yet (from the Teams references kept on it). */
  approversWithoutCard(request: OffboardingRequest): string[];
  /** Sends these approvers their approval card (again); never throws. See housekeeping.ts. */
  deliverApprovals(request: OffboardingRequest, approverIds: string[]): Promise<Record<string, DeliveryOutcome>>;
  /** Tells the requester (the thread with a mention, else a 1:1 chat); resolves with where, or undefined. */
  tellRequester(request: OffboardingRequest, news: RequesterNews): Promise<'thread' | '1:1' | undefined>;
  /**
   * A scheduled request needs a new decision (scheduled-start.ts): the earlier approval cards say so, new ones (naming
   * what changed) go to the approvers, as after a submit (the outcome back through approvalsDelivered). Never throws.
   */
  reapprovalNeeded(request: OffboardingRequest): Promise<void>;
  /** A reinstatement's Temporary Access Pass is waiting: the requester gets a "Show pass" card (never the pass). */
  passReady?(request: OffboardingRequest): Promise<void>;
  /** A batch cut short mid-submit was finished at start-up: its cards, as after a submit. Never throws. */
  batchSubmitted?(batch: Batch, requests: OffboardingRequest[]): Promise<void>;
  /** At start-up: a batch whose requests all ended has no summary yet (`claimed`: claimed by a process that died). */
  batchSummaryDue?(batchId: string, requestId: string, claimed: boolean): Promise<void>;
}

export type { Found, Refused, SubmitInput } from './start';

export interface ServiceDeps extends UseCaseDeps {
  store: Store;
  /** Several instances on one store: who submits a batch (the engine has its own for runs). */
  leases?: Leases;
  /** A reinstatement's Temporary Access Pass between its creation and the requester's click (the engine's too). */
  passes?: PassVault;
  logger?: Logger;
  /** Resolves when users' turns in flight are answered: follow-up work waits for it (see TurnGate). */
  afterTurns?: () => Promise<void>;
  now?: () => Date;
  newId?: () => string;
}

const refused = (reason: string): Refused => ({ ok: false, reason });

export class OffboardingService {
  private notifier?: RequestNotifier;
  private readonly now: () => Date;
  private readonly newId: () => string;
  /** Running requests' drives, and how a run's end reaches its request (request-runs.ts). */
  private readonly requestRuns: RequestRuns;
  /** Follow-up work after answered clicks, a few at a time: a burst of clicks is answered first. */
  private readonly backgroundSlots = new Limiter(4);
  private ticking = false;
  /** Retries clicked here whose drive has not begun yet: their request is running, but no drive should take it over. */
  private readonly retrying = new Set<string>();
  private readonly housekeeping: Housekeeping;
  /** Scheduled requests at their effective time: planned again, then run or sent back for a new decision. */
  private readonly scheduledStart: ScheduledStart;
  /** `offboard`: who is meant, may they be offboarded, and the submit (start.ts). */
  private readonly starting: OffboardingStart;
  /** Approve, reject, expire: one request or a batch approval card's many (decisions.ts). */
  private readonly decisions: Decisions;
  /** `reinstate`: undoing an offboarding, as a request of its own kind (reinstate/use-case.ts). */
  readonly reinstatements: Reinstatements;
  /** Many leavers in one `offboard`, each a request of its own grouped by batch id (batch/use-case.ts). */
  readonly batches: Batches;

  constructor(private readonly deps: ServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => lifecycle.requestIdFrom(randomBytes(6)));
    this.housekeeping = new Housekeeping({
      store: deps.store,
      audit: deps.audit,
      logger: deps.logger,
      requests: REQUESTS,
      claims: OPEN_BY_LEAVER,
      now: this.now,
      notifier: () => this.notifier,
      update: (id, change) => this.update(id, change),
      // Not in the follow-up slots: a delivery may take 30 s, and clicks' follow-ups must not wait for it.
      background: (requestId, work) => this.track(requestId, this.afterTurns().then(work)),
    });
    this.requestRuns = new RequestRuns({
      engine: deps.engine,
      store: deps.store,
      audit: deps.audit,
      logger: deps.logger,
      claims: OPEN_BY_LEAVER,
      now: this.now,
      get: (id) => this.get(id),
      update: (id, change) => this.update(id, change),
      release: (request) => this.release(request),
      notifier: () => this.notifier,
    });
    this.scheduledStart = new ScheduledStart({
      engine: deps.engine,
      access: deps.access,
      directory: deps.directory,
      audit: deps.audit,
      approvalTtlHours: deps.approvalTtlHours,
      ...(deps.offboardableUnitId !== undefined ? { offboardableUnitId: deps.offboardableUnitId } : {}),
      now: this.now,
      update: (id, change) => this.update(id, change),
      notifier: () => this.notifier,
      run: (requestId) => this.run(requestId),
      batchLeavers: (r) => this.batches.leaversOf(r),
      logger: deps.logger,
    });
    const startDeps = {
      ...deps,
      now: this.now,
      newId: this.newId,
      open: (request: lifecycle.OffboardingRequest) => this.housekeeping.open(request),
      openRequestFor: (id: string) => this.openRequestFor(id),
    };
    this.starting = new OffboardingStart(startDeps);
    this.decisions = new Decisions({
      ...deps,
      now: this.now,
      get: (id) => this.get(id),
      update: (id, change) => this.update(id, change),
      release: (request) => this.release(request),
      notifier: () => this.notifier,
      background: (requestId, work) => this.background(requestId, work),
      // It starts once the clicks in flight are answered, so runs don't compete with them for the CPU.
      begin: (requestId) => this.track(requestId, this.afterTurns().then(() => this.begin(requestId))),
    });
    this.reinstatements = new Reinstatements({
      ...deps,
      now: this.now,
      newId: () => lifecycle.requestIdFrom(randomBytes(6), 'RST'),
      all: () => this.list(undefined, () => true, true),
      get: (id) => this.get(id),
      update: (id, change) => this.update(id, change),
      open: (request) => this.housekeeping.open(request),
      openRequestFor: (id) => this.openRequestFor(id),
    });
    this.batches = new Batches({
      ...startDeps,
      store: deps.store,
      start: this.starting,
      decisions: this.decisions,
      get: (id) => this.get(id),
      cancel: (id, by, where) => this.cancel(id, by, where),
      ...(deps.leases ? { leases: deps.leases } : {}),
      logger: deps.logger,
    });
    deps.passes?.onPut((id) => this.background(id, () => this.reinstatements.offerPass(id, (r) => this.notifier?.passReady?.(r))));
    // The engine's drives ask the request itself whether it was stopped (see Executor.stopWhen).
    deps.engine.executor.stopWhen(async (requestId) => (await this.get(requestId))?.status === 'stopping');
  }

  setNotifier(notifier: RequestNotifier): void {
    this.notifier = notifier;
  }

  // --- Starting -------------------------------------------------------------------------------------------------------

  isOperator(userId: string): Promise<boolean> {
    return this.deps.access.isOperator(userId);
  }

  /** Why an offboarding may not start `where`, from the conversation alone (no read), or undefined (venue.ts). */
  wrongPlace(where: Venue): string | undefined {
    return venueRefusal(where, this.deps.operationsChannelIds);
  }

  find(query: string): Promise<Found> {
    return this.starting.find(query);
  }

  /** `offboard <query>`: who is meant, and may this requester start it (start.ts). */
  resolve(requester: Actor, query: string, where: Venue): ReturnType<OffboardingStart['resolve']> {
    return this.starting.resolve(requester, query, where);
  }

  /** The rules for starting, checked when the card is shown and again on submit (start.ts). */
  checkLeaver(requester: Actor, leaverIdOrUpn: string, where: Venue, operatorChecked = false): ReturnType<OffboardingStart['checkLeaver']> {
    return this.starting.checkLeaver(requester, leaverIdOrUpn, where, operatorChecked);
  }

  /** Re-checks everything, takes the read-only preview, picks the approvers and stores the request (start.ts). */
  submit(input: SubmitInput): ReturnType<OffboardingStart['submit']> {
    return this.starting.submit(input);
  }


  // --- Reading --------------------------------------------------------------------------------------------------------

  async get(id: string): Promise<OffboardingRequest | undefined> {
    return (await this.deps.store.get<OffboardingRequest>(REQUESTS, id.trim().toUpperCase()))?.value;
  }

  async openRequestFor(leaverId: string): Promise<OffboardingRequest | undefined> {
    const pointer = await this.deps.store.get<{ requestId: string }>(OPEN_BY_LEAVER, leaverId);
    const request = pointer ? await this.get(pointer.value.requestId) : undefined;
    return request && !lifecycle.isFinal(request) ? request : undefined;
  }

  /** Newest first; `query` is a request id, or a UPN / mail / display name of the leaver. `visible`: the others don't exist. */
  async list(query?: string, visible: (r: OffboardingRequest) => boolean = () => true, everything = false): Promise<OffboardingRequest[]> {
    const all = (await this.deps.store.list<OffboardingRequest>(REQUESTS)).map((d) => d.value).filter(visible).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    if (everything) {
      return all;
    }
    if (!query) {
      return all.filter((r) => lifecycle.OPEN_STATUSES.includes(r.status)).concat(all.filter((r) => !lifecycle.OPEN_STATUSES.includes(r.status)).slice(0, 5));
    }
    const q = query.trim().toLowerCase();
    return all.filter((r) => r.id.toLowerCase() === q || [r.leaver.userPrincipalName, r.leaver.mail, r.leaver.displayName, r.leaver.id].some((v) => v?.toLowerCase() === q));
  }

  /** `list` as `viewer` may see it (visibility.ts); an operator check that fails counts as not an operator. */
  /** The requests `viewer` may see and that may be shown where they asked (`where`: a reply reaches everyone there). */
  async listFor(viewer: Actor, query?: string, where: Venue = { kind: 'personal' }): Promise<OffboardingRequest[]> {
    const operator = await this.deps.access.isOperator(viewer.id).catch(() => false);
    return this.list(query, (r) => canSee(r, viewer, operator) && mayShowHere(r, where));
  }

  runView(request: OffboardingRequest): Promise<RunView | undefined> {
    return request.runId ? this.deps.engine.executor.view(request.runId).catch(() => undefined) : Promise.resolve(undefined);
  }

  /**
   * For `status <id>`: the run with its requested wipes read again from Microsoft 365. One that Intune or Exchange now
   * reports cancelled or failed turns the request into completed-with-failures, so operators see it and can act.
   */
  async currentRunView(request: OffboardingRequest): Promise<{ request: OffboardingRequest; view?: RunView }> {
    if (!request.runId) {
      return { request };
    }
    const view = await this.deps.engine.currentView(request.runId).catch((err: unknown) => {
      this.deps.logger?.warn({ err, requestId: request.id }, 'could not read the run again');
      return this.runView(request);
    });
    if (view?.run.status === 'completed-with-failures' && request.status === 'completed') {
      const updated = await this.update(request.id, (r) => lifecycle.recheckFailed(r));
      return { request: updated.ok ? updated.request : request, view };
    }
    return { request, view };
  }

  // --- Deciding -------------------------------------------------------------------------------------------------------

  /** An approver's click on one request's approval card (decisions.ts). */
  decide(requestId: string, by: Actor, outcome: 'approved' | 'rejected', comment?: string, round?: string): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    return this.decisions.decide(requestId, by, outcome, comment, round);
  }

  /**
   * Before the run: cancelled. While it runs: stopping — no new step starts, the steps in flight finish (`inFlight`
   * says how many), and the run ends as stopped (runOnce); the request keeps its leaver until resumed or closed.
   */
  async cancel(requestId: string, by: Actor, where: Venue = { kind: 'personal' }): Promise<{ ok: true; request: OffboardingRequest; inFlight?: number } | Refused> {
    const operator = await this.deps.access.isOperator(by.id).catch(() => false);
    // Who may not see it (or may not have it named here) is told it does not exist; approvers see it but may not
    // cancel (lifecycle.cancel).
    const result = await this.update(requestId, (r) => (canSee(r, by, operator) && mayShowHere(r, where) ? lifecycle.cancel(r, by, operator, this.now()) : refused(requestNotFound(requestId))));
    if (!result.ok) {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'cancel-refused', by: by.id, reason: result.reason } });
      return result;
    }
    if (result.request.status === 'stopping') {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'stop', by: by.id } });
      // The run record carries the stop too (a drive in another process, or after a restart, obeys it). A run not
      // created yet is created stopped by runOnce (the run id is the request id).
      const { inFlight } = await this.deps.engine.executor.stop(result.request.runId ?? result.request.id, by.id);
      this.notifier?.progress(result.request.id);
      return { ...result, inFlight };
    }
    await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'cancelled', by: by.id } });
    await this.release(result.request);
    // Cancelled in the store: Teams failing to show it doesn't undo that (the cards say so at their next update).
    await this.notifier?.decided(result.request).catch((err: unknown) => this.deps.logger?.warn({ err, requestId }, 'cancellation not shown in Teams'));
    await this.notifier?.ended(result.request).catch((err: unknown) => this.deps.logger?.warn({ err, requestId }, 'cancellation summary not posted'));
    return result;
  }

  /**
   * The open requests, through the one-per-leaver claims: housekeeping reads these, not the whole history. (A request
   * stored by a submit that died before claiming its leaver is found through its marker and withdrawn: housekeeping.ts.)
   */
  private async openRequests(): Promise<OffboardingRequest[]> {
    const claims = await this.deps.store.list<{ requestId: string }>(OPEN_BY_LEAVER);
    const requests = await Promise.all(claims.map((c) => this.get(c.value.requestId)));
    return requests.filter((r): r is OffboardingRequest => r !== undefined && !lifecycle.isFinal(r));
  }

  /** Requests past their approval deadline become expired; the requester is told. Returns those expired now. */
  async expireDue(open?: OffboardingRequest[]): Promise<OffboardingRequest[]> {
    const now = this.now();
    const due = (open ?? (await this.openRequests())).filter((r) => lifecycle.isExpired(r, now));
    const expired: OffboardingRequest[] = [];
    for (const r of due) {
      const request = await this.decisions.expire(r.id, now);
      if (request) {
        expired.push(request);
      }
    }
    return expired;
  }

  // --- Running --------------------------------------------------------------------------------------------------------

  /** Approved → scheduled (a later effective time) or running now. Safe to call again: it only moves forward. */
  async begin(requestId: string): Promise<void> {
    const now = this.now();
    const approved = await this.get(requestId);
    if (approved?.status === 'approved' && approved.reinstates) {
      // Before it runs (again after a crash: idempotent): the offboarding it undoes can't be resumed or retried any more.
      await this.reinstatements.approved(approved);
    }
    const result = await this.update(requestId, (r) => (r.status === 'approved' ? { ok: true, value: lifecycle.schedule(r, now) } : refused('not approved')));
    if (result.ok && result.request.status === 'running') {
      await this.run(result.request.id);
    } else if (result.ok && result.request.status === 'scheduled' && Date.parse(result.request.effectiveAt ?? '') > now.getTime()) {
      // Told only when its time is still ahead: one approved after its effective time (or again after a re-approval)
      // is planned again and started by the next tick, within seconds.
      await this.tellScheduled(result.request);
    }
  }

  private tellScheduled(request: OffboardingRequest): Promise<void> {
    return tellScheduled({ directory: this.deps.directory, audit: this.deps.audit, logger: this.deps.logger, now: this.now, update: (id, change) => this.update(id, change), notifier: () => this.notifier }, request);
  }

  /**
   * A person's time zone (IANA) from their mailbox settings, for showing them times (`status`): reads are reused for
   * a few minutes (ZONE_CACHE_MS). Undefined when unreadable or unrecognised (shown as UTC).
   */
  async timeZoneOf(userId: string): Promise<string | undefined> {
    const zones: Record<string, string> = await this.deps.directory.timeZones([userId], ZONE_CACHE_MS).catch(() => ({}));
    return zones[userId];
  }

  /**
   * Scheduled requests whose time has come: each is claimed (a lease, compare-and-swap), then planned again and run,
   * sent back for a new decision, or left for a later tick when Microsoft 365 can't be read (scheduled-start.ts). The
   * preflight runs in the background: the tick doesn't wait for it (idle() does).
   */
  async startDue(open?: OffboardingRequest[]): Promise<void> {
    const now = this.now();
    const due = (open ?? (await this.openRequests())).filter((r) => this.scheduledStart.isDue(r, now));
    for (const r of due) {
      const claimed = await this.scheduledStart.claim(r.id, now);
      if (claimed) {
        this.track(r.id, this.afterTurns().then(() => this.scheduledStart.start(claimed)));
      }
    }
  }

  /** Runs (or resumes) the engine for a running request, then records how it ended (request-runs.ts). */
  run(requestId: string): Promise<void> {
    return this.requestRuns.run(requestId);
  }

  /**
   * The progress card's action (operators only): failed steps run again, or a stopped run resumes (settling every
   * one-shot action in doubt before anything is sent). The request goes back to running.
   */
  async retry(requestId: string, by: Actor): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    if (!(await this.deps.access.isOperator(by.id).catch(() => false))) {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'retry-refused', by: by.id, reason: 'not an operator' } });
      return refused('Only members of the offboarding operators group can retry failed steps or resume a stopped run. Nothing was changed.');
    }
    const existing = await this.get(requestId);
    if (!existing || !canSee(existing, by, true)) {
      return refused(requestNotFound(requestId)); // an operator who is the leaver: as if it did not exist
    }
    if (existing.reinstatedBy) {
      return refused(`${existing.id} was undone by ${existing.reinstatedBy}: its steps are not run again. Nothing was changed.`);
    }
    // A newer request for the same person owns their offboarding now: its run, not this retry.
    const newer = await this.openRequestFor(existing.leaver.id);
    if (newer && newer.id !== requestId.trim().toUpperCase()) {
      return refused(`${newer.leaver.displayName} has a newer open request, ${newer.id}: retry is closed for ${requestId}.`);
    }
    // Checked inside the compare-and-swap: of two clicks at once, only one starts a retry.
    let resuming = false;
    const again = await this.update(requestId, (r) => {
      resuming = r.status === 'stopped';
      return lifecycle.resume(r, by, this.now());
    });
    if (!again.ok) {
      return again;
    }
    await this.deps.audit.record({ kind: 'decision', requestId, data: { event: resuming ? 'resume' : 'retry', by: by.id } });
    if (resuming) {
      // runOnce finds the request running and its run stopped: it resumes the run (one drive per request, crash-safe).
      // The drive that stopped may still be telling Teams how it ended: the resume follows it, never joins it.
      const id = again.request.id;
      this.track(
        id,
        this.afterTurns().then(async () => {
          await this.requestRuns.ended(id);
          await this.run(id);
        }),
      );
    } else {
      const id = again.request.id;
      // The leaver's claim back at once (housekeeping finds open requests through their claims): should this instance
      // die before the retry's drive, another one's housekeeping takes the retry over (request-runs.ts).
      await this.requestRuns.reclaim(again.request);
      this.retrying.add(id);
      this.background(id, async () => {
        try {
          await this.requestRuns.ended(id); // the drive that ended may still be telling Teams
          await this.requestRuns.retryFailed(again.request);
        } finally {
          this.retrying.delete(id);
        }
      });
    }
    return again;
  }

  /**
   * An operator closes a stopped request: nothing more runs, and its leaver is free for a new request. The summary
   * says what was done and what never ran.
   */
  async close(requestId: string, by: Actor, where: Venue = { kind: 'personal' }): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    const operator = await this.deps.access.isOperator(by.id).catch(() => false);
    // As for cancel: who may not see it is told it does not exist; approvers and requesters see it but may not close.
    const result = await this.update(requestId, (r) => (canSee(r, by, operator) && mayShowHere(r, where) ? lifecycle.close(r, by, operator, this.now()) : refused(requestNotFound(requestId))));
    if (!result.ok) {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'close-refused', by: by.id, reason: result.reason } });
      return result;
    }
    await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'closed', by: by.id } });
    await this.release(result.request);
    const view = await this.runView(result.request);
    await this.notifier?.ended(result.request, view);
    return result;
  }

  /** Engine progress → the notifier. Cheap on purpose: it fires for every target of every step. */
  onProgress(event: ProgressEvent): void {
    if (event.kind !== 'run') {
      this.notifier?.progress(event.requestId);
    }
  }

  /** On start-up: batches cut short mid-submit finish, runs cut short resume, approved requests start, overdue ones expire. */
  async resume(): Promise<string[]> {
    const all = (await this.deps.store.list<OffboardingRequest>(REQUESTS)).map((d) => d.value);
    // In the background: a batch's preflights may take minutes, and runs cut short resume meanwhile.
    this.track('batches', this.finishSubmitting(all));
    for (const due of await this.batches.dueSummaries(all)) {
      this.background(due.batchId, async () => this.notifier?.batchSummaryDue?.(due.batchId, due.requestId, due.claimed));
    }
    const resumed: string[] = [];
    for (const r of all) {
      if (r.status === 'running' || r.status === 'stopping') {
        resumed.push(r.id);
        this.run(r.id).catch((err: unknown) => this.deps.logger?.error({ err, requestId: r.id }, 'resumed run failed'));
      } else if (r.status === 'approved') {
        resumed.push(r.id);
        this.begin(r.id).catch((err: unknown) => this.deps.logger?.error({ err, requestId: r.id }, 'approved request failed to start'));
      } else if (r.status === 'scheduled' && !r.scheduledToldAt && Date.parse(r.effectiveAt ?? '') > this.now().getTime()) {
        // Scheduled, but the process died before the requester and the approvers were told when it runs.
        this.background(r.id, () => this.tellScheduled(r));
      }
    }
    // A pass created by a process that died before the requester was offered it: the card now (the click makes a new one).
    for (const id of await this.reinstatements.unofferedPasses(all)) {
      this.background(id, () => this.reinstatements.offerPass(id, (r) => this.notifier?.passReady?.(r)));
    }
    await this.expireDue();
    return resumed;
  }

  /**
   * Periodic housekeeping: expiries and scheduled starts, from one read of the open requests; then no request left in
   * limbo (orphans withdrawn, approval cards never delivered sent again: housekeeping.ts). Never overlaps here; other
   * instances may tick at the same time (every step is a compare-and-swap).
   */
  async tick(held: () => boolean = () => true): Promise<void> {
    if (this.ticking) {
      return;
    }
    this.ticking = true;
    try {
      const open = await this.openRequests();
      // First: a dead instance's runs are taken over whatever the rest of the tick meets (a Teams outage, say).
      // Between phases: an instance that lost the housekeeping lease meanwhile (paused) leaves the rest to its successor.
      if (!held()) {
        return;
      }
      this.takeOver(open);
      await this.expireDue(open);
      if (!held()) {
        return;
      }
      await this.startDue(open);
      if (!held()) {
        return;
      }
      await this.housekeeping.run(open);
      if (held() && !this.finishingBatches && (await this.batches.anySubmitting())) {
        // Left half-submitted by a dead instance or a failed submit (one under way holds its lease): in the background.
        this.track('batches', this.finishSubmitting((await this.deps.store.list<OffboardingRequest>(REQUESTS)).map((d) => d.value)));
      }
    } finally {
      this.ticking = false;
    }
  }

  /**
   * The part of a tick that must not wait for the rest (housekeeping-loop.ts `urgent`): while a slow tick is still under
   * way, a dead instance's runs are taken over all the same.
   */
  async takeOverDue(held: () => boolean = () => true): Promise<void> {
    if (!this.deps.engine.executor.leasing) {
      return; // one instance: it drives every run already
    }
    const open = await this.openRequests();
    if (held()) {
      this.takeOver(open);
    }
  }

  /**
   * With run leases (several instances may share the store): every running request not driven here is tried, and the
   * lease decides. A run whose owner died (or lost its lease) is taken up within its lease plus a tick; one driven by
   * a live instance is left alone (one lease attempt per tick). Without leases this process drives every run already.
   */
  private takeOver(open: OffboardingRequest[]): void {
    if (!this.deps.engine.executor.leasing) {
      return;
    }
    const now = this.now().getTime();
    for (const r of open) {
      if ((r.status === 'running' || r.status === 'stopping') && !this.requestRuns.driving(r.id) && !this.retrying.has(r.id)) {
        this.run(r.id).catch((err: unknown) => this.deps.logger?.error({ err, requestId: r.id }, 'run taken over failed'));
      } else if (r.status === 'approved' && now - Date.parse(r.decision?.at ?? r.createdAt) > APPROVED_UNSTARTED_MS) {
        // Approved on an instance that died before it started (or scheduled) the run: begin moves it forward by
        // compare-and-swap, so of two instances only one does.
        this.begin(r.id).catch((err: unknown) => this.deps.logger?.error({ err, requestId: r.id }, 'approved request failed to start'));
      }
    }
  }

  private finishingBatches = false;

  /** Batches left 'submitting' are finished (batch/submit.ts) and Teams is told, as after a submit. */
  private async finishSubmitting(all: OffboardingRequest[]): Promise<void> {
    this.finishingBatches = true;
    try {
      for (const batch of await this.batches.resumeSubmitting(all)) {
        await this.notifier?.batchSubmitted?.(batch, await this.batches.requests(batch));
      }
    } finally {
      this.finishingBatches = false;
    }
  }

  // --- Teams bookkeeping ----------------------------------------------------------------------------------------------

  /** The notifier's first delivery round ended: records failures, tells the requester if nobody can be reached. */
  approvalsDelivered(request: OffboardingRequest, outcomes: Record<string, DeliveryOutcome>): Promise<void> {
    return this.housekeeping.delivered(request, outcomes);
  }

  /** Merges Teams references into the request (e.g. the progress card's activity id). */
  async annotate(requestId: string, change: (teams: ChannelData) => ChannelData): Promise<OffboardingRequest | undefined> {
    const result = await this.update(requestId, (r) => ({ ok: true, value: { ...r, teams: change(r.teams) } }));
    return result.ok ? result.request : undefined;
  }

  async recordSummary(requestId: string, summary: OffboardingRequest['summary']): Promise<void> {
    await this.update(requestId, (r) => ({ ok: true, value: { ...r, summary } }));
    await this.deps.audit.record({ kind: 'notify', requestId, data: { event: 'summary', ...summary } });
  }

  /**
   * May the approval card (with its @mention) go to the thread where the request was asked for, when no 1:1 chat
   * reaches the approver? Only a channel the request could be started in now: allowed by OPERATIONS_CHANNEL_IDS, and
   * the leaver (read again: memberships change) not a member of its team. Never a 1:1 chat (it is the requester's:
   * the approver can't see it) nor a group chat; never a request stored without `where` (before this rule).
   */
  async approvalMayGoToThread(request: OffboardingRequest): Promise<boolean> {
    const where = request.where;
    const teamGroupId = where ? venueGroupId(where) : undefined;
    if (!where || where.kind !== 'channel' || !teamGroupId || venueRefusal(where, this.deps.operationsChannelIds)) {
      return false;
    }
    const memberOf = await this.deps.access.memberOf(request.leaver.id, [teamGroupId]).catch(() => undefined);
    return memberOf !== undefined && !memberOf.has(teamGroupId);
  }

  /** Installs the app for an approver who lacks it (the one write allowed before approval). */
  async installAppFor(userId: string, manifestId: string): Promise<string> {
    const result = await this.deps.directory.installApp(userId, manifestId);
    await this.deps.audit.record({ kind: 'notify', data: { event: 'app-installed', userId, result } });
    return result;
  }

  // --- Internals ------------------------------------------------------------------------------------------------------

  /** Work that follows an answered click; its failures are logged, never lost silently. Tests can await it. */
  readonly pendingWork = new Set<Promise<void>>();
  private background(requestId: string, work: () => Promise<void>): void {
    this.track(
      requestId,
      this.afterTurns().then(() => this.backgroundSlots.run(work)),
    );
  }

  private afterTurns(): Promise<void> {
    return this.deps.afterTurns?.() ?? Promise.resolve();
  }

  private track(requestId: string, work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.deps.logger?.error({ err, requestId }, 'background work failed')).finally(() => this.pendingWork.delete(p));
    this.pendingWork.add(p);
  }

  /** Resolves when every background task started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pendingWork.size > 0 || this.requestRuns.active.length > 0) {
      await Promise.allSettled([...this.pendingWork, ...this.requestRuns.active]);
    }
  }

  /** Compare-and-swap update with a few retries on a lost race; `change` may refuse. */
  private async update(id: string, change: (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.deps.store.get<OffboardingRequest>(REQUESTS, id.trim().toUpperCase());
      if (!doc) {
        return refused(requestNotFound(id));
      }
      const result = change(doc.value);
      if (!result.ok) {
        return result;
      }
      try {
        await this.deps.store.put(REQUESTS, doc.id, result.value, doc.etag);
        return { ok: true, request: result.value };
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          throw err;
        }
      }
    }
    return refused(`${id} is changing right now: try again.`);
  }

  /** A request that ended frees its person (or hands the claim back: housekeeping.ts releaseClaim). */
  private release(request: OffboardingRequest): Promise<void> {
    return releaseClaim(this.deps.store, { claims: OPEN_BY_LEAVER, requests: REQUESTS }, request);
  }
}

