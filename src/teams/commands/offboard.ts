// `offboard <name | UPN | mail>`: operators only. One match → the request card; several → pick one; none → say so.
import { MessageFactory } from 'botbuilder';
import type { OffboardingService } from '../../offboarding/service';
import { renderCandidatesCard } from '../cards';
import { requestCard } from '../request-card';
import { timeZoneOf, venueOf } from '../turn';
import { COMMANDS, VERBS } from '../verbs';
import { userDetail } from '../view';
import { isBatchText } from '../../offboarding/batch/entries';
import { requesterOf, type Command } from './command';
import { offboardList, type BatchStartDeps } from './offboard-batch';

export const OFFBOARD_USAGE =
  'Usage: **offboard** <name | UPN | mail>, e.g. `offboard Jane Doe` or `offboard jane.doe@contoso.com`; several (up to 500) on separate lines or separated by semicolons; or send me a CSV file in our 1:1 chat.';

/** `batch`: for `offboard` with several entries (their card follows the answer, sent with `batch.proactive`). */
export function offboardCommand(service: OffboardingService, batch: Omit<BatchStartDeps, 'service'>): Command {
  return {
    name: COMMANDS.offboard,
    usage: 'offboard <name | UPN | mail>',
    description: 'Start an offboarding: pick the inheritor and options, then the manager approves.',
    async handle(context, query) {
      const requester = await requesterOf(context, query, OFFBOARD_USAGE);
      if (!requester) {
        return;
      }
      // Several entries: a batch (commands/offboard-batch.ts); one keeps the single path as it is.
      if (isBatchText(query)) {
        return offboardList(context, { service, ...batch }, requester, query);
      }
      const result = await service.resolve(requester, query, await venueOf(context));
      if ('ok' in result) {
        await context.sendActivity(result.reason);
      } else if (result.kind === 'none') {
        await context.sendActivity(`No user matches '${query}'.`);
      } else if (result.kind === 'many') {
        const candidates = result.users.map((u) => ({ id: u.id, name: u.displayName, detail: userDetail(u) }));
        await context.sendActivity(MessageFactory.attachment(renderCandidatesCard({ verb: VERBS.pickCandidate, query, candidates, ...(result.more ? { note: 'More people match: type more of the name, or the UPN.' } : {}) })));
      } else if (result.kind === 'one') {
        // resolve() turns a single match into 'ready'; kept for the type.
        await context.sendActivity(`Found ${result.user.displayName}.`);
      } else {
        await context.sendActivity(MessageFactory.attachment(requestCard(result.leaver, result.manager, requester, timeZoneOf(context))));
      }
    },
  };
}
