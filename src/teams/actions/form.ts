// Reading a request card's fields, shared by the single and the batch submit.
import type { z } from 'zod';
import { todayIn, zonedToUtc } from '../zoned-time';

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'input'}: ${issue.message}`;
}

/** Wall-clock date/time in the requester's zone → UTC ISO; a date alone means 09:00 that day. */
export function effectiveAt(date: string | undefined, time: string | undefined, zone: string, now = new Date()): string | undefined {
  if (!date && !time) {
    return undefined;
  }
  const day = date ?? todayIn(zone, now);
  return zonedToUtc(day, time ?? '09:00', zone).toISOString();
}
