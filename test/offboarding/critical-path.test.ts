import assert from 'node:assert/strict';
import { criticalPathRounds, criticalSteps } from '../../src/offboarding/critical-path';
import { DEFAULT_OPTIONS, optionsSchema } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import { snapshot } from './fixtures';

describe('critical path', () => {
  it("is Jane's licence chain: contain (3) → hold → convert → await shared → licences (re-read + remove)", () => {
    const plan = planOffboarding(snapshot(), DEFAULT_OPTIONS);
    assert.equal(criticalPathRounds(plan), 8);
    assert.deepEqual(
      [...criticalSteps(plan)].sort(),
      ['await-shared-mailbox', 'block-sign-in', 'convert-to-shared', 'litigation-hold', 'remove-direct-licences', 'reset-password', 'revoke-sessions'].sort(),
    );
  });

  it('skipped steps take no time: without licences or conversion the longest chain is shorter', () => {
    const plan = planOffboarding(snapshot({ accountEnabled: false }), optionsSchema.parse({ removeLicences: false, convertToShared: false, litigationHold: false }));
    // reset → revoke → hand-over → leave groups, or reset → revoke → MFA (2 rounds)
    assert.equal(criticalPathRounds(plan), 4);
    assert.ok(!criticalSteps(plan).has('block-sign-in'));
    assert.ok(criticalSteps(plan).has('reset-password'));
  });
});
