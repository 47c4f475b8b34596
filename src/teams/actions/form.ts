// Reading a request card's fields, shared by the single and the batch submit.
import type { TurnContext } from 'botbuilder';
import type { z } from 'zod';
import { OPTION_IDS, optionsSchema, type OffboardingOptions } from '../../offboarding/options';
import type { Actor } from '../../offboarding/requests';
import { NOT_AN_OPERATOR, type OffboardingService } from '../../offboarding/service';
import type { Venue } from '../../offboarding/venue';
import { venueOf } from '../turn';
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

/**
 * What both submits check first, in this order: the options (from the raw action data, by the options schema), the
 * clicker an operator, and the place (a group chat, an unlisted channel: refused at once; the team check follows in
 * the service). The options and the place, or the reply.
 */
export async function submitPreamble(
  service: Pick<OffboardingService, 'isOperator' | 'wrongPlace'>,
  context: TurnContext,
  requester: Actor,
  data: Record<string, unknown>,
  invalid: (error: z.ZodError) => string,
): Promise<{ options: OffboardingOptions; where: Venue } | string> {
  const optionInput = Object.fromEntries(OPTION_IDS.filter((id) => data[id] !== undefined && data[id] !== '').map((id) => [id, data[id]]));
  const options = optionsSchema.safeParse(optionInput);
  if (!options.success) {
    return invalid(options.error);
  }
  if (!(await service.isOperator(requester.id))) {
    return NOT_AN_OPERATOR;
  }
  const where = await venueOf(context);
  return service.wrongPlace(where) ?? { options: options.data, where };
}
