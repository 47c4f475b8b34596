// No request left in limbo, at the bot level: the bot over HTTP with the loopback Bot Connector (which can refuse
// chosen calls, as a Teams outage would) and the simulated tenant, its clock moved forward by the test. A submit that
// died before claiming its leaver is withdrawn after a minute (and the leaver is free); approval cards that never
// went out are sent by housekeeping, once, even with a second instance ticking at the same time; when no approver
// can be reached the requester is told at once, once. None of it writes to Microsoft 365.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { AccessPolicy } from '../../src/offboarding/access';
import { Audit } from '../../src/offboarding/audit';
import { Directory } from '../../src/offboarding/directory';
import { UNCLAIMED } from '../../src/offboarding/housekeeping';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { OPEN_BY_LEAVER, OffboardingService } from '../../src/offboarding/service';
import { createAdapter } from '../../src/teams/adapter';
import { TeamsNotifier } from '../../src/teams/notifier';
import { Proactive } from '../../src/teams/proactive';
import { asChannelData, type TeamsRefs } from '../../src/teams/refs';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { actionsOf, BotHarness, CHANNEL_THREAD, textOf, type Person } from './harness';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('no request left in limbo (bot level)', function () {
  this.timeout(60_000);
  let h: BotHarness;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const later = (ms: number) => {
    offset += ms;
  };

  /** One housekeeping tick and the work it started. (The bot's own 5 s tick may run too: both must be harmless.) */
  async function tick(service = h.bot.service): Promise<void> {
    await service.tick();
    await service.idle();
  }

  /** Ticks until `done` holds (the bot's own tick may be mid-way, making ours a no-op). */
  async function tickUntil(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 50; i++) {
      await tick();
      if (await done()) {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`not within 5 s: ${what}`);
  }

  const status = async (id: string) => (await h.bot.service.get(id))?.status;
  const isApprovalCard = (a: SentActivity, requestId: string) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve);
  const approvalCards = (requestId: string) => h.connector.sent.filter((a) => isApprovalCard(a, requestId));
  const toRequester = (requestId: string) => h.connector.sent.filter((a) => a.kind !== 'update' && textOf(a).includes(requestId) && typeof a.activity.text === 'string' && a.activity.text.includes('Isaac Ito'));
  /** The conversation a 1:1 card went to was opened with this person. */
  const openedWith = (a: SentActivity, who: Person) => h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity.members).includes(who.id));

  /**
   * Teams refusing a person's 1:1 chat (404: not the 403 that makes the bot install the app) and posts in the thread
   * (403: the bot is no longer in it). Statuses the Bot Connector client doesn't retry by itself, as it does 5xx.
   */
  const chatRefused = (c: { kind: string; members: string[] }) => c.kind === 'create' && !c.members.includes(h.people.isaac.id);
  const CHAT_REFUSED = 404;
  const THREAD_REFUSED = 403;

  /**
   * `offboard <name>` and a submit of the request card, Teams failing as `fail` says from the submit on. Resolves with
   * the request id once the card says Submitted.
   */
  async function submitByCard(leaver: Person, fail?: BotHarness['connector']['fail']): Promise<string> {
    const replies = await h.say(h.people.isaac, `offboard ${leaver.name}`);
    const cardId = replies[0]!.activityId;
    h.connector.fail = fail;
    await h.click(h.people.isaac, VERBS.submit, { leaverId: leaver.id, mailboxInheritorId: h.people.tom.id }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    return /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
  }

  /** A second bot instance on the same store (as several App Service instances will be), with its own notifier. */
  function secondInstance(): OffboardingService {
    const b = h.bot;
    const audit = new Audit(b.store);
    const { graph } = createM365(b.m365);
    const service = new OffboardingService({ store: b.store, engine: b.engine, access: new AccessPolicy(graph, b.groups), directory: new Directory(graph), audit, approvalTtlHours: 72, now });
    service.setNotifier(new TeamsNotifier(new Proactive(createAdapter(undefined), ''), service, { teamsAppId: b.teamsAppId }));
    return service;
  }

  before(async () => {
    h = await new BotHarness().start({}, { now });
  });
  after(async () => {
    await h?.stop();
  });
  afterEach(() => {
    h.connector.fail = undefined;
    assert.deepEqual(h.writes(), [], 'nothing written to Microsoft 365');
  });

  it('a request stored without its claim (the submit died) is withdrawn after a minute, not before; status shows it; the leaver is free', async () => {
    // The process "dies" right after storing the request: the claim is never written.
    const store = h.bot.store;
    const put = store.put.bind(store);
    let died!: () => void;
    const dead = new Promise<void>((resolve) => (died = resolve));
    store.put = <T>(collection: string, id: string, value: T, etag: string | null): Promise<string> => (collection === OPEN_BY_LEAVER ? (died(), new Promise<string>(() => undefined)) : put(collection, id, value, etag));
    const replies = await h.say(h.people.isaac, 'offboard Jane Doe');
    await h.click(h.people.isaac, VERBS.submit, { leaverId: h.people.jane.id, mailboxInheritorId: h.people.tom.id }, replies[0]!.activityId);
    await dead;
    store.put = put;
    const [marker] = await store.list<{ requestId: string }>(UNCLAIMED);
    const id = marker!.value.requestId;
    assert.equal(await status(id), 'requested');

    later(30 * SECOND);
    await tick();
    assert.equal(await status(id), 'requested', 'not before a minute');

    later(31 * SECOND);
    await tickUntil(async () => (await status(id)) === 'withdrawn', 'withdrawn');
    const told = await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && new RegExp(`${id} \\(offboarding Jane Doe\\) was withdrawn`).test(textOf(a)));
    assert.match(String(told.activity.text), /^<at>Isaac Ito<\/at>, /);
    assert.deepEqual(approvalCards(id), [], 'nobody was ever asked');
    const audit = (await store.readAudit({ requestId: id })).map((e) => e.data?.event);
    assert.deepEqual(audit, ['withdrawn', 'requester-told']);

    assert.match(textOf((await h.say(h.people.isaac, `status ${id}`))[0]), /Withdrawn/);
    // It never held the leaver: a new offboarding for Jane starts normally.
    const again = (await h.say(h.people.isaac, 'offboard Jane Doe'))[0]!;
    assert.deepEqual(actionsOf(again.activity).map((a) => a.verb), [VERBS.submit]);
    later(10 * MINUTE);
    await tick();
    assert.equal(toRequester(id).length, 1, 'told once');
  });

  it('approval cards never sent (stored, then the bot died) go out on a later tick, exactly once, even with two instances ticking', async () => {
    const tenantId = h.bot.tenant!.tenantId;
    const bot = { id: '28:offboarding-bot', name: 'Offboarding' };
    const refs: TeamsRefs = {
      thread: { channelId: 'msteams', serviceUrl: h.connector.url, conversation: { id: CHANNEL_THREAD, conversationType: 'channel', tenantId, isGroup: true, name: '' }, bot, user: { id: `29:${h.people.isaac.id}`, name: 'Isaac Ito' } },
      serviceUrl: h.connector.url,
      tenantId,
      bot,
    };
    const result = await h.bot.service.submit({ requester: { id: h.people.isaac.id, displayName: 'Isaac Ito' }, leaverId: h.people.samuel.id, inheritorId: h.people.tom.id, options: DEFAULT_OPTIONS, teams: asChannelData(refs), where: { kind: 'personal' } });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const { id, approvers } = result.request;
    const approver = { id: approvers[0]!.id, name: approvers[0]!.displayName };
    assert.equal(approvers.length, 1);

    later(30 * SECOND);
    await tick();
    assert.deepEqual(approvalCards(id), [], 'within the lease the submit may still be delivering');

    later(100 * SECOND);
    const second = secondInstance();
    await Promise.all([h.bot.service.tick(), second.tick(), second.tick()]);
    await Promise.all([h.bot.service.idle(), second.idle()]);
    const card = await h.connector.waitFor((a) => isApprovalCard(a, id), 10_000);
    assert.ok(openedWith(card, approver), 'in a 1:1 chat with the approver');
    await new Promise((r) => setTimeout(r, 300));
    later(10 * MINUTE);
    await Promise.all([tick(), tick(second)]);
    assert.equal(approvalCards(id).length, 1, 'exactly one card');
    assert.equal((await h.bot.store.readAudit({ requestId: id })).filter((e) => e.data?.event === 'approval-redelivery').length, 1);
    assert.deepEqual(toRequester(id), [], 'someone was reached: the requester is not bothered');

    // Closed, so later clock jumps leave it alone.
    await h.bot.service.cancel(id, { id: h.people.isaac.id, displayName: 'Isaac Ito' });
    await h.bot.service.idle();
  });

  it('no approver reachable (1:1 and thread fail): the requester is told at once in the thread, once; then told when the card gets through', async () => {
    // Teams refuses every chat but the requester's, and every approval card posted in the thread.
    const id = await submitByCard(h.people.jane, (c) =>
      chatRefused(c) ? CHAT_REFUSED : c.kind === 'post' && c.conversationId === CHANNEL_THREAD && actionsOf(c.activity).some((x) => x.verb === VERBS.approve) ? THREAD_REFUSED : undefined,
    );
    const told = await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && /I couldn't get the approval card/.test(textOf(a)) && textOf(a).includes(id), 15_000);
    assert.match(String(told.activity.text), /^<at>Isaac Ito<\/at>, I couldn't get the approval card for OFB-\w+ \(offboarding Jane Doe\) to Marcus Reed/);
    assert.match(String(told.activity.text), /I keep trying/);
    assert.match(String(told.activity.text), new RegExp(`\`cancel ${id}\``));
    assert.equal((told.activity.entities as Array<{ mentioned?: { id: string } }>).find((e) => e.mentioned)?.mentioned?.id, h.people.isaac.id);
    assert.equal((await h.bot.service.get(id))?.status, 'requested');

    // Housekeeping goes on trying, with a backoff, without telling again.
    const refusedBefore = h.connector.refused.length;
    for (let i = 0; i < 6; i++) {
      later(5 * SECOND);
      await tick();
    }
    assert.equal(h.connector.refused.length, refusedBefore, 'a dead Teams is not hammered: nothing within the first minute');
    later(40 * SECOND);
    await tickUntil(() => h.connector.refused.length > refusedBefore, 'a second delivery round');
    await tick();
    assert.equal(toRequester(id).length, 1, 'told once per outage');

    // Teams is back: the next round delivers the card to Marcus, and the requester hears it got through.
    h.connector.fail = undefined;
    later(2 * MINUTE + 5 * SECOND);
    await tickUntil(() => approvalCards(id).length > 0, 'the card delivered');
    const card = approvalCards(id)[0]!;
    assert.ok(openedWith(card, h.people.marcus));
    await h.connector.waitFor((a) => a.conversationId === CHANNEL_THREAD && /reached Marcus Reed after all/.test(textOf(a)) && textOf(a).includes(id));
    later(30 * MINUTE);
    await tick();
    assert.equal(approvalCards(id).length, 1);
    assert.equal(toRequester(id).length, 2, 'the outage, then its end: nothing more');
    await h.bot.service.cancel(id, { id: h.people.isaac.id, displayName: 'Isaac Ito' });
    await h.bot.service.idle();
  });

  it('the thread down too: the requester is told in a 1:1 chat', async () => {
    const id = await submitByCard(h.people.janeSmith, (c) => (chatRefused(c) ? CHAT_REFUSED : c.kind === 'post' && c.conversationId === CHANNEL_THREAD ? THREAD_REFUSED : undefined));
    const told = await h.connector.waitFor((a) => a.conversationId !== CHANNEL_THREAD && /I couldn't get the approval card/.test(textOf(a)) && textOf(a).includes(id), 15_000);
    assert.ok(openedWith(told, h.people.isaac), 'a 1:1 chat with the requester');
    assert.match(String(told.activity.text), new RegExp(`^Isaac Ito, I couldn't get the approval card for ${id}.*\`cancel ${id}\``));
    for (let i = 0; i < 50 && !(await h.bot.service.get(id))?.delivery?.nobodyReached?.via; i++) {
      await new Promise((r) => setTimeout(r, 50)); // recorded just after the message went
    }
    assert.equal((await h.bot.service.get(id))?.delivery?.nobodyReached?.via, '1:1');
    h.connector.fail = undefined;
    await h.bot.service.cancel(id, { id: h.people.isaac.id, displayName: 'Isaac Ito' });
    await h.bot.service.idle();
  });
});
