// A wall-clock date and time in an IANA time zone → UTC, with Intl only (no time zone library): find the zone's
// offset at that moment, twice, so a time next to a DST change lands right.

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone and purpose.
const formats = new Map<string, Intl.DateTimeFormat>();
export function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formats.get(key);
  if (!f) {
    f = make();
    formats.set(key, f);
  }
  return f;
}

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = formatter(`offset|${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** `date` YYYY-MM-DD and `time` HH:mm, read in `timeZone`, as a UTC Date. */
export function zonedToUtc(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return new Date(utc);
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return formatter(`day|${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(now);
}

/** An IANA zone this runtime knows. */
export function isValidZone(zone: string | undefined): zone is string {
  if (!zone) {
    return false;
  }
  try {
    formatter(`valid|${zone}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: zone }));
    return true;
  } catch {
    return false;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The zone's offset from UTC at that moment, DST included: "+01:00", "-08:00", "+05:30". */
export function utcOffset(utcMs: number, timeZone: string): string {
  const minutes = Math.round(offsetMs(utcMs, timeZone) / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A moment as a person sees it, naming the zone and its UTC offset at that moment (DST included), so nobody has to
 * guess whose clock it is: "Fri 5 Dec 2026, 17:00 Europe/Paris (UTC+01:00)". No zone, or one Intl doesn't know:
 * "Fri 5 Dec 2026, 16:00 UTC (UTC+00:00)".
 */
export function formatInZone(iso: string, timeZone?: string): string {
  const zone = isValidZone(timeZone) ? timeZone : 'UTC';
  const ms = Date.parse(iso);
  const parts = formatter(`inzone|${zone}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  // Month names of our own: ICU's en-GB short September ("Sept") differs between Node versions.
  const month = MONTHS[Number(get('month')) - 1] ?? get('month');
  return `${get('weekday')} ${Number(get('day'))} ${month} ${get('year')}, ${get('hour')}:${get('minute')} ${zone} (UTC${utcOffset(ms, zone)})`;
}
