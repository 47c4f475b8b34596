// People's time zones, from their mailbox settings: a scheduled request tells the requester and the approvers when it
// runs in each one's zone (issue 12). `GET /users/{id}/mailboxSettings/timeZone` (user-get-mailboxsettings;
// MailboxSettings.Read, which MailboxSettings.ReadWrite includes) answers `{"@odata.context": …, "value": "<zone>"}`
// with the zone in the format the administrator set up: a Windows name ("W. Europe Standard Time", the default) or an
// IANA one. A user without an Exchange Online mailbox gets 404 MailboxNotEnabledForRESTAPI; a mailbox whose owner never
// chose a zone may have none. Anything unreadable or unrecognised is "unknown", shown as UTC with its offset.
import { findIana } from 'windows-iana';
import { M365Error } from '../m365/errors';
import type { GraphPort } from '../m365/ports';

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The UTC aliases windows-iana gives first ("UTC" → Etc/UTC): shown as plain UTC. */
const UTC_ALIASES = new Set(['Etc/UTC', 'Etc/UCT', 'Etc/GMT', 'Etc/Universal', 'Etc/Zulu', 'UTC', 'GMT']);

/**
 * A mailbox time zone as an IANA name Intl knows: a Windows name through the CLDR mapping (windows-iana; its first
 * answer is the zone CLDR marks for territory 001), an IANA name as it is; undefined for anything else.
 */
export function ianaZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  const v = value.trim();
  const zone = findIana(v)[0] ?? v;
  if (!isIanaZone(zone)) {
    return undefined;
  }
  return UTC_ALIASES.has(zone) ? 'UTC' : zone;
}

/** How long a zone read for `status` is reused (people rarely move; a stale zone only shifts a display). */
export const ZONE_CACHE_MS = 10 * 60_000;

/**
 * Reads people's mailbox time zones in one $batch (at most 20 a batch, inner 429s retried by the gateway). Never
 * throws for one person: a failed read (no mailbox, no permission, throttled for too long) leaves them out, i.e.
 * unknown. Answers within `maxAgeMs` are reused (unknown ones too), so `status` doesn't read Graph on every call.
 */
export class TimeZoneReader {
  private readonly cache = new Map<string, { zone?: string; at: number }>();

  constructor(
    private readonly graph: GraphPort,
    private readonly now: () => number = Date.now,
  ) {}

  async read(ids: readonly string[], maxAgeMs = 0): Promise<Record<string, string>> {
    const unique = [...new Set(ids)];
    const at = this.now();
    const fresh = (id: string) => {
      const hit = this.cache.get(id);
      return hit && maxAgeMs > 0 && at - hit.at < maxAgeMs ? hit : undefined;
    };
    const toRead = unique.filter((id) => !fresh(id));
    if (toRead.length > 0) {
      const results = await this.graph.batch<{ value?: unknown }>(toRead.map((id) => ({ method: 'GET' as const, url: `/users/${encodeURIComponent(id)}/mailboxSettings/timeZone` })));
      toRead.forEach((id, i) => {
        const r = results[i];
        const zone = r === undefined || r instanceof M365Error ? undefined : ianaZone(r.body?.value);
        this.cache.set(id, { ...(zone ? { zone } : {}), at });
      });
      // Keep the cache small: drop what has aged out.
      for (const [id, hit] of this.cache) {
        if (at - hit.at >= ZONE_CACHE_MS) {
          this.cache.delete(id);
        }
      }
    }
    const zones: Record<string, string> = {};
    for (const id of unique) {
      const zone = this.cache.get(id)?.zone;
      if (zone) {
        zones[id] = zone;
      }
    }
    return zones;
  }
}
