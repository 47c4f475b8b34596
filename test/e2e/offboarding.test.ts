// The whole offboarding as the README's local demo goes, in two of Microsoft's Agents Playgrounds driven by headless
// Chromium, as `npm run dev` runs them: Marcus Reed (Jane Doe's manager) opens his Playground, which introduces him to
// the bot; the operator, Isaac Ito, posts `offboard Jane Doe` in the Offboarding channel of his and submits the card;
// the approval card arrives in Marcus's Personal Chat and he clicks Approve there; the progress card fills in under
// the operator's post and the summary lands in the channel. No HTTP is sent by hand: every step is a click or typing
// in a page. Screenshots for the README are written to artifacts/e2e/ (`npm run docs:images` copies them).
import assert from 'node:assert/strict';
import type { PersonalChat } from '../../src/teams/personal-chats';
import type { TeamsRefs } from '../../src/teams/refs';
import { startStack, type Stack } from './harness/stack';

const CHANNEL = '19:offboarding-channel@thread.tacv2';

describe('e2e: a whole offboarding in the Agents Playground, the manager approving in his own', function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ SUMMARY_CHANNEL_ID: CHANNEL }, { manager: true });
    // Exchange takes a while to report the mailbox shared: long enough to see the progress card mid-run.
    stack.bot.tenant!.setFaults({ mailboxConversionDelayMs: 5000 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('operator asks, the manager approves in his Playground, progress fills in, summary lands', async () => {
    const { page, bot } = stack;
    const tenant = bot.tenant!;
    const marcusId = tenant.personas.janeManager!;

    // Marcus opens his Playground: its first activity (the app's installation in his Personal Chat) tells the bot
    // where his 1:1 chat is.
    const marcus = await stack.manager!.open();
    for (let i = 0; i < 100 && !(await bot.store.get<PersonalChat>('teams-personal-chats', `${tenant.tenantId}/${marcusId}`)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const chat = await bot.store.get<PersonalChat>('teams-personal-chats', `${tenant.tenantId}/${marcusId}`);
    assert.equal(chat?.value.reference.serviceUrl, `${stack.manager!.playground.url.replace('127.0.0.1', 'localhost')}/_connector`, "Marcus's 1:1 chat is his Playground's");

    await page.openConversation('Offboarding');
    await page.postMentioning('Offboarding', 'offboard Jane Doe');
    const form = await page.waitForCard('Submit for approval');
    // The preselected inheritor is visible: Jane's manager.
    assert.equal(await form.getByRole('combobox', { name: /Who inherits the mailbox/ }).inputValue(), 'Marcus Reed, manager (marcus.reed@contoso.com)');
    await page.screenshot('1-request-card', form);
    await form.getByRole('button', { name: 'Submit for approval' }).click();
    await page.waitForCard(/Submitted: OFB-/, 30_000);
    await page.waitForCard(/Offboarding plan for Jane Doe/, 30_000);
    await page.screenshot('request-submitted-and-plan');

    // The approval card reaches Marcus in his own Playground, not the operator's thread.
    const approval = await marcus.waitForCard(/Approve/, 30_000);
    const request = (await bot.service.list())[0]!;
    assert.equal(request.status, 'requested');
    assert.match(await approval.innerText(), new RegExp(`Jane Doe[\\s\\S]*${request.id}|${request.id}[\\s\\S]*Jane Doe`));
    assert.deepEqual((request.teams as unknown as TeamsRefs).approvals?.map((a) => [a.approverId, a.where]), [[marcusId, '1:1']]);
    assert.deepEqual(tenant.requestLog().filter((e) => e.method !== 'GET' && !e.path.endsWith('/$batch') && !e.path.endsWith('/checkMemberGroups') && !(e.cmdlet ?? '').startsWith('Get-')), [], 'written before approval');
    await marcus.screenshot('2-approval-as-manager', approval, 'end');

    // Marcus writes a comment and clicks Approve, as himself.
    await approval.getByRole('textbox').first().fill('Approved, thanks Isaac.');
    await approval.getByRole('button', { name: 'Approve', exact: true }).click();
    await marcus.waitForCard(/Approved by Marcus Reed/, 30_000);
    await marcus.screenshot('approved-as-manager');

    // The operator's Playground: the decision, the progress card mid-run, then its final state and the summary.
    await page.waitForText(/Approved by Marcus Reed/, 30_000);
    // Mid-run: containment done (its steps ticked), the run waiting for Exchange to report the mailbox shared.
    const running = await page.waitForCard(/Running: \d+ of \d+ steps finished.*✅\s*Revoke sign-in sessions/, 30_000);
    await page.screenshot('3-progress-mid-run', running);
    // Wipes are accepted, not finished: the final progress card says so rather than "done".
    const final = await page.waitForCard(/Completed: every step done, requested or skipped.*device actions are requested but not confirmed done yet/, 90_000);
    await page.screenshot('progress-final', final);
    const summary = await page.waitForCard(new RegExp(`Offboarding Jane Doe \\(${request.id}\\): Completed`), 30_000);
    await page.screenshot('4-summary-in-channel', summary);
    const done = await bot.service.get(request.id);
    assert.equal(done?.status, 'completed');
    assert.equal(done?.decision?.by.id, marcusId, 'decided by Marcus, from his click');
    assert.equal(done?.decision?.comment, 'Approved, thanks Isaac.');
  });
});
