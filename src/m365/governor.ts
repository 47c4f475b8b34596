// The governor: one per process, injected into the Graph and Exchange gateways and into the Bot Connector sender
// (src/teams/proactive.ts), so every Microsoft 365 and Teams call of every run draws on one budget per service family.
//
// - Budgets are Microsoft's published limits, "N requests per window" (defaults in governor-budgets.ts, settings in
//   config.ts GOVERNOR_*), enforced as the services count them: never more than N grants in any window (a sliding
//   log, with a small margin for the time requests take to arrive). Within that, a token bucket (refilled at N per
//   window, holding at most `burst`) spreads the requests evenly, so a batch of 500 leavers doesn't spend the whole
//   window's budget in its first second and leave nothing for the next leaver's containment.
// - A Retry-After seen by any call (a top-level answer, an inner $batch answer, a Bot Connector 429) pauses the whole
//   family: every caller waits, not only the one that got it (Microsoft Graph "throttling guidance": Graph keeps
//   counting requests while a client is throttled, so waiting Retry-After out is the fastest way to recover).
// - Waiters are served by priority (priority.ts: containment, then the rest of the critical path, then the rest)
//   and, within a priority, round-robin between lanes (one lane per run: `lane` reads the run from the audit scope),
//   so a batch of 500 leavers doesn't put the 501st leaver's sign-in block behind 499 group removals.
// - Observable: `snapshot()` (doctor shows it) and debug logs of pauses and queues.
// - Several instances: a BudgetSource says which share of each budget this instance may use (1 alone; 1/n with n
//   live instances sharing a store — the Shared store issue) and may carry pauses between instances.
import type { Logger } from '../logger';
import { currentPriority, PRIORITY_LEVELS, type PriorityLevel } from './priority';
import { DEFAULT_BUDGETS, FAMILIES, type Budget, type Family } from './governor-budgets';

export { classifyExchange, classifyGraph, DEFAULT_BUDGETS, FAMILIES, formatBudget, outlookMailbox, parseBudget, type Budget, type Family } from './governor-budgets';

export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const REAL_CLOCK: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(fn, ms) {
    // Not unref'd: a timer exists only while requests wait for it, and they must keep the process alive.
    const t = setTimeout(fn, Math.max(0, Math.ceil(ms)));
    return () => clearTimeout(t);
  },
};

/**
 * Where the budget comes from. Alone, this instance has all of it. With several instances on one tenant (Shared
 * store), each takes budget ÷ live instances, and a pause seen by one can be told to the others.
 */
export interface BudgetSource {
  /** This instance's share of every budget, 0 < share ≤ 1. Read at every refill, so it may change at any time. */
  share(): number;
  /** How many instances share the budget, this one included (diagnostics: doctor shows it). */
  instances?(): number;
  /** Called when this instance pauses a family (to publish it to the other instances). */
  paused?(family: Family, untilMs: number): void;
  /** Registers the governor's pause function for pauses seen by other instances. */
  subscribe?(pause: (family: Family, untilMs: number) => void): void;
}

export const ALONE: BudgetSource = { share: () => 1 };

/** When a 429 carries no Retry-After (Graph always sends one; the Bot Connector may not). */
export const DEFAULT_PAUSE_MS = 1_000;

export interface Permit {
  /** Gives back the concurrency slot (when the family has a concurrency limit); idempotent. */
  release(): void;
  /**
   * The request leaves now: its grant is counted from now, not from when it was granted. A request may wait for a
   * connection slot after its grant (the gateways' limiters); the service counts it when it arrives, so the window must
   * too, or grants made while others waited would reach the service bunched, over its budget. Idempotent.
   */
  sent(): void;
}

/** A grant in a family's window: [time, tokens]; re-stamped when its request actually leaves (Permit.sent). */
type Grant = [number, number];

export interface AcquireOptions {
  /** Bot Connector: the conversation, which has a budget of its own on top of the app's. */
  conversation?: string;
  /**
   * Outlook: the mailbox (the user id or UPN of /users/{id}/…). Outlook's limits hold per app and mailbox ("Outlook
   * service limits are evaluated for each app ID and mailbox combination"), so each mailbox has a budget of its own,
   * its 4 concurrent requests included; without one, the app-wide Outlook budget is used.
   */
  mailbox?: string;
  /** False for requests inside a $batch: Graph runs them (4 at a time for Outlook) under the batch's one connection. */
  slot?: boolean;
  /**
   * Tokens taken at once (default 1): the requests of one $batch, granted together right before it leaves, so that
   * they reach the service when their tokens say. At most the burst (`maxAtOnce`); more is capped to it.
   */
  tokens?: number;
}

export interface BucketSnapshot {
  family: Family;
  /** "3000 per 150 s" (before the instance's share). */
  budget: string;
  tokens: number;
  burst: number;
  /** Requests waiting for a token, by priority. */
  queued: Record<PriorityLevel, number>;
  /** Lanes (runs) with requests waiting. */
  lanes: number;
  inFlight: number;
  concurrency?: number;
  granted: number;
  /** 429 answers seen. */
  throttled: number;
  pauses: number;
  /** Time left in the current pause, 0 when not paused. */
  pausedForMs: number;
  /** The longest any request waited for a token. */
  maxWaitMs: number;
  /** The share of the budget used since the last 429 (1: all of it). */
  pace: number;
}

export interface GovernorSnapshot {
  share: number;
  /** Live instances sharing the budget, when the source counts them. */
  instances?: number;
  families: BucketSnapshot[];
  /** Bot Connector conversations with a budget of their own right now, and those with requests waiting or paused. */
  conversations: { tracked: number; busy: BucketSnapshot[] };
  /** Outlook mailboxes with a budget of their own right now, and those with requests waiting or paused. */
  mailboxes: { tracked: number; busy: BucketSnapshot[] };
}

export interface GovernorOptions {
  budgets?: Partial<Record<Family, Budget>>;
  source?: BudgetSource;
  clock?: Clock;
  logger?: Logger;
  /** The lane (fairness key) of the current request: the run it belongs to. Unset: one shared lane. */
  lane?: () => string | undefined;
}

interface Waiter {
  resolve: (grant: Grant) => void;
  at: number;
  slot: boolean;
  tokens: number;
}

const SHARED_LANE = '';
/** Conversations and mailboxes idle and refilled are forgotten beyond this many buckets. */
const MAX_IDLE_CONVERSATIONS = 1_000;
const STATE_LOG_INTERVAL_MS = 5_000;
/** acquireTogether re-checks at most this often before it queues for every family anyway. */
const MAX_TOGETHER_ROUNDS = 20;
/** How much of the budget's pace comes back per window without a 429, after one. */
const RECOVERY_PER_WINDOW = 0.1;
/** A new throttling episode multiplies the pace by this… */
const SLOW_DOWN = 0.7;
/** …never below this: Microsoft may answer 429 under load below its limits, and one must not halt a batch. */
const MIN_FACTOR = 0.5;
/** Grants are counted over the service's window plus 2% and 100 ms: requests reach the service a little later. */
const WINDOW_MARGIN = 0.02;
const WINDOW_MARGIN_MS = 100;
/** Token arithmetic is in floating point: a token short by less than this is a whole one. */
const EPSILON = 1e-6;

class Bucket {
  tokens: number;
  last: number;
  pausedUntil = 0;
  inFlight = 0;
  granted = 0;
  throttled = 0;
  pauses = 0;
  maxWaitMs = 0;
  /** Per priority, lanes in round-robin order (a Map keeps insertion order; a served lane moves to the end). */
  readonly queues = new Map<PriorityLevel, Map<string, Waiter[]>>(PRIORITY_LEVELS.map((p) => [p, new Map()]));
  cancelTimer?: () => void;
  timerAt = Infinity;

  constructor(
    readonly family: Family,
    readonly budget: Budget,
    now: number,
    share: number,
  ) {
    this.tokens = this.burst(share);
    this.last = now;
  }

  /**
   * Below 1 after a 429: the token rate (not the window's hard limit) is multiplied by this. Microsoft may answer 429
   * under load even below the published limits, so one 429 only slows the pace a little: ×0.7 per new throttling
   * episode, never below MIN_FACTOR (half the budget), and it comes back by a tenth of the budget per window without
   * a 429, counted from the end of the pause. The sliding-window limit stays the budget: shrinking it would stop the
   * family for a whole window, where the service asked only for Retry-After.
   */
  factor = 1;
  lastThrottleAt = -Infinity;
  /** When the current run of steady sending began (waiters queued without a gap); undefined when idle. */
  busySince?: number;

  burst(share: number): number {
    return Math.max(1, Math.floor(this.budget.burst * share * this.factor));
  }

  /** The most requests in any window: the budget, this instance's share of it (the pace does not shrink it). */
  limit(share: number): number {
    return Math.max(1, Math.floor(this.budget.requests * share));
  }

  /** Tokens per ms: the budget spread evenly over its window, at the current pace. */
  rate(share: number): number {
    const pace = this.budget.pace ?? this.budget;
    return Math.max(pace.requests * share * this.factor, 1e-9) / pace.windowMs;
  }

  /** The window the grants are counted over: a little longer than the service's, for the time requests take to arrive. */
  get window(): number {
    return this.budget.windowMs * (1 + WINDOW_MARGIN) + WINDOW_MARGIN_MS;
  }

  refill(now: number, share: number): void {
    if (now > this.last) {
      const quietSince = Math.max(this.lastThrottleAt, this.pausedUntil);
      if (this.factor < 1 && now > quietSince) {
        this.factor = Math.min(1, this.factor + ((now - Math.max(this.last, quietSince)) / this.budget.windowMs) * RECOVERY_PER_WINDOW);
      }
      // Nothing accrues while paused: the service's window is full, and the pause ends with an empty bucket.
      const from = Math.max(this.last, Math.min(this.pausedUntil, now));
      this.tokens = Math.min(this.burst(share), this.tokens + (now - from) * this.rate(share));
      this.last = now;
    }
  }

  /** Grants of the last window, [time, tokens], and their sum: what the service counts now. */
  private readonly recent: Grant[] = [];
  private recentSum = 0;

  /** Tokens granted within the last window. */
  inWindow(now: number): number {
    while (this.recent.length > 0 && this.recent[0]![0] <= now - this.window) {
      this.recentSum -= this.recent.shift()![1];
    }
    return this.recentSum;
  }

  /** When the window will have room for `need` more tokens (now if it has). */
  roomAt(now: number, need: number, share: number): number {
    let excess = this.inWindow(now) + need - this.limit(share);
    if (excess <= 0) {
      return now;
    }
    for (const [t, n] of this.recent) {
      excess -= n;
      if (excess <= 0) {
        return t + this.window;
      }
    }
    return now + this.window;
  }

  recordGrant(now: number, tokens: number): Grant {
    const grant: Grant = [now, tokens];
    this.recent.push(grant);
    this.recentSum += tokens;
    return grant;
  }

  /** The grant's request leaves at `now` (≥ every grant's time): it moves to the end of the window, counted from now. */
  restamp(grant: Grant, now: number): void {
    const i = this.recent.lastIndexOf(grant);
    if (i >= 0 && grant[0] < now) {
      this.recent.splice(i, 1);
      grant[0] = now;
      this.recent.push(grant);
    }
  }

  /**
   * A new throttling episode (not one more 429 of requests already in flight when it began) slows the pace by 30%,
   * to at least MIN_FACTOR. After a full window of steady sending (requests queued all along), what got through in
   * that window is a fair reading of the service's real limit: the pace may then drop to 90% of it, still not below
   * MIN_FACTOR. Early in a window, or after idling, what was sent says nothing about the limit and is not used.
   */
  slowDown(now: number, share: number): void {
    if (now >= this.pausedUntil) {
      let factor = this.factor * SLOW_DOWN;
      if (this.busySince !== undefined && now - this.busySince >= this.window) {
        factor = Math.min(factor, (0.9 * this.inWindow(now)) / (this.budget.requests * share));
      }
      this.factor = Math.max(MIN_FACTOR, Math.min(this.factor, factor));
    }
    this.lastThrottleAt = now;
  }

  get waiting(): number {
    let n = 0;
    for (const lanes of this.queues.values()) {
      for (const q of lanes.values()) {
        n += q.length;
      }
    }
    return n;
  }

  /** The next waiter: highest priority first, lanes in turn within it. */
  next(): Waiter | undefined {
    for (const lanes of this.queues.values()) {
      for (const [lane, q] of lanes) {
        const w = q.shift()!;
        lanes.delete(lane);
        if (q.length > 0) {
          lanes.set(lane, q); // to the back of the round
        }
        return w;
      }
    }
    return undefined;
  }

  peek(): Waiter | undefined {
    for (const lanes of this.queues.values()) {
      for (const q of lanes.values()) {
        return q[0];
      }
    }
    return undefined;
  }
}

export class Governor {
  private readonly budgets: Record<Family, Budget>;
  private readonly source: BudgetSource;
  private readonly clock: Clock;
  private readonly buckets = new Map<string, Bucket>();
  private lastStateLog = 0;

  constructor(private readonly options: GovernorOptions = {}) {
    this.budgets = { ...DEFAULT_BUDGETS, ...options.budgets };
    this.source = options.source ?? ALONE;
    this.clock = options.clock ?? REAL_CLOCK;
    this.source.subscribe?.((family, until) => this.pauseUntil(family, until, false));
  }

  /** Waits for a token of the family (and of the conversation's own budget, for the Bot Connector). */
  async acquire(family: Family, options: AcquireOptions = {}): Promise<Permit> {
    const priority = currentPriority();
    const lane = this.options.lane?.() ?? SHARED_LANE;
    const slot = options.slot !== false;
    const tokens = Math.max(1, Math.floor(options.tokens ?? 1));
    const held: Array<[Bucket, Grant]> = [];
    if (family === 'bot' && options.conversation !== undefined) {
      const conversation = this.bucket('bot-conversation', options.conversation);
      held.push([conversation, await this.wait(conversation, priority, lane, slot, tokens)]);
    }
    const bucket = this.keyed(family, options.mailbox);
    held.push([bucket, await this.wait(bucket, priority, lane, slot, tokens)]);
    let released = false;
    let sent = false;
    return {
      sent: () => {
        if (!sent) {
          sent = true;
          const now = this.clock.now();
          for (const [b, grant] of held) {
            b.restamp(grant, now);
          }
        }
      },
      release: () => {
        if (released || !slot) {
          return;
        }
        released = true;
        for (const [b] of held) {
          b.inFlight--;
          this.pump(b);
        }
      },
    };
  }

  /**
   * Tokens of several families at once (the inner requests of one $batch): waits until no family is paused or at its
   * window's limit, then queues for all of them at once, so no family's grants are counted long before the batch
   * leaves while another family is paused. Priority and fairness apply to each family's grant as usual.
   */
  async acquireTogether(demands: ReadonlyArray<{ family: Family; tokens: number; mailbox?: string }>, options: Omit<AcquireOptions, 'tokens' | 'mailbox'> = {}): Promise<Permit> {
    const parts = demands.filter((d) => d.tokens > 0);
    for (let round = 0; parts.length > 1 && round < MAX_TOGETHER_ROUNDS; round++) {
      const waitMs = Math.max(...parts.map((d) => this.readyInMs(this.keyed(d.family, d.mailbox), d.tokens)));
      if (waitMs <= 0) {
        break;
      }
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, Math.max(1, waitMs)));
    }
    const permits = await Promise.all(parts.map((d) => this.acquire(d.family, { ...options, tokens: d.tokens, ...(d.mailbox !== undefined ? { mailbox: d.mailbox } : {}) })));
    return { release: () => permits.forEach((p) => p.release()), sent: () => permits.forEach((p) => p.sent()) };
  }

  /** acquire → task → release; the answer's status and Retry-After go through `observe`. */
  async run<T>(family: Family, task: () => Promise<T>, options?: AcquireOptions): Promise<T> {
    const permit = await this.acquire(family, options);
    try {
      return await task();
    } finally {
      permit.release();
    }
  }

  /**
   * An answer of the family: a 429 (Retry-After or not), or a 503 with Retry-After, pauses the whole family for that
   * long. For the Bot Connector, the conversation's budget too; for Outlook, `key` is the mailbox, whose budget alone is
   * paused (another mailbox's is not affected).
   */
  observe(family: Family, status: number, retryAfterMs: number | undefined, key?: string): void {
    const conversation = family === 'bot' ? key : undefined;
    const mailbox = family === 'outlook' ? key : undefined;
    if (status === 429) {
      const b = this.keyed(family, mailbox);
      b.refill(this.clock.now(), this.share());
      b.throttled++;
      b.slowDown(this.clock.now(), this.share());
    }
    if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
      const ms = retryAfterMs ?? DEFAULT_PAUSE_MS;
      if (mailbox !== undefined) {
        this.pauseBucket(this.keyed(family, mailbox), this.clock.now() + ms);
        return;
      }
      this.pause(family, ms);
      if (family === 'bot' && conversation !== undefined) {
        this.pauseBucket(this.bucket('bot-conversation', conversation), this.clock.now() + ms);
      }
    }
  }

  /** Pauses every caller of the family for `ms`. */
  pause(family: Family, ms: number): void {
    this.pauseUntil(family, this.clock.now() + ms, true);
  }

  snapshot(): GovernorSnapshot {
    const now = this.clock.now();
    const share = this.share();
    const view = (b: Bucket): BucketSnapshot => {
      b.refill(now, share);
      const queued = Object.fromEntries(PRIORITY_LEVELS.map((p) => [p, [...b.queues.get(p)!.values()].reduce((n, q) => n + q.length, 0)])) as Record<PriorityLevel, number>;
      const lanes = new Set(PRIORITY_LEVELS.flatMap((p) => [...b.queues.get(p)!.keys()])).size;
      return {
        family: b.family,
        budget: formatBudgetInline(b.budget),
        tokens: Math.floor(b.tokens * 10) / 10,
        burst: b.burst(share),
        queued,
        lanes,
        inFlight: b.inFlight,
        ...(b.budget.concurrency !== undefined ? { concurrency: b.budget.concurrency } : {}),
        granted: b.granted,
        throttled: b.throttled,
        pauses: b.pauses,
        pausedForMs: Math.max(0, Math.round(b.pausedUntil - now)),
        maxWaitMs: Math.round(b.maxWaitMs),
        pace: Math.round(b.factor * 100) / 100,
      };
    };
    const families: BucketSnapshot[] = [];
    const conversations: BucketSnapshot[] = [];
    const mailboxes: BucketSnapshot[] = [];
    for (const family of FAMILIES) {
      if (family !== 'bot-conversation') {
        families.push(view(this.bucket(family)));
      }
    }
    for (const [key, b] of this.buckets) {
      if (b.waiting > 0 || b.pausedUntil > now) {
        if (key.startsWith('bot-conversation:')) {
          conversations.push(view(b));
        } else if (key.startsWith('outlook:')) {
          mailboxes.push(view(b));
        }
      }
    }
    const tracked = (prefix: string): number => [...this.buckets.keys()].filter((k) => k.startsWith(prefix)).length;
    return { share, ...(this.source.instances ? { instances: this.source.instances() } : {}), families, conversations: { tracked: tracked('bot-conversation:'), busy: conversations }, mailboxes: { tracked: tracked('outlook:'), busy: mailboxes } };
  }

  /** The most tokens one acquisition gets at once (the burst): the largest $batch of this family that keeps to the budget. */
  maxAtOnce(family: Family, mailbox?: string): number {
    return this.keyed(family, mailbox).burst(this.share());
  }

  /** Milliseconds until the family (or a Bot Connector conversation) could grant a token to a new request. */
  waitEstimateMs(family: Family, conversation?: string): number {
    const b = family === 'bot' && conversation !== undefined ? this.bucket('bot-conversation', conversation) : this.keyed(family, family === 'outlook' ? conversation : undefined);
    const now = this.clock.now();
    const share = this.share();
    b.refill(now, share);
    const paused = Math.max(0, b.pausedUntil - now);
    const deficit = b.waiting + 1 - b.tokens; // counting each waiter as one token
    return Math.max(paused, deficit > 0 ? deficit / b.rate(share) : 0);
  }

  /**
   * Milliseconds until the bucket is neither paused nor at its window's limit for `tokens` more. The queue and the
   * token bucket are left to acquire: waiting for them here would put a batch behind every waiter, whatever its priority.
   */
  private readyInMs(b: Bucket, tokens: number): number {
    const now = this.clock.now();
    const share = this.share();
    b.refill(now, share);
    const paused = Math.max(0, b.pausedUntil - now);
    const room = b.roomAt(now, Math.min(tokens, b.limit(share)), share) - now;
    return Math.max(paused, room);
  }

  private share(): number {
    const s = this.source.share();
    return Number.isFinite(s) && s > 0 ? Math.min(1, s) : 1;
  }

  /** The family's bucket; for Outlook with a mailbox, that mailbox's own. */
  private keyed(family: Family, mailbox: string | undefined): Bucket {
    return family === 'outlook' && mailbox !== undefined ? this.bucket('outlook', mailbox.toLowerCase()) : this.bucket(family);
  }

  private bucket(family: Family, conversation?: string): Bucket {
    const key = conversation === undefined ? family : `${family}:${conversation}`;
    let b = this.buckets.get(key);
    if (!b) {
      if (conversation !== undefined && this.buckets.size > MAX_IDLE_CONVERSATIONS) {
        this.forgetIdleConversations();
      }
      b = new Bucket(family, this.budgets[family], this.clock.now(), this.share());
      this.buckets.set(key, b);
    }
    return b;
  }

  private forgetIdleConversations(): void {
    const now = this.clock.now();
    const share = this.share();
    for (const [key, b] of this.buckets) {
      if (key.includes(':') && b.waiting === 0 && b.inFlight === 0 && b.pausedUntil <= now) {
        b.refill(now, share);
        if (b.tokens >= b.burst(share)) {
          this.buckets.delete(key);
        }
      }
    }
  }

  private wait(b: Bucket, priority: PriorityLevel, lane: string, slot: boolean, tokens: number): Promise<Grant> {
    return new Promise<Grant>((resolve) => {
      const lanes = b.queues.get(priority)!;
      const q = lanes.get(lane);
      const waiter = { resolve, at: this.clock.now(), slot, tokens };
      b.busySince ??= waiter.at;
      if (q) {
        q.push(waiter);
      } else {
        lanes.set(lane, [waiter]);
      }
      this.pump(b);
    });
  }

  private pauseUntil(family: Family, until: number, publish: boolean): void {
    const b = this.bucket(family);
    if (until <= b.pausedUntil) {
      return;
    }
    this.pauseBucket(b, until);
    this.options.logger?.debug({ governor: { family, pauseMs: Math.round(until - this.clock.now()), queued: b.waiting, seenHere: publish } }, 'governor: Retry-After pauses the whole family');
    if (publish) {
      this.source.paused?.(family, until);
    }
  }

  private pauseBucket(b: Bucket, until: number): void {
    if (until <= b.pausedUntil) {
      return;
    }
    if (b.pausedUntil <= this.clock.now()) {
      b.pauses++; // a new pause, not one more 429 of requests in flight when it began
    }
    b.pausedUntil = until;
    // The service counted everything up to now: restart from an empty bucket, not with a burst.
    b.refill(this.clock.now(), this.share());
    b.tokens = Math.min(b.tokens, 0);
    this.pump(b);
  }

  /** Grants what can be granted now, and sets one timer for when the next grant becomes possible. */
  private pump(b: Bucket): void {
    const now = this.clock.now();
    const share = this.share();
    b.refill(now, share);
    let wakeAt = Infinity;
    for (;;) {
      const head = b.peek();
      if (!head) {
        b.busySince = undefined; // the queue ran dry: not steady sending
        break;
      }
      if (now < b.pausedUntil) {
        wakeAt = b.pausedUntil;
        break;
      }
      if (head.slot && b.budget.concurrency !== undefined && b.inFlight >= b.budget.concurrency) {
        break; // a release pumps again
      }
      const need = Math.min(head.tokens, b.burst(share));
      if (b.tokens < need - EPSILON) {
        // At least 1 ms ahead: a timer due "now" by a rounding error would spin.
        wakeAt = now + Math.max(1, (need - b.tokens) / b.rate(share));
        break;
      }
      // The hard limit: never more than the budget in any window, whatever the bucket holds.
      const room = b.roomAt(now, Math.min(head.tokens, b.limit(share)), share);
      if (room > now) {
        wakeAt = Math.max(room, now + 1);
        break;
      }
      const w = b.next()!;
      b.tokens -= w.tokens;
      b.granted += w.tokens;
      const grant = b.recordGrant(now, w.tokens);
      if (w.slot) {
        b.inFlight++;
      }
      b.maxWaitMs = Math.max(b.maxWaitMs, now - w.at);
      w.resolve(grant);
    }
    if (wakeAt !== b.timerAt) {
      b.cancelTimer?.();
      b.cancelTimer = undefined;
      b.timerAt = wakeAt;
      if (wakeAt !== Infinity) {
        b.cancelTimer = this.clock.setTimer(() => {
          b.cancelTimer = undefined;
          b.timerAt = Infinity;
          this.pump(b);
        }, wakeAt - now);
      }
    }
    this.logState(now);
  }

  private logState(now: number): void {
    const logger = this.options.logger;
    if (!logger || now - this.lastStateLog < STATE_LOG_INTERVAL_MS || !logger.isLevelEnabled?.('debug')) {
      return;
    }
    const busy = [...this.buckets.values()].filter((b) => b.waiting > 0 || b.pausedUntil > now);
    if (busy.length === 0) {
      return;
    }
    this.lastStateLog = now;
    logger.debug({ governor: busy.map((b) => ({ family: b.family, queued: b.waiting, tokens: Math.floor(b.tokens), pausedForMs: Math.max(0, Math.round(b.pausedUntil - now)), granted: b.granted, throttled: b.throttled })) }, 'governor: requests waiting for budget');
  }
}

function formatBudgetInline(b: Budget): string {
  const seconds = b.windowMs / 1000;
  return `${b.requests} per ${seconds} s${b.concurrency !== undefined ? `, ${b.concurrency} at once` : ''}`;
}
