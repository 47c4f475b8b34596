import assert from 'node:assert/strict';
import http from 'node:http';
import { createLogger } from '../src/logger';
import { createServer, listen } from '../src/server';
import { createAdapter } from '../src/teams/adapter';
import { createTeamsApp } from '../src/teams/app';
import type { BotIdentity } from '../src/config';
import { MemoryStore } from '../src/store';
import { PersonalChats } from '../src/teams/personal-chats';
import { FakeBotConnector } from './fakes/bot-connector';

async function startServer(bot?: BotIdentity, maxActivityBytes?: number, personalChats?: PersonalChats): Promise<{ url: string; close: () => void }> {
  const logger = createLogger({ level: 'silent' });
  const adapter = createAdapter(bot);
  const app = createTeamsApp({ adapter, botAppId: bot?.appId, logger, ...(personalChats ? { personalChats } : {}) });
  const server = createServer({ adapter, app, logger, ...(maxActivityBytes ? { maxActivityBytes } : {}) });
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

/**
 * POSTs a body of `total` bytes to /api/messages over a raw HTTP connection, `chunk` bytes at a time, and stops
 * writing as soon as the answer arrives. `chunked`: Transfer-Encoding chunked (no Content-Length); otherwise the
 * whole length is declared up front. Resolves with the status, the answer and how many bytes were written.
 */
function postLarge(url: string, total: number, chunked: boolean, chunk = 64 * 1024): Promise<{ status: number; body: string; written: number }> {
  return new Promise((resolve, reject) => {
    const target = new URL('/api/messages', url);
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) {
      headers['content-length'] = total;
    }
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers });
    let written = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, written });
      });
    });
    // Once answered, the server may close while we write: that is the point, not a failure.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const piece = Buffer.alloc(chunk, 'a');
    piece.write('{"type":"message","text":"');
    const pump = (): void => {
      if (answered || written >= total) {
        return;
      }
      const n = Math.min(chunk, total - written);
      written += n;
      if (req.write(n === chunk ? piece : piece.subarray(0, n))) {
        setImmediate(pump);
      } else {
        req.once('drain', pump);
      }
    };
    pump();
  });
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

  describe("each user's 1:1 chat, kept from their activities (where the bot's own messages to them go)", () => {
    const TENANT = '11111111-2222-3333-4444-555555555555';
    const USER = '00000000-0000-0000-0000-000000000001';
    const installed = (serviceUrl: string) => ({ ...messageActivity(serviceUrl, ''), type: 'installationUpdate', action: 'add', text: undefined });

    it('in local mode, the first activity of a 1:1 chat (the app installed there) stores its reference', async () => {
      const chats = new PersonalChats(new MemoryStore());
      const bot = await startServer(undefined, undefined, chats);
      try {
        const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(installed(connector.url)) });
        assert.equal(res.status, 200);
        const ref = await chats.get(TENANT, USER);
        assert.equal(ref?.serviceUrl, connector.url);
        assert.equal(ref?.conversation?.id, 'a:personal-1');
      } finally {
        bot.close();
      }
    });

    it('with BOT_ID set, an unsigned activity is refused (401) and stores nothing: nobody can point a person\'s chat elsewhere', async () => {
      const chats = new PersonalChats(new MemoryStore());
      const bot = await startServer({ appId: 'bbbbbbbb-0000-0000-0000-000000000001', password: 'not-a-real-secret', type: 'MultiTenant' }, undefined, chats);
      try {
        const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(installed('http://127.0.0.1:9/attacker')) });
        assert.equal(res.status, 401);
        assert.equal(await chats.get(TENANT, USER), undefined);
      } finally {
        bot.close();
      }
    });

    it('serves nothing for the local demo: with BOT_ID set, any path but /api/messages and /healthz is 404', async () => {
      const bot = await startServer({ appId: 'bbbbbbbb-0000-0000-0000-000000000001', password: 'not-a-real-secret', type: 'MultiTenant' });
      try {
        for (const p of ['/demo', '/playground', '/_connector/v3/conversations', '/api/demo']) {
          assert.equal((await fetch(`${bot.url}${p}`)).status, 404, p);
        }
      } finally {
        bot.close();
      }
    });
  });

  describe('bounded, well-formed activities before any work', () => {
    const MIB = 1024 * 1024;

    it('refuses a body over MAX_ACTIVITY_BYTES (default 1 MiB) with 413 from its Content-Length, without reading it', async () => {
      const before = connector.sent.length;
      const bot = await startServer();
      try {
        // 8 MiB declared: answered before the body is sent (a server reading it all would wait for the rest).
        const res = await postLarge(bot.url, 8 * MIB, false);
        assert.equal(res.status, 413);
        assert.match(res.body, /larger than 1048576 bytes/);
        assert.ok(res.written < 8 * MIB, `the whole body was sent (${res.written} bytes) before the answer`);
        assert.equal(connector.sent.length, before);
      } finally {
        bot.close();
      }
    });

    it('counts a chunked body as it streams, and answers 413 once it passes the limit, without reading the rest', async () => {
      const before = connector.sent.length;
      const bot = await startServer();
      try {
        const res = await postLarge(bot.url, 64 * MIB, true);
        assert.equal(res.status, 413);
        assert.ok(res.written < 16 * MIB, `${res.written} bytes were sent before the answer`);
        assert.equal(connector.sent.length, before);
      } finally {
        bot.close();
      }
      // A lower MAX_ACTIVITY_BYTES is obeyed the same way.
      const small = await startServer(undefined, 4096);
      try {
        const res = await postLarge(small.url, MIB, true, 1024);
        assert.equal(res.status, 413);
        assert.match(res.body, /larger than 4096 bytes/);
      } finally {
        small.close();
      }
    });

    it('takes an activity just under the limit', async () => {
      const bot = await startServer(undefined, 64 * 1024);
      try {
        const activity = { ...messageActivity(connector.url, 'help'), channelData: { tenant: { id: '11111111-2222-3333-4444-555555555555' }, padding: 'p'.repeat(60 * 1024) } };
        const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        assert.equal(res.status, 200);
      } finally {
        bot.close();
      }
    });

    it('answers 400, not a 500 from inside botbuilder, to a malformed activity, and runs nothing', async () => {
      const before = connector.sent.length;
      const bot = await startServer();
      const good = messageActivity(connector.url, 'help');
      const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));
      const cases: Array<[string, string, RegExp]> = [
        ['missing type', JSON.stringify(without('type')), /type is missing/],
        ['empty type', JSON.stringify({ ...good, type: '' }), /type is empty/],
        ['non-string type', JSON.stringify({ ...good, type: 7 }), /type must be a string/],
        ['non-string text', JSON.stringify({ ...good, text: { evil: true } }), /text must be a string/],
        ['no recipient', JSON.stringify(without('recipient')), /recipient is missing/],
        ['recipient not an object', JSON.stringify({ ...good, recipient: 'bot' }), /recipient must be an object/],
        ['recipient without id', JSON.stringify({ ...good, recipient: { name: 'Offboarding' } }), /recipient\.id is missing/],
        ['no from', JSON.stringify(without('from')), /from is missing/],
        ['no conversation', JSON.stringify(without('conversation')), /conversation is missing/],
        ['non-string serviceUrl', JSON.stringify({ ...good, serviceUrl: ['x'] }), /serviceUrl must be a string/],
        ['an array', JSON.stringify([good]), /not an activity/],
        ['a string', JSON.stringify('help'), /not an activity/],
        ['a number', '42', /not an activity/],
        ['null', 'null', /not an activity/],
        ['invalid JSON', '{"type":"message",', /not valid JSON/],
        ['an empty body', '', /not valid JSON/],
      ];
      try {
        for (const [what, body, reason] of cases) {
          const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          assert.equal(res.status, 400, what);
          assert.match(((await res.json()) as { error: string }).error, reason, what);
        }
        const gzipped = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'x' });
        assert.equal(gzipped.status, 415);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(connector.sent.length, before);
      } finally {
        bot.close();
      }
    });
  });
});

