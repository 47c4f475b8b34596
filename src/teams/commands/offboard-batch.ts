// A batch of leavers (issue 15, *Bulk*), typed after `offboard` or sent as a CSV file in the 1:1 chat: the entries are
// parsed here (a malformed list or file is refused whole, nothing changed), resolved by the domain
// (service.batches.prepare: each like a single `offboard`, read-only), and answered with one batch request card. The
// message is answered at once and the card follows (resolving 500 entries takes seconds, and Teams redelivers a
// message whose answer takes over ~15 s).
import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../../logger';
import type { PrepareInput } from '../../offboarding/batch/use-case';
import type { BatchEntryInput } from '../../offboarding/batch/batch';
import { parseLeaversCsv, type LeaverRow } from '../../offboarding/batch/csv';
import { parseEntryList } from '../../offboarding/batch/entries';
import type { Actor } from '../../offboarding/requests';
import { NOT_AN_OPERATOR, type OffboardingService } from '../../offboarding/service';
import { batchRequestCard } from '../batch-cards';
import { downloadCsv, filesOf, type DownloadOptions } from '../csv-download';
import type { Proactive } from '../proactive';
import { asChannelData, type TeamsRefs } from '../refs';
import { actorOf, NO_IDENTITY, refsFrom, timeZoneOf, venueOf } from '../turn';
import { isValidZone } from '../view';
import { zonedToUtc } from '../zoned-time';

export interface BatchStartDeps {
  service: OffboardingService;
  /** Sends the card once prepared, after the turn (the TurnContext is revoked when the turn ends). */
  proactive: Proactive;
  logger?: Logger;
}

/** `offboard` followed by several entries (isBatchText): the batch request card, or the reason it can't start. */
export async function offboardList(context: TurnContext, deps: BatchStartDeps, requester: Actor, text: string): Promise<void> {
  const list = parseEntryList(text);
  if (!list.ok) {
    await context.sendActivity(`${list.reason} Nothing was looked up or changed.`);
    return;
  }
  await prepareBatch(context, deps, requester, 'list', list.entries.map((e) => ({ query: e.query, line: e.line })), list.duplicates);
}

export const CSV_ONLY_IN_PERSONAL =
  'I read leavers files only in a 1:1 chat with me (Teams gives bots files only there). Send the CSV to me in a 1:1 chat, or type `offboard` followed by the names, one per line. Nothing was changed.';

/** A message carrying a file (Teams' file download info): in the 1:1 chat, a leavers CSV. */
export async function offboardCsv(context: TurnContext, deps: BatchStartDeps, download: DownloadOptions): Promise<void> {
  const { service } = deps;
  const requester = actorOf(context);
  if (!requester) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  if (context.activity.conversation?.conversationType !== 'personal') {
    await context.sendActivity(CSV_ONLY_IN_PERSONAL);
    return;
  }
  const files = filesOf(context.activity.attachments);
  if (files.length !== 1) {
    await context.sendActivity(files.length === 0 ? "I couldn't read the file's details from Teams. Send it again. Nothing was changed." : 'Send one CSV file at a time. Nothing was changed.');
    return;
  }
  // Operators only, before anything is downloaded.
  if (!(await service.isOperator(requester.id))) {
    await context.sendActivity(NOT_AN_OPERATOR);
    return;
  }
  const file = await downloadCsv(files[0]!, download);
  if (!file.ok) {
    await context.sendActivity(`${file.reason} Nothing was changed.`);
    return;
  }
  const csv = parseLeaversCsv(file.bytes);
  if (!csv.ok) {
    await context.sendActivity(`I can't use this file: ${csv.reason} Fix it and send it again; nothing was looked up or changed.`);
    return;
  }
  const zone = timeZoneOf(context);
  const entries = csv.rows.map((row) => entryOf(row, isValidZone(zone) ? zone : 'UTC'));
  await prepareBatch(context, deps, requester, 'csv', entries, csv.duplicates);
}

/** A CSV row as an entry: its date (and time, 09:00 by default) read in the requester's time zone. */
export function entryOf(row: LeaverRow, zone: string): BatchEntryInput {
  return {
    query: row.leaver,
    line: row.line,
    ...(row.inheritor ? { inheritor: row.inheritor } : {}),
    ...(row.effectiveDate ? { effectiveAt: zonedToUtc(row.effectiveDate, row.effectiveTime ?? '09:00', zone).toISOString() } : {}),
  };
}

async function prepareBatch(context: TurnContext, deps: BatchStartDeps, requester: Actor, source: 'list' | 'csv', entries: BatchEntryInput[], duplicates: string[]): Promise<void> {
  const zone = timeZoneOf(context);
  const where = await venueOf(context);
  // The rules that need no lookup answer now (the domain checks them again): no "Looking up…" before a refusal.
  const wrongPlace = deps.service.wrongPlace(where);
  if (wrongPlace) {
    await context.sendActivity(wrongPlace);
    return;
  }
  if (!(await deps.service.isOperator(requester.id))) {
    await context.sendActivity(NOT_AN_OPERATOR);
    return;
  }
  const refs = refsFrom(context);
  const input: PrepareInput = {
    requester,
    entries,
    ...(duplicates.length > 0 ? { duplicates } : {}),
    source,
    where,
    teams: asChannelData(refs),
    ...(isValidZone(zone) ? { timeZone: zone } : {}),
  };
  const n = entries.length;
  await context.sendActivity(`Looking up ${n} ${n === 1 ? 'entry' : 'entries'}… (read-only: nothing changes before approval). The card follows here.`);
  void continuePrepare(deps, refs, input, zone).catch((err: unknown) => deps.logger?.error({ err }, 'batch prepare failed'));
}

/** After the turn: the entries resolved, then the card (or the reason) sent to the conversation. */
async function continuePrepare(deps: BatchStartDeps, refs: TeamsRefs, input: PrepareInput, zone: string | undefined): Promise<void> {
  let reply: Partial<Activity>;
  try {
    const result = await deps.service.batches.prepare(input);
    reply = result.ok ? MessageFactory.attachment(batchRequestCard(result.batch, input.requester, zone)) : MessageFactory.text(result.reason);
  } catch (err) {
    deps.logger?.error({ err }, 'batch prepare failed');
    reply = MessageFactory.text(`I couldn't look up the entries (${err instanceof Error ? err.message : String(err)}). Nothing was changed; try again.`);
  }
  try {
    await deps.proactive.send(refs.thread, reply);
  } catch (err) {
    // The requester was told "the card follows": say it didn't (a short text has the best chance to get through).
    deps.logger?.error({ err }, 'batch request card not sent');
    await deps.proactive
      .send(refs.thread, MessageFactory.text("I couldn't post the batch's request card here. Nothing was changed: send the list or the file again."))
      .catch((again: unknown) => deps.logger?.warn({ err: again }, 'could not say the batch request card was not sent'));
  }
}
