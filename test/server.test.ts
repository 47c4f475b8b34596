import assert from 'node:assert/strict';
import { createLogger } from '../src/logger';
import { createServer, listen } from '../src/server';
import { createAdapter } from '../src/teams/adapter';
import { createTeamsApp } from '../src/teams/app';
import type { BotIdentity } from '../src/config';
import { FakeBotConnector } from './fakes/bot-connector';

async function startServer(bot?: BotIdentity): Promise<{ url: string; close: () => void }> {
  const logger = createLogger({ level: 'silent' });
  const adapter = createAdapter(bot);
  const app = createTeamsApp({ adapter, botAppId: bot?.appId, logger });
  const server = createServer({ adapter, app, logger });
  const { url } = await listen(server, 0, '127.0.0.1');
  return {
    url,
    close: () => {
      server.close();
    },
  };
}

function messageActivity(serviceUrl: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: 'm1',
    text,
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:user', aadObjectId: '00000000-0000-0000-0000-000000000001', name: 'Alex' },
    recipient: { id: '28:bot', name: 'Offboarding' },
    conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: '11111111-2222-3333-4444-555555555555' },
    channelData: { tenant: { id: '11111111-2222-3333-4444-555555555555' } },
  };
}

describe('HTTP server', () => {
  const connector = new FakeBotConnector();
  before(() => connector.start());
  after(() => connector.stop());

  it('answers GET /healthz', async () => {
    const bot = await startServer();
    try {
      const res = await fetch(`${bot.url}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
    } finally {
      bot.close();
    }
  });

  it('in local mode takes an unsigned activity and replies through the Bot Connector', async () => {
    const bot = await startServer();
    try {
      const res = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(messageActivity(connector.url, 'help')),
      });
      assert.equal(res.status, 200);
      const reply = await connector.waitFor((a) => a.conversationId === 'a:personal-1' && Array.isArray(a.activity.attachments));
      assert.equal(reply.kind, 'reply');
      assert.equal(reply.replyToId, 'm1');
    } finally {
      bot.close();
    }
  });

  it('with BOT_ID set rejects an unsigned activity with 401 and runs nothing', async () => {
    const before = connector.sent.length;
    const bot = await startServer({ appId: 'bbbbbbbb-0000-0000-0000-000000000001', password: 'not-a-real-secret', type: 'MultiTenant' });
    try {
      for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }] as Record<string, string>[]) {
        const res = await fetch(`${bot.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(messageActivity(connector.url, 'help')),
        });
        assert.equal(res.status, 401);
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(connector.sent.length, before);
    } finally {
      bot.close();
    }
  });
});

