// Housekeeping on one instance at a time (several may share the store): every interval, the instance takes the
// housekeeping lease if it lacks it, and ticks only while it holds it. Without leases (tests, tools) it always ticks.
// A tick never overlaps the previous one here; the lease keeps other instances' ticks away.
import type { Logger } from '../logger';
import { HOUSEKEEPING_LEASE, type Lease, type Leases } from '../store/leases';

export interface HousekeepingLoop {
  /** No more ticks: waits for the one under way, then lets the lease go. */
  stop(): Promise<void>;
}

/** `tick` gets whether the lease is still held: a tick checks it between its phases (a holder paused mid-tick stops). */
export function startHousekeeping(options: { leases?: Leases; intervalMs: number; tick: (held: () => boolean) => Promise<void>; logger?: Logger }): HousekeepingLoop {
  const { leases, intervalMs, tick, logger } = options;
  let lease: Lease | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const once = async (): Promise<void> => {
    if (leases && !lease?.held()) {
      lease = await leases.acquire(HOUSEKEEPING_LEASE);
      if (lease) {
        logger?.info('housekeeping lease taken: this instance does the housekeeping');
      }
    }
    const holding = lease;
    if (!stopped && (!leases || holding?.held())) {
      await tick(() => !stopped && (!leases || holding!.held()));
    }
  };
  const schedule = (): void => {
    timer = setTimeout(() => {
      current = once()
        .catch((err: unknown) => logger?.error({ err }, 'housekeeping failed'))
        .finally(() => {
          if (!stopped) {
            schedule();
          }
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      await lease?.release();
    },
  };
}
