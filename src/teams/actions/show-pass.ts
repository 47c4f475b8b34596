// reinstate.showPass: the requester's own click shows the Temporary Access Pass, once. The pass is only ever in this
// invoke answer, which replaces the card for the clicker alone (REPLACE_FOR_INTERACTOR): never posted as a message,
// never logged (app.ts logs the verb only), never stored on the request.
import type { OffboardingService } from '../../offboarding/service';
import { renderNoticeCard, renderPassCard } from '../cards';
import { timeZoneOf } from '../turn';
import { VERBS } from '../verbs';
import { formatTime } from '../view';
import { cardAction, type CardAction } from './action';
import { REQUEST_ID_DATA } from './decide';

export const SIGN_IN_URL = 'https://aka.ms/mysecurityinfo';

export function showPassAction(service: OffboardingService, now: () => Date = () => new Date()): CardAction {
  return cardAction(VERBS.showPass, REQUEST_ID_DATA, 'This card carries no valid request id. Nothing was shown.', async (context, by, { requestId }) => {
    // The use case checks the clicker against the stored request's requester, and takes the pass out of memory.
    const result = await service.reinstatements.showPass(requestId.toUpperCase(), by);
    if (!result.ok) {
      return renderNoticeCard({ title: "The pass can't be shown", text: result.reason, tone: 'attention' }).content as Record<string, unknown>;
    }
    const zone = timeZoneOf(context);
    const person = result.request.leaver.displayName;
    const { pass, expiresAt, usableOnce } = result.pass;
    return renderPassCard({
      hideVerb: VERBS.hidePass,
      requestId: result.request.id,
      title: `Temporary Access Pass for ${person}`,
      pass,
      facts: [
        { title: 'Expires', value: formatTime(expiresAt, zone) },
        { title: 'Use', value: usableOnce ? 'one use' : 'any number of sign-ins until it expires' },
      ],
      guidance: [
        'Shown once, only to you: copy it now. It will not be shown again.',
        `Give it to ${person} in person or by phone. They sign in with it at ${SIGN_IN_URL} and register their sign-in methods (such as Microsoft Authenticator), then set a password with self-service password reset.`,
        "Teams may keep this chat's history: once you have copied it, hide it with the button below.",
      ],
      shownAt: now().toISOString(),
      expiresAt,
    }).content as Record<string, unknown>;
  });
}
