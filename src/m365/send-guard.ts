// A check run right before every HTTP attempt leaves, retries included, for the calls made inside withSendGuard: a
// run's ports under its lease use it, so a request waiting out a Retry-After (or for the governor) is not sent once
// its owner has lost the lease. AsyncLocalStorage, like the audit scope; read before a request queues for a slot, since
// a queued callback may run in another request's context.
import { AsyncLocalStorage } from 'node:async_hooks';

const guard = new AsyncLocalStorage<() => void>();

/** Runs `fn` with `check` called (it throws to refuse) before each HTTP attempt of the calls it makes. */
export function withSendGuard<T>(check: () => void, fn: () => Promise<T>): Promise<T> {
  return guard.run(check, fn);
}

/** The current call's check (undefined outside any guard): read it before waiting for a slot, call it before sending. */
export function currentSendGuard(): (() => void) | undefined {
  return guard.getStore();
}
