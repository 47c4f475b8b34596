// Who does what when several instances share one store: a named lease (a run, housekeeping) is held by one instance
// at a time, renewed in the background while it works, and carries the fencing epoch its holder writes with
// (store.ts Fence). The embedded SQLite store runs one instance (LocalLeases); the Azure store leases blobs.

import type { Fence } from './store';

/** A lease was lost (a renewal failed, or it ran out while the process was paused): its holder must stop. */
export class LeaseLostError extends Error {
  constructor(readonly lease: string) {
    super(`the lease on ${lease} was lost: another instance may hold it now`);
    this.name = 'LeaseLostError';
  }
}

export interface Lease {
  /** What is leased: "run/<runId>" or "housekeeping". */
  readonly name: string;
  /** The fencing epoch this holder writes with: key = the leased name's id (the run id), epoch from advanceFence. */
  readonly fence: Fence;
  /**
   * When the previous holder lost the lease without letting go (it died or was paused), the earliest time (epoch ms)
   * at which anything it sent has surely reached Microsoft 365 or failed: its lease's end plus the request timeout.
   * A one-shot action in doubt is settled only after it (docs/ENGINE.md). Undefined when nobody else held it.
   */
  readonly settleNotBefore?: number;
  /**
   * Whether the lease is surely still held: the last successful renewal plus the duration, less a safety margin, is
   * still ahead on this process's monotonic clock. False for good once a renewal failed, it ran out or it was released.
   */
  held(): boolean;
  /** Throws LeaseLostError unless held(): called before every Microsoft 365 request a run sends. */
  assertHeld(): void;
  /** Called once, when the lease is lost (not when it is released). */
  onLost(listener: () => void): void;
  /** Lets go (stops renewing, frees the lease for others at once). Idempotent. */
  release(): Promise<void>;
}

export interface Leases {
  /** How long a lease lasts without renewal (15–60 s for blob leases). */
  readonly durationMs: number;
  /**
   * Takes the named lease when nobody holds it (or its holder's ran out), advancing the fence of `fenceKey` (a run's
   * id; the name itself when omitted), and keeps renewing it until released or lost. Undefined when another holder
   * has it now.
   */
  acquire(name: string, fenceKey?: string): Promise<Lease | undefined>;
  /** Releases every lease held here (shutdown). */
  close(): Promise<void>;
}

export const runLeaseName = (runId: string): string => `run/${runId}`;
export const HOUSEKEEPING_LEASE = 'housekeeping';
