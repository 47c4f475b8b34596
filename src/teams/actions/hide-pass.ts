// reinstate.hidePass: the pass card replaced by a line without the secret. Only the request's requester (read from the
// store, never from the card); the times on the card are the bot's own, carried for the text only.
import { z } from 'zod';
import type { OffboardingService } from '../../offboarding/service';
import { requestNotFound } from '../../offboarding/visibility';
import { renderNoticeCard } from '../cards';
import { timeZoneOf } from '../turn';
import { VERBS } from '../verbs';
import { formatTime } from '../view';
import { cardAction, type CardAction } from './action';
import { REQUEST_ID_DATA } from './decide';

const isoTime = z.preprocess((v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : undefined), z.string().optional());
const HIDE_DATA = REQUEST_ID_DATA.extend({ shownAt: isoTime, expiresAt: isoTime });

export function hidePassAction(service: OffboardingService, now: () => Date = () => new Date()): CardAction {
  return cardAction(VERBS.hidePass, HIDE_DATA, 'This card carries no valid request id. Nothing was changed.', async (context, by, { requestId, shownAt, expiresAt }) => {
    const id = requestId.toUpperCase();
    const request = await service.get(id);
    if (!request || request.requester.id !== by.id) {
      return requestNotFound(id);
    }
    const zone = timeZoneOf(context);
    const shown = `The pass for ${request.leaver.displayName} was shown at ${formatTime(shownAt ?? now().toISOString(), zone)}${expiresAt ? `; it expires at ${formatTime(expiresAt, zone)}` : ''}.`;
    return renderNoticeCard({
      title: `Temporary Access Pass hidden (${id})`,
      text: `${shown} Teams may keep this chat's history, so the card no longer shows it; the pass works once and only until it expires. If it was lost, ask for a new one: nothing here can show it again.`,
      tone: 'default',
    }).content as Record<string, unknown>;
  });
}
