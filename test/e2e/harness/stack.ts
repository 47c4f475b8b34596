// The whole local stack for end-to-end tests: the bot (simulated tenant mode, as `npm run dev`), the Agents
// Playground pointed at it, and a headless Chromium page on the Playground. One per suite; later suites reuse it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { startBot, type RunningBot } from '../../../src/startup';
import { createLogger } from '../../../src/logger';
import { startPlayground, type Playground } from '../../../scripts/lib/playground';
import { ARTIFACTS_DIR, launchBrowser, PlaygroundPage } from './browser';

export interface Stack {
  bot: RunningBot;
  playground: Playground;
  browser: Browser;
  page: PlaygroundPage;
  stop(): Promise<void>;
}

export async function startStack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-e2e-'));
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // The bot's log is an artifact of the run, next to the screenshots.
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: path.join(ARTIFACTS_DIR, 'bot.log'), sync: true }) });
  const bot = await startBot({ env: { PORT: '0', DATA_DIR: dataDir, ...env }, logger });
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  try {
    playground = await startPlayground({ botEndpoint: `${bot.url}/api/messages`, port: 0, logFile: path.join(ARTIFACTS_DIR, 'playground.log') });
    browser = await launchBrowser();
    const page = await PlaygroundPage.open(browser, playground.url);
    const started = { bot, playground, browser, page };
    return {
      ...started,
      async stop() {
        await browser?.close();
        await playground?.close();
        await bot.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    await playground?.close();
    await bot.close();
    throw err;
  }
}
