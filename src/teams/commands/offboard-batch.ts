// A batch of leavers (issue 15, *Bulk*), typed after `offboard` or sent as a CSV file in the 1:1 chat: the entries are
// parsed here (a malformed list or file is refused whole, nothing changed), resolved by the domain
// (service.batches.prepare: each like a single `offboard`, read-only), and answered with one batch request card.
import { MessageFactory, type TurnContext } from 'botbuilder';
import type { BatchEntryInput } from '../../offboarding/batch/batch';
import { parseLeaversCsv, type LeaverRow } from '../../offboarding/batch/csv';
import { parseEntryList } from '../../offboarding/batch/entries';
import type { Actor } from '../../offboarding/requests';
import { NOT_AN_OPERATOR, type OffboardingService } from '../../offboarding/service';
import { batchRequestCard } from '../batch-cards';
import { downloadCsv, filesOf, type DownloadOptions } from '../csv-download';
import { asChannelData } from '../refs';
import { actorOf, NO_IDENTITY, refsFrom, timeZoneOf, venueOf } from '../turn';
import { isValidZone } from '../view';
import { zonedToUtc } from '../zoned-time';

/** `offboard` followed by several entries (isBatchText): the batch request card, or the reason it can't start. */
export async function offboardList(context: TurnContext, service: OffboardingService, requester: Actor, text: string): Promise<void> {
  const list = parseEntryList(text);
  if (!list.ok) {
    await context.sendActivity(`${list.reason} Nothing was looked up or changed.`);
    return;
  }
  await prepareBatch(context, service, requester, 'list', list.entries.map((e) => ({ query: e.query, line: e.line })), list.duplicates);
}

export const CSV_ONLY_IN_PERSONAL =
  'I read leavers files only in a 1:1 chat with me (Teams gives bots files only there). Send the CSV to me in a 1:1 chat, or type `offboard` followed by the names, one per line. Nothing was changed.';

/** A message carrying a file (Teams' file download info): in the 1:1 chat, a leavers CSV. */
export async function offboardCsv(context: TurnContext, service: OffboardingService, download: DownloadOptions): Promise<void> {
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
  await prepareBatch(context, service, requester, 'csv', entries, csv.duplicates);
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

async function prepareBatch(context: TurnContext, service: OffboardingService, requester: Actor, source: 'list' | 'csv', entries: BatchEntryInput[], duplicates: string[]): Promise<void> {
  const zone = timeZoneOf(context);
  const result = await service.batches.prepare({
    requester,
    entries,
    ...(duplicates.length > 0 ? { duplicates } : {}),
    source,
    where: await venueOf(context),
    teams: asChannelData(refsFrom(context)),
    ...(isValidZone(zone) ? { timeZone: zone } : {}),
  });
  if (!result.ok) {
    await context.sendActivity(result.reason);
    return;
  }
  await context.sendActivity(MessageFactory.attachment(batchRequestCard(result.batch, requester, zone)));
}
