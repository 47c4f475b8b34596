// A scheduled request at its effective time: the plan is taken again before anything is written, because the tenant
// has moved on since the approval (days, maybe weeks).
//
// 1. A lease. The tick (every 5 s, on every instance) claims a due request by compare-and-swap (`starting`), so two
//    ticks or instances never take the preflight for it twice; a lease not given back within LEASE_MS (the process
//    died) lapses and another takes over. The preflight runs in the background, never holding up the tick.
// 2. The preflight, read-only (engine.preview with the approved options), and the reads the approval rested on: is the
//    leaver now protected or gone, the inheritor disabled or gone, does the leaver hold a directory role the approver
//    did not see, does the plan refuse something.
// 3. One of three outcomes, each a compare-and-swap that holds only while the request is still scheduled under this
//    lease (a cancel meanwhile wins):
//    - start: the fresh plan is stored (a resumed run uses it) with what it added and dropped (`replanned`, audited;
//      the summary lists the additions), and the run starts;
//    - re-approval: something the approval depended on no longer holds. No write: the request goes back to
//      "requested" with the fresh plan, approvers picked as at submit and a new expiry; the requester is told and the
//      approvers get a new card naming what changed;
//    - delayed: Microsoft 365 could not be read (a read a safety check depends on included). No write; the reason is
//      kept (`startDelayed`) and logged, and a tick at least RETRY_MS later tries again.
import { M365Error } from '../m365/errors';
import { approversFor } from './approvers';
import { withAuditScope } from './audit';
import type { Preview } from './engine';
import type { Plan, PlannedStep } from './plan';
import { PreflightError } from './preflight';
import * as lifecycle from './requests';
import type { OffboardingRequest, PlanChange, Replan } from './requests';
import type { RequestNotifier, ServiceDeps } from './service';
import { venueGroupId } from './venue';
import { SAFETY_READS, type ReadWarning } from './snapshot';

/** A preflight not finished within this long is taken as dead: another tick may take the lease over. */
export const LEASE_MS = 5 * 60_000;
/** After a start that could not read Microsoft 365, the next try waits this long. */
export const RETRY_MS = 60_000;

type Change = (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal;

/** The service's own (OFFBOARDABLE_UNIT_ID: the leaver must still be in it, as at submit), and its hooks. */
export interface ScheduledStartDeps extends Pick<ServiceDeps, 'engine' | 'access' | 'directory' | 'audit' | 'approvalTtlHours' | 'offboardableUnitId' | 'logger'> {
  now: () => Date;
  /** The service's compare-and-swap update of a request (retries lost races; `change` may refuse). */
  update: (id: string, change: Change) => Promise<{ ok: true; request: OffboardingRequest } | { ok: false; reason: string }>;
  notifier: () => RequestNotifier | undefined;
  /** Runs a request that is running (the service's one drive per request). */
  run: (requestId: string) => Promise<void>;
  /** A batch request's fellow leavers (batch/): planned and approved as at submit (engine.preview, approvers.ts). */
  batchLeavers?: (r: OffboardingRequest) => Promise<readonly string[] | undefined>;
  timings?: { leaseMs?: number; retryMs?: number };
}

/** What the preflight at the effective time decided. */
export type StartDecision =
  | { kind: 'start'; plan: Plan; added: PlanChange[]; gone: PlanChange[] }
  | { kind: 'reapprove'; changes: string[]; preview?: Preview }
  | { kind: 'delay'; reason: string };

const skip = (reason: string): lifecycle.Refusal => ({ ok: false, reason });

export class ScheduledStart {
  private readonly leaseMs: number;
  private readonly retryMs: number;

  constructor(private readonly deps: ScheduledStartDeps) {
    this.leaseMs = deps.timings?.leaseMs ?? LEASE_MS;
    this.retryMs = deps.timings?.retryMs ?? RETRY_MS;
  }

  /** Scheduled, its time come, nobody taking its preflight (or their lease lapsed), and not waiting for a retry. */
  isDue(r: OffboardingRequest, now: Date): boolean {
    const t = now.getTime();
    return (
      r.status === 'scheduled' &&
      (r.effectiveAt === undefined || Date.parse(r.effectiveAt) <= t) &&
      (!r.starting || t - Date.parse(r.starting.at) >= this.leaseMs) &&
      (!r.startDelayed || t - Date.parse(r.startDelayed.at) >= this.retryMs)
    );
  }

  /** Takes the lease (compare-and-swap): the request as claimed, or undefined when it is not due any more. */
  async claim(requestId: string, now: Date): Promise<OffboardingRequest | undefined> {
    const result = await this.deps.update(requestId, (x) => (this.isDue(x, now) ? { ok: true, value: { ...x, starting: { at: now.toISOString() } } } : skip('not due')));
    return result.ok ? result.request : undefined;
  }

  /** The preflight and its outcome, for a request claimed with `claim`. Never throws for a failed read. */
  async start(claimed: OffboardingRequest): Promise<void> {
    const lease = claimed.starting?.at;
    let decision: StartDecision;
    try {
      decision = await withAuditScope({ requestId: claimed.id }, () => this.assess(claimed));
    } catch (err) {
      this.deps.logger?.warn({ err, requestId: claimed.id }, 'scheduled start: the preflight failed');
      decision = { kind: 'delay', reason: describe(err) };
    }
    const mine = (x: OffboardingRequest): boolean => x.status === 'scheduled' && x.starting?.at === lease;
    switch (decision.kind) {
      case 'start':
        return this.startRun(claimed, decision, mine);
      case 'reapprove':
        return this.reapprove(claimed, decision, mine);
      case 'delay':
        return this.delay(claimed, decision.reason, mine);
    }
  }

  /** A batch request's fellow leavers; undefined for a single one (or when the batch can't be read: planned as alone). */
  private batchLeaversOf(r: OffboardingRequest): Promise<readonly string[] | undefined> {
    return r.batchId && this.deps.batchLeavers ? this.deps.batchLeavers(r).catch(() => undefined) : Promise.resolve(undefined);
  }

  /** The read-only part: the fresh plan and the checks the approval depended on. */
  async assess(r: OffboardingRequest): Promise<StartDecision> {
    const { protectedGroupId } = this.deps.access.groups;
    // The checks made at submit (service.checkLeaver) that a week can change: protected, the team of the channel where
    // it was asked for (its progress and summary are posted there: venue.ts), the administrative unit.
    const teamGroupId = r.where ? venueGroupId(r.where) : undefined;
    const unitId = this.deps.offboardableUnitId;
    const batchLeavers = await this.batchLeaversOf(r);
    const [previewed, memberOf, inUnit] = await Promise.all([
      this.deps.engine.preview(r.leaver.id, r.inheritor.id, r.options, batchLeavers).then(
        (preview) => ({ preview }),
        (err: unknown) => ({ err }),
      ),
      this.deps.access.memberOf(r.leaver.id, teamGroupId ? [protectedGroupId, teamGroupId] : [protectedGroupId]).then(
        (groups) => groups,
        (err: unknown) => ({ err }),
      ),
      unitId === undefined
        ? Promise.resolve(true)
        : this.deps.directory.inAdministrativeUnit(unitId, r.leaver.id).then(
            (yes) => yes,
            (err: unknown) => ({ err }),
          ),
    ]);
    if ('err' in previewed) {
      const err = previewed.err;
      if (err instanceof PreflightError && err.error?.status === 404) {
        // Gone since the approval: a new decision (there is nothing to plan with; the plan and approvers stay).
        const change =
          err.who === 'leaver'
            ? `${r.leaver.displayName}'s account no longer exists in Entra ID (deleted since the approval).`
            : `${r.inheritor.displayName}, who was to inherit the mailbox and OneDrive, no longer exists in Entra ID.`;
        return { kind: 'reapprove', changes: [change] };
      }
      throw err;
    }
    const { preview } = previewed;
    if (!(memberOf instanceof Set)) {
      return { kind: 'delay', reason: `couldn't check whether ${r.leaver.displayName} is in the protected group (${describe(memberOf.err)})` };
    }
    if (typeof inUnit !== 'boolean') {
      return { kind: 'delay', reason: `couldn't check whether ${r.leaver.displayName} is in the administrative unit this bot may offboard (${describe(inUnit.err)})` };
    }
    const { leaver, inheritor } = preview.snapshot;
    const failed = (what: string): ReadWarning | undefined => preview.snapshot.readWarnings.find((w) => w.what === what);
    const managerRead = failed(SAFETY_READS.manager);
    if (managerRead) {
      return { kind: 'delay', reason: `couldn't read ${leaver.displayName}'s manager (${readError(managerRead)})` };
    }
    if (leaver.directoryRoles === undefined) {
      const read = failed(SAFETY_READS.directoryRoles);
      return { kind: 'delay', reason: `couldn't read ${leaver.displayName}'s directory roles${read ? ` (${readError(read)})` : ''}` };
    }

    const changes: string[] = [];
    if (memberOf.has(protectedGroupId)) {
      changes.push(`${leaver.displayName} is now in the protected group: they can't be offboarded with this bot.`);
    }
    if (!inUnit) {
      changes.push(`${leaver.displayName} is no longer in the administrative unit this bot may offboard (OFFBOARDABLE_UNIT_ID ${unitId ?? ''}).`);
    }
    if (teamGroupId && memberOf.has(teamGroupId)) {
      changes.push(`${leaver.displayName} is now a member of the team where this request was asked for: its progress and summary would be posted where they can read them.`);
    }
    const newRoles = rolesNotApproved(r, leaver.directoryRoles);
    if (newRoles.length > 0) {
      changes.push(`${leaver.displayName} now holds ${newRoles.length === 1 ? 'an admin (directory) role' : 'admin (directory) roles'} the approval did not cover: ${newRoles.map((x) => x.displayName).join(', ')}.`);
    }
    const inheritorDisabled = !inheritor.accountEnabled && inheritor.id !== leaver.id;
    if (inheritorDisabled) {
      changes.push(`${inheritor.displayName}, who inherits the mailbox and OneDrive, is now disabled.`);
    }
    for (const refusal of preview.plan.refusals) {
      if (!(inheritorDisabled && refusal.startsWith(`${inheritor.displayName}'s account is disabled`))) {
        changes.push(`The plan can't go ahead as approved: ${refusal}`);
      }
    }
    if (changes.length > 0) {
      return { kind: 'reapprove', changes, preview };
    }
    return { kind: 'start', plan: preview.plan, ...planChanges(r.plan, preview.plan) };
  }

  private async startRun(claimed: OffboardingRequest, d: Extract<StartDecision, { kind: 'start' }>, mine: (x: OffboardingRequest) => boolean): Promise<void> {
    const now = this.deps.now();
    const replanned: Replan = { at: now.toISOString(), added: d.added, gone: d.gone };
    const started = await this.deps.update(claimed.id, (x) => (mine(x) ? { ok: true, value: lifecycle.start(x, x.id, now, { plan: d.plan, replanned }) } : skip('no longer scheduled under this lease')));
    if (!started.ok) {
      this.deps.logger?.info({ requestId: claimed.id, reason: started.reason }, 'scheduled start: not started (cancelled or taken over meanwhile)');
      return;
    }
    await this.deps.audit.record({ kind: 'plan', requestId: claimed.id, data: { event: 'replanned', added: d.added, gone: d.gone, steps: d.plan.steps.length, warnings: d.plan.warnings.map((w) => w.message) } });
    this.deps.logger?.info({ requestId: claimed.id, added: d.added.length, gone: d.gone.length }, 'scheduled start: planned again, running');
    await this.deps.run(claimed.id);
  }

  private async reapprove(claimed: OffboardingRequest, d: Extract<StartDecision, { kind: 'reapprove' }>, mine: (x: OffboardingRequest) => boolean): Promise<void> {
    // Approvers as at submit, from the leaver's manager now; when nobody is eligible (or there is no leaver to read),
    // those asked before.
    let picked: Awaited<ReturnType<typeof approversFor>> | undefined;
    try {
      const batchLeavers = await this.batchLeaversOf(claimed);
      picked = d.preview ? await approversFor(this.deps.directory, this.deps.access.groups.approversGroupId, d.preview.snapshot.leaver, claimed.requester, batchLeavers ? { batchLeavers } : undefined) : undefined;
    } catch (err) {
      return this.delay(claimed, `couldn't read the approvers group to ask for a new decision (${describe(err)})`, mine);
    }
    const approvers = picked && picked.list.length > 0 ? picked : { list: claimed.approvers, note: claimed.approverNote };
    const now = this.deps.now();
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + this.deps.approvalTtlHours * 3600_000).toISOString();
    const plan = d.preview?.plan ?? claimed.plan;
    const roles = d.preview?.snapshot.leaver.directoryRoles;
    const result = await this.deps.update(claimed.id, (x) => {
      if (!mine(x)) {
        return skip('no longer scheduled under this lease');
      }
      const back = lifecycle.reapprove(x, { plan, approvers: approvers.list, approverNote: approvers.note, changes: d.changes, now, expiresAt });
      // Each new card's delivery starts now (the notifier's round below): housekeeping waits its lease before sending
      // one again, as after a submit.
      const delivery = { approvers: Object.fromEntries(approvers.list.map((a) => [a.id, { attempts: 1, lastAttemptAt: at }])) };
      return { ok: true, value: { ...back, delivery, rolesAtApproval: roles ? roles.map(({ id, displayName }) => ({ id, displayName })) : x.rolesAtApproval } };
    });
    if (!result.ok) {
      this.deps.logger?.info({ requestId: claimed.id, reason: result.reason }, 'scheduled start: no re-approval (cancelled or taken over meanwhile)');
      return;
    }
    const request = result.request;
    await this.deps.audit.record({
      kind: 'decision',
      requestId: request.id,
      data: { event: 're-approval', changes: d.changes, approvers: request.approvers.map((a) => a.id), previous: claimed.decision ? { by: claimed.decision.by.id, at: claimed.decision.at } : null, expiresAt },
    });
    this.deps.logger?.warn({ requestId: request.id, changes: d.changes }, 'scheduled start: a new decision is needed; nothing was written');
    const notifier = this.deps.notifier();
    if (!notifier) {
      return;
    }
    let via: 'thread' | '1:1' | undefined;
    try {
      via = await notifier.tellRequester(request, 'reapproval');
    } catch (err) {
      this.deps.logger?.warn({ err, requestId: request.id }, 'could not tell the requester');
    }
    await this.deps.audit.record({ kind: 'notify', requestId: request.id, data: { event: 'requester-told', news: 'reapproval', via: via ?? null } });
    await notifier.reapprovalNeeded(request);
  }

  private async delay(claimed: OffboardingRequest, reason: string, mine: (x: OffboardingRequest) => boolean): Promise<void> {
    const at = this.deps.now().toISOString();
    const result = await this.deps.update(claimed.id, (x) => (mine(x) ? { ok: true, value: { ...x, starting: undefined, startDelayed: { at, reason } } } : skip('no longer scheduled under this lease')));
    this.deps.logger?.warn({ requestId: claimed.id, reason, retryInMs: this.retryMs }, 'scheduled start delayed: Microsoft 365 could not be read; nothing was written');
    if (result.ok) {
      await this.deps.audit.record({ kind: 'request', requestId: claimed.id, data: { event: 'start-delayed', reason } });
      if (!claimed.startDelayed) {
        // The first miss of this start: the requester hears of it once (later misses go to the log and `status`).
        const via = await this.deps
          .notifier()
          ?.tellRequester(result.request, 'start-delayed')
          .catch((err: unknown) => this.deps.logger?.warn({ err, requestId: claimed.id }, 'could not tell the requester'));
        await this.deps.audit.record({ kind: 'notify', requestId: claimed.id, data: { event: 'requester-told', news: 'start-delayed', via: via ?? null } });
      }
    }
  }
}

/**
 * The leaver's directory roles now that the approver did not see: against the roles kept at approval; on a request
 * stored before they were kept, against the plan's warnings (the roles it named; none named: every role is new).
 */
export function rolesNotApproved(r: Pick<OffboardingRequest, 'rolesAtApproval' | 'plan'>, now: Array<{ id: string; displayName: string }>): Array<{ id: string; displayName: string }> {
  if (r.rolesAtApproval) {
    const approved = new Set(r.rolesAtApproval.map((x) => x.id));
    return now.filter((x) => !approved.has(x.id));
  }
  // The planner's wording: "<name> holds directory roles (A, B): ..." — whole names only ("Application Administrator"
  // is not "Cloud Application Administrator").
  const warned = /holds directory roles \(([^)]*)\)/.exec(r.plan.warnings.find((w) => w.code === 'directory-roles')?.message ?? '')?.[1] ?? '';
  const named = new Set(warned.split(', ').filter((n) => n.length > 0));
  return now.filter((x) => !named.has(x.displayName));
}

/**
 * What a plan taken again acts on that the approved one did not (added), and the reverse (gone), step by step. Only
 * targets a step acts on count (a skipped step acts on none), and not the leaver or inheritor themselves; a step whose
 * targets were or are read only when it runs has nothing to compare.
 */
export function planChanges(approved: Plan, fresh: Plan): { added: PlanChange[]; gone: PlanChange[] } {
  const people = new Set([approved.leaverId, approved.inheritorId, fresh.leaverId, fresh.inheritorId]);
  const acted = (s: PlannedStep | undefined) => (s && !s.skip ? s.targets.filter((t) => !people.has(t.id)) : []);
  const added: PlanChange[] = [];
  const gone: PlanChange[] = [];
  for (const step of fresh.steps) {
    const before = approved.steps.find((s) => s.kind === step.kind);
    if (step.readAtRun || before?.readAtRun) {
      continue;
    }
    const was = acted(before);
    const is = acted(step);
    const wasIds = new Set(was.map((t) => t.id));
    const isIds = new Set(is.map((t) => t.id));
    added.push(...is.filter((t) => !wasIds.has(t.id)).map((t) => ({ step: step.kind, id: t.id, label: t.label })));
    gone.push(...was.filter((t) => !isIds.has(t.id)).map((t) => ({ step: step.kind, id: t.id, label: t.label })));
  }
  return { added, gone };
}

function readError(w: ReadWarning): string {
  return `${w.error.status || 'no answer'} ${w.error.code}`;
}

function describe(err: unknown): string {
  if (err instanceof M365Error) {
    return err.summary();
  }
  return err instanceof Error ? err.message : String(err);
}
