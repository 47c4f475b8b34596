// A loopback Bot Connector (the Bot Framework v3 REST routes Teams' connector serves), so bot-level tests can POST
// activities to the bot's /api/messages and see exactly what the bot sends back, over HTTP, as in production.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  /** 'send' | 'reply' | 'update' | 'delete' | 'createConversation' */
  kind: string;
  conversationId: string;
  activityId: string;
  replyToId?: string;
  activity: Record<string, unknown>;
  at: number;
}

type Waiter = { predicate: (a: SentActivity) => boolean; resolve: (a: SentActivity) => void };

export class FakeBotConnector {
  readonly sent: SentActivity[] = [];
  /** Members returned by GET /v3/conversations/{id}/members. */
  members: Array<Record<string, unknown>> = [];
  /** Set to make createConversation calls fail with this status. */
  createConversationStatus: number | undefined;
  /** Set to make every activity update (PUT) fail with this status, as during a Teams service incident. */
  updateStatus: number | undefined;
  /** For 1:1 chats: false → 403, as Teams answers when the app isn't installed for that user. */
  reachable: (memberId: string) => boolean = () => true;
  /**
   * Fails chosen calls with this status (Teams down for one person, or for one conversation); undefined lets the call
   * through. 'create': POST /v3/conversations (members: its members); 'post': a new activity or reply in a conversation.
   */
  fail: ((call: { kind: 'create' | 'post'; conversationId?: string; members: string[]; activity: Record<string, unknown> }) => number | undefined) | undefined;
  /** A Retry-After header (seconds) on the answers of calls refused through `fail`, as Teams sends with a 429. */
  failRetryAfter: string | undefined;
  /** Calls refused through `fail`, in order. */
  readonly refused: Array<{ kind: 'create' | 'post'; conversationId?: string; members: string[]; status: number; activity: Record<string, unknown> }> = [];
  private waiters: Waiter[] = [];
  private server?: http.Server;
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves with the first activity (already sent or still to come) that matches. */
  waitFor(predicate: (a: SentActivity) => boolean, timeoutMs = 5000): Promise<SentActivity> {
    const found = this.sent.find(predicate);
    if (found) {
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { predicate, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching activity within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => s.activity.text ?? s.kind))}`));
      }, timeoutMs).unref();
    });
  }

  private record(entry: SentActivity): void {
    this.sent.push(entry);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(entry)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(entry);
      }
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // No chaining on writeHead: restify replaces http.ServerResponse.prototype.writeHead process-wide (returning
    // undefined), and tests run this fake in the same process as the bot's restify server.
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    // v3/conversations
    if (parts[0] !== 'v3' || parts[1] !== 'conversations') {
      return json(404, { error: { code: 'NotFound', message: url.pathname } });
    }
    const conversationId = parts[2];
    const memberIds = ((body.members as Array<{ id: string }> | undefined) ?? []).map((m) => m.id);
    const call = req.method === 'POST' ? { kind: conversationId === undefined ? ('create' as const) : ('post' as const), ...(conversationId ? { conversationId } : {}), members: memberIds, activity: body } : undefined;
    const failWith = call && this.fail?.(call);
    if (call && failWith !== undefined) {
      this.refused.push({ ...call, status: failWith });
      return json(failWith, { error: { code: 'Refused', message: 'Teams could not take this message.' } }, this.failRetryAfter !== undefined ? { 'retry-after': this.failRetryAfter } : {});
    }
    if (req.method === 'POST' && conversationId === undefined) {
      if (this.createConversationStatus !== undefined) {
        return json(this.createConversationStatus, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
      }
      const members = (body.members as Array<{ id: string }> | undefined) ?? [];
      if (!body.isGroup && members.some((m) => !this.reachable(m.id))) {
        return json(403, { error: { code: 'Forbidden', message: 'BotNotInConversationRoster: the bot is not installed for this user.' } });
      }
      const activityId = body.activity ? randomUUID() : '';
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      // A channel post's conversation is its thread: "<channel id>;messageid=<post id>".
      const id = channel ? `${channel};messageid=${activityId}` : `a:${randomUUID()}`;
      this.record({ kind: 'createConversation', conversationId: id, activityId, activity: body, at: Date.now() });
      return json(201, { id, activityId });
    }
    if (conversationId === undefined) {
      return json(405, {});
    }
    if (req.method === 'GET' && parts[3] === 'members') {
      return json(200, this.members);
    }
    if (parts[3] !== 'activities') {
      return json(404, {});
    }
    const targetId = parts[4];
    if (req.method === 'PUT' && this.updateStatus !== undefined) {
      return json(this.updateStatus, { error: { code: 'ServiceError', message: 'Teams could not update the activity.' } });
    }
    const id = targetId && req.method !== 'POST' ? targetId : randomUUID();
    const kind = req.method === 'PUT' ? 'update' : req.method === 'DELETE' ? 'delete' : targetId ? 'reply' : 'send';
    this.record({ kind, conversationId, activityId: id, replyToId: kind === 'reply' ? targetId : undefined, activity: body, at: Date.now() });
    return json(200, { id });
  }
}
