// Every Bot Connector call through the governor, keyed as Teams counts its per-thread limit: a channel is one
// conversation whatever the thread, a 1:1 chat one key before and after the bot stores it. Replies within turns go
// through the adapter's middleware (the real pipeline, over HTTP), and a 429 seen by botbuilder's own retry pauses
// the whole Bot Connector budget.
import assert from 'node:assert/strict';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { Governor, type AcquireOptions } from '../../src/m365/governor';
import { conversationKey } from '../../src/teams/connector-governor';
import { Proactive } from '../../src/teams/proactive';
import { BotHarness } from './harness';

/** A governor that records the conversation key of every acquisition. */
function spyGovernor(): { governor: Governor; keys: Array<string | undefined> } {
  const governor = new Governor();
  const keys: Array<string | undefined> = [];
  const acquire = governor.acquire.bind(governor);
  governor.acquire = (family, options?: AcquireOptions) => {
    keys.push(options?.conversation);
    return acquire(family, options);
  };
  return { governor, keys };
}

function fakeAdapter(chatId: string): TeamsAdapter {
  const context = (conversationId: string): TurnContext =>
    ({
      activity: { type: 'event', channelId: 'msteams', serviceUrl: 'https://smba', conversation: { id: conversationId }, recipient: { id: '28:bot' } },
      sendActivity: () => Promise.resolve({ id: 'm1' }),
      updateActivity: () => Promise.resolve(),
    }) as unknown as TurnContext;
  return {
    continueConversationAsync: async (_appId: string, reference: { conversation?: { id?: string } }, logic: (c: TurnContext) => Promise<void>) => logic(context(reference.conversation?.id ?? '')),
    createConversationAsync: async (_appId: string, _channel: string, _url: string, _audience: string, _parameters: unknown, logic: (c: TurnContext) => Promise<void>) => logic(context(chatId)),
  } as unknown as TeamsAdapter;
}

describe('Bot Connector conversations as Teams counts them', () => {
  it('a channel thread counts as its channel; other ids are kept', () => {
    assert.equal(conversationKey('19:it-ops@thread.tacv2;messageid=1700000000000'), '19:it-ops@thread.tacv2');
    assert.equal(conversationKey('19:it-ops@thread.tacv2'), '19:it-ops@thread.tacv2');
    assert.equal(conversationKey('a:1xyz'), 'a:1xyz');
    assert.equal(conversationKey('19:chat@thread.v2'), '19:chat@thread.v2');
    assert.equal(conversationKey(undefined), undefined);
  });

  it('proactive sends to two threads of one channel draw on one budget', async () => {
    const { governor, keys } = spyGovernor();
    const proactive = new Proactive(fakeAdapter('a:chat'), '', governor);
    await proactive.send({ conversation: { id: '19:c@thread.tacv2;messageid=1' } as never }, { text: 'x' });
    await proactive.update({ conversation: { id: '19:c@thread.tacv2;messageid=2' } as never }, 'm1', { text: 'y' });
    assert.deepEqual(keys, ['19:c@thread.tacv2', '19:c@thread.tacv2']);
  });

  it('a 1:1 chat has one key: the conversation id, when created and in every later send and update', async () => {
    const { governor, keys } = spyGovernor();
    const proactive = new Proactive(fakeAdapter('a:1chat-with-jane'), '', governor);
    const posted = await proactive.sendPersonal('https://smba', 'tenant', 'jane-aad', { id: '28:bot' }, { text: 'card' });
    assert.equal(posted.reference.conversation?.id, 'a:1chat-with-jane');
    await proactive.send(posted.reference, { text: 'again' });
    await proactive.update(posted.reference, posted.activityId, { text: 'updated' });
    // The creation (POST /v3/conversations) is no conversation's traffic: the app's budget only.
    assert.deepEqual(keys, [undefined, 'a:1chat-with-jane', 'a:1chat-with-jane', 'a:1chat-with-jane']);
  });
});

describe('replies within turns through the governor (the real adapter pipeline)', () => {
  const CHANNEL_A = '19:it-ops@thread.tacv2';
  const CHANNEL_B = '19:sales@thread.tacv2';
  let h: BotHarness;
  beforeEach(async () => {
    h = await new BotHarness().start({ GOVERNOR_BOT_CONVERSATION: '1800/3600' }); // the default budget
  });
  afterEach(async () => {
    h.connector.fail = undefined;
    h.connector.failRetryAfter = undefined;
    await h.stop();
  });

  it("a burst of commands in one channel is paced at the channel's rate across its threads; another channel is not held", async () => {
    const threads = [1, 2, 3].map((n) => `${CHANNEL_A};messageid=170000000000${n}`);
    const start = Date.now();
    // 8 commands over 3 threads: one conversation for Teams (7 at once, then 1 a second), not 3 of 2-3 messages each.
    const burst = Array.from({ length: 8 }, (_, i) => h.say(h.people.isaac, 'help', threads[i % 3]));
    await new Promise((r) => setTimeout(r, 300));
    const other = await h.say(h.people.isaac, 'help', `${CHANNEL_B};messageid=1700000000009`);
    const replies = (await Promise.all(burst)).map((r) => r[0]!);
    assert.equal(replies.length, 8);
    assert.equal(other.length, 1);
    const times = replies.map((r) => r.at - start).sort((a, b) => a - b);
    assert.ok(times[7]! >= 800, `the 8th reply waits for the channel's budget (replies at ${times.join(', ')} ms)`);
    assert.ok(other[0]!.at - start < times[7]!, `channel B's reply (at ${other[0]!.at - start} ms) does not wait behind channel A's`);
    assert.ok(other[0]!.at - start < 800, 'channel B answered at once');
    const inA = h.connector.sent.filter((s) => s.conversationId.startsWith(CHANNEL_A)).map((s) => s.at);
    for (const t of inA) {
      assert.ok(inA.filter((u) => u >= t && u < t + 1_000).length <= 8, 'at most 7 (+ the refill) per second in channel A');
    }
  });

  it('a 429 answered to a reply pauses every conversation for its Retry-After, seen once, though botbuilder retries it', async () => {
    let throttledAt = 0;
    h.connector.failRetryAfter = '2';
    h.connector.fail = (call) => {
      if (call.kind === 'post' && call.conversationId?.startsWith(CHANNEL_A) && throttledAt === 0) {
        throttledAt = Date.now();
        return 429;
      }
      return undefined;
    };
    const first = h.say(h.people.isaac, 'help', `${CHANNEL_A};messageid=1700000000001`);
    while (throttledAt === 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const other = await h.say(h.people.isaac, 'help', `${CHANNEL_B};messageid=1700000000002`);
    const [retried] = await first;
    // botbuilder's retry policy sent it again after Retry-After: the reply got through, and the governor saw the 429.
    assert.ok(retried, 'the throttled reply was retried');
    assert.ok(other[0]!.at - throttledAt >= 1_800, `channel B waited out the pause (${other[0]!.at - throttledAt} ms)`);
    const bot = h.bot.governor.snapshot().families.find((f) => f.family === 'bot')!;
    assert.equal(bot.throttled, 1);
    assert.equal(bot.pauses, 1);
  });
});
