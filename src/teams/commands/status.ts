// `status [request id | batch id | name]`: where requests stand (open ones first, then the latest ended ones), among
// those the sender may see (offboarding/visibility.ts): any other request answers exactly as one that does not exist.
// A batch id shows the batch's card (a line per leaver and the counts) for the requests of it the sender may see.
import { MessageFactory, type TurnContext } from 'botbuilder';
import { BATCH_ID } from '../../offboarding/batch/batch';
import type { RunView } from '../../offboarding/executor';
import type { OffboardingService } from '../../offboarding/service';
import type { Actor } from '../../offboarding/requests';
import type { Venue } from '../../offboarding/venue';
import { batchProgressCardData, fitBatchCard } from '../batch-view';
import { renderBatchProgressCard, renderProgressCard, renderStatusCard } from '../cards';
import { ASK_IN_PERSONAL_CHAT } from '../../offboarding/visibility';
import type { OffboardingRequest } from '../../offboarding/requests';
import { actorOf, NO_IDENTITY, venueOf } from '../turn';
import { COMMANDS } from '../verbs';
import { personZone, progressCardData, statusCardData } from '../view';
import type { Command } from './command';

export function statusCommand(service: OffboardingService): Command {
  return {
    name: COMMANDS.status,
    usage: 'status [request id | batch id | name]',
    description: 'Show the offboarding requests you may see, and where they stand; a batch id shows each of its leavers.',
    async handle(context, query) {
      const viewer = actorOf(context);
      if (!viewer) {
        await context.sendActivity(NO_IDENTITY);
        return;
      }
      // A reply reaches everyone in the conversation: not in a group chat; in a channel, only what was started there.
      const where = await venueOf(context);
      if (where.kind === 'group-chat') {
        await context.sendActivity(ASK_IN_PERSONAL_CHAT);
        return;
      }
      if (BATCH_ID.test(query)) {
        return batchStatus(context, service, query, viewer, where);
      }
      const requests = await service.listFor(viewer, query || undefined, where);
      const only = query && requests.length === 1 ? requests[0] : undefined;
      // One request asked for: Microsoft 365 is read again for wipes that were requested but not confirmed done.
      const current = only?.runId ? await service.currentRunView(only) : undefined;
      const shown = current ? [current.request] : requests;
      await context.sendActivity(MessageFactory.attachment(renderStatusCard(statusCardData(shown, query || undefined, await viewerZone(service, viewer.id, shown)))));
      if (current) {
        await context.sendActivity(MessageFactory.attachment(renderProgressCard(progressCardData(current.request, current.view))));
      }
    },
  };
}

/** A batch: its card with the requests the viewer may see here; none: exactly the use case's "There is no batch …". */
async function batchStatus(context: TurnContext, service: OffboardingService, batchId: string, viewer: Actor, where: Venue): Promise<void> {
  const result = await service.batches.view(batchId, viewer, where);
  if ('reason' in result) {
    await context.sendActivity(result.reason);
    return;
  }
  const views = new Map<string, RunView>();
  for (const r of result.requests.filter((x) => x.status === 'running' || x.status === 'stopping')) {
    const view = await service.runView(r).catch(() => undefined);
    if (view) {
      views.set(r.id, view);
    }
  }
  const zone = await viewerZone(service, viewer.id, result.requests);
  const whole = result.requests.length === (result.batch.requestIds?.length ?? 0);
  await context.sendActivity(MessageFactory.attachment(fitBatchCard(batchProgressCardData(result.batch, result.requests, views, zone, whole), renderBatchProgressCard)));
}

/**
 * The viewer's time zone, for the time a scheduled request runs, as they were told it: the one read from their mailbox
 * settings when a request was scheduled (request.zones; for its requester, else the zone they asked in: personZone),
 * else read now (reused for a few minutes), else undefined (UTC, with its offset shown). Nothing is read when no
 * scheduled request is shown.
 */
async function viewerZone(service: OffboardingService, viewerId: string, shown: OffboardingRequest[]): Promise<string | undefined> {
  const scheduled = shown.filter((r) => r.status === 'scheduled');
  if (scheduled.length === 0) {
    return undefined;
  }
  const known = scheduled.map((r) => personZone(r, viewerId)).find((z): z is string => z !== undefined);
  return known ?? (await service.timeZoneOf(viewerId));
}
