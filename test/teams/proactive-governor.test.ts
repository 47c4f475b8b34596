// The Bot Connector through the governor: sends to one conversation keep to Teams' per-thread limit, and a 429 from
// the connector pauses every conversation's sends for its Retry-After.
import assert from 'node:assert/strict';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { Governor } from '../../src/m365/governor';
import { DEFAULT_BUDGETS } from '../../src/m365/governor-budgets';
import { Proactive } from '../../src/teams/proactive';
import { FakeClock } from '../m365/fake-clock';

function fakeAdapter(clock: FakeClock, sent: Array<{ conversation: string; at: number }>, failures: Error[]): TeamsAdapter {
  return {
    continueConversationAsync: async (_appId: string, reference: { conversation?: { id?: string } }, logic: (context: TurnContext) => Promise<void>) => {
      await logic({
        sendActivity: () => {
          const failure = failures.shift();
          if (failure) {
            return Promise.reject(failure);
          }
          sent.push({ conversation: reference.conversation?.id ?? '', at: clock.now() });
          return Promise.resolve({ id: 'a' });
        },
      } as unknown as TurnContext);
    },
  } as unknown as TeamsAdapter;
}

describe('Bot Connector sends through the governor', () => {
  it('keeps to 7 a second in one conversation', async () => {
    const clock = new FakeClock();
    const sent: Array<{ conversation: string; at: number }> = [];
    const proactive = new Proactive(fakeAdapter(clock, sent, []), '', new Governor({ clock, budgets: { bot: DEFAULT_BUDGETS.bot, 'bot-conversation': DEFAULT_BUDGETS['bot-conversation'] } }));
    const all = Array.from({ length: 20 }, () => proactive.send({ conversation: { id: 'c1' } as never }, { text: 'x' }));
    await clock.advance(999);
    assert.equal(sent.length, 7);
    await clock.advance(60_000);
    await Promise.all(all);
    assert.equal(sent.length, 20);
    const times = sent.map((s) => s.at);
    for (const t of times) {
      assert.ok(times.filter((u) => u >= t && u < t + 2_000).length <= 8, '8 per 2 seconds');
    }
  });

  it('a 429 from the connector pauses every conversation for its Retry-After', async () => {
    const clock = new FakeClock();
    const sent: Array<{ conversation: string; at: number }> = [];
    const throttled = Object.assign(new Error('Too Many Requests'), { statusCode: 429, response: { headers: new Headers({ 'retry-after': '3' }) } });
    const governor = new Governor({ clock });
    const proactive = new Proactive(fakeAdapter(clock, sent, [throttled]), '', governor);
    await assert.rejects(proactive.send({ conversation: { id: 'c1' } as never }, { text: 'x' }), /Too Many Requests/);
    const other = proactive.send({ conversation: { id: 'c2' } as never }, { text: 'y' });
    await clock.advance(2_900);
    assert.equal(sent.length, 0);
    await clock.advance(1_000);
    await other;
    assert.equal(sent[0]!.conversation, 'c2');
    assert.ok(sent[0]!.at >= 3_000);
    assert.equal(governor.snapshot().families.find((f) => f.family === 'bot')!.throttled, 1);
  });
});
