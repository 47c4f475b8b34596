// `close <request id>`: an operator closes a stopped request. Nothing more runs, and its leaver is free for a new
// request; the summary says what was done and what never ran.
import type { OffboardingService } from '../../offboarding/service';
import { COMMANDS } from '../verbs';
import { requestCommandInput, type Command } from './command';

export function closeCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.close,
    usage: 'close <request id>',
    description: 'Close a stopped request: nothing more runs, and the person can be offboarded by a new request (operators).',
    async handle(context, id) {
      const input = await requestCommandInput(context, id, 'Usage: **close** <request id>, e.g. `close OFB-7K3Q9P`: closes a stopped request (`status` lists them).');
      if (!input) {
        return;
      }
      const result = await service.close(id, input.by, input.where);
      await context.sendActivity(
        result.ok
          ? `Closed ${result.request.id} (offboarding ${result.request.leaver.displayName}): the steps that did not run will not run, and ${result.request.leaver.displayName} can be offboarded by a new request. The summary says what was done and what was not.`
          : result.reason,
      );
    },
  };
}
