// Leases on Azure blobs (https://learn.microsoft.com/rest/api/storageservices/lease-blob): one empty block blob per
// lease name, leased for 15–60 s and renewed in the background every third of that. Azure keeps a lease's end on its
// own clock; the holder keeps its own, on this process's monotonic clock, and counts the lease from when its last
// successful renewal was *sent* less a safety margin. So a holder paused past its lease (SIGSTOP, a frozen VM) knows
// it lost it the moment it runs again, before any timer fires or any request leaves, and one whose renewal failed
// stops for good: it never renews an expired lease (Azure would allow that while nobody else took it).
// A lease found expired or broken was lost by a holder that never let go (it died or was paused): what it sent may
// still be on its way, so the new holder settles in-doubt one-shot actions only after the request timeout.
import { randomUUID } from 'node:crypto';
import { RestError, type BlobLeaseClient, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../../logger';
import { LeaseLostError, type Lease, type Leases } from '../leases';
import type { Fence, Store } from '../store';
import { blobCallLimit } from './clients';

export interface BlobLeasesOptions {
  /** Where the lease blobs live (the Azure store's container). */
  container: ContainerClient;
  /** Whose fences the holders advance. */
  store: Store;
  /** A whole number of seconds from 15 to 60 (Azure's bounds for a finite lease). */
  durationMs: number;
  /** The longest a Microsoft 365 request may take (config.requestTimeoutMs): bounds what a lost holder still sends. */
  requestTimeoutMs: number;
  /** Wall clock (epoch ms) for settleNotBefore. */
  now?: () => number;
  /** Monotonic clock (ms) for held(): tests move it to act out a pause. */
  monotonic?: () => number;
  logger?: Logger;
}

const statusOf = (err: unknown): number | undefined => (err instanceof RestError ? err.statusCode : undefined);

export class BlobLeases implements Leases {
  readonly durationMs: number;
  private readonly mine = new Map<string, BlobLease>();
  private readonly acquiring = new Set<string>();
  private readonly now: () => number;
  private readonly monotonic: () => number;

  constructor(private readonly options: BlobLeasesOptions) {
    const seconds = options.durationMs / 1000;
    if (!Number.isInteger(seconds) || seconds < 15 || seconds > 60) {
      throw new RangeError(`a blob lease lasts a whole number of seconds from 15 to 60; got ${options.durationMs} ms`);
    }
    this.durationMs = options.durationMs;
    this.now = options.now ?? Date.now;
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  async acquire(name: string, fenceKey?: string): Promise<Lease | undefined> {
    if (this.mine.get(name)?.held() || this.acquiring.has(name)) {
      return undefined; // held (or being taken) in this process
    }
    this.acquiring.add(name);
    try {
      return await this.take(name, fenceKey ?? name);
    } finally {
      this.acquiring.delete(name);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.mine.values()].map((lease) => lease.release()));
  }

  private async take(name: string, key: string): Promise<Lease | undefined> {
    const blob = this.options.container.getBlockBlobClient(name);
    const state = await this.leaseState(blob);
    if (state === 'leased' || state === 'breaking') {
      return undefined;
    }
    const client = blob.getBlobLeaseClient(randomUUID());
    const sentAt = this.monotonic();
    try {
      await client.acquireLease(this.durationMs / 1000, this.callLimit());
    } catch (err) {
      if (statusOf(err) === 409) {
        return undefined; // LeaseAlreadyPresent: someone took it since we looked
      }
      throw err;
    }
    // Its holder lost it without letting go: its lease ended before now, and its requests end within the timeout.
    const settleNotBefore = state === 'expired' || state === 'broken' ? this.now() + this.options.requestTimeoutMs : undefined;
    let epoch: number;
    try {
      epoch = await this.options.store.advanceFence(key);
    } catch (err) {
      await client.releaseLease(this.callLimit()).catch(() => undefined);
      throw err;
    }
    const lease = new BlobLease(name, { key, epoch }, settleNotBefore, client, { durationMs: this.durationMs, monotonic: this.monotonic, sentAt, logger: this.options.logger }, () => {
      if (this.mine.get(name) === lease) {
        this.mine.delete(name);
      }
    });
    this.mine.set(name, lease);
    return lease;
  }

  /** A lease call that takes longer than a third of the lease is no use: it fails, and the next tick tries again. */
  private callLimit(): { abortSignal: AbortSignal } {
    return blobCallLimit(this.durationMs / 3);
  }

  /** The blob's lease state; a missing blob is created (its first holder, or a racing one, makes it: 409 is fine). */
  private async leaseState(blob: BlockBlobClient): Promise<string> {
    try {
      return (await blob.getProperties(this.callLimit())).leaseState ?? 'available';
    } catch (err) {
      if (statusOf(err) !== 404) {
        throw err;
      }
    }
    try {
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' }, ...this.callLimit() });
    } catch (err) {
      // 409 BlobAlreadyExists; 412 when a racing creator already leased it (its acquire will tell).
      if (statusOf(err) !== 409 && statusOf(err) !== 412) {
        throw err;
      }
    }
    return 'available';
  }
}

/** One lease held here: renewed every third of its duration until released or lost. */
export class BlobLease implements Lease {
  private lastSent: number;
  private lost = false;
  private released = false;
  private renewing = false;
  private readonly listeners: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly durationMs: number;
  /** Held until this long before Azure's end of the lease, as this process counts it: clocks drift, requests take time. */
  private readonly marginMs: number;
  private readonly monotonic: () => number;
  private readonly logger?: Logger;

  constructor(
    readonly name: string,
    readonly fence: Fence,
    readonly settleNotBefore: number | undefined,
    private readonly client: BlobLeaseClient,
    timing: { durationMs: number; monotonic: () => number; sentAt: number; logger?: Logger },
    private readonly gone: () => void,
  ) {
    this.durationMs = timing.durationMs;
    this.marginMs = Math.max(2000, timing.durationMs / 5);
    this.monotonic = timing.monotonic;
    this.lastSent = timing.sentAt;
    this.logger = timing.logger;
    this.timer = setInterval(() => void this.renew(), timing.durationMs / 3);
    this.timer.unref();
  }

  held(): boolean {
    if (this.lost || this.released) {
      return false;
    }
    if (this.monotonic() >= this.lastSent + this.durationMs - this.marginMs) {
      this.lose('ran out (the process was paused or its renewals were late)');
      return false;
    }
    return true;
  }

  assertHeld(): void {
    if (!this.held()) {
      throw new LeaseLostError(this.name);
    }
  }

  onLost(listener: () => void): void {
    if (this.lost) {
      queueMicrotask(listener);
    } else {
      this.listeners.push(listener);
    }
  }

  async release(): Promise<void> {
    if (this.released) {
      return;
    }
    const wasHeld = !this.lost;
    this.released = true;
    clearInterval(this.timer);
    this.gone();
    if (wasHeld) {
      // Best effort: a lease not released runs out by itself (and its next holder then waits to settle).
      await this.client.releaseLease({ abortSignal: AbortSignal.timeout(this.marginMs) }).catch((err: unknown) => this.logger?.warn({ err, lease: this.name }, 'lease not released'));
    }
  }

  /** Test seam: stops the background renewals, as if this holder were paused. */
  stopRenewing(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    if (this.renewing || !this.held()) {
      return;
    }
    this.renewing = true;
    const sent = this.monotonic();
    try {
      await this.client.renewLease({ abortSignal: AbortSignal.timeout(this.durationMs / 3) });
      this.lastSent = sent;
    } catch (err) {
      this.lose('its renewal failed', err);
    } finally {
      this.renewing = false;
    }
  }

  private lose(why: string, err?: unknown): void {
    if (this.lost || this.released) {
      return;
    }
    this.lost = true;
    clearInterval(this.timer);
    this.gone();
    this.logger?.warn({ err, lease: this.name }, `lease lost: ${why}`);
    for (const listener of this.listeners.splice(0)) {
      try {
        listener();
      } catch (e) {
        this.logger?.warn({ err: e, lease: this.name }, 'lease-lost listener failed');
      }
    }
  }
}
