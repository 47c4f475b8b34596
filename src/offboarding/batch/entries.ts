// A batch typed in the command (issue 15, *Bulk*): `offboard` followed by several names, UPNs or mails. Pure parsing,
// no lookups: the entries are resolved one by one later, like a single `offboard`. The rules:
//  - new lines and semicolons separate entries;
//  - commas (and spaces) separate entries only when every piece is a UPN or mail, so "Doe, Jane" stays one name
//    (and a line mixing a UPN with a "Last, First" name stays one entry: it can't be split safely);
//  - entries are trimmed, empty ones dropped, and repeats (case-insensitive) dropped after the first, and reported.
import { LIMITS, MAX_LIST_ENTRIES, tooLong, tooMany } from '../limits';

export interface Entry {
  /** As typed, trimmed. */
  query: string;
  /** 1-based line of the text it came from. */
  line: number;
}

export type EntryList =
  | { ok: true; entries: Entry[]; duplicates: string[] }
  | { ok: false; reason: string };

/** A UPN or mail, loosely: one '@', something before it, a dot inside the domain, no spaces. */
export function isAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(value);
}

/** The entries in order, before any check. Lazy, so isBatchText can stop at the second one. */
function* splitEntries(text: string): Generator<Entry> {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    for (const piece of lines[i]!.split(';')) {
      // Commas or spaces between addresses: a pasted list of UPNs may reach the bot on one line (Teams may deliver
      // a message's line breaks as spaces). A name never splits: "Jane Doe" and "Doe, Jane" stay one entry.
      const parts = piece.split(/[,\s]+/).filter((p) => p !== '');
      const split = parts.length > 1 && parts.every(isAddress);
      for (const query of split ? parts : [piece.trim()]) {
        if (query !== '') {
          yield { query, line: i + 1 };
        }
      }
    }
  }
}

/** True when the text after `offboard` holds more than one entry: a batch. One entry keeps the single path as it is. */
export function isBatchText(text: string): boolean {
  let count = 0;
  for (const _ of splitEntries(text)) {
    if (++count > 1) {
      return true;
    }
  }
  return false;
}

/** A long value shown in a reply: its start only. */
export function preview(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/**
 * The entries of the text after `offboard`. Refused: more than MAX_LIST_ENTRIES entries as typed (repeats included,
 * as the requester counts them), an entry over LIMITS.name, no entry at all.
 */
export function parseEntryList(text: string): EntryList {
  const all = [...splitEntries(text)];
  if (all.length === 0) {
    return { ok: false, reason: 'There are no names, UPNs or mails in the list.' };
  }
  if (all.length > MAX_LIST_ENTRIES) {
    return { ok: false, reason: `${tooMany('The list', all.length)}.` };
  }
  const entries: Entry[] = [];
  const duplicates: string[] = [];
  const seen = new Map<string, { first: string; reported: boolean }>();
  for (const [index, entry] of all.entries()) {
    if (entry.query.length > LIMITS.name) {
      const which = `Entry ${index + 1} (line ${entry.line}, "${preview(entry.query)}")`;
      return { ok: false, reason: `${tooLong(which, LIMITS.name, entry.query.length)}: a name, UPN or mail has at most ${LIMITS.name}.` };
    }
    const key = entry.query.toLowerCase();
    const earlier = seen.get(key);
    if (!earlier) {
      seen.set(key, { first: entry.query, reported: false });
      entries.push(entry);
    } else if (!earlier.reported) {
      earlier.reported = true; // each repeated entry reported once, as first typed
      duplicates.push(earlier.first);
    }
  }
  return { ok: true, entries, duplicates };
}
