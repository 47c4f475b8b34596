// Teams as the bot sees it, over HTTP: activities POSTed to the bot's /api/messages (no BOT_ID: unsigned, loopback),
// and everything the bot sends caught by the loopback Bot Connector. Shared by the bot-level tests (test/teams/) and
// the crash sweep (test/crash/), whose bot runs in another process.
import { randomUUID } from 'node:crypto';
import type { FakeBotConnector, SentActivity } from './bot-connector';

export const SUMMARY_CHANNEL = '19:offboarding-summary@thread.tacv2';
export const CHANNEL_THREAD = '19:it-ops@thread.tacv2;messageid=1700000000000';
/**
 * The teams the test channels belong to, with their Microsoft 365 group in the simulated tenant (channelData.team):
 * 'it-ops' is in "Engineering Team", which has none of the personas (Jane is not a member); 'sales' is in "Sales EMEA",
 * whose members include Jane Doe and Tom Alvarez; 'no-team-id' sends the team without its aadGroupId.
 */
export const TEAMS = {
  '19:it-ops@thread.tacv2': { id: '19:it-ops-team@thread.tacv2', aadGroupId: '8d966028-d3be-5b9a-94a5-f3789bdc6cc9' },
  '19:sales@thread.tacv2': { id: '19:sales-team@thread.tacv2', aadGroupId: '146ae1c8-5f1d-5ab2-add4-74edbd057db5' },
  '19:no-team-id@thread.tacv2': { id: '19:unknown-team@thread.tacv2' },
} as Record<string, { id: string; aadGroupId?: string }>;
/** A thread in a channel of the Sales EMEA team (Jane is a member). */
export const SALES_THREAD = '19:sales@thread.tacv2;messageid=1700000000001';
/** A group chat (conversationType 'groupChat'), and a meeting chat (a group chat with channelData.meeting). */
export const GROUP_CHAT = '19:it-helpdesk-chat@thread.v2';
export const MEETING_CHAT = '19:meeting_offboarding-sync@thread.v2';

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
    const type = conversationId.startsWith('a:') ? 'personal' : conversationId.includes('@thread.v2') ? 'groupChat' : 'channel';
    const channelId = conversationId.split(';')[0]!;
    const team = TEAMS[channelId] ?? TEAMS['19:it-ops@thread.tacv2']!;
    return {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      from: { id: `29:${from.id}`, aadObjectId: from.id, name: from.name },
      recipient: { id: '28:offboarding-bot', name: 'Offboarding' },
      conversation: { id: conversationId, conversationType: type, tenantId: this.tenantId, isGroup: type !== 'personal' },
      channelData: {
        tenant: { id: this.tenantId },
        ...(type === 'channel' ? { channel: { id: channelId }, team } : {}),
        ...(conversationId.startsWith('19:meeting_') ? { meeting: { id: 'MCMeeting-offboarding-sync' } } : {}),
      },
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
  async say(from: Person, text: string, conversationId = CHANNEL_THREAD, attachments?: unknown[]): Promise<SentActivity[]> {
    const id = randomUUID();
    const before = this.connector.sent.length;
    const mention = { type: 'mention', text: '<at>Offboarding</at>', mentioned: { id: '28:offboarding-bot', name: 'Offboarding' } };
    const res = await this.post({ ...this.base(from, conversationId), type: 'message', id, text: `<at>Offboarding</at> ${text}`, entities: [mention, { type: 'clientInfo', timezone: 'Europe/London' }], ...(attachments ? { attachments } : {}) });
    if (res.status !== 200) {
      throw new Error(`the bot answered HTTP ${res.status} to "${text}"`);
    }
    // teams-ai v1 starts its typing indicator on every message turn whatever `startTypingTimer` says, so a slow turn
    // may send "typing" first: not a reply.
    return this.connector.sent.slice(before).filter((s) => s.replyToId === id && s.activity.type !== 'typing');
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
