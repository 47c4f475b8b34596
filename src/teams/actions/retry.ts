// offboard.retry on the progress card: operators only (checked on the server); failed steps run again, or a stopped
// run resumes ("Resume"), settling every one-shot action in doubt before anything is sent.
import type { OffboardingService } from '../../offboarding/service';
import { renderProgressCard } from '../cards';
import { VERBS } from '../verbs';
import { progressCardData } from '../view';
import { cardAction, type CardAction } from './action';
import { REQUEST_ID_DATA } from './decide';

export function retryAction(service: OffboardingService): CardAction {
  return cardAction(VERBS.retry, REQUEST_ID_DATA, 'This card carries no valid request id. Nothing was changed.', async (_context, by, { requestId }) => {
    const result = await service.retry(requestId, by);
    if (!result.ok) {
      return result.reason;
    }
    return renderProgressCard(progressCardData(result.request, await service.runView(result.request))).content as Record<string, unknown>;
  });
}
