// The whole offboarding in Microsoft's Agents Playground, driven by headless Chromium: an operator types
// `offboard Jane Doe` in a channel, submits the card, the manager approves, the progress card reaches its final state
// and the summary appears in the channel. The Playground signs in one user only (the operator), so the manager's
// click is sent at the HTTP level, exactly as Teams would send it, to the Playground's own connector.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TeamsRefs } from '../../src/teams/refs';
import { VERBS } from '../../src/teams/verbs';
import { startStack, type Stack } from './harness/stack';

const CHANNEL = '19:offboarding-channel@thread.tacv2';

describe('e2e: a whole offboarding in the Agents Playground', function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack({ SUMMARY_CHANNEL_ID: CHANNEL });
  });
  after(async () => {
    await stack?.stop();
  });

  it('operator asks, manager approves, progress ends, summary lands', async () => {
    const { page, bot } = stack;
    await page.openConversation('Offboarding');
    await page.postMentioning('Offboarding', 'offboard Jane Doe');
    const form = await page.waitForCard('Submit for approval');
    await page.screenshot('1-request-card');
    await form.getByRole('button', { name: 'Submit for approval' }).click();

    await page.waitForCard(/Submitted: OFB-/, 30_000);
    await page.waitForCard(/Offboarding plan for Jane Doe/, 30_000);
    await page.screenshot('2-submitted-and-plan');

    // The approval card goes out right after the plan preview: wait until it is recorded.
    let request = (await bot.service.list())[0];
    for (let i = 0; i < 300 && !(request?.teams as unknown as TeamsRefs | undefined)?.approvals; i++) {
      await new Promise((r) => setTimeout(r, 100));
      request = (await bot.service.list())[0];
    }
    assert.ok(request, 'no request stored');
    assert.equal(request.status, 'requested');
    assert.equal(request.leaver.displayName, 'Jane Doe');
    const refs = request.teams as unknown as TeamsRefs;
    const approval = refs.approvals?.[0];
    assert.ok(approval, 'no approval card was sent');
    assert.equal(approval.approverId, bot.tenant!.personas.janeManager);
    assert.deepEqual(bot.tenant!.requestLog().filter((e) => e.method !== 'GET' && !e.path.endsWith('/$batch') && !e.path.endsWith('/checkMemberGroups') && !(e.cmdlet ?? '').startsWith('Get-')), [], 'written before approval');

    // Marcus Reed clicks Approve on the card in his 1:1 chat.
    const marcus = bot.tenant!.personas.janeManager!;
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: approval.reference.serviceUrl,
        from: { id: '29:marcus-reed', aadObjectId: marcus, name: 'Marcus Reed' },
        recipient: approval.reference.bot,
        conversation: approval.reference.conversation,
        replyToId: approval.activityId,
        channelData: { tenant: { id: bot.tenant!.tenantId } },
        value: { action: { type: 'Action.Execute', verb: VERBS.approve, data: { requestId: request.id, comment: 'Approved from the E2E test' } }, trigger: 'manual' },
      }),
    });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { value: unknown };
    assert.match(JSON.stringify(answer.value), /Approved by Marcus Reed/);

    await page.waitForText(/Approved by Marcus Reed/, 30_000);
    // Wipes are accepted, not finished: the final progress card says so rather than "done".
    await page.waitForCard(/Completed: every step done, requested or skipped.*device actions are requested but not confirmed done yet/, 90_000);
    await page.screenshot('3-progress-final');
    await page.waitForCard(new RegExp(`Offboarding Jane Doe \\(${request.id}\\): Completed`), 30_000);
    await page.screenshot('4-summary-in-channel');
    assert.equal((await bot.service.get(request.id))?.status, 'completed');
  });
});
