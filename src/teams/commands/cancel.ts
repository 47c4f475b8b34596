// `cancel <request id>`: the requester or an operator, before the run starts.
import type { OffboardingService } from '../../offboarding/service';
import { ASK_IN_PERSONAL_CHAT } from '../../offboarding/visibility';
import { actorOf, NO_IDENTITY, venueOf } from '../turn';
import { COMMANDS } from '../verbs';
import type { Command } from './command';

export function cancelCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.cancel,
    usage: 'cancel <request id>',
    description: 'Cancel a request before it runs (the requester or an operator).',
    async handle(context, id) {
      const by = actorOf(context);
      if (!by) {
        await context.sendActivity(NO_IDENTITY);
        return;
      }
      if (!/^OFB-[A-Z0-9]{6}$/i.test(id)) {
        await context.sendActivity('Usage: **cancel** <request id>, e.g. `cancel OFB-7K3Q9P` (`status` lists them).');
        return;
      }
      const where = await venueOf(context);
      if (where.kind === 'group-chat') {
        await context.sendActivity(ASK_IN_PERSONAL_CHAT);
        return;
      }
      const result = await service.cancel(id, by, where);
      await context.sendActivity(result.ok ? `Cancelled ${result.request.id} (offboarding ${result.request.leaver.displayName}). Nothing was changed in Microsoft 365.` : result.reason);
    },
  };
}
