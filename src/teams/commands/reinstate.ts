// `reinstate <request id | UPN | name>`: undo an offboarding within 30 days. The use case checks who may (operators)
// and which offboarding it is; this only shows its answer: the reason, or the reinstatement card.
import { MessageFactory } from 'botbuilder';
import type { OffboardingService } from '../../offboarding/service';
import { renderReinstateCard } from '../cards';
import { timeZoneOf, venueOf } from '../turn';
import { COMMANDS } from '../verbs';
import { reinstateCardData } from '../view';
import { requesterOf, type Command } from './command';

export const REINSTATE_USAGE = 'Usage: **reinstate** <request id | UPN | name>, e.g. `reinstate OFB-7K3Q9P` or `reinstate jane.doe@contoso.com`. Nothing was changed.';

export function reinstateCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.reinstate,
    usage: 'reinstate <request id | UPN | name>',
    description: 'Undo an offboarding that ended (a deleted account: within 30 days): what can be restored is, once approved.',
    async handle(context, query) {
      const requester = await requesterOf(context, query, REINSTATE_USAGE);
      if (!requester) {
        return;
      }
      const result = await service.reinstatements.prepare(requester, query, await venueOf(context));
      if (!result.ok) {
        await context.sendActivity(result.reason);
        return;
      }
      await context.sendActivity(MessageFactory.attachment(renderReinstateCard(reinstateCardData(result.preview, timeZoneOf(context)))));
    },
  };
}
