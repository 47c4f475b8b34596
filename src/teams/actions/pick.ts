// offboard.pick: a candidate chosen from the list → the request card in its place (rules checked again).
import { z } from 'zod';
import type { OffboardingService } from '../../offboarding/service';
import { requestCardFor } from '../request-card';
import { timeZoneOf } from '../turn';
import { VERBS } from '../verbs';
import { cardAction, type CardAction } from './action';

export function pickAction(service: OffboardingService): CardAction {
  return cardAction(VERBS.pickCandidate, z.object({ leaverId: z.string().uuid() }), 'This card carries no valid person to offboard (leaverId). Nothing was changed.', async (context, requester, { leaverId }) => {
    const result = await requestCardFor(service, timeZoneOf(context), requester, leaverId);
    return result.ok ? (result.card.content as Record<string, unknown>) : result.reason;
  });
}
