// A RequestNotifier for service-level tests: records decided/started/ended/reapproval as lines in `events`, sends
// nothing (every approver counts as having a card: approval delivery is housekeeping.test.ts's). `overrides`
// replaces any part.
import type { RequestNotifier } from '../../src/offboarding/service';

export function recordingNotifier(events: string[], overrides: Partial<RequestNotifier> = {}): RequestNotifier {
  return {
    progress: () => undefined,
    decided: (r) => (events.push(`decided ${r.id} ${r.status}`), Promise.resolve()),
    started: (r) => (events.push(`started ${r.id}`), Promise.resolve()),
    ended: (r) => (events.push(`ended ${r.id} ${r.status}`), Promise.resolve()),
    approversWithoutCard: () => [],
    deliverApprovals: () => Promise.resolve({}),
    tellRequester: () => Promise.resolve(undefined),
    reapprovalNeeded: (r) => (events.push(`reapproval ${r.id}`), Promise.resolve()),
    passReady: (r) => (events.push(`pass-ready ${r.id}`), Promise.resolve()),
    ...overrides,
  };
}
