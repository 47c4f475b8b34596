// Starting an offboarding: who is meant (`offboard <query>`), whether this requester may start it here, and the
// submit that re-checks everything, takes the read-only preview, picks the approvers and stores the request. The
// rules live here once: the card is shown after them and the submit checks them again (card data is user input).
import { M365Error } from '../m365/errors';
import type { AccessPolicy } from './access';
import { approversFor } from './approvers';
import type { Audit } from './audit';
import { MAX_CANDIDATES, type Directory, type DirectoryUser } from './directory';
import { peopleOf, type OffboardingEngine, type Preview } from './engine';
import { LIMITS, tooLong } from './limits';
import type { OffboardingOptions } from './options';
import { PreflightError } from './preflight';
import type { Actor, ChannelData, OffboardingRequest } from './requests';
import { leaverInTeam, venueGroupId, venueRefusal, type Venue } from './venue';

export const NOT_AN_OPERATOR = 'Sorry, only members of the offboarding operators group can start an offboarding. Nothing was changed.';

/** checkLeaver's refusal for the requester naming themself (a batch lists the entry as left out: 'requester'). */
export const OFFBOARD_YOURSELF = "You can't offboard yourself.";

export type Refused = { ok: false; reason: string };
export type Found = { kind: 'none' } | { kind: 'one'; user: DirectoryUser } | { kind: 'many'; users: DirectoryUser[]; more: boolean };

export interface SubmitInput {
  requester: Actor;
  leaverId: string;
  inheritorId: string;
  options: OffboardingOptions;
  effectiveAt?: string;
  timeZone?: string;
  reason?: string;
  teams: ChannelData;
  /** Where it was asked for: checked again here (venue.ts), and kept on the request. */
  where: Venue;
  /** Asked for in a batch (batch/): kept on the request. */
  batchId?: string;
  /**
   * The batch's leavers: none of them approves (approvers.ts), and a group whose other owners all leave in the batch
   * is handed over as if owned alone (engine.preview).
   */
  batchLeavers?: readonly string[];
}

/** What a submit click chose besides who leaves and who inherits: shared with a batch's submit (batch/batch.ts). */
export type RequestChoices = Pick<SubmitInput, 'requester' | 'options' | 'effectiveAt' | 'timeZone' | 'reason' | 'teams' | 'where'>;

/** What the request use cases share (start, reinstate, the service around them): one set of rules and settings. */
export interface UseCaseDeps {
  engine: OffboardingEngine;
  access: AccessPolicy;
  directory: Directory;
  audit: Audit;
  approvalTtlHours: number;
  /**
   * OFFBOARDABLE_UNIT_ID: only members of this administrative unit may be offboarded. An administrative-unit scope on
   * the app's User Administrator role limits only what the role grants (Graph application permissions stay
   * tenant-wide), so the bot refuses a leaver outside the unit itself, before approval.
   */
  offboardableUnitId?: string;
  /** OPERATIONS_CHANNEL_IDS: when set, the only channels where an offboarding may start (1:1 chats always may). */
  operationsChannelIds?: readonly string[];
}

/** And how a new request is opened: its id, and the claim on its person (one open request each). */
export interface StartDeps extends UseCaseDeps {
  now: () => Date;
  newId: () => string;
  /** Stores the request and claims its leaver (housekeeping.ts). */
  open: (request: OffboardingRequest) => Promise<'open' | 'taken' | 'withdrawn'>;
  openRequestFor: (leaverId: string) => Promise<OffboardingRequest | undefined>;
}

const refused = (reason: string): Refused => ({ ok: false, reason });

/**
 * Stores a new request (an offboarding or a reinstatement) and claims its person: one open request each. Stored, then
 * claimed: a second submit for the same person loses the claim, withdraws its own copy and changes nothing; whoever
 * sees the claim can already read the request it points to. A crash in between leaves a marker that housekeeping
 * finds (housekeeping.ts). Resolves with the refusal, or undefined once the request is open.
 */
export async function openRequest(deps: Pick<StartDeps, 'open' | 'openRequestFor'>, request: OffboardingRequest, kind: 'offboarding request' | 'request'): Promise<Refused | undefined> {
  const opened = await deps.open(request);
  if (opened === 'taken') {
    const open = await deps.openRequestFor(request.leaver.id);
    return refused(`${request.leaver.displayName} already has an open ${kind}${open ? `, ${open.id} (${open.status})` : ''}. Nothing was changed.`);
  }
  return opened === 'withdrawn' ? refused(`Saving ${request.id} took too long, so it was withdrawn. Nothing was changed: submit again.`) : undefined;
}

export class OffboardingStart {
  constructor(private readonly deps: StartDeps) {}

  async find(query: string): Promise<Found> {
    const users = await this.deps.directory.find(query);
    if (users.length === 0) {
      return { kind: 'none' };
    }
    const exact = users.filter((u) => [u.displayName, u.userPrincipalName, u.mail].some((v) => v?.toLowerCase() === query.trim().toLowerCase()));
    if (users.length === 1 || exact.length === 1) {
      return { kind: 'one', user: exact.length === 1 ? exact[0]! : users[0]! };
    }
    return { kind: 'many', users: users.slice(0, MAX_CANDIDATES), more: users.length > MAX_CANDIDATES };
  }

  /**
   * `offboard <query>`: who is meant, and may this requester start it? An exact UPN takes one round trip (one
   * $batch); a name takes two (the search with the operator check, then the chosen person's facts). `operatorChecked`:
   * the caller already checked the requester (a batch checks once for all its entries).
   */
  async resolve(requester: Actor, query: string, where: Venue, operatorChecked = false): Promise<Found | Refused | { kind: 'ready'; leaver: DirectoryUser; manager?: DirectoryUser }> {
    const q = query.trim();
    if (q.length > LIMITS.name) {
      return refused(`${tooLong('The name, UPN or mail', LIMITS.name, q.length)}. Nothing was looked up.`); // the Teams layer says so first
    }
    const wrongPlace = venueRefusal(where, this.deps.operationsChannelIds);
    if (wrongPlace) {
      return refused(wrongPlace); // before any read: not even who matches is shown here
    }
    if (q.includes('@')) {
      const checked = await this.checkLeaver(requester, q, where, operatorChecked);
      if (checked.ok) {
        return { kind: 'ready', leaver: checked.leaver, ...(checked.manager ? { manager: checked.manager } : {}) };
      }
      if (!/^No user with id/.test(checked.reason)) {
        return checked;
      }
      // Not a UPN: it may be a mail address; the search below finds it by mail too.
    }
    const [operator, found] = await Promise.all([operatorChecked || this.deps.access.isOperator(requester.id), this.find(q)]);
    if (!operator) {
      return refused(NOT_AN_OPERATOR);
    }
    if (found.kind !== 'one') {
      return found;
    }
    const checked = await this.checkLeaver(requester, found.user.id, where, true);
    return checked.ok ? { kind: 'ready', leaver: checked.leaver, ...(checked.manager ? { manager: checked.manager } : {}) } : checked;
  }

  /**
   * The rules for starting, checked when the card is shown and again on submit (card data is user input): one
   * $batch. `operatorChecked`: the caller already checked the requester in this turn. `where`: where the request card,
   * the plan and the progress would be shown (venue.ts); in a channel the leaver must not be a member of its team.
   */
  async checkLeaver(requester: Actor, leaverIdOrUpn: string, where: Venue, operatorChecked = false): Promise<{ ok: true; leaver: DirectoryUser; manager?: DirectoryUser } | Refused> {
    const wrongPlace = venueRefusal(where, this.deps.operationsChannelIds);
    if (wrongPlace) {
      return refused(wrongPlace);
    }
    const { protectedGroupId, operatorsGroupId } = this.deps.access.groups;
    const teamGroupId = venueGroupId(where);
    const groupIds = teamGroupId ? [protectedGroupId, teamGroupId] : [protectedGroupId];
    const facts = await this.deps.directory.leaverFacts(leaverIdOrUpn, groupIds, operatorChecked ? undefined : { id: requester.id, groupIds: [operatorsGroupId] });
    if (!operatorChecked && !facts.requesterMemberOf?.has(operatorsGroupId)) {
      return refused(NOT_AN_OPERATOR);
    }
    const leaver = facts.user;
    if (!leaver) {
      return refused(`No user with id ${leaverIdOrUpn}.`);
    }
    if (leaver.id === requester.id) {
      return refused(OFFBOARD_YOURSELF);
    }
    const unitRefusal = await this.outsideUnit(leaver);
    if (unitRefusal) {
      return refused(unitRefusal);
    }
    if (facts.memberOf === undefined) {
      return refused(`I couldn't check whether ${leaver.displayName} is protected, so I won't offboard them. Try again later.`);
    }
    if (facts.memberOf.has(protectedGroupId)) {
      return refused(`${leaver.displayName} is in the protected group: they can't be offboarded with this bot.`);
    }
    if (teamGroupId && facts.memberOf.has(teamGroupId)) {
      return refused(leaverInTeam(leaver.displayName));
    }
    if (facts.managerError) {
      // The manager approves: an unreadable one is not "no manager" (that would hand the decision to the approvers group).
      return refused(`I couldn't read ${leaver.displayName}'s manager (${facts.managerError.summary()}), who approves this, so I won't go ahead. Try again later.`);
    }
    const open = await this.deps.openRequestFor(leaver.id);
    if (open) {
      return refused(`${leaver.displayName} already has an open offboarding request, ${open.id} (${open.status}, asked by ${open.requester.displayName}). Type \`status ${open.id}\` to see it.`);
    }
    return { ok: true, leaver, ...(facts.manager ? { manager: facts.manager } : {}) };
  }

  /** Why the leaver may not be offboarded for being outside OFFBOARDABLE_UNIT_ID (or unreadable), if so. A read only. */
  private async outsideUnit(leaver: DirectoryUser): Promise<string | undefined> {
    const unitId = this.deps.offboardableUnitId;
    if (unitId === undefined) {
      return undefined;
    }
    try {
      if (await this.deps.directory.inAdministrativeUnit(unitId, leaver.id)) {
        return undefined;
      }
      return `${leaver.displayName} is not in the administrative unit this bot may offboard (OFFBOARDABLE_UNIT_ID ${unitId}), so I won't offboard them. Nothing was changed.`;
    } catch (err) {
      const why = err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err);
      return `I couldn't check whether ${leaver.displayName} is in the administrative unit this bot may offboard (${why}), so I won't offboard them. Nothing was changed.`;
    }
  }

  /** Re-checks everything, takes the read-only preview, picks the approvers and stores the request. */
  async submit(input: SubmitInput): Promise<{ ok: true; request: OffboardingRequest; preview: Preview } | Refused> {
    // Bounded input before any read (the card action checks the same limits first).
    if ((input.reason?.length ?? 0) > LIMITS.reason) {
      return refused(`${tooLong('The reason', LIMITS.reason, input.reason!.length)}.`);
    }
    if ((input.options.autoReplyMessage?.length ?? 0) > LIMITS.autoReplyMessage) {
      return refused(`${tooLong('The automatic reply text', LIMITS.autoReplyMessage, input.options.autoReplyMessage!.length)}.`);
    }
    const check = await this.checkLeaver(input.requester, input.leaverId, input.where);
    if (!check.ok) {
      return check;
    }
    if (input.inheritorId === input.leaverId) {
      return refused(`${check.leaver.displayName} can't inherit their own mailbox: choose someone else.`);
    }
    let preview: Preview;
    try {
      preview = await this.deps.engine.preview(input.leaverId, input.inheritorId, input.options, input.batchLeavers);
    } catch (err) {
      if (err instanceof PreflightError) {
        return refused(err.message);
      }
      throw err;
    }
    if (preview.plan.refusals.length > 0) {
      return refused(`This plan can't go ahead: ${preview.plan.refusals.join(' ')}`);
    }
    const approvers = await approversFor(this.deps.directory, this.deps.access.groups.approversGroupId, preview.snapshot.leaver, input.requester, input.batchLeavers ? { batchLeavers: input.batchLeavers } : undefined);
    if (approvers.list.length === 0) {
      return refused(`Nobody can approve this: ${approvers.note ?? ''} and the approvers group has no other active member.`);
    }
    const now = this.deps.now();
    const request: OffboardingRequest = {
      id: this.deps.newId(),
      status: 'requested',
      ...(input.batchId ? { batchId: input.batchId } : {}),
      ...peopleOf(preview.snapshot),
      requester: input.requester,
      approvers: approvers.list,
      ...(approvers.note ? { approverNote: approvers.note } : {}),
      options: input.options,
      ...(input.effectiveAt ? { effectiveAt: input.effectiveAt } : {}),
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      plan: preview.plan,
      warnings: preview.plan.warnings,
      ...(preview.snapshot.leaver.directoryRoles ? { rolesAtApproval: preview.snapshot.leaver.directoryRoles.map(({ id, displayName }) => ({ id, displayName })) } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.approvalTtlHours * 3600_000).toISOString(),
      teams: input.teams,
      where: input.where,
    };
    const notOpened = await openRequest(this.deps, request, 'offboarding request');
    if (notOpened) {
      return notOpened;
    }
    // The whole plan's lists go to the audit log: cards list only the first few (see teams/view.ts).
    const leftInPlace = request.plan.steps.find((s) => s.kind === 'groups-left-in-place')?.untouched ?? [];
    await this.deps.audit.record({
      kind: 'request',
      requestId: request.id,
      data: {
        event: 'requested',
        leaver: request.leaver.id,
        inheritor: request.inheritor.id,
        requester: request.requester.id,
        ...(request.batchId ? { batchId: request.batchId } : {}),
        approvers: request.approvers.map((a) => a.id),
        options: request.options,
        effectiveAt: request.effectiveAt ?? null,
        reason: request.reason ?? null,
        groupsLeftInPlace: leftInPlace.map((g) => ({ id: g.id, label: g.label, reason: g.reason })),
        followUps: request.plan.followUps.map((f) => f.message),
        warnings: request.plan.warnings.map((w) => w.message),
      },
    });
    return { ok: true, request, preview };
  }
}
