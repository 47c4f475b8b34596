// Deciding: an approver's approve or reject, checked against the stored request (never the card), and expiring a
// request nobody decided in time. One click may decide one request (the single approval card) or many (a batch's
// approval card, batch/decide.ts): the same rules, the same audit entries and the same follow-up work per request;
// many take the operator check once, store their decisions a few at a time, and write their audit entries together.
import type { Logger } from '../logger';
import { Limiter } from '../m365/limiter';
import type { AccessPolicy } from './access';
import type { Audit } from './audit';
import { LIMITS, tooLong } from './limits';
import * as lifecycle from './requests';
import type { Actor, OffboardingRequest } from './requests';
import type { RequestNotifier } from './service';
import type { Refused } from './start';
import { canSee, requestNotFound } from './visibility';

type Change = (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal;

export interface DecisionDeps {
  access: AccessPolicy;
  audit: Audit;
  now: () => Date;
  logger?: Logger;
  get: (id: string) => Promise<OffboardingRequest | undefined>;
  /** The service's compare-and-swap update of a request (retries lost races; `change` may refuse). */
  update: (id: string, change: Change) => Promise<{ ok: true; request: OffboardingRequest } | Refused>;
  /** Frees the request's leaver (housekeeping.ts releaseClaim). */
  release: (request: OffboardingRequest) => Promise<void>;
  notifier: () => RequestNotifier | undefined;
  /** Follow-up work after the click is answered, in the service's slots. */
  background: (requestId: string, work: () => Promise<void>) => void;
  /** Starts an approved request once the turns in flight are answered (service.begin), outside the follow-up slots. */
  begin: (requestId: string) => void;
}

export type Outcome = 'approved' | 'rejected';

/** Stores at most this many decisions of one click at once: the store serialises writes anyway. */
const DECISIONS_AT_ONCE = 8;

const refused = (reason: string): Refused => ({ ok: false, reason });

/** The comment's limit, checked before the store is touched. */
export function commentRefusal(comment: string | undefined): Refused | undefined {
  return (comment?.length ?? 0) > LIMITS.comment ? refused(`${tooLong('The comment', LIMITS.comment, comment!.length)}. Nothing was changed.`) : undefined;
}

export class Decisions {
  constructor(private readonly deps: DecisionDeps) {}

  isOperator(userId: string): Promise<boolean> {
    return this.deps.access.isOperator(userId).catch(() => false);
  }

  async decide(requestId: string, by: Actor, outcome: Outcome, comment?: string, round?: string): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    const tooLongComment = commentRefusal(comment);
    if (tooLongComment) {
      return tooLongComment;
    }
    const now = this.deps.now();
    // Who may not see the request learns nothing of it, not even from a forged click (visibility.ts): the leaver
    // included. Only then do the deciding rules apply.
    const operator = await this.isOperator(by.id);
    const result = await this.store(requestId, by, outcome, operator, now, comment, round);
    if (!result.ok) {
      await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'refused', by: by.id, outcome, reason: result.reason } });
      await this.expireOnClick(requestId, by, operator, now);
      return result;
    }
    await this.deps.audit.record(decisionEntry(result.request, by, outcome, comment));
    await this.followUp(result.request, outcome);
    return result;
  }

  /**
   * One click deciding many requests (a batch's approval card): the caller picked exactly the stored requests assigned
   * to `by` (`operator`: the check it took). Each is decided under the same rules as decide(); answered once every
   * decision is stored. `refused`: those that could not be decided (decided meanwhile, expired, …), with the reason.
   */
  async decideMany(requestIds: readonly string[], by: Actor, outcome: Outcome, operator: boolean, comment?: string): Promise<{ decided: OffboardingRequest[]; refused: Array<{ requestId: string; reason: string }> }> {
    const now = this.deps.now();
    const slots = new Limiter(DECISIONS_AT_ONCE);
    const results = await Promise.all(requestIds.map((id) => slots.run(() => this.store(id, by, outcome, operator, now, comment))));
    const decided: OffboardingRequest[] = [];
    const notDecided: Array<{ requestId: string; reason: string }> = [];
    results.forEach((r, i) => (r.ok ? decided.push(r.request) : notDecided.push({ requestId: requestIds[i]!, reason: r.reason })));
    // Recorded in one turn: the audit log writes them together (audit.ts).
    await Promise.all([
      ...decided.map((r) => this.deps.audit.record(decisionEntry(r, by, outcome, comment))),
      ...notDecided.map(({ requestId, reason }) => this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'refused', by: by.id, outcome, reason } })),
    ]);
    await Promise.all(decided.map((r) => slots.run(() => this.followUp(r, outcome))));
    await Promise.all(notDecided.map(({ requestId }) => slots.run(() => this.expireOnClick(requestId, by, operator, now))));
    return { decided, refused: notDecided };
  }

  /** Marks one request expired (if it still is due); the requester is told in the background. */
  async expire(requestId: string, now: Date): Promise<OffboardingRequest | undefined> {
    const result = await this.deps.update(requestId, (x) => lifecycle.expire(x, now));
    if (!result.ok) {
      return undefined;
    }
    await this.deps.audit.record({ kind: 'decision', requestId, data: { event: 'expired' } });
    await this.deps.release(result.request);
    this.deps.background(requestId, async () => {
      await this.deps.notifier()?.decided(result.request);
      await this.deps.notifier()?.ended(result.request);
    });
    return result.request;
  }

  /** The decision, stored by compare-and-swap against the request as stored. */
  private store(requestId: string, by: Actor, outcome: Outcome, operator: boolean, now: Date, comment?: string, round?: string): Promise<{ ok: true; request: OffboardingRequest } | Refused> {
    return this.deps.update(requestId, (r) => (canSee(r, by, operator) ? lifecycle.decide(r, by, outcome, now, comment, round) : refused(requestNotFound(requestId))));
  }

  /**
   * A click after the deadline expires the request now, without waiting for housekeeping (a click by someone who may
   * see it: nobody else can tell it exists, let alone move it).
   */
  private async expireOnClick(requestId: string, by: Actor, operator: boolean, now: Date): Promise<void> {
    const current = await this.deps.get(requestId);
    if (current && canSee(current, by, operator) && lifecycle.isExpired(current, now)) {
      await this.expire(current.id, now);
    }
  }

  /** A rejection frees the leaver now; cards, the thread line and the run follow in the background, in that order. */
  private async followUp(request: OffboardingRequest, outcome: Outcome): Promise<void> {
    if (outcome === 'rejected') {
      await this.deps.release(request);
    }
    const requestId = request.id;
    this.deps.background(requestId, async () => {
      // Telling Teams may fail; the run starts regardless.
      await this.deps.notifier()?.decided(request).catch((err: unknown) => this.deps.logger?.warn({ err, requestId }, 'decision not shown in Teams'));
      if (outcome === 'rejected') {
        await this.deps.notifier()?.ended(request);
      } else {
        // The run has its own slots (maxConcurrentRuns): it doesn't hold a follow-up slot for its whole length.
        this.deps.begin(requestId);
      }
    });
  }
}

function decisionEntry(request: OffboardingRequest, by: Actor, outcome: Outcome, comment?: string): { kind: string; requestId: string; data: Record<string, unknown> } {
  return { kind: 'decision', requestId: request.id, data: { event: outcome, by: by.id, comment: comment ?? null, ...(request.batchId ? { batchId: request.batchId } : {}) } };
}
