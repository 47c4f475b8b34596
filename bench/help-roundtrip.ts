// "help" → first reply, over HTTP, as Teams drives the bot: POST /api/messages, the reply arrives at a loopback Bot
// Connector. Many conversations at once, each sending its messages one after another.
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBot } from '../src/startup';
import { createLogger } from '../src/logger';
import { FakeBotConnector } from '../test/fakes/bot-connector';
import { summarise } from './stats';

export async function benchHelpRoundTrip(options: { conversations: number; messagesPerConversation: number }): Promise<{ name: string; figures: Record<string, string> }> {
  const connector = new FakeBotConnector();
  await connector.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-bench-'));
  const bot = await startBot({ env: { PORT: '0', DATA_DIR: dataDir }, logger: createLogger({ level: 'silent' }) });
  const tenantId = bot.m365.tenantId;

  const send = async (conversationId: string): Promise<number> => {
    const id = randomUUID();
    const started = performance.now();
    const reply = connector.waitFor((a) => a.replyToId === id, 10000);
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id,
        text: 'help',
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: '29:bench', aadObjectId: randomUUID() },
        recipient: { id: '28:bot' },
        conversation: { id: conversationId, conversationType: 'personal', tenantId },
        channelData: { tenant: { id: tenantId } },
      }),
    });
    if (!res.ok) {
      throw new Error(`bot answered ${res.status}`);
    }
    await reply;
    return performance.now() - started;
  };

  try {
    for (let i = 0; i < 20; i++) {
      await send('a:warmup');
    }
    const samples: number[] = [];
    const wall = performance.now();
    await Promise.all(
      Array.from({ length: options.conversations }, async (_, c) => {
        for (let m = 0; m < options.messagesPerConversation; m++) {
          samples.push(await send(`a:bench-${c}`));
        }
      }),
    );
    const seconds = (performance.now() - wall) / 1000;
    return {
      name: `help → first reply (${options.conversations} concurrent conversations × ${options.messagesPerConversation} messages)`,
      figures: { ...summarise(samples), throughput: `${(samples.length / seconds).toFixed(0)} messages/s` },
    };
  } finally {
    await bot.close();
    await connector.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
