// `cancel <request id>`: the requester or an operator. Before the run starts it is cancelled; while it runs it is
// stopped: no new step starts, the steps in flight finish, and the run ends as stopped (an operator resumes or closes it).
import type { OffboardingRequest } from '../../offboarding/requests';
import type { OffboardingService } from '../../offboarding/service';
import { COMMANDS } from '../verbs';
import { requestCommandInput, type Command } from './command';

export function cancelCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.cancel,
    usage: 'cancel <request id>',
    description: 'Cancel a request before it runs, or stop it while it runs: no new step starts, steps in flight finish (the requester or an operator).',
    async handle(context, id) {
      const input = await requestCommandInput(context, id, 'Usage: **cancel** <request id>, e.g. `cancel OFB-7K3Q9P` (`status` lists them).');
      if (!input) {
        return;
      }
      const result = await service.cancel(id, input.by, input.where);
      await context.sendActivity(result.ok ? cancelReply(result.request, result.inFlight ?? 0) : result.reason);
    },
  };
}

/** What happened: cancelled before anything ran, or stopping a run (the steps in flight finish). */
export function cancelReply(r: OffboardingRequest, inFlight: number): string {
  const what = `${r.id} (offboarding ${r.leaver.displayName})`;
  if (r.status !== 'stopping') {
    return `Cancelled ${what}. Nothing was changed in Microsoft 365.`;
  }
  const steps = inFlight === 0 ? 'no step is in flight' : inFlight === 1 ? 'the 1 step in flight finishes' : `the ${inFlight} steps in flight finish`;
  return (
    `Stopping ${what}: no new step starts; ${steps}, then the run ends as stopped. ` +
    'The progress card and the summary will say what was done and what was not. ' +
    `It keeps ${r.leaver.displayName}'s one open request: an operator can resume it from the progress card (Resume), or close it with \`close ${r.id}\`.`
  );
}
