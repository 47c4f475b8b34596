// `reinstate`: undoing an offboarding, as a request of its own kind. Found from the store (a deleted account is no
// longer in /users), planned by the pure reinstatement planner from the offboarding's stored run and a fresh read-only
// look at the person, approved like an offboarding (the person's manager, else the approvers group; never the requester
// or the person), then run by the same executor. The rules shared with offboardings (one open request per person,
// visibility, venues, expiry, cancel) are the same code: this module only adds what differs.
import type { Logger } from '../../logger';
import { M365Error } from '../../m365/errors';
import type { Store } from '../../store/store';
import { approversFor } from '../approvers';
import type { DirectoryUser } from '../directory';
import { LIMITS, tooLong } from '../limits';
import * as lifecycle from '../requests';
import type { Actor, ChannelData, OffboardingRequest } from '../requests';
import type { PersonRef } from '../snapshot';
import { openRequest, type StartDeps } from '../start';
import { isNotFound } from '../preflight/reads';
import { leaverInTeam, venueGroupId, venueRefusal, type Venue } from '../venue';
import { canSee, mayShowHere, requestNotFound } from '../visibility';
import type { HeldPass, PassVault } from './pass-vault';
import { handedOverGroups, planReinstatement, TAP_MAX_MINUTES } from './planner';

export type Refused = { ok: false; reason: string };

/** What the reinstatement card shows before anything is stored: the plan from the stored run and a fresh preflight. */
export interface ReinstatePreview {
  /** The offboarding it would undo. */
  offboarding: OffboardingRequest;
  /** Steps (each with title, targets, skip reason), warnings, followUps, notRestorable, refusals (non-empty: can't go ahead). */
  plan: import('../plan').Plan;
  /** The offboarding handed groups over (the card asks whether to undo that; default: keep). */
  handedOverGroups: number;
  /** Who would approve, and why the approvers group stands in when it does. */
  approvers: Array<{ id: string; displayName: string; role: 'manager' | 'approvers-group' }>;
  approverNote?: string;
}

export interface ReinstateSubmitInput {
  requester: Actor;
  /** The offboarding request id (the card's action data `requestId`). */
  offboardingId: string;
  removeHandovers: boolean;
  reason?: string;
  timeZone?: string;
  teams: ChannelData;
  where: Venue;
}

export interface ReinstatementUseCase {
  /** `reinstate <request id | UPN | name>`: operators only; the offboarding (an id, or the person's latest one that ended) and its preview. Read-only. */
  prepare(requester: Actor, query: string, where: Venue): Promise<{ ok: true; preview: ReinstatePreview } | Refused>;
  /** reinstate.submit: every rule checked again, a fresh preflight and plan, the approvers picked, the request stored (kind 'reinstatement'). Read-only in Microsoft 365. */
  submit(input: ReinstateSubmitInput): Promise<{ ok: true; request: OffboardingRequest; preview: ReinstatePreview } | Refused>;
  /** The requester's own "Show pass" click: the Temporary Access Pass, once (checked against the stored request's requester). */
  showPass(requestId: string, by: Actor): Promise<{ ok: true; request: OffboardingRequest; pass: HeldPass } | Refused>;
}

/** The offboardings a reinstatement may undo: the run ended (a stopped one is closed for good once it is approved). */
const REINSTATABLE: lifecycle.RequestStatus[] = ['completed', 'completed-with-failures', 'stopped', 'closed'];

export const NOT_AN_OPERATOR_REINSTATE = 'Sorry, only members of the offboarding operators group can reinstate someone. Nothing was changed.';

/** As starting an offboarding (start.ts), with the stored requests to find the offboarding and the pass vault. */
export interface ReinstatementDeps extends StartDeps {
  store: Store;
  passes?: PassVault;
  logger?: Logger;
  /** The stored requests, newest first (service.list without a filter on status). */
  all: () => Promise<OffboardingRequest[]>;
  get: (id: string) => Promise<OffboardingRequest | undefined>;
  update: (id: string, change: (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal) => Promise<{ ok: true; request: OffboardingRequest } | Refused>;
}

const refused = (reason: string): Refused => ({ ok: false, reason });
/** A pass lost in a restart is created again for the requester's click only this long after the first one. */
const PASS_REISSUE_WINDOW_MS = 24 * 3600_000;
const OFFBOARDING_ID = /^OFB-[0-9A-Z]{6}$/i;

export class Reinstatements implements ReinstatementUseCase {
  constructor(private readonly deps: ReinstatementDeps) {}

  async prepare(requester: Actor, query: string, where: Venue): Promise<{ ok: true; preview: ReinstatePreview } | Refused> {
    const found = await this.offboardingFor(requester, query, where);
    if (!found.ok) {
      return found;
    }
    const preview = await this.preview(found.offboarding, requester, false);
    return preview.ok ? { ok: true, preview: preview.value } : preview;
  }

  async submit(input: ReinstateSubmitInput): Promise<{ ok: true; request: OffboardingRequest; preview: ReinstatePreview } | Refused> {
    if ((input.reason?.length ?? 0) > LIMITS.reason) {
      return refused(`${tooLong('The reason', LIMITS.reason, input.reason!.length)}. Nothing was changed.`);
    }
    const found = await this.offboardingFor(input.requester, input.offboardingId, input.where);
    if (!found.ok) {
      return found;
    }
    const offboarding = found.offboarding;
    const made = await this.preview(offboarding, input.requester, input.removeHandovers);
    if (!made.ok) {
      return made;
    }
    const preview = made.value;
    if (preview.plan.refusals.length > 0) {
      return refused(preview.plan.refusals.join(' '));
    }
    if (preview.approvers.length === 0) {
      return refused(`Nobody can approve this: ${preview.approverNote ?? ''} and the approvers group has no other active member. Nothing was changed.`);
    }
    const now = this.deps.now();
    const request: OffboardingRequest = {
      id: this.deps.newId(),
      kind: 'reinstatement',
      reinstates: { requestId: offboarding.id, removeHandovers: input.removeHandovers },
      status: 'requested',
      leaver: offboarding.leaver,
      inheritor: offboarding.inheritor,
      ...(offboarding.manager ? { manager: offboarding.manager } : {}),
      requester: input.requester,
      approvers: preview.approvers,
      ...(preview.approverNote ? { approverNote: preview.approverNote } : {}),
      options: offboarding.options,
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      plan: preview.plan,
      warnings: preview.plan.warnings,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.approvalTtlHours * 3600_000).toISOString(),
      teams: input.teams,
      where: input.where,
    };
    // One open request per person, of any kind: a stopped offboarding hands its claim over (housekeeping.ts), and
    // gets it back if this request ends without running (releaseClaim).
    const notOpened = await openRequest(this.deps, request, 'request');
    if (notOpened) {
      return notOpened;
    }
    await this.deps.audit.record({
      kind: 'request',
      requestId: request.id,
      data: {
        event: 'requested',
        kind: 'reinstatement',
        reinstates: offboarding.id,
        person: request.leaver.id,
        requester: request.requester.id,
        approvers: request.approvers.map((a) => a.id),
        removeHandovers: input.removeHandovers,
        reason: request.reason ?? null,
        steps: request.plan.steps.filter((s) => s.skip === undefined).map((s) => ({ kind: s.kind, targets: s.targets.map((t) => t.id) })),
        notRestorable: (request.plan.notRestorable ?? []).map((n) => n.what),
        warnings: request.plan.warnings.map((w) => w.message),
      },
    });
    return { ok: true, request, preview };
  }

  /** Approved: the offboarding it undoes is marked (never retried again); a stopped one is closed for good. */
  async approved(request: OffboardingRequest): Promise<void> {
    const offboardingId = request.reinstates?.requestId;
    const by = request.decision?.by;
    if (!offboardingId || !by) {
      return;
    }
    let closing = false;
    const marked = await this.deps.update(offboardingId, (r) => {
      if (r.reinstatedBy === request.id) {
        return refused('already marked'); // again after a crash
      }
      closing = r.status === 'stopped';
      const closed = closing ? lifecycle.closeForReinstatement(r, by, this.deps.now()) : { ok: true as const, value: r };
      return closed.ok ? { ok: true, value: { ...closed.value, reinstatedBy: request.id } } : closed;
    });
    if (marked.ok) {
      await this.deps.audit.record({ kind: 'decision', requestId: offboardingId, data: { event: closing ? 'closed' : 'reinstated', by: by.id, reinstatement: request.id } });
    }
  }

  async showPass(requestId: string, by: Actor): Promise<{ ok: true; request: OffboardingRequest; pass: HeldPass } | Refused> {
    const request = await this.deps.get(requestId);
    const operator = await this.deps.access.isOperator(by.id).catch(() => false);
    // Only the requester sees the pass; who may not see the request learns nothing of it (visibility.ts).
    if (!request || !lifecycle.isReinstatement(request) || request.requester.id !== by.id) {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'pass-refused', by: by.id } });
      const visible = request !== undefined && canSee(request, by, operator);
      return refused(visible ? `Only ${request.requester.displayName}, who asked for ${request.id}, can see its Temporary Access Pass.` : requestNotFound(requestId));
    }
    // Claimed in the compare-and-swap: of two clicks at once (two devices), one shows the pass, the other is told.
    const now = this.deps.now();
    const claimed = await this.deps.update(request.id, (r) =>
      r.passShownAt ? refused(`The Temporary Access Pass for ${r.leaver.displayName} was already shown (${r.passShownAt}); it is never shown twice. If it was lost, create a new one in Entra ID (Users → ${r.leaver.displayName} → Authentication methods).`) : { ok: true, value: { ...r, passShownAt: now.toISOString() } },
    );
    if (!claimed.ok) {
      return claimed;
    }
    let pass = this.deps.passes?.take(request.id, now);
    if (!pass) {
      const why = await this.mayIssueAgain(claimed.request, by, operator);
      if (why) {
        await this.deps.update(request.id, (r) => ({ ok: true, value: { ...r, passShownAt: undefined } }));
        return refused(why);
      }
      const step = claimed.request.plan.steps.find((s) => s.kind === 'temporary-access-pass')!;
      try {
        // Lost in a restart (memory only) or expired unseen: a new pass replaces the old one in Entra ID.
        pass = await this.deps.engine.issuePass(request.leaver.id, { lifetimeInMinutes: Number(step.params?.lifetimeInMinutes ?? TAP_MAX_MINUTES), isUsableOnce: step.params?.isUsableOnce !== false });
      } catch (err) {
        await this.deps.update(request.id, (r) => ({ ok: true, value: { ...r, passShownAt: undefined } }));
        const reason = err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err);
        return refused(`The pass was lost when the bot restarted, and a new one could not be created: ${reason}`);
      }
      await this.deps.audit.record({ kind: 'decision', requestId: request.id, data: { event: 'pass-reissued', by: by.id } });
    }
    await this.deps.audit.record({ kind: 'decision', requestId: request.id, data: { event: 'pass-shown', to: by.id, expiresAt: pass.expiresAt } });
    return { ok: true, request: claimed.request, pass };
  }

  /** Offers the requester their pass (the notifier's "Show pass" card), then records that it was offered. */
  async offerPass(requestId: string, offer: (request: OffboardingRequest) => Promise<void> | undefined): Promise<void> {
    const request = await this.deps.get(requestId);
    if (!request || request.passShownAt) {
      return;
    }
    await offer(request);
    await this.deps.update(request.id, (r) => ({ ok: true, value: { ...r, passOfferedAt: this.deps.now().toISOString() } }));
  }

  /** Reinstatements whose pass step created a pass (within the re-issue window) that was neither offered nor shown. */
  async unofferedPasses(all: OffboardingRequest[]): Promise<string[]> {
    const now = this.deps.now().getTime();
    const candidates = all.filter((r) => lifecycle.isReinstatement(r) && r.runId && !r.passShownAt && !r.passOfferedAt && now - Date.parse(r.startedAt ?? r.createdAt) < PASS_REISSUE_WINDOW_MS);
    const unoffered: string[] = [];
    for (const r of candidates) {
      const created = (await this.deps.engine.offboardingOutcome(r)).items['temporary-access-pass']?.[r.leaver.id];
      if (created?.status === 'done' && now - Date.parse(created.at) < PASS_REISSUE_WINDOW_MS) {
        unoffered.push(r.id);
      }
    }
    return unoffered;
  }

  /**
   * Why no new pass may replace one lost in a restart, if so: only for the reinstatement's own run that ended, whose
   * pass step created one, within the day, while the requester is still an operator and no newer request is open for
   * the person (a pass is a way into their account).
   */
  private async mayIssueAgain(request: OffboardingRequest, by: Actor, operator: boolean): Promise<string | undefined> {
    const created = request.runId ? (await this.deps.engine.offboardingOutcome(request)).items['temporary-access-pass']?.[request.leaver.id] : undefined;
    if (created?.status !== 'done') {
      return `No Temporary Access Pass was created for ${request.id}.`;
    }
    if (!['completed', 'completed-with-failures'].includes(request.status)) {
      return `${request.id} is ${request.status}: the pass is shown once its run has ended.`;
    }
    if (this.deps.now().getTime() - Date.parse(created.at) > PASS_REISSUE_WINDOW_MS) {
      return `The pass for ${request.id} was created more than a day ago and never shown: create a new one in Entra ID if ${request.leaver.displayName} still needs it.`;
    }
    if (!operator) {
      return NOT_AN_OPERATOR_REINSTATE;
    }
    const open = await this.deps.openRequestFor(request.leaver.id);
    return open ? `${request.leaver.displayName} has a newer open request, ${open.id}: no new pass is created.` : undefined;
  }

  // --- Internals ------------------------------------------------------------------------------------------------------

  /** The offboarding meant by `query` (an id, or the person's latest reinstatable one) if the requester may reinstate it. */
  private async offboardingFor(requester: Actor, query: string, where: Venue): Promise<{ ok: true; offboarding: OffboardingRequest } | Refused> {
    const q = query.trim();
    if (q.length === 0) {
      return refused('Say whom to reinstate: `reinstate <request id | UPN | name>`.');
    }
    if (q.length > LIMITS.name) {
      return refused(`${tooLong('The request id, name, UPN or mail', LIMITS.name, q.length)}. Nothing was looked up.`);
    }
    const wrongPlace = venueRefusal(where, this.deps.operationsChannelIds);
    if (wrongPlace) {
      return refused(wrongPlace);
    }
    if (!(await this.deps.access.isOperator(requester.id).catch(() => false))) {
      return refused(NOT_AN_OPERATOR_REINSTATE);
    }
    const found = await this.findOffboarding(requester, q, where);
    if (!found.ok) {
      return found;
    }
    // In a channel the person must not be a member of its team, as for an offboarding: the card, the plan, the
    // progress and the summary name what was done to them (a deleted account is in no team).
    const teamGroupId = venueGroupId(where);
    if (teamGroupId) {
      const memberOf = await this.deps.access.memberOf(found.offboarding.leaver.id, [teamGroupId]).catch((err: unknown) => (isNotFound(err) ? new Set<string>() : undefined));
      if (!memberOf) {
        return refused(`I couldn't check whether ${found.offboarding.leaver.displayName} is in this channel's team, so I won't show their reinstatement here. Ask in a 1:1 chat with me. Nothing was changed.`);
      }
      if (memberOf.has(teamGroupId)) {
        return refused(leaverInTeam(found.offboarding.leaver.displayName));
      }
    }
    return this.mayReinstate(found.offboarding, requester);
  }

  /** The offboarding `q` names (an id, or the person's latest reinstatable one), among those visible here. */
  private async findOffboarding(requester: Actor, q: string, where: Venue): Promise<{ ok: true; offboarding: OffboardingRequest } | Refused> {
    const visible = (r: OffboardingRequest): boolean => canSee(r, requester, true) && mayShowHere(r, where);
    const all = (await this.deps.all()).filter(visible);
    let offboarding: OffboardingRequest | undefined;
    if (/^[A-Z]{3}-[0-9A-Z]{6}$/i.test(q)) {
      const byId = all.find((r) => r.id === q.toUpperCase());
      if (!byId) {
        return refused(requestNotFound(q));
      }
      if (lifecycle.isReinstatement(byId)) {
        return refused(`${byId.id} is a reinstatement, not an offboarding: give the offboarding's id (${byId.reinstates?.requestId ?? 'OFB-…'}).`);
      }
      offboarding = byId;
    } else {
      const lower = q.toLowerCase();
      const theirs = all.filter((r) => !lifecycle.isReinstatement(r) && [r.leaver.userPrincipalName, r.leaver.mail, r.leaver.displayName, r.leaver.id].some((v) => v?.toLowerCase() === lower));
      if (theirs.length === 0) {
        return refused(`I found no offboarding of "${q}" that you can see. Give its request id, or the person's UPN. Nothing was changed.`);
      }
      const people = new Set(theirs.map((r) => r.leaver.id));
      if (people.size > 1) {
        return refused(`"${q}" matches offboardings of ${people.size} different people: give the request id or the UPN. Nothing was changed.`);
      }
      offboarding = theirs.find((r) => REINSTATABLE.includes(r.status)) ?? theirs[0];
    }
    if (!OFFBOARDING_ID.test(offboarding!.id)) {
      return refused(requestNotFound(q));
    }
    return { ok: true, offboarding: offboarding! };
  }

  private async mayReinstate(offboarding: OffboardingRequest, requester: Actor): Promise<{ ok: true; offboarding: OffboardingRequest } | Refused> {
    const name = offboarding.leaver.displayName;
    if (offboarding.leaver.id === requester.id) {
      return refused("You can't reinstate yourself: another operator asks for it. Nothing was changed.");
    }
    if (!REINSTATABLE.includes(offboarding.status)) {
      const open = lifecycle.OPEN_STATUSES.includes(offboarding.status);
      return refused(
        open
          ? `${offboarding.id} (offboarding ${name}) is still open (${offboarding.status}): cancel it, or let it finish, before reinstating. Nothing was changed.`
          : `${offboarding.id} never ran (${offboarding.status}): nothing was changed for ${name}, so there is nothing to reinstate.`,
      );
    }
    const open = await this.deps.openRequestFor(offboarding.leaver.id);
    if (open && open.id !== offboarding.id) {
      return refused(`${name} already has an open request, ${open.id} (${open.status}, asked by ${open.requester.displayName}). Type \`status ${open.id}\` to see it. Nothing was changed.`);
    }
    const all = await this.deps.all();
    const done = all.find((r) => r.reinstates?.requestId === offboarding.id && r.status === 'completed');
    if (done) {
      return refused(`${offboarding.id} was already reinstated by ${done.id}. Nothing was changed.`);
    }
    // Only the latest offboarding: undoing an older one would undo what a newer one decided.
    const newer = all.find((r) => !lifecycle.isReinstatement(r) && r.leaver.id === offboarding.leaver.id && r.createdAt > offboarding.createdAt && REINSTATABLE.includes(r.status));
    if (newer) {
      return refused(`${name} was offboarded again since, by ${newer.id}: reinstate that one instead. Nothing was changed.`);
    }
    return { ok: true, offboarding };
  }

  /** The plan from the stored run and the person now, and who would approve it. Reads only. */
  private async preview(offboarding: OffboardingRequest, requester: Actor, removeHandovers: boolean): Promise<lifecycle.Allowed<ReinstatePreview> | Refused> {
    const now = this.deps.now();
    let snapshot;
    try {
      snapshot = await this.deps.engine.reinstateSnapshot(offboarding.leaver, now);
    } catch (err) {
      const why = err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err);
      return refused(`I couldn't read ${offboarding.leaver.displayName}'s account (${why}), so I can't plan the reinstatement. Try again later. Nothing was changed.`);
    }
    const outcome = await this.deps.engine.offboardingOutcome(offboarding);
    const plan = planReinstatement({ offboarding: outcome, now: snapshot, removeHandovers, at: now });
    let manager: PersonRef | undefined;
    try {
      manager = await this.currentManager(offboarding.leaver, offboarding.manager);
    } catch (err) {
      const why = err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err);
      return refused(`I couldn't read ${offboarding.leaver.displayName}'s manager (${why}), who approves this, so I won't go ahead. Try again later. Nothing was changed.`);
    }
    const approvers = await approversFor(this.deps.directory, this.deps.access.groups.approversGroupId, { id: offboarding.leaver.id, displayName: offboarding.leaver.displayName, ...(manager ? { manager } : {}) }, requester);
    return {
      ok: true,
      value: { offboarding, plan, handedOverGroups: handedOverGroups(plan), approvers: approvers.list, ...(approvers.note ? { approverNote: approvers.note } : {}) },
    };
  }

  /**
   * Who manages the person now: Entra's answer while the account is active; for a deleted account (no manager can be
   * read through it) the manager the offboarding recorded, read again (they may have left since).
   */
  private async currentManager(person: PersonRef, stored: PersonRef | undefined): Promise<PersonRef | undefined> {
    const toRef = (u: DirectoryUser): PersonRef => ({ id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName, ...(u.mail ? { mail: u.mail } : {}), accountEnabled: u.accountEnabled });
    // directory.manager answers undefined for no manager (404); any other failure is thrown: the manager approves, so
    // an unreadable one is not "no manager" (that would hand the decision to the approvers group).
    const now = await this.deps.directory.manager(person.id).catch((err: unknown) => {
      if (isNotFound(err)) {
        return undefined; // the account is deleted: no manager can be read through it
      }
      throw err;
    });
    if (now) {
      return toRef(now);
    }
    if (!stored) {
      return undefined;
    }
    const again = await this.deps.directory.get(stored.id).catch(() => undefined);
    return again ? toRef(again) : { ...stored, accountEnabled: false };
  }
}
