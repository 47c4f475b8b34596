// No request left in limbo. OffboardingService.tick() runs this every few seconds on every instance (several will
// share one store), so every decision here rests on stored state, claimed by compare-and-swap — never on what one
// process remembers:
//
// 1. Orphans. A submit stores the request, then claims its leaver (one open request per leaver). A crash between
//    the two leaves a 'requested' request that nobody will ever hear of. The store has no transactions across
//    documents (a shared Azure Table store could only do them within one partition, and requests and claims are
//    keyed differently), so instead of one atomic write the submit leaves a small marker in UNCLAIMED *before* the
//    request and clears it once the claim is made. Housekeeping lists only these markers (a few bytes each, almost
//    always none) instead of reading every request document (~30 KB of plan each) every 5 s. A marker older than a
//    minute whose leaver is not claimed by its request means the submit died: housekeeping takes the marker (CAS),
//    withdraws the request and removes the marker. The marker is also the tie-breaker with a submit that is merely
//    slow: it clears its marker with the etag it wrote, so if housekeeping took it first the submit knows its request
//    was withdrawn, gives the claim back and says so. Either the submit or housekeeping wins, never both. (Should it
//    die before giving the claim back, the claim points at an ended request, and the next submit takes it over.)
//    Claiming first and storing second would not help: a crash would leave a claim pointing at nothing, blocking
//    the leaver, with no request to show as withdrawn.
//
// 2. Approval cards never delivered (a crash between storing and sending, or Teams down). Each approver's delivery
//    attempts are kept on the request (request.delivery); no record means the submit's own attempt, started at
//    createdAt. An approver without a card (the notifier knows: the card references it keeps on the request) gets a
//    new attempt when the last one failed and its backoff lapsed, or when it never reported back within a lease
//    (the process died mid-delivery). Starting an attempt is a CAS on the request, so of two ticks at once (on two
//    instances) only one delivers.
//
// 3. Nobody reachable. When every approver's latest attempt ended with no card, the requester is told at once
//    (the notifier: the thread with a mention, else a 1:1 chat), once per outage, and once more when a card gets
//    through after all. A failed telling is retried after the next failed delivery round, never every tick.
import type { Logger } from '../logger';
import { ConflictError, type Store } from '../store/store';
import type { Audit } from './audit';
import * as lifecycle from './requests';
import type { ApproverDelivery, DeliveryNotice, DeliveryState, OffboardingRequest } from './requests';
import type { RequestNotifier } from './service';

/** request id → marker: a submit is between storing its request and claiming its leaver (or died there). */
export const UNCLAIMED = 'unclaimed-requests';

export interface UnclaimedMarker {
  requestId: string;
  leaverId: string;
  /** When the submit wrote it (the request's createdAt). */
  at: string;
  /** Set when housekeeping took the marker to withdraw the request: the submit can no longer complete it. */
  withdrawingAt?: string;
}

/** What became of one approver's card in a delivery round. 'skipped': decided meanwhile, or already under way here. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'skipped';
/** What the requester is told about their request's approval cards ('reapproval': a scheduled request needs a new decision). */
export type RequesterNews = 'withdrawn' | 'nobody-reachable' | 'reached' | 'reapproval' | 'start-delayed';

export interface HousekeepingTimings {
  /** A request stored this long ago without its leaver's claim is withdrawn (a live submit needs milliseconds). */
  orphanAfterMs: number;
  /** A delivery (or a telling) not reported back after this long is taken as dead: the notifier needs about 40 s. */
  leaseMs: number;
  /** After a failed delivery the next waits this long, doubled per attempt, up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_TIMINGS: HousekeepingTimings = { orphanAfterMs: 60_000, leaseMs: 120_000, retryBaseMs: 60_000, retryMaxMs: 30 * 60_000 };

type Change = (r: OffboardingRequest) => lifecycle.Allowed<OffboardingRequest> | lifecycle.Refusal;

export interface HousekeepingDeps {
  store: Store;
  audit: Audit;
  /** The service's collections: requests, and the one-per-leaver claims. */
  requests: string;
  claims: string;
  now: () => Date;
  notifier: () => RequestNotifier | undefined;
  /** The service's compare-and-swap update of a request (retries lost races; `change` may refuse). */
  update: (id: string, change: Change) => Promise<{ ok: true; request: OffboardingRequest } | { ok: false; reason: string }>;
  /** Runs work after the tick, tracked (OffboardingService.idle() waits for it). */
  background: (requestId: string, work: () => Promise<void>) => void;
  logger?: Logger;
  timings?: Partial<HousekeepingTimings>;
}

const skip = (reason: string): lifecycle.Refusal => ({ ok: false, reason });

export class Housekeeping {
  private readonly t: HousekeepingTimings;

  constructor(private readonly deps: HousekeepingDeps) {
    this.t = { ...DEFAULT_TIMINGS, ...deps.timings };
  }

  // --- Opening a request (the submit) ---------------------------------------------------------------------------------

  /**
   * Stores a new request and claims its leaver, marker first (see the top of this file). 'taken': another request
   * holds the claim (this one is gone again); 'withdrawn': housekeeping withdrew it meanwhile (the claim is given back).
   */
  async open(request: OffboardingRequest): Promise<'open' | 'taken' | 'withdrawn'> {
    const { store } = this.deps;
    const marker: UnclaimedMarker = { requestId: request.id, leaverId: request.leaver.id, at: request.createdAt };
    const markerEtag = await store.put(UNCLAIMED, request.id, marker, null);
    const dropMarker = () => store.delete(UNCLAIMED, request.id, markerEtag).catch(() => undefined);
    let requestEtag: string;
    try {
      requestEtag = await store.put(this.deps.requests, request.id, request, null);
    } catch (err) {
      await dropMarker();
      throw err;
    }
    // Lost to another open request (or failed): this one is gone again, marker and all.
    const undo = async () => {
      await store.delete(this.deps.requests, request.id, requestEtag).catch(() => undefined);
      await dropMarker();
    };
    const claimed = await this.claim(request).catch(async (err: unknown) => {
      await undo();
      throw err;
    });
    if (!claimed) {
      await undo();
      return 'taken';
    }
    try {
      await store.delete(UNCLAIMED, request.id, markerEtag);
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        // The request is open and claimed; housekeeping sees the claim and removes the marker.
        this.deps.logger?.warn({ err, requestId: request.id }, 'could not clear the unclaimed marker');
        return 'open';
      }
      // The marker changed or vanished. Only a marker housekeeping took (withdrawingAt) means the request is being
      // withdrawn; a vanished one means housekeeping saw our claim and cleared it for us: the request is open.
      const marker = await store.get<UnclaimedMarker>(UNCLAIMED, request.id);
      const stored = await store.get<OffboardingRequest>(this.deps.requests, request.id);
      if (!marker?.value.withdrawingAt && stored?.value.status === 'requested') {
        return 'open';
      }
      await this.unclaim(request);
      return 'withdrawn';
    }
    return 'open';
  }

  /**
   * Claims the leaver for this request. A claim still held by a request that has ended (or was never stored) is taken
   * over: e.g. a slow submit that claimed after housekeeping withdrew its request, then died before giving it back.
   */
  private async claim(request: OffboardingRequest): Promise<boolean> {
    const { store, claims } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get<{ requestId: string }>(claims, request.leaver.id);
      if (current) {
        const holder = await store.get<OffboardingRequest>(this.deps.requests, current.value.requestId);
        // A reinstatement takes the claim over from the stopped offboarding it undoes (service.release gives it back).
        const takesOver = request.reinstates?.requestId === holder?.value.id && holder?.value.status === 'stopped';
        if (holder && !lifecycle.isFinal(holder.value) && !takesOver) {
          return false;
        }
      }
      try {
        await store.put(claims, request.leaver.id, { requestId: request.id }, current?.etag ?? null);
        return true;
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          throw err;
        }
      }
    }
    return false;
  }

  // --- The tick -------------------------------------------------------------------------------------------------------

  /** One round: orphans withdrawn, missing approval cards (re)delivered. `open` is the tick's read of open requests. */
  async run(open: OffboardingRequest[]): Promise<void> {
    await this.withdrawOrphans().catch((err: unknown) => this.deps.logger?.error({ err }, 'housekeeping: orphaned requests not checked'));
    await this.redeliver(open).catch((err: unknown) => this.deps.logger?.error({ err }, 'housekeeping: approval cards not checked'));
  }

  /** Markers older than a minute: the submit died before its claim (or just before clearing the marker). */
  async withdrawOrphans(): Promise<OffboardingRequest[]> {
    const { store, now } = this.deps;
    const at = now();
    const withdrawn: OffboardingRequest[] = [];
    for (const m of await store.list<UnclaimedMarker>(UNCLAIMED)) {
      if (at.getTime() - Date.parse(m.value.at) < this.t.orphanAfterMs) {
        continue;
      }
      const claim = await store.get<{ requestId: string }>(this.deps.claims, m.value.leaverId);
      let etag = m.etag;
      if (claim?.value.requestId === m.value.requestId && !m.value.withdrawingAt) {
        await store.delete(UNCLAIMED, m.id, etag).catch(() => undefined); // claimed: the submit died after its claim
        continue;
      }
      if (!m.value.withdrawingAt) {
        try {
          etag = await store.put<UnclaimedMarker>(UNCLAIMED, m.id, { ...m.value, withdrawingAt: at.toISOString() }, etag);
        } catch (err) {
          if (err instanceof ConflictError) {
            continue; // the submit cleared it just now (or another instance took it)
          }
          throw err;
        }
      }
      const reason = 'the bot stopped while opening it, before anyone was asked to approve';
      const result = await this.deps.update(m.value.requestId, (r) => lifecycle.withdraw(r, at, reason));
      if (result.ok) {
        withdrawn.push(result.request);
        const r = result.request;
        await this.deps.audit.record({ kind: 'request', requestId: r.id, data: { event: 'withdrawn', reason, leaver: r.leaver.id, requester: r.requester.id, createdAt: r.createdAt } });
        this.deps.logger?.warn({ requestId: r.id, createdAt: r.createdAt }, 'withdrew a request stored without its leaver claim');
        this.deps.background(r.id, () => this.tell(r, 'withdrawn').then(() => undefined));
      } else if ((await store.get<OffboardingRequest>(this.deps.requests, m.value.requestId))?.value.status === 'requested') {
        continue; // lost a race on the request: the marker stays (taken), the next tick tries again
      }
      // Not there (the submit died before storing it) or already final: only the marker is left to remove.
      await store.delete(UNCLAIMED, m.id, etag).catch(() => undefined);
    }
    return withdrawn;
  }

  /** Starts a delivery for every approver of an open request who has no card and whose turn has come. */
  async redeliver(open: OffboardingRequest[]): Promise<void> {
    const notifier = this.deps.notifier();
    if (!notifier) {
      return;
    }
    const now = this.deps.now();
    for (const r of open) {
      if (r.status !== 'requested' || lifecycle.isExpired(r, now) || this.due(notifier, r, now).length === 0) {
        continue;
      }
      let claimed: string[] = [];
      const result = await this.deps.update(r.id, (x) => {
        claimed = x.status === 'requested' ? this.due(notifier, x, now) : [];
        return claimed.length > 0 ? { ok: true, value: startAttempts(x, claimed, now) } : skip('nothing due');
      });
      if (!result.ok) {
        continue; // another instance started them first, or the request moved on
      }
      const request = result.request;
      const attempts = Object.fromEntries(claimed.map((id) => [id, deliveryOf(request, id).attempts]));
      await this.deps.audit.record({ kind: 'notify', requestId: r.id, data: { event: 'approval-redelivery', attempts } });
      this.deps.background(r.id, () => this.deliver(notifier, request, claimed));
    }
  }

  /** (The notifier never runs two deliveries to one approver at once in a process; the lease covers other processes.) */
  private async deliver(notifier: RequestNotifier, request: OffboardingRequest, approverIds: string[]): Promise<void> {
    await this.delivered(request, await notifier.deliverApprovals(request, approverIds));
  }

  /** Approvers of `r` without a card whose next attempt is due now. */
  private due(notifier: RequestNotifier, r: OffboardingRequest, now: Date): string[] {
    return notifier.approversWithoutCard(r).filter((id) => now.getTime() >= this.nextAttemptAt(deliveryOf(r, id)));
  }

  private nextAttemptAt(d: ApproverDelivery): number {
    if (d.failedAt) {
      return Date.parse(d.failedAt) + Math.min(this.t.retryBaseMs * 2 ** Math.max(0, d.attempts - 1), this.t.retryMaxMs);
    }
    return Date.parse(d.lastAttemptAt) + this.t.leaseMs; // under way, or died without reporting
  }

  // --- After a delivery round (the submit's first one, or a redelivery) -------------------------------------------------

  /**
   * Records the approvers whose card could not be delivered in the attempt `attempted` describes (a newer attempt
   * is left alone), then tells the requester if nobody can be reached — or that a card got through after all.
   */
  async delivered(attempted: OffboardingRequest, outcomes: Record<string, DeliveryOutcome>): Promise<void> {
    const failed = Object.keys(outcomes).filter((id) => outcomes[id] === 'failed');
    if (failed.length > 0) {
      const at = this.deps.now().toISOString();
      let marked: string[] = [];
      const result = await this.deps.update(attempted.id, (x) => {
        marked = failed.filter((id) => deliveryOf(x, id).lastAttemptAt === deliveryOf(attempted, id).lastAttemptAt && !deliveryOf(x, id).failedAt);
        if (marked.length === 0) {
          return skip('a newer attempt is under way');
        }
        const approvers = { ...approversOf(x), ...Object.fromEntries(marked.map((id) => [id, { ...deliveryOf(x, id), failedAt: at }])) };
        return { ok: true, value: withDelivery(x, { approvers }) };
      });
      if (result.ok) {
        await this.deps.audit.record({ kind: 'notify', requestId: attempted.id, data: { event: 'approval-undelivered', approvers: marked } });
      }
    }
    await this.tellIfNeeded(attempted.id);
  }

  private async tellIfNeeded(requestId: string): Promise<void> {
    const notifier = this.deps.notifier();
    const doc = await this.deps.store.get<OffboardingRequest>(this.deps.requests, requestId);
    const r = doc?.value;
    if (!notifier || r?.status !== 'requested') {
      return;
    }
    const without = notifier.approversWithoutCard(r);
    const nobody = without.length === r.approvers.length && r.approvers.every((a) => deliveryOf(r, a.id).failedAt !== undefined);
    if (nobody) {
      await this.tellOnce(r, 'nobodyReached', 'nobody-reachable', true);
    } else if (without.length < r.approvers.length && r.delivery?.nobodyReached?.via) {
      await this.tellOnce(r, 'reached', 'reached', false);
    }
  }

  /** Claims the notice (CAS), tells, records where; a failed telling frees the claim when `retry` (next round tries). */
  private async tellOnce(r: OffboardingRequest, key: 'nobodyReached' | 'reached', news: RequesterNews, retry: boolean): Promise<void> {
    const now = this.deps.now();
    const claimable = (x: OffboardingRequest) => {
      const n: DeliveryNotice | undefined = x.delivery?.[key];
      return x.status === 'requested' && (!n || (!n.via && now.getTime() - Date.parse(n.at) >= this.t.leaseMs));
    };
    if (!claimable(r)) {
      return;
    }
    const claimed = await this.deps.update(r.id, (x) => (claimable(x) ? { ok: true, value: withDelivery(x, { [key]: { at: now.toISOString() } }) } : skip('told already')));
    if (!claimed.ok) {
      return;
    }
    const via = await this.tell(claimed.request, news);
    if (via || retry) {
      await this.deps.update(r.id, (x) => ({ ok: true, value: withDelivery(x, { [key]: via ? { at: now.toISOString(), via } : undefined }) }));
    }
  }

  /** Tells the requester through the notifier; records it. Never throws. */
  private async tell(request: OffboardingRequest, news: RequesterNews): Promise<'thread' | '1:1' | undefined> {
    let via: 'thread' | '1:1' | undefined;
    try {
      via = await this.deps.notifier()?.tellRequester(request, news);
    } catch (err) {
      this.deps.logger?.warn({ err, requestId: request.id }, 'could not tell the requester');
    }
    await this.deps.audit.record({ kind: 'notify', requestId: request.id, data: { event: 'requester-told', news, via: via ?? null } });
    return via;
  }

  /** Gives the leaver back, if this request holds them. */
  private unclaim(request: OffboardingRequest): Promise<void> {
    return releaseClaim(this.deps.store, { claims: this.deps.claims, requests: this.deps.requests }, request);
  }
}

/**
 * The one rule for letting go of a person's claim: only the request holding it lets go. A reinstatement that never
 * ran (rejected, cancelled, expired, withdrawn) hands it back to the stopped offboarding it took it from; otherwise the
 * person is free for a new request.
 */
export async function releaseClaim(store: Store, collections: { claims: string; requests: string }, request: OffboardingRequest): Promise<void> {
  const claim = await store.get<{ requestId: string }>(collections.claims, request.leaver.id);
  if (claim?.value.requestId !== request.id) {
    return;
  }
  const stopped = request.reinstates && !request.runId ? (await store.get<OffboardingRequest>(collections.requests, request.reinstates.requestId))?.value : undefined;
  const release = stopped?.status === 'stopped' && !stopped.reinstatedBy ? store.put(collections.claims, request.leaver.id, { requestId: stopped.id }, claim.etag) : store.delete(collections.claims, request.leaver.id, claim.etag);
  await release.catch(() => undefined);
}

/** An approver's delivery record; none yet means the submit's own attempt, started when the request was created. */
export function deliveryOf(r: OffboardingRequest, approverId: string): ApproverDelivery {
  return r.delivery?.approvers[approverId] ?? { attempts: 1, lastAttemptAt: r.createdAt };
}

function approversOf(r: OffboardingRequest): Record<string, ApproverDelivery> {
  return r.delivery?.approvers ?? {};
}

function withDelivery(r: OffboardingRequest, change: Partial<DeliveryState>): OffboardingRequest {
  return { ...r, delivery: { approvers: approversOf(r), ...r.delivery, ...change } };
}

function startAttempts(r: OffboardingRequest, approverIds: string[], now: Date): OffboardingRequest {
  const started = approverIds.map((id): [string, ApproverDelivery] => [id, { attempts: deliveryOf(r, id).attempts + 1, lastAttemptAt: now.toISOString() }]);
  return withDelivery(r, { approvers: { ...approversOf(r), ...Object.fromEntries(started) } });
}
