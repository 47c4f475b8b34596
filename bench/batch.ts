// Bulk offboarding (issue 15), driven as Teams drives it (activities POSTed to the bot, replies caught by a loopback
// Bot Connector) against the embedded simulated tenant loaded with generated leavers:
//  (a) `offboard` with 500 UPNs typed in one message → the batch request card: its size against Teams' ~100 KB
//      message limit, and the time from the message to the card;
//  (b) one approver deciding 100 leavers, over `clicks` batches: the time until each click is answered (the answer
//      comes after its decisions are stored). A card holds at most MAX_LEAVERS_PER_APPROVAL (50) leavers, so the
//      approver of 100 gets two cards; one click on either decides all 100 (the issue). Each batch is
//      submitted with an effective date a week ahead, so the approvals schedule the runs instead of starting 100
//      offboardings that would load this machine while the next clicks are measured. Most of this bench's time is the
//      submits' read-only preflights (2,000 leavers), paced by the simulated tenant's throttling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/logger';
import { MAX_LEAVERS_PER_APPROVAL } from '../src/offboarding/batch/batch';
import { startBot } from '../src/startup';
import { VERBS } from '../src/teams/verbs';
import { FakeBotConnector, type SentActivity } from '../test/fakes/bot-connector';
import { TeamsClient } from '../test/fakes/teams-client';
import { generateLeavers } from './leavers-seed';
import { percentile, runAlone } from './stats';

const TEAMS_MESSAGE_LIMIT_KB = 100;
/** Batches asked for and submitted at once during the setup of (b). */
const SUBMITTING_AT_ONCE = 4;

type Action = { verb?: string; data?: Record<string, unknown> };
function actionsOf(node: unknown, found: Action[] = []): Action[] {
  if (Array.isArray(node)) {
    node.forEach((n) => actionsOf(n, found));
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') {
      found.push(o);
    }
    Object.values(o).forEach((v) => actionsOf(v, found));
  }
  return found;
}

export async function benchBatch(options: { cardEntries?: number; clicks?: number; leaversPerClick?: number } = {}): Promise<{ name: string; figures: Record<string, string> }> {
  const cardEntries = options.cardEntries ?? 500;
  const clicks = options.clicks ?? 20;
  const perClick = options.leaversPerClick ?? 100;
  const generated = generateLeavers(Math.max(cardEntries, clicks * perClick), 1, 'bulk');
  const connector = new FakeBotConnector();
  await connector.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-bench-'));
  const bot = await startBot({ env: { PORT: '0', DATA_DIR: dataDir, SUMMARY_CHANNEL_ID: '19:bench-summary@thread.tacv2' }, logger: createLogger({ level: 'silent' }), simulatedSeedFile: generated.seedFile });
  try {
    const tenant = bot.tenant!;
    const teams = new TeamsClient(connector, tenant.tenantId, () => bot.url);
    const isaac = { id: tenant.personas.operator!, name: 'Isaac Ito' };
    const marcus = { id: tenant.personas.janeManager!, name: 'Marcus Reed' };
    const chat = `a:1to1-${isaac.id}`;
    const upns = (from: number, count: number): string => Array.from({ length: count }, (_, i) => `bulk${from + i}@contoso.com`).join('\n');
    // The message is answered at once ("Looking up N entries…"); the card follows, sent proactively to the chat. Its
    // first row names the first entry (`bulk<from>@`: "bulk" delimits it), which tells batches asked at once apart;
    // only activities sent since the message count (an earlier batch may start with the same entry).
    const batchCardFor = (from: number, since: number): Promise<SentActivity> =>
      connector.waitFor(
        (a) => connector.sent.indexOf(a) >= since && a.kind !== 'update' && a.conversationId === chat && actionsOf(a.activity).some((x) => x.verb === VERBS.submit && x.data?.batchId) && JSON.stringify(a.activity).includes(`bulk${from}@`),
        1_800_000,
      );

    // (a) the 500-entry card.
    const t0 = performance.now();
    const since = connector.sent.length;
    const replies = await teams.say(isaac, `offboard ${upns(0, cardEntries)}`, chat);
    const answerToMessageMs = performance.now() - t0;
    if (!/^Looking up/.test(String(replies[0]?.activity.text))) {
      throw new Error(`no "Looking up" answer: ${JSON.stringify(replies[0]?.activity).slice(0, 300)}`);
    }
    const card = await batchCardFor(0, since);
    const cardMs = performance.now() - t0;
    const cardKb = Buffer.byteLength(JSON.stringify(card.activity)) / 1024;
    const shown = (JSON.stringify(card.activity).match(/mailboxInheritorId\./g) ?? []).length;

    // (b) one approver, `perClick` leavers a batch, `clicks` batches. A card holds at most MAX_LEAVERS_PER_APPROVAL
    // leavers, so the approver of 100 gets two cards; one click on either decides all of their leavers in the batch.
    // The batches are asked for and submitted first, a few at once (setup: the submits' read-only preflights), then
    // the clicks are measured one after the other, each on a quiet bot.
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const submitOne = async (b: number): Promise<string> => {
      const since = connector.sent.length;
      await teams.say(isaac, `offboard ${upns(b * perClick, perClick)}`, chat);
      const batchCard = await batchCardFor(b * perClick, since);
      const batchId = String(actionsOf(batchCard.activity).find((a) => a.verb === VERBS.submit)?.data?.batchId);
      await teams.click(isaac, VERBS.submit, { batchId, effectiveDate: nextWeek, effectiveTime: '09:00' }, batchCard.activityId, chat);
      await connector.waitFor((a) => a.kind === 'update' && a.activityId === batchCard.activityId && JSON.stringify(a.activity).includes(`Submitted: ${batchId}`), 1_800_000);
      return batchId;
    };
    const batchIds: string[] = [];
    for (let b = 0; b < clicks; b += SUBMITTING_AT_ONCE) {
      batchIds.push(...(await Promise.all(Array.from({ length: Math.min(SUBMITTING_AT_ONCE, clicks - b) }, (_, i) => submitOne(b + i)))));
    }
    await bot.service.idle();
    const answerMs: number[] = [];
    const decisionsPerClick: number[] = [];
    for (const batchId of batchIds) {
      const approval = (await bot.service.batches.get(batchId))?.approvals?.find((a) => a.approverId === marcus.id);
      const sent = await connector.waitFor((a) => a.kind !== 'update' && actionsOf(a.activity).some((x) => x.verb === VERBS.approve && x.data?.approvalId === approval?.id && x.data?.batchId === batchId), 60_000);
      const data = actionsOf(sent.activity).find((x) => x.verb === VERBS.approve)!.data!;
      const t = performance.now();
      await teams.click(marcus, VERBS.approve, data, sent.activityId, sent.conversationId);
      answerMs.push(performance.now() - t);
      // Stored before the answer (the use case awaits every decision): counted here, after it.
      const batch = (await bot.service.batches.get(batchId))!;
      const requests = await bot.service.batches.requests(batch);
      decisionsPerClick.push(requests.filter((r) => r.decision?.by.id === marcus.id).length);
      await bot.service.idle();
    }
    const sorted = [...answerMs].sort((x, y) => x - y);
    return {
      name: `Bulk: a ${cardEntries}-entry batch card; one approver deciding ${perClick} leavers, over ${clicks} batches`,
      figures: {
        'card size': `${cardKb.toFixed(1)} KB of ${TEAMS_MESSAGE_LIMIT_KB} KB (${shown} rows shown, the rest counted)`,
        'message → answer': `${(answerToMessageMs / 1000).toFixed(2)} s (Teams redelivers a message answered after ~15 s)`,
        'message → card': `${(cardMs / 1000).toFixed(2)} s`,
        'decisions per click': `${Math.min(...decisionsPerClick)}–${Math.max(...decisionsPerClick)} (on ${Math.ceil(perClick / MAX_LEAVERS_PER_APPROVAL)} cards of at most ${MAX_LEAVERS_PER_APPROVAL})`,
        'click → answer, median': `${percentile(sorted, 50).toFixed(0)} ms (target < 1000 ms)`,
        'click → answer, max': `${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms`,
      },
    };
  } finally {
    await bot.close();
    await connector.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(generated.seedFile), { recursive: true, force: true });
  }
}

if (require.main === module) {
  // `npx tsx bench/batch.ts [clicks] [leaversPerClick]`: this benchmark alone.
  runAlone(benchBatch({ clicks: Number(process.argv[2] ?? 20), leaversPerClick: Number(process.argv[3] ?? 100) }));
}
