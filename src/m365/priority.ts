// Requests made on a run's critical path jump the queues of the gateways' limiter and of the governor
// (governor.ts), so hundreds of independent removals can't delay the steps everything else waits for. Containment
// (block sign-in → reset password → revoke sessions) goes before the rest of the critical path: the minutes between
// blocking sign-in and revoking sessions are the ones that matter.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Highest first. */
export type PriorityLevel = 'containment' | 'critical' | 'normal';
export const PRIORITY_LEVELS: readonly PriorityLevel[] = ['containment', 'critical', 'normal'];

const level = new AsyncLocalStorage<PriorityLevel>();

/** Runs `fn` with its Microsoft 365 and Teams requests at this priority (default: critical path). */
export function withPriority<T>(fn: () => Promise<T>, priority: PriorityLevel = 'critical'): Promise<T> {
  return level.run(priority, fn);
}

export function currentPriority(): PriorityLevel {
  return level.getStore() ?? 'normal';
}

/** Containment or critical path. */
export function isUrgent(): boolean {
  return currentPriority() !== 'normal';
}
