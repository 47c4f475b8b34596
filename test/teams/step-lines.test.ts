// Step lines on the progress card and in the summary: a wipe Microsoft 365 accepted says "requested" (never done)
// until it is confirmed; every step names its calls and the last request id; run follow-ups reach the summary; and
// the cards stay under Teams' size limit with all of it.
import assert from 'node:assert/strict';
import type { RunView } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import type { StepState } from '../../src/offboarding/run';
import { renderProgressCard, renderSummaryCard } from '../../src/teams/cards';
import { progressCardData, stepLines, summaryCardData } from '../../src/teams/view';
import { snapshot } from '../offboarding/fixtures';
import { sampleRequest } from './sample-request';

const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
const RID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const counts = (over: Partial<StepState['counts']> = {}) => ({ total: 1, done: 1, failed: 0, skipped: 0, requested: 0, ...over });

function line(state: StepState) {
  return stepLines(plan, [state]).find((l) => l.title === plan.steps.find((s) => s.kind === state.kind)!.title)!;
}

describe('step lines', () => {
  it('a step whose wipes were accepted but not carried out says requested, with its own icon, never done', () => {
    const l = line({ kind: 'intune-devices', status: 'done', counts: counts({ total: 2, done: 0, requested: 2 }), reason: '1 wipe requested; …; 1 retire requested; …', attempts: 1, calls: { count: 2, lastRequestId: RID } });
    assert.equal(l.icon, '📨');
    assert.match(l.note, /^2 of 2 requested, not confirmed done yet; 1 wipe requested/);
    assert.doesNotMatch(l.note, /\bdone\b(?! yet)/);
  });

  it('a done step names its calls and the last request id; a failed one the failed request too', () => {
    const done = line({ kind: 'leave-groups', status: 'done', counts: counts({ total: 98, done: 98 }), attempts: 1, calls: { count: 5, lastRequestId: RID } });
    assert.match(done.note, new RegExp(`98 of 98 done · 5 calls, last request id ${RID}$`));
    const failed = line({
      kind: 'reset-password',
      status: 'failed',
      counts: counts({ done: 0, failed: 1 }),
      reason: '403 Authorization_RequestDenied: Insufficient privileges',
      error: { service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'x', requestId: 'failed-id' },
      attempts: 1,
      calls: { count: 1, lastRequestId: 'failed-id' },
    });
    assert.match(failed.note, /^failed: 403 Authorization_RequestDenied: Insufficient privileges · 1 call, last request id failed-id$/);
    const olderFailure = line({ kind: 'reset-password', status: 'failed', counts: counts({ done: 0, failed: 1 }), reason: 'x', error: { service: 'graph', status: 500, code: 'y', message: 'x', requestId: 'first' }, attempts: 2, calls: { count: 3, lastRequestId: 'last' } });
    assert.match(olderFailure.note, /3 calls, last request id last; failed request id first$/);
    // A failure with no call counted (a step written before calls were counted) still shows its request id.
    assert.match(line({ kind: 'reset-password', status: 'failed', counts: counts({ failed: 1 }), reason: 'x', error: { service: 'graph', status: 500, code: 'y', message: 'x', requestId: 'only' }, attempts: 1 }).note, /\(request id only\)/);
  });

  it('the progress status says how many device actions wait for confirmation, and run follow-ups reach the summary', () => {
    const at = '2026-12-03T10:00:00.000Z';
    const r = sampleRequest({ id: 'OFB-REQ001', status: 'completed', decision: { by: { id: 'm', displayName: 'Marcus Reed' }, at, outcome: 'approved' }, startedAt: at, endedAt: at, teams: {} }, plan);
    const view: RunView = {
      run: { id: r.id, requestId: r.id, plan, people: { leaver: r.leaver, inheritor: r.inheritor }, status: 'completed', startedAt: at, attempt: 1 },
      steps: plan.steps.map((s) =>
        s.kind === 'intune-devices'
          ? { kind: s.kind, status: 'done', counts: counts({ total: 2, done: 0, requested: 2 }), attempts: 1, followUps: ["Jane's iPad: no longer in Intune: check"] }
          : { kind: s.kind, status: 'done', counts: counts(), attempts: 1 },
      ),
    };
    assert.match(progressCardData(r, view).status, /2 device actions are requested but not confirmed done yet \(`status OFB-REQ001` checks again\)/);
    assert.ok(summaryCardData(r, view).followUps.includes("Jane's iPad: no longer in Intune: check"));
  });

  it('with calls and request ids on every step, the progress card and the summary stay under 80 KB', () => {
    const r = sampleRequest({ status: 'completed', teams: {} }, plan);
    const view: RunView = {
      run: { id: r.id, requestId: r.id, plan, people: { leaver: r.leaver, inheritor: r.inheritor }, status: 'completed', startedAt: r.createdAt, attempt: 1 },
      steps: plan.steps.map((s) => ({ kind: s.kind, status: 'failed', counts: counts({ total: 500, failed: 500 }), reason: 'x'.repeat(400), attempts: 3, calls: { count: 1234, lastRequestId: RID }, error: { service: 'graph', status: 500, code: 'c', message: 'm', requestId: RID.replace('0', '1') }, followUps: Array.from({ length: 30 }, (_, i) => `device ${i}: check Intune`) })),
    };
    for (const card of [renderProgressCard(progressCardData(r, view)), renderSummaryCard(summaryCardData(r, view))]) {
      const bytes = Buffer.byteLength(JSON.stringify(card.content));
      assert.ok(bytes < 80 * 1024, `${bytes} bytes`);
      assert.ok(JSON.stringify(card.content).includes(`last request id ${RID}`));
    }
  });
});
