// Teams as the bot sees it, over HTTP: activities POSTed to the bot's /api/messages (no BOT_ID: unsigned, loopback),
// and everything the bot sends caught by the loopback Bot Connector. Shared by the bot-level tests (test/teams/) and
// the crash sweep (test/crash/), whose bot runs in another process.
import { randomUUID } from 'node:crypto';
import type { FakeBotConnector, SentActivity } from './bot-connector';

export const SUMMARY_CHANNEL = '19:offboarding-summary@thread.tacv2';
export const CHANNEL_THREAD = '19:it-ops@thread.tacv2;messageid=1700000000000';

export interface Person {
  id: string;
  name: string;
}

export const textOf = (a: SentActivity | undefined): string => JSON.stringify(a?.activity ?? {});

export class TeamsClient {
  constructor(
    readonly connector: FakeBotConnector,
    readonly tenantId: string,
    /** The bot's URL changes with each process: read on every post. */
    private readonly botUrl: () => string,
  ) {}

  protected base(from: Person, conversationId: string): Record<string, unknown> {
    const type = conversationId.startsWith('a:') ? 'personal' : 'channel';
    return {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      from: { id: `29:${from.id}`, aadObjectId: from.id, name: from.name },
      recipient: { id: '28:offboarding-bot', name: 'Offboarding' },
      conversation: { id: conversationId, conversationType: type, tenantId: this.tenantId, isGroup: type !== 'personal' },
      channelData: { tenant: { id: this.tenantId }, ...(type === 'channel' ? { channel: { id: conversationId.split(';')[0] } } : {}) },
      localTimezone: 'Europe/London',
      entities: [{ type: 'clientInfo', locale: 'en-GB', timezone: 'Europe/London' }],
    };
  }

  protected async post(activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.botUrl()}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** A channel message @mentioning the bot; resolves with the bot's replies to it. */
  async say(from: Person, text: string, conversationId = CHANNEL_THREAD): Promise<SentActivity[]> {
    const id = randomUUID();
    const before = this.connector.sent.length;
    const mention = { type: 'mention', text: '<at>Offboarding</at>', mentioned: { id: '28:offboarding-bot', name: 'Offboarding' } };
    const res = await this.post({ ...this.base(from, conversationId), type: 'message', id, text: `<at>Offboarding</at> ${text}`, entities: [mention, { type: 'clientInfo', timezone: 'Europe/London' }] });
    if (res.status !== 200) {
      throw new Error(`the bot answered HTTP ${res.status} to "${text}"`);
    }
    return this.connector.sent.slice(before).filter((s) => s.replyToId === id);
  }

  /** An Action.Execute click; resolves with the invoke response. */
  async click(from: Person, verb: string, data: Record<string, unknown>, replyToId: string, conversationId = CHANNEL_THREAD): Promise<{ statusCode: number; type: string; value: unknown }> {
    const res = await this.post({ ...this.base(from, conversationId), type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), replyToId, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });
    if (res.status !== 200) {
      throw new Error(`${verb} answered HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body as { statusCode: number; type: string; value: unknown };
  }
}
