// `status [UPN | request id]`: where requests stand (open ones first, then the latest ended ones).
import { MessageFactory } from 'botbuilder';
import type { OffboardingService } from '../../offboarding/service';
import { renderProgressCard, renderStatusCard } from '../cards';
import { COMMANDS } from '../verbs';
import { progressCardData, statusCardData } from '../view';
import type { Command } from './command';

export function statusCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.status,
    usage: 'status [UPN | request id]',
    description: 'Show offboarding requests and where they stand.',
    async handle(context, query) {
      const requests = await service.list(query || undefined);
      await context.sendActivity(MessageFactory.attachment(renderStatusCard(statusCardData(requests, query || undefined))));
      const only = query && requests.length === 1 ? requests[0] : undefined;
      if (only?.runId) {
        await context.sendActivity(MessageFactory.attachment(renderProgressCard(progressCardData(only, await service.runView(only)))));
      }
    },
  };
}
