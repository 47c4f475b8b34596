// The bot as Teams drives it: activities POSTed to /api/messages, replies and proactive messages caught by a
// loopback Bot Connector, against the embedded simulated tenant. Users are the tenant's personas.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { createLogger, type Logger } from '../../src/logger';
import { startBot, type RunningBot } from '../../src/startup';
import { FakeBotConnector, type SentActivity } from '../fakes/bot-connector';
import { CHANNEL_THREAD, SUMMARY_CHANNEL, TeamsClient, textOf, type Person } from '../fakes/teams-client';
import { isM365Write } from '../fakes/simulated-tenant';

export { CHANNEL_THREAD, SUMMARY_CHANNEL, textOf, type Person };

export class BotHarness {
  readonly connector = new FakeBotConnector();
  bot!: RunningBot;
  private dataDir = '';
  people!: Record<'isaac' | 'jane' | 'marcus' | 'tom' | 'janeSmith' | 'victor' | 'priya' | 'elena' | 'amara' | 'ben' | 'samuel', Person>;

  /** The bot's DATA_DIR (a temporary directory, removed by stop()). */
  get dataDirectory(): string {
    return this.dataDir;
  }

  /** options.logger replaces the default (BOT_TEST_LOG level, stdout); m365Credential: tokens sent to the tenant. */
  async start(env: NodeJS.ProcessEnv = {}, options: { now?: () => Date; logger?: Logger; m365Credential?: TokenCredential; simulatedSeedFile?: string } = {}): Promise<this> {
    await this.connector.start();
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-bot-'));
    this.bot = await startBot({ env: { PORT: '0', DATA_DIR: this.dataDir, SUMMARY_CHANNEL_ID: SUMMARY_CHANNEL, ...env }, ...options, logger: options.logger ?? createLogger({ level: process.env.BOT_TEST_LOG ?? 'silent' }) });
    const p = this.bot.tenant!.personas;
    const person = (key: string, name: string): Person => ({ id: p[key]!, name });
    this.people = {
      isaac: person('operator', 'Isaac Ito'),
      jane: person('jane', 'Jane Doe'),
      marcus: person('janeManager', 'Marcus Reed'),
      tom: person('inheritorCandidate', 'Tom Alvarez'),
      janeSmith: person('secondJane', 'Jane Smith'),
      victor: person('protectedUser', 'Victor Hale'),
      priya: person('adminUser', 'Priya Natarajan'),
      elena: person('noManagerUser', 'Elena Fischer'),
      amara: person('approver1', 'Amara Okafor'),
      ben: person('approver2', 'Ben Carter'),
      samuel: person('syncedUser', 'Samuel Park'),
    };
    return this;
  }

  async stop(): Promise<void> {
    await this.bot?.close();
    await this.connector.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The Teams side over HTTP (created once the bot listens: its URL is known then). */
  private get teams(): TeamsClient {
    this.client ??= new TeamsClient(this.connector, this.bot.tenant!.tenantId, () => this.bot.url);
    return this.client;
  }
  private client?: TeamsClient;

  /** A message as Teams sends it in a channel thread: the bot @mentioned. Resolves with the bot's replies. */
  say(from: Person, text: string, conversationId = CHANNEL_THREAD): Promise<SentActivity[]> {
    return this.teams.say(from, text, conversationId);
  }

  /** A message with attachments (e.g. a file sent in the 1:1 chat: Teams' file download info). Resolves with the replies. */
  send(from: Person, text: string, attachments: unknown[], conversationId: string): Promise<SentActivity[]> {
    return this.teams.say(from, text, conversationId, attachments);
  }

  /** An Action.Execute click. Resolves with the invoke response ({ statusCode, type, value }). */
  click(from: Person, verb: string, data: Record<string, unknown>, replyToId: string, conversationId = CHANNEL_THREAD): Promise<{ statusCode: number; type: string; value: unknown }> {
    return this.teams.click(from, verb, data, replyToId, conversationId);
  }

  /** Every Microsoft 365 write the bot made so far (DOMAIN.md's definition), from the tenant's request log. */
  writes(): Array<{ method: string; path: string; cmdlet?: string }> {
    return this.bot
      .tenant!.requestLog()
      .filter(isM365Write)
      .map((e) => ({ method: e.method, path: e.path, ...(e.cmdlet ? { cmdlet: e.cmdlet } : {}) }));
  }
}

export function cardOf(activity: Record<string, unknown> | undefined): Record<string, unknown> {
  const attachments = activity?.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined;
  const card = attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!card) {
    throw new Error(`no Adaptive Card in ${JSON.stringify(activity).slice(0, 300)}`);
  }
  return card.content;
}

/** All input elements of a card by id (searching nested containers). */
export function inputsOf(card: unknown): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') {
        found.set(o.id, o);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** All Action.Execute actions of a card. */
export function actionsOf(card: unknown): Array<{ verb: string; title?: string; data?: Record<string, unknown> }> {
  const found: Array<{ verb: string; title?: string; data?: Record<string, unknown> }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute') {
        found.push(o as { verb: string; title?: string; data?: Record<string, unknown> });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

