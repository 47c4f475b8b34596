// `cancel <request id | batch id>`: the requester or an operator. Before the run starts it is cancelled; while it runs it
// is stopped: no new step starts, the steps in flight finish, and the run ends as stopped (an operator resumes or closes
// it). A batch id acts on every open request of the batch the sender may cancel here (offboarding/batch/use-case.ts).
import { BATCH_ID } from '../../offboarding/batch/batch';
import type { BatchCancelled } from '../../offboarding/batch/use-case';
import type { OffboardingRequest } from '../../offboarding/requests';
import type { OffboardingService } from '../../offboarding/service';
import { COMMANDS } from '../verbs';
import { requestCommandInput, type Command } from './command';

const USAGE = 'Usage: **cancel** <request id | batch id>, e.g. `cancel OFB-7K3Q9P` or `cancel BAT-7K3Q9P` (`status` lists them).';

export function cancelCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.cancel,
    usage: 'cancel <request id | batch id>',
    description: 'Cancel a request (or every open request of a batch) before it runs, or stop it while it runs: no new step starts, steps in flight finish (the requester or an operator).',
    async handle(context, id) {
      if (BATCH_ID.test(id)) {
        const input = await requestCommandInput(context, id, USAGE, BATCH_ID);
        if (!input) {
          return;
        }
        const result = await service.batches.cancel(id, input.by, input.where);
        await context.sendActivity(result.ok ? batchCancelReply(result) : result.reason);
        return;
      }
      const input = await requestCommandInput(context, id, USAGE);
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

/** Lines listed in a batch's cancel reply; the rest are counted (a reply stays well under Teams' message limit). */
const MAX_CANCEL_LINES = 100;
const MAX_REASON_CHARS = 160;

/** A line per request of the batch (cancelled, stopping, or refused with the reason), then the counts. */
export function batchCancelReply({ batch, outcomes }: BatchCancelled): string {
  const count = (o: BatchCancelled['outcomes'][number]['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  const line = (o: BatchCancelled['outcomes'][number]): string => {
    switch (o.outcome) {
      case 'cancelled':
        return `🚫 ${o.requestId} (${o.leaver}): cancelled, nothing was changed in Microsoft 365`;
      case 'stopping':
        return `⏹ ${o.requestId} (${o.leaver}): stopping — no new step starts, the steps in flight finish, then it ends as stopped`;
      case 'refused': {
        const reason = o.reason ?? 'not cancelled';
        return `✋ ${o.requestId} (${o.leaver}): not cancelled — ${reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason}`;
      }
    }
  };
  const shown = outcomes.slice(0, MAX_CANCEL_LINES).map(line);
  const more = outcomes.length > MAX_CANCEL_LINES ? [`…and ${outcomes.length - MAX_CANCEL_LINES} more (\`status ${batch.id}\` shows every request).`] : [];
  const counts = [`${count('cancelled')} cancelled`, `${count('stopping')} stopping`, `${count('refused')} not cancelled`].join(', ');
  const head = outcomes.length === 0 ? `${batch.id}: no open request of the batch to cancel. Nothing was changed.` : `${batch.id}: ${counts}.`;
  return [head, ...shown, ...more].join('\n\n');
}
