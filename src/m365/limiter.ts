// A counting semaphore: at most `max` tasks run at once, the rest wait in arrival order — urgent ones (priority.ts)
// first. One instance per gateway, shared by every call, so "a bounded number of requests in flight" holds however
// many steps run concurrently.
import { isUrgent } from './priority';

export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly waitingUrgent: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Limiter max must be a positive integer; got ${max}`);
    }
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length + this.waitingUrgent.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Takes a slot until the returned release is called (once; later calls do nothing). */
  async hold(): Promise<() => void> {
    await this.acquire();
    return this.releaser();
  }

  /** A free slot now, or undefined (nothing waits). */
  tryHold(): (() => void) | undefined {
    if (this.active >= this.max) {
      return undefined;
    }
    this.active++;
    return this.releaser();
  }

  private releaser(): () => void {
    let held = true;
    return () => {
      if (held) {
        held = false;
        this.release();
      }
    };
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => (isUrgent() ? this.waitingUrgent : this.waiting).push(resolve));
  }

  private release(): void {
    const next = this.waitingUrgent.shift() ?? this.waiting.shift();
    if (next) {
      next(); // the slot passes straight to the next task: `active` is unchanged
    } else {
      this.active--;
    }
  }
}
