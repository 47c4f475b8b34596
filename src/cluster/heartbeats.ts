// Which instances share the store: each writes its heartbeat document every beat, and counts the others whose beat
// is recent. One read of `instances` per beat, whatever the request load.
import { hostname } from 'node:os';
import type { Logger } from '../logger';
import type { Clock } from '../m365/governor';
import { ConflictError, type Store } from '../store/store';
import { Trouble } from './trouble';

export const INSTANCES = 'instances';
/** An instance is live while its last beat is younger than this many intervals (two missed beats are tolerated). */
export const LIVE_BEATS = 3;
/** An instance silent this many intervals is dead for good: any live instance removes its document. */
export const DEAD_BEATS = 10;

export interface InstanceBeat {
  /** ISO time of the last beat. */
  beatAt: string;
  startedAt: string;
  /** For diagnostics only. */
  host: string;
  pid: number;
}

export interface HeartbeatOptions {
  store: Store;
  logger: Logger;
  /** Timers. */
  clock: Clock;
  /** Wall-clock time (epoch ms), comparable between hosts: beats are dated with it. */
  wallNow: () => number;
  intervalMs: number;
  instanceId: string;
}

export class Heartbeats {
  private etag: string | null = null;
  private live = 1;
  private readonly startedAt: string;
  private cancelTimer?: () => void;
  private running?: Promise<void>;
  private stopped = false;
  private readonly writeTrouble: Trouble;
  private readonly readTrouble: Trouble;

  constructor(private readonly o: HeartbeatOptions) {
    this.startedAt = iso(o.wallNow());
    this.writeTrouble = new Trouble(o.logger, 'cluster: writing this instance’s heartbeat');
    this.readTrouble = new Trouble(o.logger, 'cluster: reading the instances’ heartbeats');
  }

  /** Beats once (so the count is right from the start), then every interval until stop(). */
  async start(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  /** Live instances at the last beat, this one included; the last known count while the store fails. */
  liveInstances(): number {
    return this.live;
  }

  /** Stops beating and removes this instance's document, so the others take its share at their next beat. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
    if (this.etag !== null) {
      try {
        await this.o.store.delete(INSTANCES, this.o.instanceId, this.etag);
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          this.o.logger.warn({ err }, 'cluster: could not remove this instance’s heartbeat; the others will drop it once stale');
        }
      }
      this.etag = null;
    }
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.cancelTimer = this.o.clock.setTimer(() => {
      this.running = this.beat().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.o.intervalMs);
  }

  /** Never throws: a store failure is logged and the next beat tries again. */
  private async beat(): Promise<void> {
    try {
      await this.write();
      this.writeTrouble.ok();
    } catch (err) {
      this.writeTrouble.failed(err);
    }
    try {
      await this.count();
      this.readTrouble.ok();
    } catch (err) {
      this.readTrouble.failed(err);
    }
  }

  private async write(): Promise<void> {
    const { store, instanceId } = this.o;
    const value: InstanceBeat = { beatAt: iso(this.o.wallNow()), startedAt: this.startedAt, host: hostname(), pid: process.pid };
    try {
      this.etag = await store.put(INSTANCES, instanceId, value, this.etag);
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        throw err;
      }
      // Our document changed under us: removed as dead while this process was paused, or a write whose answer was
      // lost went through. It is ours alone: take it back.
      const current = await store.get(INSTANCES, instanceId);
      this.etag = await store.put(INSTANCES, instanceId, value, current?.etag ?? null);
    }
  }

  private async count(): Promise<void> {
    const { store, instanceId, intervalMs } = this.o;
    const docs = await store.list<InstanceBeat>(INSTANCES);
    const now = this.o.wallNow();
    let others = 0;
    for (const doc of docs) {
      if (doc.id === instanceId) {
        continue;
      }
      // A beat from the future (another host's clock runs ahead) is live.
      const age = now - Date.parse(typeof doc.value?.beatAt === 'string' ? doc.value.beatAt : '');
      if (age < LIVE_BEATS * intervalMs) {
        others++;
      } else if (!(age <= DEAD_BEATS * intervalMs)) {
        await this.remove(doc.id, doc.etag);
      }
    }
    this.live = others + 1;
  }

  /** Removes a long-dead instance's document, unless it beat again meanwhile (or another instance removed it first). */
  private async remove(id: string, etag: string): Promise<void> {
    try {
      await this.o.store.delete(INSTANCES, id, etag);
      this.o.logger.info({ instance: id }, 'cluster: removed the heartbeat of an instance long gone');
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        throw err;
      }
    }
  }
}

function iso(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}
