// The conversation at the bot level, as Teams drives it (HTTP activities in, Bot Connector calls out), against the
// simulated tenant. Security rules first: nothing is written to Microsoft 365 before approval, and only the right
// person's click counts.
import assert from 'node:assert/strict';
import { startSimulatedTenant } from '../../src/simulator';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, cardOf, CHANNEL_THREAD, inputsOf, SUMMARY_CHANNEL, textOf, type Person } from './harness';

const MAX_BYTES = 80 * 1024;

describe('conversation', function () {
  this.timeout(60_000);
  let h: BotHarness;

  /** `offboard <query>` by the operator, then a submit with only the two required inputs (the recommended plan). */
  async function submitFor(requester: Person, leaver: Person, inheritor: Person, extra: Record<string, unknown> = {}): Promise<{ requestId: string; cardId: string }> {
    const replies = await h.say(requester, `offboard ${leaver.name}`);
    const cardId = replies[0]!.activityId;
    const answer = await h.click(requester, VERBS.submit, { leaverId: leaver.id, mailboxInheritorId: inheritor.id, ...extra }, cardId);
    assert.match(JSON.stringify(answer.value), /Preparing the plan/);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    const requestId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
    return { requestId, cardId };
  }

  /** The approval card sent to `approver` for `requestId` (1:1 chat or thread fallback). */
  function approvalCardFor(requestId: string, approver: Person): Promise<SentActivity> {
    return h.connector.waitFor((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve) && (h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity).includes(approver.id)) || a.conversationId === CHANNEL_THREAD), 15_000);
  }

  before(async () => {
    h = await new BotHarness().start();
  });
  after(async () => {
    await h?.stop();
  });

  describe('offboard: who may start, and who is leaving', () => {
    it('refuses someone outside the operators group politely, and does nothing', async () => {
      const replies = await h.say(h.people.tom, 'offboard Jane Doe');
      assert.match(textOf(replies[0]), /only members of the offboarding operators group/);
      assert.deepEqual(h.writes(), []);
    });

    it('answers usage, no match, several matches and a protected person', async () => {
      assert.match(textOf((await h.say(h.people.isaac, 'offboard'))[0]), /Usage: \*\*offboard\*\*/);
      assert.match(textOf((await h.say(h.people.isaac, 'offboard Zebediah'))[0]), /No user matches 'Zebediah'/);
      const many = cardOf((await h.say(h.people.isaac, 'offboard Jane'))[0]!.activity);
      const picks = actionsOf(many).filter((a) => a.verb === VERBS.pickCandidate).map((a) => a.data?.leaverId);
      assert.ok(picks.includes(h.people.jane.id) && picks.includes(h.people.janeSmith.id), JSON.stringify(picks));
      assert.match(JSON.stringify(many), /jane\.smith@contoso\.com/);
      assert.match(textOf((await h.say(h.people.isaac, 'offboard victor.hale@contoso.com'))[0]), /protected group/);
      assert.deepEqual(h.writes(), []);
    });

    it('shows the request card: leaver preselected, the manager preselected as a static inheritor choice, the people picker', async () => {
      const card = cardOf((await h.say(h.people.isaac, 'offboard jane.doe@contoso.com'))[0]!.activity);
      const inputs = inputsOf(card);
      assert.equal(inputs.get('leaverId')?.value, h.people.jane.id);
      const inheritor = inputs.get('mailboxInheritorId')!;
      assert.equal(inheritor.value, h.people.marcus.id);
      assert.deepEqual((inheritor.choices as Array<{ value: string }>).map((c) => c.value), [h.people.marcus.id, h.people.isaac.id, 'someone-else']);
      assert.deepEqual((inputs.get('mailboxInheritorSearch')!['choices.data'] as { dataset: string }).dataset, 'graph.microsoft.com/users');
      assert.deepEqual(actionsOf(card).map((a) => a.verb), [VERBS.submit]);
    });

    it('picking a candidate replaces the list with the request card', async () => {
      const answer = await h.click(h.people.isaac, VERBS.pickCandidate, { leaverId: h.people.janeSmith.id }, 'some-card');
      assert.equal(inputsOf(answer.value).get('leaverId')?.value, h.people.janeSmith.id);
      const forged = await h.click(h.people.tom, VERBS.pickCandidate, { leaverId: h.people.janeSmith.id }, 'some-card');
      assert.match(String(forged.value), /only members of the offboarding operators group/);
    });
  });

  describe('submit: every rule checked again, nothing written', () => {
    it('refuses forged submits with a specific reason', async () => {
      const bad = async (from: Person, data: Record<string, unknown>) => JSON.stringify((await h.click(from, VERBS.submit, data, 'card')).value);
      assert.match(await bad(h.people.isaac, { mailboxInheritorId: h.people.tom.id }), /leaverId/);
      assert.match(await bad(h.people.isaac, { leaverId: 'jane', mailboxInheritorId: h.people.tom.id }), /leaverId must be an Entra object id/);
      assert.match(await bad(h.people.isaac, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id, deleteAccount: 'maybe' }), /deleteAccount/);
      assert.match(await bad(h.people.tom, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }), /only members of the offboarding operators group/);
      assert.match(await bad(h.people.isaac, { leaverId: h.people.jane.id, mailboxInheritorId: 'someone-else', mailboxInheritorSearch: '' }), /you chose \\"Someone else…\\": search for the person who inherits the mailbox/);
      // Passes the first checks, refused in the background: the form comes back with the reason.
      await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.victor.id, mailboxInheritorId: h.people.tom.id }, 'card-victor');
      await h.connector.waitFor((a) => a.activityId === 'card-victor' && /protected group/.test(textOf(a)));
      await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.janeSmith.id, mailboxInheritorId: h.people.janeSmith.id }, 'card-self');
      await h.connector.waitFor((a) => a.activityId === 'card-self' && /can't inherit their own mailbox/.test(textOf(a)));
      assert.deepEqual(h.writes(), []);
    });
  });

  describe('approval and run', () => {
    let requestId = '';

    it('after submit: the plan preview in the thread and the approval card to the manager in a 1:1 chat, nothing written', async () => {
      // Tom is not on the card's drop-down (Marcus, Isaac): "Someone else…", then Tom found with the people picker.
      ({ requestId } = await submitFor(h.people.isaac, h.people.jane, h.people.tom, { mailboxInheritorId: 'someone-else', mailboxInheritorSearch: h.people.tom.id }));
      assert.equal((await h.bot.service.get(requestId))?.inheritor.id, h.people.tom.id);
      const preview = await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && /Offboarding plan for Jane Doe/.test(textOf(a)));
      assert.match(textOf(preview), /Leave 68 groups/);
      const approval = await approvalCardFor(requestId, h.people.marcus);
      const create = h.connector.sent.find((c) => c.kind === 'createConversation' && c.conversationId === approval.conversationId)!;
      assert.deepEqual((create.activity.members as Array<{ id: string }>).map((m) => m.id), [h.people.marcus.id]);
      assert.equal((create.activity as { tenantId?: string }).tenantId, h.bot.tenant!.tenantId);
      assert.ok(inputsOf(approval.activity).has('comment'));
      for (const a of h.connector.sent) {
        assert.ok(JSON.stringify(a.activity).length < MAX_BYTES);
      }
      assert.deepEqual(h.writes(), []);
    });

    it('a second offboard for the same person points to the open request', async () => {
      assert.match(textOf((await h.say(h.people.isaac, 'offboard Jane Doe'))[0]), new RegExp(`already has an open offboarding request, ${requestId}`));
    });

    it('refuses the wrong clicker, the requester, the leaver and an unknown request, changing nothing', async () => {
      const approval = await approvalCardFor(requestId, h.people.marcus);
      for (const who of [h.people.tom, h.people.isaac, h.people.jane]) {
        const answer = await h.click(who, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
        assert.equal(typeof answer.value, 'string', `${who.name} got a card`);
      }
      assert.match(String((await h.click(h.people.isaac, VERBS.approve, { requestId }, approval.activityId, approval.conversationId)).value), /asked for this offboarding/);
      // The leaver learns nothing of their own offboarding: the unknown-request answer (visibility.test.ts).
      assert.equal(String((await h.click(h.people.jane, VERBS.approve, { requestId }, approval.activityId, approval.conversationId)).value), `There is no offboarding request ${requestId}.`);
      const longComment = await h.click(h.people.marcus, VERBS.approve, { requestId, comment: 'x'.repeat(1001) }, approval.activityId, approval.conversationId);
      assert.match(String(longComment.value), /comment is longer than 1000 characters/);
      assert.match(String((await h.click(h.people.marcus, VERBS.approve, { requestId: 'OFB-ZZZZZZ' }, approval.activityId, approval.conversationId)).value), /no offboarding request OFB-ZZZZZZ/);
      assert.equal((await h.bot.service.get(requestId))?.status, 'requested');
      assert.deepEqual(h.writes(), []);
    });

    it('the manager approves: the card shows the decision, the run goes, progress updates in place, the summary lands', async () => {
      const approval = await approvalCardFor(requestId, h.people.marcus);
      const answer = await h.click(h.people.marcus, VERBS.approve, { requestId, comment: 'Last day Friday' }, approval.activityId, approval.conversationId);
      const decided = JSON.stringify(answer.value);
      assert.match(decided, /Approved by Marcus Reed/);
      assert.match(decided, /Last day Friday/);
      assert.deepEqual(actionsOf(answer.value), []);

      const summary = await h.connector.waitFor((a) => a.kind === 'createConversation' && JSON.stringify(a.activity).includes(SUMMARY_CHANNEL), 30_000);
      const text = JSON.stringify(summary.activity);
      assert.match(text, /Completed/);
      assert.match(text, /Isaac Ito/);
      assert.match(text, /Marcus Reed/);
      assert.match(text, /dynamic membership/);
      assert.match(text, /synced from on-premises AD/);
      assert.ok(text.length < MAX_BYTES, `summary is ${text.length} bytes`);
      // Accepted is not finished: the wipes are requested, never claimed done; every step names its calls and the
      // last request id, and the tenant issued each id shown.
      assert.match(text, /2 of 2 requested, not confirmed done yet/);
      assert.match(text, /3 device actions are requested but not confirmed done yet/); // 2 in Intune, 1 ActiveSync phone
      const shown = [...text.matchAll(/last request id ([0-9a-f-]{36})/g)].map((m) => m[1]!);
      const issued = new Set(h.bot.tenant!.requestLog().flatMap((e) => [e.requestId, e.batch?.batchRequestId]));
      assert.ok(shown.length >= 15, `${shown.length} request ids shown`);
      assert.deepEqual(shown.filter((id) => !issued.has(id)), [], 'request ids the tenant never issued');

      const request = (await h.bot.service.get(requestId))!;
      assert.equal(request.status, 'completed');
      const progressId = (request.teams as { progressActivityId?: string }).progressActivityId!;
      const updates = h.connector.sent.filter((a) => a.kind === 'update' && a.activityId === progressId);
      assert.ok(updates.length >= 1, 'the progress card was updated in place');
      const times = updates.map((u) => u.at);
      for (let i = 1; i < times.length; i++) {
        assert.ok(times[i]! - times[i - 1]! >= 900 || i === times.length - 1, 'at most about one update per second');
      }
      assert.match(JSON.stringify(updates.at(-1)!.activity), /Completed/);
      await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && new RegExp(`${requestId}, Jane Doe: Completed`).test(textOf(a)));
      assert.ok(h.writes().length > 50);
    });

    it('a double click changes nothing and shows the decision', async () => {
      const approval = await approvalCardFor(requestId, h.people.marcus);
      const before = h.writes().length;
      const again = await h.click(h.people.marcus, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
      assert.match(JSON.stringify(again.value), /Approved by Marcus Reed/);
      const reject = await h.click(h.people.marcus, VERBS.reject, { requestId }, approval.activityId, approval.conversationId);
      assert.match(JSON.stringify(reject.value), /Approved by Marcus Reed/);
      assert.equal(h.writes().length, before);
    });

    it('status shows it, reading requested wipes again from Intune; retry is refused when nothing failed', async () => {
      const tenant = h.bot.tenant!;
      const devices = tenant.state().managedDevices.filter((d) => d.userId === h.people.jane.id);
      tenant.checkInManagedDevice(devices[0]!.id);
      const status = await h.say(h.people.isaac, `status ${requestId}`);
      assert.match(textOf(status[0]), new RegExp(`${requestId}: Jane Doe`));
      assert.match(textOf(status[1]), /Completed/);
      // One device checked in: Intune reports its action done; the other is still requested.
      assert.match(textOf(status[1]), /1 of 2 requested, not confirmed done yet, 1 done/);
      assert.match(textOf(status[1]), /done \(confirmed by Intune\)/);
      assert.match(String((await h.click(h.people.isaac, VERBS.retry, { requestId }, 'x')).value), /no failed steps/);
      assert.match(String((await h.click(h.people.tom, VERBS.retry, { requestId }, 'x')).value), /operators group can retry/);
    });
  });

  describe('no manager: the approvers group, installing the app, the first decision wins', () => {
    it('sends the card to every approver, installing the app for one who lacks it', async () => {
      // Ben doesn't have the app: Teams answers 403 until it is installed through Graph.
      const installed = () => h.bot.tenant!.requestLog().some((e) => e.method === 'POST' && e.path.endsWith(`/users/${h.people.ben.id}/teamwork/installedApps`) && e.status < 300);
      h.connector.reachable = (id) => id !== h.people.ben.id || installed();
      const writesBefore = h.writes().length;
      const { requestId } = await submitFor(h.people.isaac, h.people.elena, h.people.tom);
      const toAmara = await approvalCardFor(requestId, h.people.amara);
      const toBen = await approvalCardFor(requestId, h.people.ben);
      assert.ok(installed(), 'the app was installed for Ben');
      // The only write before approval: installing the app for the approver.
      assert.deepEqual(h.writes().slice(writesBefore), [{ method: 'POST', path: `/v1.0/users/${h.people.ben.id}/teamwork/installedApps` }]);

      const amara = await h.click(h.people.amara, VERBS.reject, { requestId, comment: 'Not leaving after all' }, toAmara.activityId, toAmara.conversationId);
      assert.match(JSON.stringify(amara.value), /Rejected by Amara Okafor/);
      const ben = await h.click(h.people.ben, VERBS.approve, { requestId }, toBen.activityId, toBen.conversationId);
      assert.match(JSON.stringify(ben.value), /Rejected by Amara Okafor/);
      assert.equal((await h.bot.service.get(requestId))?.status, 'rejected');
      await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === toBen.activityId && /Rejected by Amara Okafor/.test(textOf(a)));
      await h.connector.waitFor((a) => a.kind === 'createConversation' && JSON.stringify(a.activity).includes(SUMMARY_CHANNEL) && textOf(a).includes(requestId));
      assert.deepEqual(h.writes().filter((w) => w.path.includes(h.people.elena.id)), [], 'nothing written for Elena');
    });
  });

  describe('double submit, and Teams failing during the run', () => {
    let x: BotHarness;
    before(async () => {
      x = await new BotHarness().start();
    });
    after(() => x?.stop());
    let requestId = '';

    it('two clicks on Submit at once: one request, and the card shows it whichever answer comes last', async () => {
      const replies = await x.say(x.people.isaac, 'offboard Jane Doe');
      const cardId = replies[0]!.activityId;
      const data = { leaverId: x.people.jane.id, mailboxInheritorId: x.people.tom.id };
      await Promise.all([x.click(x.people.isaac, VERBS.submit, data, cardId), x.click(x.people.isaac, VERBS.submit, data, cardId)]);
      const updates = () => x.connector.sent.filter((a) => a.kind === 'update' && a.activityId === cardId);
      for (let waited = 0; updates().length < 2 && waited < 15_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const requests = await x.bot.service.list();
      assert.equal(requests.length, 1);
      requestId = requests[0]!.id;
      assert.deepEqual(
        updates().map((u) => /Submitted: (OFB-[A-Z0-9]{6})/.exec(textOf(u))?.[1]),
        [requestId, requestId],
      );
    });

    it('card updates failing (Teams incident): the run completes, failures go to the log, nothing false is posted', async () => {
      const approval = await x.connector.waitFor((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((v) => v.verb === VERBS.approve), 15_000);
      x.connector.updateStatus = 502;
      try {
        await x.click(x.people.marcus, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
        await x.connector.waitFor((a) => a.kind === 'createConversation' && JSON.stringify(a.activity).includes(SUMMARY_CHANNEL) && textOf(a).includes(requestId), 30_000);
      } finally {
        x.connector.updateStatus = undefined;
      }
      assert.equal((await x.bot.service.get(requestId))?.status, 'completed');
      assert.deepEqual(
        x.connector.sent.filter((a) => /went wrong|Nothing else was changed/.test(textOf(a))).map((a) => textOf(a)),
        [],
      );
    });
  });

  describe('cancel and expiry', () => {
    it('cancel: only the requester or an operator, before execution', async () => {
      const { requestId } = await submitFor(h.people.isaac, h.people.samuel, h.people.tom);
      // Tom (the inheritor) may not even see it: the unknown-request answer (visibility.test.ts).
      assert.match(textOf((await h.say(h.people.tom, `cancel ${requestId}`))[0]), new RegExp(`There is no offboarding request ${requestId}\\.`));
      assert.match(textOf((await h.say(h.people.isaac, 'cancel please'))[0]), /Usage: \*\*cancel\*\*/);
      assert.match(textOf((await h.say(h.people.isaac, `cancel ${requestId}`))[0]), new RegExp(`Cancelled ${requestId}`));
      const approver = (await h.bot.service.get(requestId))!.approvers[0]!;
      const approval = await approvalCardFor(requestId, { id: approver.id, name: approver.displayName });
      const answer = await h.click({ id: approver.id, name: approver.displayName }, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
      assert.match(JSON.stringify(answer.value), /Cancelled by Isaac Ito/);
      assert.equal((await h.bot.service.get(requestId))?.status, 'cancelled');
    });
  });

  describe('group ids from the environment, with the simulated tenant', () => {
    it('OPERATORS_GROUP_ID set to the approvers group: the usual operator is refused, an approver may start', async () => {
      const probe = await startSimulatedTenant();
      const approversGroupId = probe.groups.approversGroupId;
      await probe.close();
      const x = await new BotHarness().start({ OPERATORS_GROUP_ID: approversGroupId });
      try {
        assert.equal(x.bot.groups.operatorsGroupId, approversGroupId);
        assert.match(textOf((await x.say(x.people.isaac, 'offboard Jane Doe'))[0]), /only members of the offboarding operators group/);
        assert.match(JSON.stringify((await x.say(x.people.amara, 'offboard Jane Doe'))[0]!.activity), /offboard\.submit/);
      } finally {
        await x.stop();
      }
    });
  });

  describe('expiry', () => {
    let x: BotHarness;
    before(async () => {
      x = await new BotHarness().start({ APPROVAL_TTL_HOURS: '0.0003' }); // about a second
    });
    after(() => x?.stop());

    it('expires a request nobody decided on, tells the requester, and refuses a late click', async () => {
      const replies = await x.say(x.people.isaac, 'offboard Jane Doe');
      await x.click(x.people.isaac, VERBS.submit, { leaverId: x.people.jane.id, mailboxInheritorId: x.people.tom.id }, replies[0]!.activityId);
      const submitted = await x.connector.waitFor((a) => /Submitted: OFB-/.test(textOf(a)), 15_000);
      const requestId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
      await new Promise((r) => setTimeout(r, 1300));
      const late = await x.click(x.people.marcus, VERBS.approve, { requestId }, 'card');
      assert.match(JSON.stringify(late.value), /expired/i);
      // The late click itself expires the request (no housekeeping tick needed).
      assert.equal((await x.bot.service.get(requestId))?.status, 'expired');
      const told = await x.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && /expired without a decision/.test(textOf(a)));
      assert.match(textOf(told), /<at>Isaac Ito<\/at>/);
      assert.deepEqual(x.writes(), []);
    });
  });
});
