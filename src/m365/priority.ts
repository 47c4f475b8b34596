// Requests made on a run's critical path (containment, hold, conversion, licences) jump the queue of the gateways'
// limiter, so hundreds of independent removals can't delay the steps everything else waits for.
import { AsyncLocalStorage } from 'node:async_hooks';

const urgent = new AsyncLocalStorage<boolean>();

export function withPriority<T>(fn: () => Promise<T>): Promise<T> {
  return urgent.run(true, fn);
}

export function isUrgent(): boolean {
  return urgent.getStore() === true;
}
