// offboard.pick: a candidate chosen from the list → the request card in its place (rules checked again).
import { z } from 'zod';
import type { OffboardingService } from '../../offboarding/service';
import { requestCardFor } from '../request-card';
import { timeZoneOf, venueOf } from '../turn';
import { VERBS } from '../verbs';
import { cardAction, type CardAction } from './action';

export function pickAction(service: OffboardingService): CardAction {
  return cardAction(VERBS.pickCandidate, z.object({ leaverId: z.string().uuid() }), 'This card carries no valid person to offboard (leaverId). Nothing was changed.', async (context, requester, { leaverId }) => {
    // Where it is clicked is checked again (a card can be forwarded or forged): venue.ts.
    const result = await requestCardFor(service, timeZoneOf(context), requester, leaverId, await venueOf(context));
    return result.ok ? (result.card.content as Record<string, unknown>) : result.reason;
  });
}
