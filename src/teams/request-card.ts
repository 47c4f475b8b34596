// The request card for a chosen leaver, after the rules for starting are checked (operator, protected, open request).
import type { Attachment } from 'botbuilder';
import type { DirectoryUser } from '../offboarding/directory';
import type { Actor } from '../offboarding/requests';
import type { OffboardingService } from '../offboarding/service';
import type { Venue } from '../offboarding/venue';
import { renderNoticeCard, renderRequestCard } from './cards';
import { isValidZone, requestCardData } from './view';
import { todayIn } from './zoned-time';

/** Takes plain values, not the TurnContext: it also runs after the turn ended (a submit refused in the background). */
export async function requestCardFor(service: OffboardingService, timeZone: string | undefined, requester: Actor, leaverId: string, where: Venue, error?: string, operatorChecked = false): Promise<{ ok: true; card: Attachment } | { ok: false; reason: string; card: Attachment }> {
  const check = await service.checkLeaver(requester, leaverId, where, operatorChecked);
  if (!check.ok) {
    return { ok: false, reason: check.reason, card: renderNoticeCard({ title: "Can't start this offboarding", text: check.reason, tone: 'attention' }) };
  }
  return { ok: true, card: requestCard(check.leaver, check.manager, requester, timeZone, error) };
}

/** The card itself, for a leaver already checked. */
export function requestCard(leaver: DirectoryUser, manager: DirectoryUser | undefined, requester: Actor, timeZone: string | undefined, error?: string): Attachment {
  const today = todayIn(isValidZone(timeZone) ? timeZone : 'UTC');
  return renderRequestCard(requestCardData(leaver, manager, requester, today, timeZone, error));
}
