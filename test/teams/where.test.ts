// Where an offboarding may start, and where its cards go (issue 11, item 2), at the bot level: refused in a group chat
// or a meeting chat, in a channel of a team the leaver belongs to, in a channel outside OPERATIONS_CHANNEL_IDS when
// set, and where the team can't be known; allowed in a 1:1 chat. The card actions (pick, submit) check it again: card
// data is user input. No refusal writes anything to Microsoft 365 (the simulated tenant's request log).
import assert from 'node:assert/strict';
import { CHANNEL_NOT_LISTED, GROUP_CHAT_REFUSAL, TEAM_UNKNOWN } from '../../src/offboarding/venue';
import { VERBS } from '../../src/teams/verbs';
import { GROUP_CHAT, MEETING_CHAT, SALES_THREAD } from '../fakes/teams-client';
import { actionsOf, BotHarness, CHANNEL_THREAD, textOf } from './harness';

const PERSONAL = 'a:personal-isaac-ito';
const NO_TEAM_ID_THREAD = '19:no-team-id@thread.tacv2;messageid=1700000000002';

describe('where an offboarding may start, and where its cards go', function () {
  this.timeout(60_000);

  /** Graph requests the tenant saw so far (any method): a refusal by the kind of conversation reads nothing. */
  const graphCalls = (h: BotHarness) => h.bot.tenant!.requestLog().length;
  const isRequestCard = (_h: BotHarness, replies: Awaited<ReturnType<BotHarness['say']>>) => actionsOf(replies[0]?.activity).some((a) => a.verb === VERBS.submit);

  describe('without OPERATIONS_CHANNEL_IDS', () => {
    let h: BotHarness;
    before(async () => {
      h = await new BotHarness().start();
    });
    after(async () => {
      await h?.stop();
    });

    it('refuses offboard in a group chat and in a meeting chat, pointing to a 1:1 chat or a team channel, reading nothing', async () => {
      const before = graphCalls(h);
      for (const chat of [GROUP_CHAT, MEETING_CHAT]) {
        const replies = await h.say(h.people.isaac, 'offboard Jane Doe', chat);
        assert.equal(replies.length, 1);
        assert.equal(replies[0]!.activity.text, GROUP_CHAT_REFUSAL);
        assert.match(GROUP_CHAT_REFUSAL, /1:1 chat with me, or in a team channel/);
        assert.doesNotMatch(textOf(replies[0]), /Marcus|jane\.doe/i);
      }
      assert.equal(graphCalls(h), before, 'no Graph request: not even who matches');
      assert.deepEqual(h.writes(), []);
    });

    it('refuses the pick and the submit clicked in a group chat (card data is user input)', async () => {
      const pick = await h.click(h.people.isaac, VERBS.pickCandidate, { leaverId: h.people.jane.id }, 'card-in-chat', GROUP_CHAT);
      assert.equal(pick.value, GROUP_CHAT_REFUSAL);
      const submit = await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }, 'card-in-chat', GROUP_CHAT);
      assert.equal(submit.value, GROUP_CHAT_REFUSAL);
      const inMeeting = await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }, 'card-in-meeting', MEETING_CHAT);
      assert.equal(inMeeting.value, GROUP_CHAT_REFUSAL);
      await h.bot.service.idle();
      assert.equal(await h.bot.service.openRequestFor(h.people.jane.id), undefined);
      assert.ok(!h.connector.sent.some((a) => /Offboarding plan for/.test(textOf(a))), 'no plan preview anywhere');
      assert.deepEqual(h.writes(), []);
    });

    it('refuses in a channel of a team the leaver belongs to (by name and by UPN), pointing to a 1:1 chat', async () => {
      for (const query of ['Jane Doe', 'jane.doe@contoso.com']) {
        const replies = await h.say(h.people.isaac, `offboard ${query}`, SALES_THREAD);
        assert.equal(replies.length, 1);
        assert.match(String(replies[0]!.activity.text), /Jane Doe is a member of this team .* 1:1 chat with me/);
        assert.ok(!isRequestCard(h, replies), 'no request card in the channel');
      }
      // The same channel is fine for someone who is not in that team.
      assert.ok(isRequestCard(h, await h.say(h.people.isaac, 'offboard Elena Fischer', SALES_THREAD)));
      assert.deepEqual(h.writes(), []);
    });

    it('checks the team again on pick and on submit: the form comes back refused, nothing is stored or posted', async () => {
      const pick = await h.click(h.people.isaac, VERBS.pickCandidate, { leaverId: h.people.jane.id }, 'sales-card', SALES_THREAD);
      assert.match(JSON.stringify(pick.value), /Jane Doe is a member of this team/);
      await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }, 'sales-submit', SALES_THREAD);
      await h.connector.waitFor((a) => a.activityId === 'sales-submit' && /Jane Doe is a member of this team/.test(textOf(a)), 15_000);
      await h.bot.service.idle();
      assert.equal(await h.bot.service.openRequestFor(h.people.jane.id), undefined);
      assert.ok(!h.connector.sent.some((a) => a.conversationId === SALES_THREAD && /Offboarding plan for/.test(textOf(a))));
      assert.deepEqual(h.writes(), []);
    });

    it('refuses in a channel whose team Teams does not name (no aadGroupId, and the team details cannot be read)', async () => {
      const replies = await h.say(h.people.isaac, 'offboard Jane Doe', NO_TEAM_ID_THREAD);
      assert.equal(replies[0]!.activity.text, TEAM_UNKNOWN);
      assert.deepEqual(h.writes(), []);
    });

    it('in a 1:1 chat: the request card, the submit, the plan in that chat; the approval card never falls back to it', async () => {
      const replies = await h.say(h.people.isaac, 'offboard Jane Doe', PERSONAL);
      assert.ok(isRequestCard(h, replies));
      // Marcus can't be reached in a 1:1 chat: the requester's own chat is no place for his card.
      h.connector.fail = (c) => (c.kind === 'create' && c.members.includes(h.people.marcus.id) ? 404 : undefined);
      try {
        await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }, replies[0]!.activityId, PERSONAL);
        const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === replies[0]!.activityId && /Submitted: OFB-/.test(textOf(a)), 15_000);
        const requestId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
        await h.connector.waitFor((a) => a.conversationId === PERSONAL && /Offboarding plan for Jane Doe/.test(textOf(a)), 15_000);
        const told = await h.connector.waitFor((a) => a.conversationId === PERSONAL && /I couldn't get the approval card/.test(textOf(a)) && textOf(a).includes(requestId), 15_000);
        assert.ok(told);
        const request = await h.bot.service.get(requestId);
        assert.deepEqual(request?.where, { kind: 'personal' });
        assert.ok(!h.connector.sent.some((a) => a.kind !== 'update' && actionsOf(a.activity).some((x) => x.verb === VERBS.approve) && textOf(a).includes(requestId)), 'no approval card anywhere');
        assert.deepEqual(h.writes(), []);
        await h.bot.service.cancel(requestId, { id: h.people.isaac.id, displayName: 'Isaac Ito' });
        await h.bot.service.idle();
      } finally {
        h.connector.fail = undefined;
      }
    });

    it('in a channel the leaver is not in, the approval card may fall back to the thread with a mention', async () => {
      const request = { where: { kind: 'channel' as const, channelId: '19:it-ops@thread.tacv2', teamGroupId: '8d966028-d3be-5b9a-94a5-f3789bdc6cc9' }, leaver: { id: h.people.jane.id } };
      const may = (r: typeof request) => h.bot.service.approvalMayGoToThread(r as unknown as Parameters<typeof h.bot.service.approvalMayGoToThread>[0]);
      assert.equal(await may(request), true);
      assert.equal(await may({ ...request, where: { ...request.where, teamGroupId: '146ae1c8-5f1d-5ab2-add4-74edbd057db5' } }), false, 'a team Jane is in');
      assert.equal(await may({ ...request, where: { kind: 'personal' } as never }), false);
      assert.equal(await may({ ...request, where: { kind: 'group-chat' } as never }), false);
      assert.equal(await may({ ...request, where: undefined as never }), false, 'a request stored before the rule');
    });
  });

  describe('with OPERATIONS_CHANNEL_IDS', () => {
    let h: BotHarness;
    before(async () => {
      h = await new BotHarness().start({ OPERATIONS_CHANNEL_IDS: '19:sales@thread.tacv2, 19:elsewhere@thread.tacv2' });
    });
    after(async () => {
      await h?.stop();
    });

    it('refuses a channel not listed (command, pick and submit), allows a listed one and a 1:1 chat', async () => {
      const before = graphCalls(h);
      const replies = await h.say(h.people.isaac, 'offboard Elena Fischer', CHANNEL_THREAD);
      assert.equal(replies[0]!.activity.text, CHANNEL_NOT_LISTED);
      assert.equal(graphCalls(h), before, 'refused before any read');
      const pick = await h.click(h.people.isaac, VERBS.pickCandidate, { leaverId: h.people.elena.id }, 'card', CHANNEL_THREAD);
      assert.equal(pick.value, CHANNEL_NOT_LISTED);
      const submit = await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.elena.id, mailboxInheritorId: h.people.tom.id }, 'card', CHANNEL_THREAD);
      assert.equal(submit.value, CHANNEL_NOT_LISTED);
      assert.ok(isRequestCard(h, await h.say(h.people.isaac, 'offboard Elena Fischer', SALES_THREAD)), 'a listed channel');
      assert.ok(isRequestCard(h, await h.say(h.people.isaac, 'offboard Elena Fischer', PERSONAL)), 'a 1:1 chat is always allowed');
      // A listed channel still refuses a leaver who is in its team.
      assert.match(textOf((await h.say(h.people.isaac, 'offboard Jane Doe', SALES_THREAD))[0]), /Jane Doe is a member of this team/);
      await h.bot.service.idle();
      assert.equal(await h.bot.service.openRequestFor(h.people.elena.id), undefined);
      assert.deepEqual(h.writes(), []);
    });

    it('no approval card in the thread of a channel that is no longer listed', async () => {
      const where = { kind: 'channel' as const, channelId: '19:it-ops@thread.tacv2', teamGroupId: '8d966028-d3be-5b9a-94a5-f3789bdc6cc9' };
      const request = { where, leaver: { id: h.people.elena.id } } as unknown as Parameters<typeof h.bot.service.approvalMayGoToThread>[0];
      assert.equal(await h.bot.service.approvalMayGoToThread(request), false);
      assert.equal(await h.bot.service.approvalMayGoToThread({ ...request, where: { ...where, channelId: '19:sales@thread.tacv2' } }), true);
    });
  });
});
