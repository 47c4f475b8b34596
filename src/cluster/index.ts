// Several instances on one store (the Shared store issue): heartbeats say how many are live, and the governor's
// budget source takes this instance's share of every budget and carries Retry-After pauses between them.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import { REAL_CLOCK, type BudgetSource, type Clock } from '../m365/governor';
import type { Store } from '../store/store';
import { SharedBudget } from './budget-source';
import { Heartbeats } from './heartbeats';

export { DEAD_BEATS, INSTANCES, LIVE_BEATS, type InstanceBeat } from './heartbeats';
export { THROTTLES, type ThrottleDoc } from './budget-source';

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_PAUSE_POLL_MS = 1_000;

/** The governor's time, with timers that don't keep the process alive: the cluster's loops run only while it does. */
export const CLUSTER_CLOCK: Clock = {
  now: () => REAL_CLOCK.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, Math.ceil(ms)));
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface ClusterOptions {
  store: Store;
  logger: Logger;
  /** Heartbeat interval (default 5 s). */
  intervalMs?: number;
  /** How often the shared pauses are read (default 1 s). */
  pollMs?: number;
  /** The governor's clock (pauses reach it in its time) and the loops' timers. */
  clock?: Clock;
  /** Wall-clock time, comparable between hosts (heartbeats, stored pauses). Default: Date.now, or clock.now when a clock is given (a test's fake clock is both). */
  wallNow?: () => number;
  /** Default: a random id, new at every start. */
  instanceId?: string;
}

export interface Cluster {
  /** For GovernorOptions.source. */
  source: BudgetSource;
  instanceId: string;
  /** Live instances at the last heartbeat, this one included. */
  liveInstances(): number;
  /** Stops the loops and removes this instance's heartbeat. */
  stop(): Promise<void>;
}

/** Joins the instances sharing `store`: beats once and reads the shared pauses before it resolves. Never rejects for a store failure. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const clock = options.clock ?? CLUSTER_CLOCK;
  const wallNow = options.wallNow ?? (options.clock ? () => clock.now() : () => Date.now());
  const instanceId = options.instanceId ?? randomUUID();
  const heartbeats = new Heartbeats({ store: options.store, logger: options.logger, clock, wallNow, intervalMs: options.intervalMs ?? DEFAULT_HEARTBEAT_MS, instanceId });
  const source = new SharedBudget({ store: options.store, logger: options.logger, clock, wallNow, pollMs: options.pollMs ?? DEFAULT_PAUSE_POLL_MS, liveInstances: () => heartbeats.liveInstances() });
  await heartbeats.start();
  await source.start();
  options.logger.info({ instance: instanceId, liveInstances: heartbeats.liveInstances() }, 'cluster: joined the instances sharing the store');
  return {
    source,
    instanceId,
    liveInstances: () => heartbeats.liveInstances(),
    async stop() {
      await source.stop();
      await heartbeats.stop();
    },
  };
}
