// The governor's budget shared through the store: this instance's share is 1 ÷ the live instances (heartbeats.ts),
// and a Retry-After seen here becomes `throttles/<family>` { until }, which every instance polls and honours.
import type { Logger } from '../logger';
import { FAMILIES, type BudgetSource, type Clock, type Family } from '../m365/governor';
import { ConflictError, type Store } from '../store/store';
import { Trouble } from './trouble';

export const THROTTLES = 'throttles';
/** Attempts of one compare-and-swap of a pause before it waits for the next poll. */
const MAX_CAS_TRIES = 5;

export interface ThrottleDoc {
  /** ISO time until which every instance leaves the family alone. */
  until: string;
}

export interface SharedBudgetOptions {
  store: Store;
  logger: Logger;
  /** The governor's clock (its pauses are in its time) and the timers. */
  clock: Clock;
  /** Wall-clock time (epoch ms), comparable between hosts: pauses are stored in it. */
  wallNow: () => number;
  pollMs: number;
  /** The number of live instances, this one included (heartbeats.ts). */
  liveInstances: () => number;
}

export class SharedBudget implements BudgetSource {
  private pause?: (family: Family, untilMs: number) => void;
  // Pauses are kept in wall-clock time, whole milliseconds as stored, and turned into the governor's time only when
  // applied: its monotonic clock may lag the wall clock after a VM pause, and other hosts compare with theirs.
  /** The latest pause of each family known here (published here or applied from the store): never applied again. */
  private readonly known = new Map<Family, number>();
  /** Pauses still to write to the store. */
  private readonly unpublished = new Map<Family, number>();
  /** The writer of each family, while one runs. */
  private readonly writing = new Map<Family, Promise<void>>();
  private cancelTimer?: () => void;
  private running?: Promise<void>;
  private stopped = false;
  private readonly pollTrouble: Trouble;
  private readonly publishTrouble: Trouble;

  constructor(private readonly o: SharedBudgetOptions) {
    this.pollTrouble = new Trouble(o.logger, 'cluster: reading the shared pauses');
    this.publishTrouble = new Trouble(o.logger, 'cluster: publishing a pause');
  }

  share(): number {
    return 1 / this.instances();
  }

  instances(): number {
    return Math.max(1, this.o.liveInstances());
  }

  subscribe(pause: (family: Family, untilMs: number) => void): void {
    this.pause = pause;
  }

  /** A pause seen here: written to the store unless a later one is there already. Returns at once. */
  paused(family: Family, untilMs: number): void {
    const until = Math.ceil(this.toWall(untilMs));
    if (until > (this.known.get(family) ?? -Infinity)) {
      this.known.set(family, until);
    }
    if (until > (this.unpublished.get(family) ?? -Infinity)) {
      this.unpublished.set(family, until);
    }
    this.publish(family);
  }

  /** Polls every pollMs until stop(). */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
    await Promise.all(this.writing.values());
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.cancelTimer = this.o.clock.setTimer(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.o.pollMs);
  }

  /** Applies every pause in the store later than what is known here; retries the pauses not yet published. Never throws. */
  private async poll(): Promise<void> {
    for (const family of this.unpublished.keys()) {
      this.publish(family);
    }
    const pause = this.pause;
    if (!pause) {
      return; // no governor yet: nothing to apply, and nothing marked as applied
    }
    let docs;
    try {
      docs = await this.o.store.list<ThrottleDoc>(THROTTLES);
      this.pollTrouble.ok();
    } catch (err) {
      this.pollTrouble.failed(err);
      return;
    }
    const now = this.o.wallNow();
    for (const doc of docs) {
      const family = doc.id as Family;
      const until = parseUntil(doc.value);
      if (!FAMILIES.includes(family) || !(until > now) || until <= (this.known.get(family) ?? -Infinity)) {
        continue;
      }
      this.known.set(family, until);
      try {
        pause(family, until - this.toWall(0));
      } catch (err) {
        this.o.logger.error({ err, family }, 'cluster: applying a shared pause failed');
      }
    }
  }

  /** The wall-clock time of the governor's time `t`. */
  private toWall(t: number): number {
    return t + this.o.wallNow() - this.o.clock.now();
  }

  /** One writer per family at a time; it takes the latest pause asked for, so a burst of 429s is one write. */
  private publish(family: Family): void {
    if (this.stopped || this.writing.has(family)) {
      return;
    }
    this.writing.set(family, this.write(family).finally(() => this.writing.delete(family)));
  }

  private async write(family: Family): Promise<void> {
    for (;;) {
      const until = this.unpublished.get(family);
      if (until === undefined) {
        return;
      }
      if (until <= this.o.wallNow()) {
        this.unpublished.delete(family); // over: nobody needs to hear of it any more
        return;
      }
      try {
        await this.writeLater(family, until);
        this.publishTrouble.ok();
      } catch (err) {
        this.publishTrouble.failed(err);
        return; // kept in `unpublished`: the next poll tries again
      }
      if (this.unpublished.get(family) === until) {
        this.unpublished.delete(family);
      }
    }
  }

  /** Compare-and-swap: stores `until` unless the stored pause already lasts as long. */
  private async writeLater(family: Family, until: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_TRIES; attempt++) {
      const current = await this.o.store.get<ThrottleDoc>(THROTTLES, family);
      if (current && parseUntil(current.value) >= until) {
        return;
      }
      try {
        await this.o.store.put<ThrottleDoc>(THROTTLES, family, { until: new Date(until).toISOString() }, current?.etag ?? null);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          throw err;
        }
      }
    }
    throw new Error(`throttles/${family}: still conflicting after ${MAX_CAS_TRIES} attempts`);
  }
}

function parseUntil(value: unknown): number {
  const until = (value as Partial<ThrottleDoc> | undefined)?.until;
  return typeof until === 'string' ? Date.parse(until) : NaN;
}
