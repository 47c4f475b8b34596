// Bulk offboarding at the bot level (issue 15), as Teams drives it over HTTP against the simulated tenant: a typed
// list and a CSV file become one batch request card; its submit opens a request per leaver and sends each approver
// one card covering only their leavers; each click decides exactly the clicker's stored requests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generateLeavers } from '../../bench/leavers-seed';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { FILE_DOWNLOAD_INFO } from '../../src/teams/csv-download';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, CHANNEL_THREAD, cardOf, inputsOf, textOf, type Person } from './harness';

const TEAMS_MESSAGE_LIMIT = 100 * 1024;

describe('bulk offboarding (bot level)', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let files: http.Server;
  let filesUrl = '';
  const served = new Map<string, string | Buffer>();

  before(async () => {
    h = await new BotHarness().start();
    files = http.createServer((req, res) => {
      const body = served.get(req.url ?? '');
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/csv' });
      res.end(body);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  after(async () => {
    files?.closeAllConnections();
    files?.close();
    await h?.stop();
  });

  const personal = (p: Person): string => `a:1to1-${p.id}`;
  const user = (upn: string): Person => {
    const u = h.bot.tenant!.state().users.find((x) => x.userPrincipalName === upn)!;
    return { id: u.id, name: u.displayName };
  };
  const fileAttachment = (name: string, url: string) => ({ contentType: FILE_DOWNLOAD_INFO, name, content: { downloadUrl: url, uniqueId: name, fileType: name.split('.').pop() } });

  /** The batch card following the message's answer ("Looking up N entries…"), and its id. */
  async function batchCard(replies: SentActivity[]): Promise<{ card: Record<string, unknown>; activityId: string; batchId: string }> {
    return batchCardAfter(h, replies);
  }

  /** Submits the batch card; resolves with the batch's requests once the card says it was submitted. */
  async function submit(from: Person, activityId: string, batchId: string, inputs: Record<string, string> = {}): Promise<OffboardingRequest[]> {
    const answer = await h.click(from, VERBS.submit, { batchId, ...inputs }, activityId, personal(from));
    assert.match(JSON.stringify(answer.value), /Preparing plans for \d+ leaver/);
    await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === activityId && textOf(a).includes(`Submitted: ${batchId}`), 30_000);
    const batch = (await h.bot.service.batches.get(batchId))!;
    return h.bot.service.batches.requests(batch);
  }

  /** The batch approval card sent to `approver` (in a 1:1 chat opened for them). */
  function approvalCardFor(batchId: string, approver: Person): Promise<SentActivity> {
    return h.connector.waitFor(
      (a) =>
        a.kind !== 'update' &&
        actionsOf(a.activity).some((x) => x.verb === VERBS.approve && x.data?.batchId === batchId) &&
        h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity).includes(approver.id)),
      20_000,
    );
  }

  const writesFor = (p: Person, upn: string) => h.writes().filter((w) => JSON.stringify(w).includes(p.id) || JSON.stringify(w).toLowerCase().includes(upn));

  it('a typed list: two managers get one card each naming only their leavers; forged clicks decide nothing; an approval runs only its leavers, a rejection touches nothing', async () => {
    const { isaac, jane, marcus } = h.people;
    const aisha = user('aisha.rahman@contoso.com');
    const diego = user('diego.santos@contoso.com');
    const helen = user('helen.brooks@contoso.com');
    const before = h.writes().length;
    const replies = await h.say(isaac, 'offboard jane.doe@contoso.com; aisha.rahman@contoso.com\ndiego.santos@contoso.com\nvictor.hale@contoso.com\nJane\nnobody.here@contoso.com\nisaac.ito@contoso.com', personal(isaac));
    const { card, activityId, batchId } = await batchCard(replies);
    const json = JSON.stringify(card);
    const inputs = inputsOf(card);
    for (const p of [jane, aisha, diego]) {
      assert.ok(inputs.has(`mailboxInheritorId.${p.id}`), p.name);
    }
    assert.equal(inputs.get(`mailboxInheritorId.${jane.id}`)!.value, marcus.id, 'preset to the manager');
    // The entries left out, each with its reason; none blocks the rest.
    assert.match(json, /victor\.hale@contoso\.com”: protected/);
    assert.match(json, /“Jane”: several people match/);
    assert.match(json, /nobody\.here@contoso\.com”: nobody matches/);
    assert.match(json, /isaac\.ito@contoso\.com”: that is you/);
    assert.equal(h.writes().length, before, 'nothing written for the card');

    const requests = await submit(isaac, activityId, batchId);
    assert.equal(requests.length, 3);
    // A second click: answered with where it stands; the card keeps the first click's outcome, nothing is opened again.
    const updatesBefore = h.connector.sent.filter((a) => a.kind === 'update' && a.activityId === activityId).length;
    const again = await h.click(isaac, VERBS.submit, { batchId }, activityId, personal(isaac));
    assert.match(JSON.stringify(again.value), /was already submitted by Isaac Ito/);
    assert.equal(h.connector.sent.filter((a) => a.kind === 'update' && a.activityId === activityId).length, updatesBefore, 'the submitted card is left alone');
    assert.equal((await h.bot.service.batches.requests((await h.bot.service.batches.get(batchId))!)).length, 3);
    const requestOf = (p: Person) => requests.find((r) => r.leaver.id === p.id)!;
    const marcusCard = await approvalCardFor(batchId, marcus);
    const helenCard = await approvalCardFor(batchId, helen);
    const toggles = (a: SentActivity) => [...inputsOf(cardOf(a.activity)).keys()].filter((k) => k.startsWith('include.')).sort();
    assert.deepEqual(toggles(marcusCard), [`include.${requestOf(jane).id}`, `include.${requestOf(aisha).id}`].sort());
    assert.deepEqual(toggles(helenCard), [`include.${requestOf(diego).id}`]);
    assert.doesNotMatch(textOf(marcusCard), /Diego/);
    assert.doesNotMatch(textOf(helenCard), /Jane Doe|Aisha/);
    assert.equal(h.writes().length, before, 'nothing written before an approval');
    const approvalIdOf = (a: SentActivity) => String(actionsOf(a.activity).find((x) => x.verb === VERBS.approve)!.data!.approvalId);

    // Forged: Marcus names Diego's request on his own card (his own toggled off), then clicks with Helen's approval id.
    await h.click(marcus, VERBS.approve, { batchId, approvalId: approvalIdOf(marcusCard), [`include.${requestOf(jane).id}`]: 'false', [`include.${requestOf(aisha).id}`]: 'false', [`include.${requestOf(diego).id}`]: 'true' }, marcusCard.activityId, marcusCard.conversationId);
    const forged = await h.click(marcus, VERBS.approve, { batchId, approvalId: approvalIdOf(helenCard) }, marcusCard.activityId, marcusCard.conversationId);
    assert.equal(typeof forged.value, 'string', 'refused with a text reply');
    for (const p of [jane, aisha, diego]) {
      assert.equal((await h.bot.service.get(requestOf(p).id))!.status, 'requested', `${p.name} not decided by a forged click`);
    }

    // Marcus approves his two: the answer is his card re-rendered with what he decided.
    const approved = await h.click(marcus, VERBS.approve, { batchId, approvalId: approvalIdOf(marcusCard), comment: 'ok' }, marcusCard.activityId, marcusCard.conversationId);
    assert.match(JSON.stringify(approved.value), /Approved by Marcus Reed/);
    assert.equal(inputsOf(approved.value).size, 0, 'nothing left to decide on his card');
    await waitUntil(() => writesFor(jane, 'jane.doe@contoso.com').length > 0 && writesFor(aisha, 'aisha.rahman@contoso.com').length > 0, 20_000);
    assert.equal((await h.bot.service.get(requestOf(diego).id))!.status, 'requested', 'Helen has not decided');
    assert.deepEqual(writesFor(diego, 'diego.santos@contoso.com'), [], 'no write for the other approver’s leaver');

    // Helen rejects: Diego is not touched.
    const rejected = await h.click(helen, VERBS.reject, { batchId, approvalId: approvalIdOf(helenCard) }, helenCard.activityId, helenCard.conversationId);
    assert.match(JSON.stringify(rejected.value), /Rejected by Helen Brooks/);
    assert.equal((await h.bot.service.get(requestOf(diego).id))!.status, 'rejected');
    await h.bot.service.idle();
    assert.deepEqual(writesFor(diego, 'diego.santos@contoso.com'), []);
    assert.equal(h.bot.tenant!.state().users.find((u) => u.id === diego.id)!.accountEnabled, true);
  });

  it('a leaver whose manager is in the same batch: the row is marked, no inheritor preset, the approvers group approves', async () => {
    const { isaac, tom, marcus, amara } = h.people;
    const replies = await h.say(isaac, 'offboard tom.alvarez@contoso.com\nkevin.obrien@contoso.com\nmarcus.reed@contoso.com', personal(isaac));
    const { card, activityId, batchId } = await batchCard(replies);
    const tomInput = inputsOf(card).get(`mailboxInheritorId.${tom.id}`)!;
    assert.ok(!tomInput.value, 'nobody preset');
    assert.ok(!(tomInput.choices as Array<{ value: string }>).some((c) => c.value === marcus.id), 'the leaving manager is not offered');
    // Anyone may be chosen: Teams' people picker under the row's own input id, its value the chosen user's Entra id.
    assert.deepEqual(tomInput['choices.data'], { type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    assert.match(JSON.stringify(card), /Manager leaving too: the approvers group approves/);
    const kevin = user('kevin.obrien@contoso.com');
    const chosen = user('chloe.martin@contoso.com'); // found with the picker: not among the row's offered choices
    assert.ok(!(tomInput.choices as Array<{ value: string }>).some((c) => c.value === chosen.id));
    const requests = await submit(isaac, activityId, batchId, { [`mailboxInheritorId.${tom.id}`]: chosen.id, [`mailboxInheritorId.${kevin.id}`]: isaac.id });
    const tomRequest = requests.find((r) => r.leaver.id === tom.id)!;
    assert.ok(tomRequest.approvers.every((a) => a.role === 'approvers-group'), JSON.stringify(tomRequest.approvers));
    assert.ok(tomRequest.approvers.some((a) => a.id === amara.id));
    assert.ok(!tomRequest.approvers.some((a) => a.id === marcus.id));
    assert.equal(tomRequest.inheritor.id, chosen.id, 'the inheritor chosen with the picker');
  });

  it("a submit clicked anywhere but where the batch was prepared (another operator's 1:1 chat, a channel): as if the batch did not exist, nothing shown or stored", async () => {
    const { isaac } = h.people;
    const rachel = { id: '153004f8-e27f-5a2a-b12d-008c7ddb1b3f', name: 'Rachel Kim' }; // an operator (seed: Offboarding Operators)
    assert.equal(await h.bot.service.isOperator(rachel.id), true);
    const replies = await h.say(isaac, 'offboard samuel.park@contoso.com\nelena.fischer@contoso.com', personal(isaac));
    const { activityId, batchId } = await batchCard(replies);
    const sent = h.connector.sent.length;
    for (const conversation of [personal(rachel), CHANNEL_THREAD]) {
      const answer = await h.click(rachel, VERBS.submit, { batchId }, activityId, conversation);
      assert.equal(answer.value, `There is no batch ${batchId}.`, conversation);
    }
    await new Promise((r) => setTimeout(r, 500));
    const shown = h.connector.sent.slice(sent).map((a) => JSON.stringify(a.activity));
    assert.ok(!shown.some((a) => /Samuel Park|Elena Fischer|Preparing plans/.test(a)), shown.join('\n').slice(0, 500));
    assert.equal((await h.bot.service.batches.get(batchId))!.status, 'draft');
    assert.deepEqual((await h.bot.service.list()).filter((r) => r.batchId === batchId), []);
  });

  it('a CSV file in the 1:1 chat: the rows with their own inheritor and date; a malformed file names its line; an oversized one is refused; elsewhere it is refused', async () => {
    const { isaac, tom } = h.people;
    const writes = h.writes().length;
    served.set('/leavers.csv', 'leaver,inheritor,effective date\r\njane.smith@contoso.com,tom.alvarez@contoso.com,2027-01-15\r\nchloe.martin@contoso.com,,\r\n');
    const replies = await h.send(isaac, '', [fileAttachment('leavers.csv', `${filesUrl}/leavers.csv`)], personal(isaac));
    const { card } = await batchCard(replies);
    const janeSmith = user('jane.smith@contoso.com');
    assert.equal(inputsOf(card).get(`mailboxInheritorId.${janeSmith.id}`)!.value, tom.id, "the file's inheritor");
    assert.ok(inputsOf(card).has(`mailboxInheritorId.${user('chloe.martin@contoso.com').id}`));
    assert.match(JSON.stringify(card), /Effective: Fri 15 Jan 2027, 09:00 Europe\/London \(UTC\+00:00\) \(from the file\)/);

    // Sent with text (here the command itself): still the file, never a lookup of the text.
    const withText = await h.send(isaac, 'offboard', [fileAttachment('leavers.csv', `${filesUrl}/leavers.csv`)], personal(isaac));
    assert.ok(inputsOf((await batchCard(withText)).card).has(`mailboxInheritorId.${janeSmith.id}`), 'the file was read');

    served.set('/bad.csv', 'leaver,inheritor,effective date\njane.smith@contoso.com,,2027-13-45\n');
    const bad = await h.send(isaac, '', [fileAttachment('bad.csv', `${filesUrl}/bad.csv`)], personal(isaac));
    assert.match(textOf(bad[0]), /Line 2/);
    assert.match(textOf(bad[0]), /nothing was looked up or changed/);

    served.set('/big.csv', Buffer.alloc(1024 * 1024 + 10, 'a'));
    const big = await h.send(isaac, '', [fileAttachment('big.csv', `${filesUrl}/big.csv`)], personal(isaac));
    assert.match(textOf(big[0]), /larger than 1024 KB/);

    const channel = await h.send(isaac, '', [fileAttachment('leavers.csv', `${filesUrl}/leavers.csv`)], '19:it-ops@thread.tacv2;messageid=1700000000000');
    assert.match(textOf(channel[0]), /only in a 1:1 chat/);
    assert.equal(h.writes().length, writes, 'nothing written');
  });

  it('a long list passes the 256-character argument rule; an over-long entry or more than 500 entries is refused, nothing looked up', async () => {
    const { isaac } = h.people;
    const calls = h.bot.tenant!.requestLog().length;
    const longEntry = await h.say(isaac, `offboard jane.doe@contoso.com\n${'J'.repeat(300)}`, personal(isaac));
    assert.match(textOf(longEntry[0]), /Entry 2 \(line 2, .*\) is longer than 256 characters.*Nothing was looked up or changed/);
    const tooMany = await h.say(isaac, `offboard ${Array.from({ length: 501 }, (_, i) => `u${i}@contoso.com`).join(';')}`, personal(isaac));
    assert.match(textOf(tooMany[0]), /more than 500 entries \(it has 501\).*Nothing was looked up or changed/);
    assert.equal(h.bot.tenant!.requestLog().length, calls, 'no request to the tenant');
  });

  it('500 leavers typed in one message: one card under the Teams message limit, the rest counted', async () => {
    const generated = generateLeavers(500, 1, 'bulk');
    const big = await new BotHarness().start({}, { simulatedSeedFile: generated.seedFile });
    try {
      const isaac = big.people.isaac;
      const list = Array.from({ length: 500 }, (_, i) => `bulk${i}@contoso.com`).join('\n');
      const t0 = Date.now();
      const replies = await big.say(isaac, `offboard ${list}`, `a:1to1-${isaac.id}`);
      // Answered at once (Teams redelivers a message answered after ~15 s); the card follows.
      assert.match(String(replies[0]!.activity.text), /^Looking up 500 entries… \(read-only/);
      assert.ok(Date.now() - t0 < 2000, `answered in ${Date.now() - t0} ms`);
      const { card } = await batchCardAfter(big, replies);
      const size = Buffer.byteLength(JSON.stringify(big.connector.sent.find((a) => actionsOf(a.activity).length > 0 && cardOf(a.activity) === card)!.activity));
      assert.ok(size < TEAMS_MESSAGE_LIMIT, `${size} bytes`);
      const shown = [...inputsOf(card).keys()].filter((k) => k.startsWith('mailboxInheritorId.')).length;
      const more = /… and (\d+) more/.exec(JSON.stringify(card));
      assert.equal(shown + Number(more?.[1] ?? 0), 500);
    } finally {
      await big.stop();
      fs.rmSync(path.dirname(generated.seedFile), { recursive: true, force: true });
    }
  });
});

/** The batch card sent (after the turn) in answer to the message whose answer is `replies`, and its id. */
async function batchCardAfter(h: BotHarness, replies: SentActivity[]): Promise<{ card: Record<string, unknown>; activityId: string; batchId: string }> {
  // Sent proactively (a reply to the continuation, not to the message): the first batch card after the answer.
  const answer = replies[0];
  assert.ok(answer && /^Looking up \d+ entr/.test(String(answer.activity.text)), `no "Looking up" answer: ${replies.map((r) => textOf(r).slice(0, 300)).join('\n')}`);
  const after = h.connector.sent.indexOf(answer);
  const sent = await h.connector.waitFor((a) => h.connector.sent.indexOf(a) > after && a.kind !== 'update' && a.conversationId === answer.conversationId && actionsOf(a.activity).some((x) => x.verb === VERBS.submit && x.data?.batchId), 30_000);
  const action = actionsOf(sent.activity).find((a) => a.verb === VERBS.submit);
  assert.ok(action, `no batch card: ${textOf(sent).slice(0, 300)}`);
  return { card: cardOf(sent.activity), activityId: sent.activityId, batchId: String(action.data!.batchId) };
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
