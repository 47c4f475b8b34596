// Drives the Agents Playground page with playwright-core and Debian's Chromium, as a person would: pick a chat,
// type a message, wait for the bot's card, click a card button, take screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', '..', 'artifacts', 'e2e');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error('Chromium not found: install it with `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH.');
  }
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//;

export class PlaygroundPage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<PlaygroundPage> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The Playground fetches fonts and animations from Microsoft's CDN; this machine has no internet, and tests
    // send traffic only to loopback.
    await page.route('**/*', (route) => (LOOPBACK.test(route.request().url()) ? route.continue() : route.abort()));
    await page.goto(url);
    await page.locator('[data-lexical-editor="true"]').first().waitFor({ timeout: 30000 });
    return new PlaygroundPage(page);
  }

  /** Opens a chat or channel from the left rail by its visible name ("Personal Chat", "Group Chat", "General"). */
  async openConversation(name: string): Promise<void> {
    await this.page.getByText(name, { exact: true }).first().click();
  }

  async send(text: string): Promise<void> {
    const editor = this.page.locator('[data-lexical-editor="true"]').first();
    await editor.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Starts a channel post that @mentions the bot, as Teams requires for a bot to receive a channel message:
   * picks the bot from the composer's mention list, types the text, and clicks Post.
   */
  async postMentioning(botName: string, text: string): Promise<void> {
    const editor = this.page.locator('[data-lexical-editor="true"]').first();
    await editor.click();
    await this.page.keyboard.type(`@${botName.slice(0, 3)}`);
    await this.page.locator('#typeahead-menu').getByRole('menuitem', { name: botName }).first().click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** The last Adaptive Card on the page that contains `text`. */
  card(text: string | RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  }

  async waitForCard(text: string | RegExp, timeoutMs = 15000): Promise<Locator> {
    const card = this.card(text);
    await card.waitFor({ state: 'visible', timeout: timeoutMs });
    return card;
  }

  async waitForText(text: string | RegExp, timeoutMs = 15000): Promise<void> {
    await this.page.getByText(text).last().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /**
   * A screenshot into artifacts/e2e/. The conversation scrolls inside the page, so `focus` (a card) is scrolled into
   * view first: its top (`'start'`) or its bottom (`'end'`, where a card's buttons are).
   */
  async screenshot(name: string, focus?: Locator, block: 'start' | 'end' = 'start'): Promise<string> {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name}.png`);
    if (focus) {
      // Runs in the page (no DOM types here).
      await focus.evaluate((e: unknown, b) => {
        (e as { scrollIntoView(o: { block: string }): void }).scrollIntoView({ block: b });
      }, block);
    }
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
