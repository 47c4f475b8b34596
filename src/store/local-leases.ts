// Leases for the embedded SQLite store, which serves one instance (docs/DEPLOYMENT.md): nobody else can hold a lease,
// so one is refused only while this process holds it, and is never lost. A restarted instance's predecessor is dead,
// so whatever it sent has long been answered or failed: no settling delay (settleNotBefore stays undefined).
import { LeaseLostError, type Lease, type Leases } from './leases';
import type { Fence, Store } from './store';

export class LocalLeases implements Leases {
  private readonly held = new Map<string, LocalLease | undefined>();

  constructor(
    private readonly store: Store,
    /** Informational: a local lease never runs out. */
    readonly durationMs = 30_000,
  ) {}

  async acquire(name: string, fenceKey?: string): Promise<Lease | undefined> {
    if (this.held.has(name)) {
      return undefined;
    }
    this.held.set(name, undefined); // before the await: of two acquires at once, one wins
    let epoch: number;
    try {
      epoch = await this.store.advanceFence(fenceKey ?? name);
    } catch (err) {
      this.held.delete(name);
      throw err;
    }
    const lease = new LocalLease(name, { key: fenceKey ?? name, epoch }, () => this.held.delete(name));
    this.held.set(name, lease);
    return lease;
  }

  async close(): Promise<void> {
    await Promise.all([...this.held.values()].map((lease) => lease?.release() ?? Promise.resolve()));
  }
}

class LocalLease implements Lease {
  private released = false;

  constructor(
    readonly name: string,
    readonly fence: Fence,
    private readonly free: () => void,
  ) {}

  held(): boolean {
    return !this.released;
  }

  assertHeld(): void {
    if (this.released) {
      throw new LeaseLostError(this.name);
    }
  }

  onLost(): void {
    // Never lost: only released.
  }

  release(): Promise<void> {
    if (!this.released) {
      this.released = true;
      this.free();
    }
    return Promise.resolve();
  }
}
