// Who may learn of an offboarding (issue 11, item 1), at the bot level: `status`, `status <UPN>` and `status <id>`
// show a request only to operators, its approvers and its requester; never to the leaver, even one who is an operator
// or an approver. Everyone else gets byte for byte the answer for a request that does not exist. Seeing is not acting.
import assert from 'node:assert/strict';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { GROUP_CHAT, SALES_THREAD } from '../fakes/teams-client';
import { BotHarness, textOf, type Person } from './harness';

const UNKNOWN_ID = 'OFB-ZZZZZZ';

describe('visibility: who may see an offboarding request', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let operators = '';
  /** Priya asked for Jane's offboarding (then left the operators group); Marcus, Jane's manager, approves it. */
  let janeRequest = '';
  /** Isaac asked for Marcus's offboarding: Marcus is that request's leaver and the other one's approver. */
  let marcusRequest = '';

  /** Group membership changed in the simulated tenant, as an admin would in Entra. */
  async function membership(method: 'POST' | 'DELETE', groupId: string, who: Person): Promise<void> {
    const base = `${h.bot.tenant!.graphBaseUrl}/v1.0/groups/${groupId}/members`;
    const res =
      method === 'POST'
        ? await fetch(`${base}/$ref`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${who.id}` }) })
        : await fetch(`${base}/${who.id}/$ref`, { method });
    assert.equal(res.status, 204, await res.text());
  }

  async function submitFor(requester: Person, leaver: Person, inheritor: Person): Promise<string> {
    const replies = await h.say(requester, `offboard ${leaver.name}`);
    const cardId = replies[0]!.activityId;
    await h.click(requester, VERBS.submit, { leaverId: leaver.id, mailboxInheritorId: inheritor.id }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    return /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
  }

  /** What the sender is shown: text and cards, without the envelope (ids, timestamps, conversation). */
  const shown = (replies: SentActivity[]): string => JSON.stringify(replies.map((r) => ({ text: r.activity.text, attachments: r.activity.attachments })));

  /** `text` from `who`, and the same with `unknown` in place of `hidden`: the two answers must be identical. */
  async function assertNotFound(who: Person, command: string, hidden: string, unknown: string): Promise<void> {
    const answer = shown(await h.say(who, `${command} ${hidden}`));
    const control = shown(await h.say(who, `${command} ${unknown}`));
    assert.equal(answer.split(hidden).join(unknown), control, `${who.name}: ${command} ${hidden}`);
    assert.ok(!answer.includes(janeRequest) || hidden === janeRequest, `${who.name} learned of ${janeRequest}`);
    assert.ok(!answer.includes(marcusRequest) || hidden === marcusRequest, `${who.name} learned of ${marcusRequest}`);
  }

  async function assertSees(who: Person, query: string, requestId: string, leaverName: string): Promise<void> {
    const replies = await h.say(who, `status ${query}`);
    assert.match(textOf(replies[0]), new RegExp(`${requestId}: ${leaverName}`), `${who.name}: status ${query}`);
  }

  /** The `status` list (no argument) as `who` sees it. */
  async function listed(who: Person): Promise<string> {
    return shown(await h.say(who, 'status'));
  }

  before(async () => {
    h = await new BotHarness().start();
    operators = h.bot.groups.operatorsGroupId;
    const { priya, jane, marcus, tom, isaac } = h.people;
    // Marcus (seeded as an operator) only approves here; Priya starts Jane's offboarding, then leaves the operators.
    await membership('DELETE', operators, marcus);
    await membership('POST', operators, priya);
    janeRequest = await submitFor(priya, jane, tom);
    marcusRequest = await submitFor(isaac, marcus, tom);
    await membership('DELETE', operators, priya);
  });
  after(async () => {
    await h?.stop();
  });

  it('status <id>, status <UPN>, status: the operator, the requester and the approver see the request', async () => {
    const { isaac, priya, marcus } = h.people;
    for (const who of [isaac, priya, marcus]) {
      await assertSees(who, janeRequest, janeRequest, 'Jane Doe');
      await assertSees(who, 'jane.doe@contoso.com', janeRequest, 'Jane Doe');
      assert.ok((await listed(who)).includes(janeRequest), `${who.name}: status`);
    }
    // The operator sees every request; the requester and the approver only theirs.
    assert.ok((await listed(isaac)).includes(marcusRequest));
    assert.ok(!(await listed(priya)).includes(marcusRequest));
  });

  it('the leaver, an employee and the inheritor get the unknown-request answer, byte for byte', async () => {
    const { jane, samuel, tom } = h.people;
    const nothing = await listed(samuel);
    assert.ok(!nothing.includes('OFB-'), nothing);
    for (const who of [jane, samuel, tom]) {
      await assertNotFound(who, 'status', janeRequest, UNKNOWN_ID);
      await assertNotFound(who, 'status', 'jane.doe@contoso.com', 'ben.carter@contoso.com');
      await assertNotFound(who, 'status', 'Jane Doe', 'Ben Carter');
      assert.equal(await listed(who), nothing, `${who.name}: status`);
    }
  });

  it('the leaver gets the not-found answer about themselves even as an operator', async () => {
    const { jane } = h.people;
    await membership('POST', operators, jane);
    try {
      await assertNotFound(jane, 'status', janeRequest, UNKNOWN_ID);
      await assertNotFound(jane, 'status', 'jane.doe@contoso.com', 'ben.carter@contoso.com');
      // As an operator she sees the others' requests, never her own.
      const list = await listed(jane);
      assert.ok(list.includes(marcusRequest) && !list.includes(janeRequest), list);
      await assertNotFound(jane, 'cancel', janeRequest, UNKNOWN_ID);
      const retry = await h.click(jane, VERBS.retry, { requestId: janeRequest }, 'progress-card');
      const unknownRetry = await h.click(jane, VERBS.retry, { requestId: UNKNOWN_ID }, 'progress-card');
      assert.equal(String(retry.value).split(janeRequest).join(UNKNOWN_ID), String(unknownRetry.value));
      assert.equal((await h.bot.service.get(janeRequest))?.status, 'requested');
    } finally {
      await membership('DELETE', operators, jane);
    }
  });

  it('the leaver gets the not-found answer about themselves even as an approver of another request', async () => {
    const { marcus } = h.people;
    await assertNotFound(marcus, 'status', marcusRequest, UNKNOWN_ID);
    await assertNotFound(marcus, 'status', 'marcus.reed@contoso.com', 'ben.carter@contoso.com');
    const list = await listed(marcus);
    assert.ok(list.includes(janeRequest) && !list.includes(marcusRequest), list);
  });

  it('seeing is not acting: the approver may not cancel or retry; the leaver and others are told it does not exist', async () => {
    const { marcus, jane, samuel } = h.people;
    assert.match(textOf((await h.say(marcus, `cancel ${janeRequest}`))[0]), /Only Priya Natarajan \(who asked for it\) or an operator can cancel/);
    assert.match(String((await h.click(marcus, VERBS.retry, { requestId: janeRequest }, 'progress-card')).value), /operators group can retry/);
    for (const who of [jane, samuel]) {
      await assertNotFound(who, 'cancel', janeRequest, UNKNOWN_ID);
    }
    assert.match(textOf((await h.say(samuel, `cancel ${UNKNOWN_ID}`))[0]), new RegExp(`There is no offboarding request ${UNKNOWN_ID}\\.`));
    assert.equal((await h.bot.service.get(janeRequest))?.status, 'requested');
  });

  it('approve and reject clicks by the leaver, or by anyone who may not see the request, answer as for an unknown id', async () => {
    const { jane, samuel } = h.people;
    for (const who of [jane, samuel]) {
      for (const verb of [VERBS.approve, VERBS.reject]) {
        const known = await h.click(who, verb, { requestId: janeRequest }, 'approval-card');
        const unknown = await h.click(who, verb, { requestId: UNKNOWN_ID }, 'approval-card');
        assert.equal(String(known.value).split(janeRequest).join(UNKNOWN_ID), String(unknown.value), `${who.name} ${verb}`);
        assert.doesNotMatch(String(known.value), /Marcus|Priya|Jane/);
      }
    }
    assert.equal((await h.bot.service.get(janeRequest))?.status, 'requested');
  });

  it('a reply reaches everyone in the conversation: nothing in a group chat; in a channel, only requests started there', async () => {
    const { isaac } = h.people;
    // Started in the IT channel: named there, but not in another channel — not even to an operator.
    assert.match(textOf((await h.say(isaac, `status ${janeRequest}`))[0]), new RegExp(`${janeRequest}: Jane Doe`));
    const card = (replies: SentActivity[]) => JSON.stringify(replies[0]?.activity.attachments);
    const elsewhere = card(await h.say(isaac, `status ${janeRequest}`, SALES_THREAD));
    const unknownElsewhere = card(await h.say(isaac, `status ${UNKNOWN_ID}`, SALES_THREAD));
    assert.equal(elsewhere.split(janeRequest).join(UNKNOWN_ID), unknownElsewhere);
    assert.match(textOf((await h.say(isaac, `cancel ${janeRequest}`, SALES_THREAD))[0]), new RegExp(`There is no offboarding request ${janeRequest}\\.`));
    for (const command of ['status', `status ${janeRequest}`, `cancel ${janeRequest}`]) {
      assert.match(textOf((await h.say(isaac, command, GROUP_CHAT))[0]), /Ask me about offboarding requests in a 1:1 chat/, command);
    }
    assert.equal((await h.bot.service.get(janeRequest))?.status, 'requested');
  });
});
