// A stored request for Teams-layer tests: Jane Doe leaving, Tom inheriting, planned from a hand-built snapshot.
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { Plan } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import { snapshot } from '../offboarding/fixtures';

export function sampleRequest(over: Partial<OffboardingRequest> = {}, plan: Plan = planOffboarding(snapshot(), DEFAULT_OPTIONS)): OffboardingRequest {
  return {
    id: 'OFB-TEST01',
    status: 'requested',
    leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true },
    inheritor: { id: 'tom', displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', accountEnabled: true },
    requester: { id: 'isaac', displayName: 'Isaac Ito' },
    approvers: [{ id: 'ben', displayName: 'Ben Carter', role: 'approvers-group' }],
    options: DEFAULT_OPTIONS,
    plan,
    warnings: plan.warnings,
    createdAt: '2026-11-27T10:00:00.000Z',
    expiresAt: '2026-11-30T10:00:00.000Z',
    teams: { thread: { conversation: { id: 'thread-1' } }, serviceUrl: 'http://connector/', tenantId: 't', bot: { id: '28:bot' } },
    ...over,
  };
}
