// In-memory leases shared by several "instances" (one LeaseBoard, one Leases per instance), with the failures a blob
// lease has: a holder paused past its lease (it does not know yet: held() false, no listener called, the lease free for
// others, who must wait before settling), and a failed renewal (held() false, listeners called).
import { LeaseLostError, type Lease, type Leases } from '../../src/store/leases';
import type { Fence, Store } from '../../src/store/store';

type State = 'held' | 'released' | 'lost';

export class FakeLease implements Lease {
  state: State = 'held';
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly fence: Fence,
    readonly settleNotBefore: number | undefined,
    readonly instance: string,
  ) {}

  held(): boolean {
    return this.state === 'held';
  }

  assertHeld(): void {
    if (!this.held()) {
      throw new LeaseLostError(this.name);
    }
  }

  onLost(listener: () => void): void {
    this.listeners.push(listener);
  }

  release(): Promise<void> {
    if (this.state === 'held') {
      this.state = 'released';
    }
    return Promise.resolve();
  }

  /** Lost: `tell` calls the listeners (a failed renewal); without it the holder finds out at its next look (a pause). */
  lose(tell: boolean): void {
    this.state = 'lost';
    if (tell) {
      for (const listener of this.listeners.splice(0)) {
        listener();
      }
    }
  }
}

export class LeaseBoard {
  private readonly holders = new Map<string, FakeLease>();
  /** Every lease granted, in order. */
  readonly granted: FakeLease[] = [];

  constructor(
    private readonly store: Store,
    private readonly options: { now?: () => number; requestTimeoutMs?: number } = {},
  ) {}

  /** One instance's Leases. */
  instance(name: string): Leases {
    return {
      durationMs: 15_000,
      acquire: (lease, fenceKey) => this.acquire(name, lease, fenceKey),
      close: async () => {
        await Promise.all([...this.holders.values()].filter((l) => l.instance === name).map((l) => l.release()));
      },
    };
  }

  holder(name: string): FakeLease | undefined {
    const lease = this.holders.get(name);
    return lease?.held() ? lease : undefined;
  }

  /** The holder was paused past its lease: others may take it now. */
  pause(name: string): FakeLease {
    const lease = this.holders.get(name)!;
    lease.lose(false);
    return lease;
  }

  /** The holder's renewal failed. */
  fail(name: string): FakeLease {
    const lease = this.holders.get(name)!;
    lease.lose(true);
    return lease;
  }

  private async acquire(instance: string, name: string, fenceKey?: string): Promise<Lease | undefined> {
    const previous = this.holders.get(name);
    if (previous?.state === 'held') {
      return undefined;
    }
    const placeholder = new FakeLease(name, { key: '', epoch: 0 }, undefined, instance);
    this.holders.set(name, placeholder); // taken before the await, as a blob lease would be
    const key = fenceKey ?? name;
    const epoch = await this.store.advanceFence(key);
    const settleNotBefore = previous?.state === 'lost' ? (this.options.now ?? Date.now)() + (this.options.requestTimeoutMs ?? 100_000) : undefined;
    const lease = new FakeLease(name, { key, epoch }, settleNotBefore, instance);
    this.holders.set(name, lease);
    this.granted.push(lease);
    return lease;
  }
}
