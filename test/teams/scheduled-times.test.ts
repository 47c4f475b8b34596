// Issue 12, "Lifecycle": when a request is scheduled, the requester and the approvers are told when it will run, each
// in their own time zone (mailboxSettings.timeZone; else UTC with the offset shown), and `status` shows it the same
// way. At the bot level, as Teams drives it, against the simulated tenant: Isaac (the operator) has "GMT Standard Time",
// Marcus (Jane's manager) "W. Europe Standard Time", Amara "America/New_York", Ben none set.
import assert from 'node:assert/strict';
import { loadSeed } from '../../src/simulator/seed';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, CHANNEL_THREAD, textOf, type Person } from './harness';

// A fixed "now" for the service, so the effective time below stays in the future.
const NOW = new Date('2026-12-03T10:00:00.000Z');
// 15 July 2027, 09:00 in London (the requester's Teams client zone) = 08:00 UTC, in summer time everywhere.
const EFFECTIVE = { effectiveDate: '2027-07-15', effectiveTime: '09:00' };

describe('scheduled times, in each person\'s time zone', function () {
  this.timeout(60_000);
  let h: BotHarness;

  before(async () => {
    h = await new BotHarness().start({}, { now: () => NOW });
  });
  after(async () => {
    await h?.stop();
  });

  async function submitFor(leaver: Person): Promise<string> {
    const replies = await h.say(h.people.isaac, `offboard ${leaver.name}`);
    const cardId = replies[0]!.activityId;
    await h.click(h.people.isaac, VERBS.submit, { leaverId: leaver.id, mailboxInheritorId: h.people.tom.id, ...EFFECTIVE }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    return /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
  }

  /** The approval card `approver` got in a 1:1 chat. */
  function approvalCardFor(requestId: string, approver: Person): Promise<SentActivity> {
    return h.connector.waitFor(
      (a) =>
        a.kind !== 'update' &&
        textOf(a).includes(requestId) &&
        actionsOf(a.activity).some((x) => x.verb === VERBS.approve) &&
        h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity).includes(approver.id)),
      15_000,
    );
  }

  /** The card update that says when it runs (the approver's card, updated in place). */
  function runsOnUpdate(card: SentActivity): Promise<SentActivity> {
    return h.connector.waitFor((a) => a.kind === 'update' && a.activityId === card.activityId && /Runs on /.test(JSON.stringify(a.activity)), 15_000);
  }

  function statusText(replies: SentActivity[]): string {
    return replies.map((r) => JSON.stringify(r.activity)).join('\n');
  }

  it("the manager approves: the requester is told in the thread in their zone, the manager's card in theirs; status the same; nothing written", async () => {
    const requestId = await submitFor(h.people.jane);
    const card = await approvalCardFor(requestId, h.people.marcus);
    await h.click(h.people.marcus, VERBS.approve, { requestId }, card.activityId, card.conversationId);

    const told = await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && /is approved and will run on/.test(textOf(a)) && textOf(a).includes(requestId), 15_000);
    assert.equal(told.activity.text, `<at>Isaac Ito</at>, ${requestId} (offboarding Jane Doe) is approved and will run on Thu 15 Jul 2027, 09:00 Europe/London (UTC+01:00). Until then nothing is changed in Microsoft 365; to drop it, type \`cancel ${requestId}\`.`);
    const mention = (told.activity.entities as Array<{ type: string; mentioned?: { id: string } }>).find((e) => e.type === 'mention');
    assert.equal(mention?.mentioned?.id, h.people.isaac.id);

    const updated = await runsOnUpdate(card);
    assert.match(JSON.stringify(updated.activity), /Runs on Thu 15 Jul 2027, 10:00 Europe\/Berlin \(UTC\+02:00\)/);
    assert.match(JSON.stringify(updated.activity), /Approved by Marcus Reed/);
    // A card updated in place notifies nobody: the approver who decided also gets a line where their card is.
    const line = await h.connector.waitFor((a) => a.conversationId === card.conversationId && a.kind !== 'update' && /you approved/.test(textOf(a)), 15_000);
    assert.equal(line.activity.text, `<at>Marcus Reed</at>, you approved ${requestId} (offboarding Jane Doe): it will run on Thu 15 Jul 2027, 10:00 Europe/Berlin (UTC+02:00).`);

    const stored = await h.bot.service.get(requestId);
    assert.equal(stored?.status, 'scheduled');
    assert.deepEqual(stored?.zones, { [h.people.isaac.id]: 'Europe/London', [h.people.marcus.id]: 'Europe/Berlin' });

    // status: the run time in the viewer's zone.
    assert.match(statusText(await h.say(h.people.isaac, `status ${requestId}`)), /Scheduled — runs on Thu 15 Jul 2027, 09:00 Europe\/London \(UTC\+01:00\)/);
    assert.match(statusText(await h.say(h.people.marcus, `status ${requestId}`)), /Scheduled — runs on Thu 15 Jul 2027, 10:00 Europe\/Berlin \(UTC\+02:00\)/);
    assert.deepEqual(h.writes(), [], 'nothing written before the effective time');
    await h.bot.service.cancel(requestId, { id: h.people.isaac.id, displayName: 'Isaac Ito' }, { kind: 'personal' });
  });

  it('the approvers group: each approver\'s card in their own zone (IANA; none set: UTC with the offset), status too', async () => {
    const requestId = await submitFor(h.people.elena);
    const amaraCard = await approvalCardFor(requestId, h.people.amara);
    const benCard = await approvalCardFor(requestId, h.people.ben);
    await h.click(h.people.amara, VERBS.approve, { requestId }, amaraCard.activityId, amaraCard.conversationId);

    assert.match(JSON.stringify((await runsOnUpdate(amaraCard)).activity), /Runs on Thu 15 Jul 2027, 04:00 America\/New_York \(UTC-04:00\)/);
    assert.match(JSON.stringify((await runsOnUpdate(benCard)).activity), /Runs on Thu 15 Jul 2027, 08:00 UTC \(UTC\+00:00\)/);
    await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && textOf(a).includes(`${requestId} (offboarding Elena Fischer) is approved and will run on Thu 15 Jul 2027, 09:00 Europe/London (UTC+01:00)`), 15_000);

    const stored = await h.bot.service.get(requestId);
    assert.deepEqual(stored?.zones, { [h.people.isaac.id]: 'Europe/London', [h.people.amara.id]: 'America/New_York' });
    const zoneReads = () => h.bot.tenant!.requestLog().filter((e) => e.path.endsWith('/mailboxSettings/timeZone')).length;
    const before = zoneReads();
    // Ben's zone is unknown (none set): status shows UTC, as his card did, from the answer read at scheduling.
    assert.match(statusText(await h.say(h.people.ben, `status ${requestId}`)), /Scheduled — runs on Thu 15 Jul 2027, 08:00 UTC \(UTC\+00:00\)/);
    assert.match(statusText(await h.say(h.people.amara, `status ${requestId}`)), /runs on Thu 15 Jul 2027, 04:00 America\/New_York \(UTC-04:00\)/);
    assert.equal(zoneReads(), before, 'nothing read again');
    // Rachel Kim, an operator neither asked nor asking: her zone is read once ("GMT Standard Time"), then reused.
    const rachel = loadSeed().users.find((u) => u.displayName === 'Rachel Kim')!;
    const asRachel = { id: rachel.id, name: rachel.displayName };
    assert.match(statusText(await h.say(asRachel, `status ${requestId}`)), /runs on Thu 15 Jul 2027, 09:00 Europe\/London \(UTC\+01:00\)/);
    assert.match(statusText(await h.say(asRachel, `status ${requestId}`)), /09:00 Europe\/London/);
    assert.equal(zoneReads(), before + 1, 'read once, then reused');
    assert.deepEqual(h.writes(), []);
  });
});
