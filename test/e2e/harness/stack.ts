// The whole local stack for end-to-end tests, as `npm run dev` runs it: the bot (simulated tenant mode), the Agents
// Playground signed in as the operator pointed at it, and a headless Chromium page on it; with `manager`, a second
// Playground signed in as Jane Doe's manager (scripts/lib/playground.ts writePlaygroundConfigAs) and a page on it.
// One per suite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { startBot, type RunningBot } from '../../../src/startup';
import { createLogger } from '../../../src/logger';
import { startPlayground, writePlaygroundConfigAs, type Playground } from '../../../scripts/lib/playground';
import { ARTIFACTS_DIR, launchBrowser, PlaygroundPage } from './browser';

export interface Stack {
  bot: RunningBot;
  playground: Playground;
  browser: Browser;
  page: PlaygroundPage;
  /** With `manager`: the second Playground, signed in as Jane Doe's manager, and its page (not opened yet). */
  manager?: { playground: Playground; open(): Promise<PlaygroundPage> };
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Also start the manager's Playground (its page is opened by `manager.open()`, like a person opening a tab). */
  manager?: boolean;
}

export async function startStack(env: NodeJS.ProcessEnv = {}, options: StackOptions = {}): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-e2e-'));
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // The bot's log is an artifact of the run, next to the screenshots.
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: path.join(ARTIFACTS_DIR, 'bot.log'), sync: true }) });
  const bot = await startBot({ env: { PORT: '0', DATA_DIR: dataDir, ...env }, logger });
  const playgrounds: Playground[] = [];
  const tempDirs = [dataDir];
  let browser: Browser | undefined;
  try {
    const botEndpoint = `${bot.url}/api/messages`;
    const playground = await startPlayground({ botEndpoint, port: 0, logFile: path.join(ARTIFACTS_DIR, 'playground.log') });
    playgrounds.push(playground);
    let manager: Stack['manager'];
    if (options.manager) {
      const configPath = writePlaygroundConfigAs(bot.tenant!.personas.janeManager!);
      tempDirs.push(path.dirname(configPath));
      const managerPlayground = await startPlayground({ botEndpoint, port: 0, configPath, logFile: path.join(ARTIFACTS_DIR, 'playground-manager.log') });
      playgrounds.push(managerPlayground);
      manager = { playground: managerPlayground, open: () => PlaygroundPage.open(browser!, managerPlayground.url) };
    }
    browser = await launchBrowser();
    const page = await PlaygroundPage.open(browser, playground.url);
    return {
      bot,
      playground,
      browser,
      page,
      ...(manager ? { manager } : {}),
      async stop() {
        await browser?.close();
        await Promise.all(playgrounds.map((p) => p.close()));
        await bot.close();
        for (const dir of tempDirs) {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await browser?.close();
    await Promise.all(playgrounds.map((p) => p.close()));
    await bot.close();
    for (const dir of tempDirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    throw err;
  }
}
