// A reinstatement for Teams-layer tests: Jane Doe's offboarding OFB-TEST01 (completed), its preview, and the
// reinstatement request RST-TEST01 that undoes it. Hand-built: the domain's planner is written elsewhere.
import type { Plan, PlannedStep, ReinstateStepKind } from '../../src/offboarding/plan';
import type { ReinstatePreview } from '../../src/offboarding/reinstate/use-case';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { sampleRequest } from './sample-request';

const step = (kind: ReinstateStepKind, title: string, targets: string[] = [], skip?: string): PlannedStep => ({
  kind,
  phase: 'reinstate',
  title,
  dependsOn: [],
  targets: targets.map((label, i) => ({ id: `${kind}-${i}`, label })),
  rounds: 1,
  ...(skip ? { skip } : {}),
});

export const GROUPS = Array.from({ length: 9 }, (_, i) => `Group ${i + 1}`);

export function reinstatePlan(over: Partial<Plan> = {}): Plan {
  return {
    leaverId: 'jane',
    inheritorId: 'tom',
    options: sampleRequest().options,
    steps: [
      step('enable-sign-in', 'Unblock sign-in', ['Jane Doe']),
      step('temporary-access-pass', 'Create a Temporary Access Pass', ['Jane Doe']),
      step('restore-direct-licences', 'Assign 1 licence again', ['Microsoft 365 E3']),
      step('rejoin-groups', `Rejoin ${GROUPS.length} groups`, GROUPS),
      step('restore-account', 'Restore the deleted account', [], 'the account was never deleted'),
      step('mailbox-to-regular', 'Make the mailbox a regular one again', [], 'already a regular mailbox'),
    ],
    warnings: [{ code: 'licence-seats', message: 'No free seats of Microsoft 365 E3: assign one by hand.' }],
    followUps: [{ message: 'Re-enable the user in on-premises AD.' }],
    refusals: [],
    notRestorable: [
      { what: '3 MFA methods', why: 'deleted methods cannot be brought back: Jane registers them again' },
      { what: 'Litigation hold', why: 'left on: a hold is removed only by legal, by hand' },
    ],
    ...over,
  };
}

export function completedOffboarding(over: Partial<OffboardingRequest> = {}): OffboardingRequest {
  return sampleRequest({
    id: 'OFB-TEST01',
    status: 'completed',
    manager: { id: 'marcus', displayName: 'Marcus Reed', userPrincipalName: 'marcus.reed@contoso.com', accountEnabled: true },
    endedAt: '2026-11-28T10:00:00.000Z',
    ...over,
  });
}

export function reinstatePreview(over: Partial<ReinstatePreview> = {}): ReinstatePreview {
  return {
    offboarding: completedOffboarding(),
    plan: reinstatePlan(),
    handedOverGroups: 2,
    approvers: [{ id: 'marcus', displayName: 'Marcus Reed', role: 'manager' }],
    ...over,
  };
}

export function reinstatementRequest(over: Partial<OffboardingRequest> = {}): OffboardingRequest {
  return sampleRequest({
    id: 'RST-TEST01',
    kind: 'reinstatement',
    reinstates: { requestId: 'OFB-TEST01', removeHandovers: false },
    reason: 'INC-4711: offboarded by mistake',
    approvers: [{ id: 'marcus', displayName: 'Marcus Reed', role: 'manager' }],
    ...over,
  }, reinstatePlan());
}
