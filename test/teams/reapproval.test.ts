// A scheduled request sent back for a new decision, at the bot level: the bot over HTTP with the loopback Bot Connector
// and the simulated tenant, its clock moved forward by the test. The leaver is made protected between the approval and
// the effective time: nothing is written to Microsoft 365, the earlier approval card says it was sent back, a new one
// names what changed, the requester is told in the thread, and approving again plans again before anything runs.
import assert from 'node:assert/strict';
import type { PlanChange } from '../../src/offboarding/requests';
import { renderApprovalCard } from '../../src/teams/cards';
import { currentApprovals } from '../../src/teams/refs';
import { VERBS } from '../../src/teams/verbs';
import { addedSinceApproval, approvalCardData } from '../../src/teams/view';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, CHANNEL_THREAD, textOf, type Person } from './harness';
import { sampleRequest } from './sample-request';

const DAY = 24 * 3600_000;

describe('a scheduled request whose leaver became protected (bot level)', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);

  async function tickUntil(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await h.bot.service.tick();
      await h.bot.service.idle();
      if (await done()) {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`not within 5 s: ${what}`);
  }

  const status = async (id: string) => (await h.bot.service.get(id))?.status;
  const openedWith = (a: SentActivity, who: Person) => h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity).includes(who.id));
  const approvalCards = (requestId: string, who: Person) => h.connector.sent.filter((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve) && openedWith(a, who));

  before(async () => {
    h = await new BotHarness().start({}, { now });
  });
  after(async () => {
    await h?.stop();
  });

  it('no write; the earlier card says so, a new card names the change, the requester is told; approved again, it plans again first', async () => {
    const { isaac, jane, marcus, tom } = h.people;
    const replies = await h.say(isaac, `offboard ${jane.name}`);
    const cardId = replies[0]!.activityId;
    const inTwoDays = new Date(now().getTime() + 2 * DAY).toISOString().slice(0, 10);
    await h.click(isaac, VERBS.submit, { leaverId: jane.id, mailboxInheritorId: tom.id, effectiveDate: inTwoDays, effectiveTime: '09:00' }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    const id = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];

    await h.connector.waitFor((a) => approvalCards(id, marcus).includes(a), 15_000);
    const first = approvalCards(id, marcus)[0]!;
    await h.click(marcus, VERBS.approve, { requestId: id }, first.activityId, first.conversationId);
    await tickUntil(async () => (await status(id)) === 'scheduled', 'scheduled');

    const tenant = h.bot.tenant!;
    tenant.editTenant((t) => t.groups.find((g) => g.id === tenant.groups.protectedGroupId)!.members.push(jane.id));
    offset += 3 * DAY;
    await tickUntil(async () => (await status(id)) === 'requested', 'sent back for a new decision');
    await h.connector.waitFor((a) => approvalCards(id, marcus).length === 2 && a === approvalCards(id, marcus)[1], 15_000);

    assert.deepEqual(h.writes(), [], 'nothing written to Microsoft 365');
    // The new card names what changed, above the plan, with Approve / Reject.
    const card = textOf(approvalCards(id, marcus)[1]);
    assert.match(card, /What changed since the approval/);
    assert.match(card, /Jane Doe is now in the protected group/);
    assert.match(card, /Marcus Reed approved it on/);
    // The earlier card says it was sent back (and can no longer be used to approve).
    const superseded = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === first.activityId && /Sent back for a new decision/.test(textOf(a)), 15_000);
    assert.ok(!actionsOf(superseded.activity).some((x) => x.verb === VERBS.approve));
    // The requester, in the thread where they asked, mentioned.
    const told = await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && textOf(a).includes(`${id} (offboarding Jane Doe) did not start at its effective time`), 15_000);
    assert.match(String(told.activity.text), /^<at>Isaac Ito<\/at>, /);
    assert.match(String(told.activity.text), /protected group/);
    assert.match(String(told.activity.text), /Nothing was changed in Microsoft 365/);
    // Housekeeping doesn't send the new card again: it reached Marcus.
    offset += 10 * 60_000;
    await h.bot.service.tick();
    await h.bot.service.idle();
    assert.equal(approvalCards(id, marcus).length, 2);

    // The first card's action data (its round), clicked again as if its "sent back" update had never arrived: refused.
    const dataOf = (a: (typeof h.connector.sent)[number]) => actionsOf(a.activity).find((x) => x.verb === VERBS.approve)!.data as Record<string, string>;
    assert.equal(dataOf(first).round, '1');
    const stale = await h.click(marcus, VERBS.approve, dataOf(first), first.activityId, first.conversationId);
    assert.match(JSON.stringify(stale), /This card is from before .* was sent back for a new decision/);
    assert.equal(await status(id), 'requested', 'a card of the earlier round decides nothing');

    // Approved again on the new card while Jane is still protected: planned again before anything runs, so asked again.
    const second = approvalCards(id, marcus)[1]!;
    assert.notEqual(dataOf(second).round, '1');
    await h.click(marcus, VERBS.approve, dataOf(second), second.activityId, second.conversationId);
    await tickUntil(() => approvalCards(id, marcus).length === 3, 'a third approval card');
    assert.equal(await status(id), 'requested');
    assert.deepEqual(h.writes(), [], 'still nothing written');
  });
});

describe('re-approval and re-plan card data', () => {
  it('the approval card shows what changed since the approval only on a re-approval, above the plan', () => {
    const plain = JSON.stringify(renderApprovalCard(approvalCardData(sampleRequest())).content);
    assert.doesNotMatch(plain, /What changed since the approval/);
    const previous = { by: { id: 'marcus', displayName: 'Marcus Reed' }, at: '2026-11-27T11:00:00.000Z', outcome: 'approved' as const };
    const again = sampleRequest({ reapproval: { at: '2026-11-28T09:00:01.000Z', changes: ['Jane Doe is now in the protected group.'], previous } });
    const card = JSON.stringify(renderApprovalCard(approvalCardData(again)).content);
    assert.match(card, /What changed since the approval/);
    assert.match(card, /Marcus Reed approved it on/);
    assert.match(card, /• Jane Doe is now in the protected group\./);
    assert.ok(card.indexOf('What changed since the approval') < card.indexOf('Block sign-in'), 'before the plan');
  });

  it('cards of an earlier round do not count as the approver having one', () => {
    const ref = (approverId: string, round?: string) => ({ approverId, reference: {}, activityId: `a-${approverId}`, where: '1:1' as const, ...(round ? { round } : {}) });
    const teams = { ...sampleRequest().teams, approvals: [ref('ben'), ref('amara', '2026-11-28T09:00:01.000Z')] };
    assert.deepEqual(currentApprovals(sampleRequest({ teams })).map((a) => a.approverId), ['ben']);
    const again = sampleRequest({ teams, reapproval: { at: '2026-11-28T09:00:01.000Z', changes: [] } });
    assert.deepEqual(currentApprovals(again).map((a) => a.approverId), ['amara']);
  });

  it('the summary line names what was added, by kind, the first few by name', () => {
    const c = (step: PlanChange['step'], label: string): PlanChange => ({ step, id: label, label });
    assert.equal(addedSinceApproval([c('leave-groups', 'Sales EMEA'), c('leave-groups', 'Project X'), c('intune-devices', 'JANE-LAPTOP'), c('remove-mfa-methods', 'phone')]), '2 groups (Sales EMEA, Project X), 1 device (JANE-LAPTOP), 1 MFA method');
    const many = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((x) => c('leave-groups', x));
    assert.equal(addedSinceApproval(many), '7 groups (A, B, C, D, E, …and 2 more)');
  });
});
