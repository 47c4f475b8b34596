// Input limits: the one source of truth. The cards' `maxLength` is templated from these (src/teams/cards/index.ts),
// and the server checks each of them before any work (zod schemas in the Teams actions and commands, the options
// schema here in the domain). Over a limit: a clear reply, nothing called, nothing changed.

/** Characters, per value. */
export const LIMITS = {
  /** A name, UPN or mail typed as an argument (`offboard <...>`, `status <...>`, `cancel <...>`). */
  name: 256,
  /** The reason or ticket on the request card. */
  reason: 500,
  /** The approver's comment on the approval card. */
  comment: 1000,
  /** The automatic reply text (option `autoReplyMessage`). */
  autoReplyMessage: 4000,
} as const;

/** Entries in one list (of names, UPNs, mails or ids) arriving in one activity (see *Bulk*). */
export const MAX_LIST_ENTRIES = 500;

/** Default of MAX_ACTIVITY_BYTES: the largest activity body the HTTP server reads (far above Teams' own limit). */
export const DEFAULT_MAX_ACTIVITY_BYTES = 1024 * 1024;

/** The reply for a value over its limit, e.g. "The reason is longer than 500 characters (it has 812)". */
export function tooLong(what: string, limit: number, actual?: number): string {
  return `${what} is longer than ${limit} characters${actual === undefined ? '' : ` (it has ${actual})`}`;
}

/** The reply for a list over MAX_LIST_ENTRIES. */
export function tooMany(what: string, actual?: number): string {
  return `${what} has more than ${MAX_LIST_ENTRIES} entries${actual === undefined ? '' : ` (it has ${actual})`}`;
}
