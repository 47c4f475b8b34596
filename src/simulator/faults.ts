// Fault and load controls: latency on every request, random 429 (with Retry-After) and 503 answers, and a budget of
// writes per time window answered with 429 + Retry-After, as Graph's throttling does
// (https://learn.microsoft.com/graph/throttling, "Identity and access service limits").
import { classifyGraph, isGraphWrite as isWrite, outlookMailbox, type Family } from '../m365/governor-budgets';

export interface WriteBudget {
  writes: number;
  windowMs: number;
}

/**
 * Next-N counters for one-shot writes whose answer is lost: the tenant applies the request, then the client gets no
 * response at all (the connection is destroyed) or a 504. "The request arrived but the answer never came" is what a
 * bot's settling logic has to resolve by reading the service's own record. wipeRetire: a successful
 * POST managedDevices/{id}/wipe or /retire; clearMobileDevice: a successful Clear-MobileDevice.
 */
export interface LostAnswerFaults {
  wipeRetireNoResponse: number;
  wipeRetire504: number;
  clearMobileDeviceNoResponse: number;
  clearMobileDevice504: number;
}

export const NO_LOST_ANSWERS: LostAnswerFaults = { wipeRetireNoResponse: 0, wipeRetire504: 0, clearMobileDeviceNoResponse: 0, clearMobileDevice504: 0 };

export type LostAnswer = 'noResponse' | 'gatewayTimeout';

/**
 * Budgets per service family, enforced as Microsoft's services do ("Microsoft Graph service-specific throttling
 * limits"): at most `requests` in any `windowMs` (a sliding window, per app per tenant; for `outlook`, per app and
 * mailbox, as Outlook's limits are evaluated for each app ID and mailbox combination); beyond it 429 with
 * Retry-After — top-level and inside $batch alike. Throttled requests keep counting ("Microsoft Graph continues to log
 * resource usage while a client is being throttled", throttling guidance): an app that keeps sending stays throttled.
 * `exchange` counts every InvokeCommand cmdlet (Microsoft publishes no limit for it: the stricter reading).
 */
export type ThrottleFamily = 'identityWrites' | 'identityReads' | 'intuneWrites' | 'intuneReads' | 'outlook' | 'exchange';
export const THROTTLE_FAMILIES: readonly ThrottleFamily[] = ['identityWrites', 'identityReads', 'intuneWrites', 'intuneReads', 'outlook', 'exchange'];

export interface RequestBudget {
  requests: number;
  windowMs: number;
}

export type FamilyBudgets = Partial<Record<ThrottleFamily, RequestBudget>>;

/** The governor's families as the simulated tenant names its limits (graph-other: none simulated). */
const THROTTLE_FAMILY: Partial<Record<Family, ThrottleFamily>> = {
  'identity-write': 'identityWrites',
  'identity-read': 'identityReads',
  'intune-write': 'intuneWrites',
  'intune-read': 'intuneReads',
  outlook: 'outlook',
};

/**
 * Which limit a Graph request counts against (undefined: none simulated; a $batch: each inner request counts, not the
 * batch). One classification for the bot and the simulated tenant: governor-budgets.ts classifyGraph.
 */
export function graphThrottleFamily(method: string, path: string): ThrottleFamily | undefined {
  const family = classifyGraph(method, path);
  return family === 'batch' ? undefined : THROTTLE_FAMILY[family];
}

/** The key a request's family budget is counted under: the family, and for Outlook the mailbox too. */
export function throttleKey(family: ThrottleFamily | undefined, path: string): string | undefined {
  if (family !== 'outlook') {
    return family;
  }
  const mailbox = outlookMailbox(path);
  return mailbox === undefined ? family : `${family}:${mailbox.toLowerCase()}`;
}

export interface FaultSettings extends LostAnswerFaults {
  latencyMs: number;
  rate429: number;
  rate503: number;
  writeBudget?: WriteBudget;
  /** Per-family budgets (429 + Retry-After beyond them); see FamilyBudgets. */
  familyBudgets?: FamilyBudgets;
  mailboxConversionDelayMs: number;
}

export type Service = 'graph' | 'exchange';

/** Whether a Graph request costs a write (governor-budgets.ts, DOMAIN.md "What counts as a write"). */
export function isGraphWrite(method: string, path: string): boolean {
  return isWrite(method, path);
}

export function isExchangeWrite(cmdlet: string): boolean {
  return !/^get-/i.test(cmdlet);
}

/** Seconds for the Retry-After of random faults: short, so clients that honour it stay fast in tests. */
export const RANDOM_FAULT_RETRY_AFTER_SECONDS = 1;

export class Faults {
  private readonly writeTimes: Record<Service, number[]> = { graph: [], exchange: [] };
  /** Request times per budget: the family, or "outlook:<mailbox>" (throttleKey). */
  private familyTimes: Record<string, number[]> = {};
  /** 429s answered per family (the bench and tests read them through GET faults / familyThrottled). */
  familyThrottled: Partial<Record<ThrottleFamily, number>> = {};

  constructor(
    public settings: FaultSettings,
    private readonly random: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  update(partial: Partial<FaultSettings>): void {
    for (const key of ['latencyMs', 'rate429', 'rate503', 'mailboxConversionDelayMs'] as const) {
      const v = partial[key];
      if (v !== undefined) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (key.startsWith('rate') && v > 1)) {
          throw new RangeError(`${key} must be a number${key.startsWith('rate') ? ' between 0 and 1' : ' >= 0'}`);
        }
        this.settings[key] = v;
      }
    }
    for (const key of Object.keys(NO_LOST_ANSWERS) as (keyof LostAnswerFaults)[]) {
      const v = partial[key];
      if (v !== undefined) {
        if (!Number.isInteger(v) || v < 0) {
          throw new RangeError(`${key} must be an integer >= 0 (how many of the next requests lose their answer)`);
        }
        this.settings[key] = v;
      }
    }
    if ('writeBudget' in partial) {
      const b = partial.writeBudget;
      if (b !== undefined && b !== null && !(Number.isInteger(b.writes) && b.writes >= 0 && b.windowMs > 0)) {
        throw new RangeError('writeBudget must be { writes: integer >= 0, windowMs: > 0 } or null');
      }
      this.settings.writeBudget = b ?? undefined;
      this.writeTimes.graph = [];
      this.writeTimes.exchange = [];
    }
    if ('familyBudgets' in partial) {
      const budgets = partial.familyBudgets ?? undefined;
      for (const [family, b] of Object.entries(budgets ?? {})) {
        if (!THROTTLE_FAMILIES.includes(family as ThrottleFamily) || !b || !(Number.isInteger(b.requests) && b.requests >= 1 && b.windowMs > 0)) {
          throw new RangeError(`familyBudgets.${family} must be { requests: integer >= 1, windowMs: > 0 } for one of ${THROTTLE_FAMILIES.join(', ')}`);
        }
      }
      this.settings.familyBudgets = budgets;
      this.familyTimes = {};
      this.familyThrottled = {};
    }
  }

  /**
   * Counts a request against its family's budget; returns the Retry-After seconds when the window already holds the
   * budget (the request is refused, and still counted).
   */
  consumeFamily(family: ThrottleFamily | undefined, key: string | undefined = family): number | undefined {
    const budget = family === undefined ? undefined : this.settings.familyBudgets?.[family];
    if (!budget || family === undefined) {
      return undefined;
    }
    const now = this.now();
    const k = key ?? family;
    const times = (this.familyTimes[k] ?? []).filter((t) => t > now - budget.windowMs);
    this.familyTimes[k] = times;
    const over = times.length >= budget.requests;
    times.push(now);
    if (!over) {
      return undefined;
    }
    this.familyThrottled[family] = (this.familyThrottled[family] ?? 0) + 1;
    // When enough of the window's requests have aged out for one more to fit.
    const freeing = times[times.length - budget.requests - 1] ?? now;
    return Math.max(1, Math.ceil((freeing + budget.windowMs - now) / 1000));
  }

  /** One draw per request: 429 below rate429, 503 below rate429 + rate503. */
  randomFault(): 429 | 503 | undefined {
    const { rate429, rate503 } = this.settings;
    if (rate429 <= 0 && rate503 <= 0) {
      return undefined;
    }
    const r = this.random();
    if (r < rate429) {
      return 429;
    }
    if (r < rate429 + rate503) {
      return 503;
    }
    return undefined;
  }

  /** Records a write; returns the Retry-After seconds when the budget of the window is spent. */
  consumeWrite(service: Service): number | undefined {
    const budget = this.settings.writeBudget;
    if (!budget) {
      return undefined;
    }
    const now = this.now();
    const times = this.writeTimes[service].filter((t) => t > now - budget.windowMs);
    this.writeTimes[service] = times;
    if (times.length >= budget.writes) {
      const oldest = times[0] ?? now;
      return Math.max(1, Math.ceil((oldest + budget.windowMs - now) / 1000));
    }
    times.push(now);
    return undefined;
  }

  /** Consumes one lost-answer fault for an applied request of this kind, if any is armed; no response first. */
  takeLostAnswer(kind: 'wipeRetire' | 'clearMobileDevice'): LostAnswer | undefined {
    if (this.settings[`${kind}NoResponse`] > 0) {
      this.settings[`${kind}NoResponse`] -= 1;
      return 'noResponse';
    }
    if (this.settings[`${kind}504`] > 0) {
      this.settings[`${kind}504`] -= 1;
      return 'gatewayTimeout';
    }
    return undefined;
  }

  resetBudgets(): void {
    this.familyTimes = {};
    this.familyThrottled = {};
    this.writeTimes.graph = [];
    this.writeTimes.exchange = [];
  }
}
