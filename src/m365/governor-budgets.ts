// The governor's service families, their default budgets and how a request is classified into one.
//
// Sources (figures "subject to change", Microsoft says; each is a GOVERNOR_* setting, config.ts):
// - "Microsoft Graph service-specific throttling limits" (learn.microsoft.com/graph/throttling-limits):
//   identity and access, per application+tenant pair: write quota 3,000 requests per 2 minutes 30 seconds; resource
//   units 3,500 (S, < 50 users) / 5,000 (M) / 8,000 (L, > 500 users) per 10 seconds — the default takes S, which
//   holds for every tenant size; tenant-wide, all apps: 18,000 writes per 5 minutes. Any POST/PATCH/PUT/DELETE on an
//   identity path costs one write; GETs and the read-only actions (checkMemberGroups…) none.
//   Intune devices (managedDevices, /deviceManagement): per app per tenant 200 POST/PUT/DELETE/PATCH per 20 seconds,
//   2,000 requests of any kind per 20 seconds.
//   Outlook (mail, calendar, mailboxSettings…): "evaluated for each app ID and mailbox combination": per app and
//   mailbox 10,000 requests per 10 minutes and 4 concurrent requests. The governor keeps one budget per mailbox
//   (the user id or UPN of /users/{id}/…: the same mailbox named both ways counts twice, the looser reading).
//   Teams (installedApps, appCatalogs…): 30 requests per second per app per tenant for most request types.
// - Exchange Online's InvokeCommand: Microsoft publishes no limit. Our defaults: 600 cmdlets per minute, 8 at once;
//   429 and Retry-After obeyed like Graph's.
// - Bot Connector ("Optimize your bot with rate limiting and best practices in Microsoft Teams"): per bot per thread
//   7 operations per second, 8 per 2 seconds, 60 per 30 seconds, 1,800 per hour; per app per tenant 50 requests per
//   second across conversations.

export type Family =
  | 'identity-write'
  | 'identity-read'
  | 'intune-write'
  | 'intune-read'
  | 'outlook'
  | 'graph-other'
  | 'exchange'
  | 'bot'
  | 'bot-conversation';

export const FAMILIES: readonly Family[] = ['identity-write', 'identity-read', 'intune-write', 'intune-read', 'outlook', 'graph-other', 'exchange', 'bot', 'bot-conversation'];

export interface Budget {
  /** At most this many requests… */
  requests: number;
  /** …in any window of this length. */
  windowMs: number;
  /** Requests that may go at once (the token bucket's size); the bucket refills at `requests` per window. */
  burst: number;
  /** Requests in flight at once, when the service limits that too. */
  concurrency?: number;
  /**
   * The token bucket's refill, when the service also limits shorter windows than `windowMs` (the Bot Connector's
   * per-conversation tiers): tokens come at `pace.requests` per `pace.windowMs`, while the sliding window still holds
   * at most `requests` per `windowMs`. Unset: `requests` per `windowMs`.
   */
  pace?: { requests: number; windowMs: number };
}

/** A quarter of the budget may go at once; the rest is paced evenly over the window. */
export function defaultBurst(requests: number): number {
  return Math.max(1, Math.floor(requests / 4));
}

function budget(requests: number, seconds: number, extra: Partial<Budget> = {}): Budget {
  return { requests, windowMs: seconds * 1000, burst: defaultBurst(requests), ...extra };
}

export const DEFAULT_BUDGETS: Record<Family, Budget> = {
  'identity-write': budget(3000, 150),
  'identity-read': budget(3500, 10),
  'intune-write': budget(200, 20),
  'intune-read': budget(2000, 20),
  outlook: budget(10000, 600, { concurrency: 4 }),
  'graph-other': budget(30, 1),
  exchange: budget(600, 60, { concurrency: 8 }),
  bot: budget(50, 1, { burst: 10 }),
  // Teams' tiers per conversation at once: a burst of 7 (7 per second), then one a second (8 per 2 seconds, 30 of the
  // allowed 60 per 30 seconds), and never more than 1,800 in any hour (the sliding window).
  'bot-conversation': budget(1800, 3600, { burst: 7, pace: { requests: 1, windowMs: 1000 } }),
};

const MIN_WINDOW_SECONDS = 0.1;
const MAX_WINDOW_SECONDS = 86_400;
const MAX_REQUESTS_PER_MS = 20;

/** "3000/150" (requests per seconds) → a budget with the default burst; `concurrency` kept from the default. */
export function parseBudget(text: string, fallback: Budget): Budget {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) {
    throw new RangeError(`must look like 3000/150 (requests per seconds); got ${text}`);
  }
  const requests = Number(m[1]);
  const seconds = Number(m[2]);
  // Windows Microsoft's limits are counted over: a tenth of a second to a day, at most 20,000 requests a second.
  if (seconds < MIN_WINDOW_SECONDS || seconds > MAX_WINDOW_SECONDS || requests / (seconds * 1000) > MAX_REQUESTS_PER_MS || !Number.isSafeInteger(requests)) {
    throw new RangeError(`${text} is not a plausible budget: the window must be ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS} seconds and the rate at most ${MAX_REQUESTS_PER_MS * 1000} requests a second (e.g. 3000/150)`);
  }
  const burst = fallback.burst === defaultBurst(fallback.requests) ? defaultBurst(requests) : Math.min(fallback.burst, requests);
  return { ...fallback, requests, windowMs: seconds * 1000, burst };
}

export function formatBudget(b: Budget): string {
  return `${b.requests}/${b.windowMs / 1000}`;
}

// One source for what a Graph request is, shared by the governor, the simulated tenant (simulator/faults.ts) and the
// crash points (testing/crash-points.ts). Patterns take a lower-cased path below the version, query stripped.
/** Read-only POST actions: no write cost (DOMAIN.md "What counts as a write"). */
export const READ_ONLY_ACTIONS = /\/(checkmembergroups|getmembergroups|checkmemberobjects|getmemberobjects|getbyids)$/;

export const OUTLOOK_PATH = /^\/(users\/[^/]+|me)\/(mailboxsettings|messages|mailfolders|events|calendar|calendars|calendarview|calendargroups|contacts|contactfolders|inferenceclassification|outlook|sendmail)(\/|$)/;
export const TEAMS_AND_FILES_PATH = /^\/(teams|chats|appcatalogs|drives|sites|shares|teamwork)(\/|$)|^\/(users\/[^/]+|me)\/(teamwork|drive|drives|chats|joinedteams)(\/|$)/;
export const INTUNE_PATH = /^\/devicemanagement\/|^\/(users\/[^/]+|me)\/manageddevices(\/|$)/;

/** "/users/x/messages" from an absolute URL or a path, with or without /v1.0 or /beta and a query: lower case. */
export function graphPath(url: string): string {
  const path = url
    .replace(/^https?:\/\/[^/]+/i, '')
    .replace(/^\/?(v1\.0|beta)(?=\/)/i, '')
    .split('?')[0]!
    .toLowerCase();
  return path.startsWith('/') ? path : `/${path}`;
}

/** Whether a Graph request writes (costs a write): not GET/HEAD, not a read-only action, not the $batch envelope. */
export function isGraphWrite(method: string, url: string): boolean {
  const m = method.toUpperCase();
  const path = graphPath(url);
  return m !== 'GET' && m !== 'HEAD' && path !== '/$batch' && !(m === 'POST' && READ_ONLY_ACTIONS.test(path));
}

/** The mailbox an Outlook request reaches (its budget's key): the user id or UPN of /users/{id}/…; undefined for /me. */
export function outlookMailbox(url: string): string | undefined {
  const m = /^\/users\/([^/]+)\//.exec(graphPath(url));
  if (!m) {
    return undefined;
  }
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

/**
 * The family a Graph request draws on; 'batch' for POST /$batch itself (its inner requests are counted one by one,
 * as Graph counts them).
 */
export function classifyGraph(method: string, url: string): Family | 'batch' {
  const withSlash = graphPath(url);
  if (withSlash === '/$batch') {
    return 'batch';
  }
  const write = isGraphWrite(method, withSlash);
  if (INTUNE_PATH.test(withSlash)) {
    return write ? 'intune-write' : 'intune-read';
  }
  if (OUTLOOK_PATH.test(withSlash)) {
    return 'outlook';
  }
  if (TEAMS_AND_FILES_PATH.test(withSlash)) {
    return 'graph-other';
  }
  return write ? 'identity-write' : 'identity-read';
}

/** Every cmdlet draws on the one Exchange budget. */
export function classifyExchange(): Family {
  return 'exchange';
}
