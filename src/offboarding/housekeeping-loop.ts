// Housekeeping on one instance at a time (several may share the store): every interval, the instance takes the
// housekeeping lease if it lacks it, and ticks only while it holds it. Without leases (tests, tools) it always ticks.
// A tick never overlaps the previous one here; the lease keeps other instances' ticks away. A tick may take long (its
// Teams phases meet an outage, say): meanwhile each interval runs the `urgent` part alone, so a dead instance's runs
// are still taken over within a lease plus an interval.
import type { Logger } from '../logger';
import { HOUSEKEEPING_LEASE, type Lease, type Leases } from '../store/leases';

export interface HousekeepingLoop {
  /** No more ticks: waits for the one under way, then lets the lease go. */
  stop(): Promise<void>;
}

/** `tick` gets whether the lease is still held: a tick checks it between its phases (a holder paused mid-tick stops). */
export function startHousekeeping(options: {
  leases?: Leases;
  intervalMs: number;
  tick: (held: () => boolean) => Promise<void>;
  /** What must not wait for a slow tick (taking dead instances' runs over): run each interval while a tick is under way. */
  urgent?: (held: () => boolean) => Promise<void>;
  logger?: Logger;
}): HousekeepingLoop {
  const { leases, intervalMs, tick, urgent, logger } = options;
  let lease: Lease | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  let ticking: Promise<void> | undefined;

  const once = async (): Promise<void> => {
    if (leases && !lease?.held()) {
      lease = await leases.acquire(HOUSEKEEPING_LEASE);
      if (lease) {
        logger?.info('housekeeping lease taken: this instance does the housekeeping');
      }
    }
    const holding = lease;
    if (stopped || (leases && !holding?.held())) {
      return;
    }
    const held = () => !stopped && (!leases || holding!.held());
    if (ticking) {
      await urgent?.(held);
      return;
    }
    // Not awaited: a quick tick has ended by the next interval; a slow one goes on while the next intervals run `urgent`.
    ticking = tick(held)
      .catch((err: unknown) => logger?.error({ err }, 'housekeeping failed'))
      .finally(() => {
        ticking = undefined;
      });
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
      await ticking;
      await lease?.release();
    },
  };
}
