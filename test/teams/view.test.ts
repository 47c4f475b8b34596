// The card data builders on the edges a big tenant reaches: hundreds of groups left in place must be summarised
// (Teams refuses messages over ~100 KB), and the request card must not preselect an heir the preflight refuses.
import assert from 'node:assert/strict';
import type { RunView } from '../../src/offboarding/executor';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { renderPlanCard, renderSummaryCard } from '../../src/teams/cards';
import { planCardData, requestCardData, SOMEONE_ELSE, summaryCardData } from '../../src/teams/view';
import { group, leaver, snapshot } from '../offboarding/fixtures';
import { sampleRequest } from './sample-request';

const MAX_BYTES = 80 * 1024;

/** A leaver in 400 synced and dynamic groups (the bot leaves both in place), with a long group name each. */
function heavyRequest(): OffboardingRequest {
  const groups = Array.from({ length: 400 }, (_, i) =>
    group(`g${i}`, { displayName: `Regional sales and marketing distribution team number ${i} (EMEA, on-premises)`, ...(i % 2 ? { synced: true } : { dynamic: true }) }),
  );
  const plan = planOffboarding(snapshot({ groups: [...(leaver().groups ?? []), ...groups] }), DEFAULT_OPTIONS);
  const at = '2026-11-27T10:00:00.000Z';
  return sampleRequest(
    { id: 'OFB-HEAVY1', status: 'completed', approvers: [{ id: 'marcus', displayName: 'Marcus Reed', role: 'manager' }], decision: { by: { id: 'marcus', displayName: 'Marcus Reed' }, at, outcome: 'approved' }, startedAt: at, endedAt: at, teams: {} },
    plan,
  );
}

function finished(r: OffboardingRequest): RunView {
  return {
    run: { id: r.id, requestId: r.id, plan: r.plan, people: { leaver: r.leaver, inheritor: r.inheritor }, status: 'completed', startedAt: r.createdAt, attempt: 1 },
    steps: r.plan.steps.map((s) => ({ kind: s.kind, status: 'done', counts: { total: 1, done: 1, failed: 0, skipped: 0 }, attempts: 1 })),
  };
}

describe('card data for a heavy leaver', () => {
  it('the summary names the first groups left in place, counts the rest, and stays under 80 KB', () => {
    const r = heavyRequest();
    const untouched = r.plan.steps.find((s) => s.kind === 'groups-left-in-place')!.untouched!;
    assert.ok(untouched.length >= 400, `${untouched.length} groups left in place`);
    const data = summaryCardData(r, finished(r));
    assert.equal(data.leftInPlace.length, 41);
    assert.equal(data.leftInPlace[0]!.title, untouched[0]!.label);
    assert.deepEqual(data.leftInPlace.at(-1), { title: `…and ${untouched.length - 40} more`, value: 'every group is in the audit log of OFB-HEAVY1 (npm run audit:export)' });
    const bytes = JSON.stringify(renderSummaryCard(data)).length;
    assert.ok(bytes < MAX_BYTES, `summary card is ${bytes} bytes`);
  });

  it('the plan preview caps its warnings the same way', () => {
    const r = heavyRequest();
    const many = Array.from({ length: 30 }, (_, i) => ({ code: 'read-failed', message: `Warning ${i}` }));
    const data = planCardData({ ...r, warnings: many as OffboardingRequest['warnings'] });
    assert.equal(data.warnings.length, 21);
    assert.equal(data.warnings.at(-1), '⚠️ …and 10 more warnings in the audit log of OFB-HEAVY1');
    assert.ok(JSON.stringify(renderPlanCard(data)).length < MAX_BYTES);
  });
});

describe('request card data: who is offered as the mailbox inheritor', () => {
  const jane = { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true };
  const isaac = { id: 'isaac', displayName: 'Isaac Ito' };
  const marcus = { id: 'marcus', displayName: 'Marcus Reed', userPrincipalName: 'marcus.reed@contoso.com', accountEnabled: true };

  it('an active manager is offered and preselected, the requester offered too, then "Someone else…"', () => {
    const data = requestCardData(jane, marcus, isaac, '2026-11-27', 'Europe/London');
    assert.equal(data.inheritorDefault, 'marcus');
    assert.deepEqual(data.inheritorChoices.map((c) => c.value), ['marcus', 'isaac', SOMEONE_ELSE]);
    assert.equal(data.inheritorChoices.at(-1)!.title, 'Someone else… (search below)');
  });

  it('a disabled manager, or a leaver listed as their own manager, is neither offered nor preselected', () => {
    for (const manager of [{ ...marcus, accountEnabled: false }, jane]) {
      const data = requestCardData(jane, manager, isaac, '2026-11-27', 'Europe/London');
      assert.equal(data.inheritorDefault, undefined);
      assert.deepEqual(data.inheritorChoices.map((c) => c.value), ['isaac', SOMEONE_ELSE]);
    }
  });
});
