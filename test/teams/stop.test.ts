// `cancel` while a run goes (a stop), the progress card's Resume, and `close`, as Teams drives them against the
// simulated tenant: the replies say what happens, the cards say what was done and what was not, and who may not act
// is refused with nothing changed.
import assert from 'node:assert/strict';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, CHANNEL_THREAD, textOf, type Person } from './harness';

describe('stop, resume and close in Teams', function () {
  this.timeout(90_000);
  let h: BotHarness;

  before(async () => {
    h = await new BotHarness().start();
  });
  after(async () => {
    await h?.stop();
  });

  async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
      if (await check()) {
        return;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const reply = async (from: Person, text: string): Promise<string> => textOf((await h.say(from, text))[0]);
  const progressWith = (requestId: string, title: string): Promise<SentActivity> =>
    h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && actionsOf(a.activity).some((x) => x.verb === VERBS.retry && x.title === title && x.data?.requestId === requestId), 20_000);

  it('cancel mid-run stops it; approvers can neither stop, resume nor close it; an operator resumes it from the progress card', async () => {
    const { isaac, elena, tom, amara } = h.people;
    // Elena has no manager: the approvers group (Amara, Ben — not operators) decides.
    const replies = await h.say(isaac, `offboard ${elena.name}`);
    const cardId = replies[0]!.activityId;
    await h.click(isaac, VERBS.submit, { leaverId: elena.id, mailboxInheritorId: tom.id }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    const requestId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
    const approval = await h.connector.waitFor((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve), 15_000);

    h.bot.tenant!.setFaults({ latencyMs: 60 }); // the run is still going when the cancel comes
    await h.click(amara, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
    await until(async () => {
      const r = await h.bot.service.get(requestId);
      return r?.status === 'running' && ((await h.bot.service.runView(r))?.steps.some((s) => s.status === 'running') ?? false);
    }, 'a step to run');

    assert.match(await reply(amara, `cancel ${requestId}`), new RegExp(`Only Isaac Ito \\(who asked for it\\) or an operator can cancel ${requestId}`));
    const stopping = await reply(isaac, `cancel ${requestId}`);
    assert.match(stopping, new RegExp(`Stopping ${requestId} \\(offboarding Elena Fischer\\): no new step starts; the \\d+ steps? in flight finish(es)?, then the run ends as stopped`));
    assert.match(stopping, new RegExp(`close ${requestId}`));
    await until(async () => (await h.bot.service.get(requestId))?.status === 'stopped', 'the run to stop');
    h.bot.tenant!.setFaults({ latencyMs: 0 });

    // The progress card: what was done and what was not, and Resume for operators.
    const card = textOf(await progressWith(requestId, 'Resume'));
    assert.match(card, /Stopped by Isaac Ito/);
    assert.match(card, /not run: stopped by Isaac Ito/);
    assert.match(card, /⏹/);
    await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && textOf(a).includes(`${requestId}, Elena Fischer: Stopped by Isaac Ito`), 10_000);

    // An approver may not resume or close it; a stopped request can't be cancelled again.
    const stored = JSON.stringify(await h.bot.service.get(requestId));
    assert.match(String((await h.click(amara, VERBS.retry, { requestId }, 'progress-card')).value), /operators group can retry failed steps or resume a stopped run/);
    assert.match(await reply(amara, `close ${requestId}`), /Only members of the offboarding operators group can close/);
    assert.match(await reply(isaac, 'close please'), /Usage: \*\*close\*\*/);
    assert.match(await reply(isaac, `cancel ${requestId}`), /already stopped/);
    assert.equal(JSON.stringify(await h.bot.service.get(requestId)), stored);

    // The operator resumes it: it runs to its end.
    const resumed = await h.click(isaac, VERBS.retry, { requestId }, 'progress-card');
    assert.match(JSON.stringify(resumed.value), /Running/);
    await until(async () => (await h.bot.service.get(requestId))?.status === 'completed', 'the resumed run to complete');
    assert.match(await reply(isaac, `close ${requestId}`), /Only a stopped request can be closed/);
    assert.match(await reply(isaac, `cancel ${requestId}`), /has already ended \(completed\)/);
  });

  it('close: an operator closes a stopped request, freeing its leaver; help lists close', async () => {
    const { isaac, jane, tom } = h.people;
    const replies = await h.say(isaac, `offboard ${jane.name}`);
    const cardId = replies[0]!.activityId;
    await h.click(isaac, VERBS.submit, { leaverId: jane.id, mailboxInheritorId: tom.id }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    const requestId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
    const approver = (await h.bot.service.get(requestId))!.approvers[0]!;
    const approval = await h.connector.waitFor((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve), 15_000);
    h.bot.tenant!.setFaults({ latencyMs: 60 });
    await h.click({ id: approver.id, name: approver.displayName }, VERBS.approve, { requestId }, approval.activityId, approval.conversationId);
    await until(async () => (await h.bot.service.get(requestId))?.status === 'running', 'the run to start');
    assert.match(await reply(isaac, `close ${requestId}`), /is running: stop it first/);
    assert.match(await reply(isaac, `cancel ${requestId}`), new RegExp(`Stopping ${requestId}`));
    await until(async () => (await h.bot.service.get(requestId))?.status === 'stopped', 'the run to stop');
    h.bot.tenant!.setFaults({ latencyMs: 0 });
    assert.match(await reply(isaac, `close ${requestId}`), new RegExp(`Closed ${requestId} \\(offboarding Jane Doe\\)`));
    assert.equal((await h.bot.service.get(requestId))?.status, 'closed');
    assert.equal(await h.bot.service.openRequestFor(jane.id), undefined);
    await h.connector.waitFor((a) => textOf(a).includes(`${requestId}, Jane Doe: Closed by Isaac Ito`), 10_000);
    assert.match(JSON.stringify((await h.say(isaac, 'help'))[0]!.activity), /close <request id>/);
  });
});
