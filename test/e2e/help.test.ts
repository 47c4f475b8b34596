// The Foundation end-to-end test: Microsoft's Agents Playground, driven by headless Chromium, talks to the bot.
import assert from 'node:assert/strict';
import { startStack, type Stack } from './harness/stack';

describe('e2e: Agents Playground', function () {
  this.timeout(120000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it('answers help with the help card in a personal chat', async () => {
    const { page } = stack;
    await page.openConversation('Personal Chat');
    await page.send('help');
    const card = await page.waitForCard('Show what I can do');
    assert.match(await card.innerText(), /Offboarding bot[\s\S]*help/);
    await page.screenshot('help-personal-chat');
  });

  it('answers an @mention in a channel post, and other text with a hint', async () => {
    const { page } = stack;
    await page.openConversation('Offboarding');
    await page.postMentioning('Offboarding', 'help');
    await page.waitForCard('Show what I can do');
    await page.openConversation('Personal Chat');
    await page.send('hello there');
    await page.waitForText(/I don't know "hello there"\. Type help/);
    await page.screenshot('help-channel-and-hint');
  });
});
