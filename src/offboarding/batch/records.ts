// Stored batches (collection BATCHES): read, created once, changed by compare-and-swap (two clicks or two instances
// never both move a batch), plus the rules every batch use case shares: the answer for a batch nobody may know of, and
// whether an answer naming it may be posted where it was asked.
import { Limiter } from '../../m365/limiter';
import { ConflictError, type Store } from '../../store/store';
import type { Refused } from '../start';
import type { Venue } from '../venue';
import { BATCHES, type Batch } from './batch';

/** Unknown, or not visible to the one asking: the same words either way. `id` as they gave it. */
export function batchNotFound(id: string): string {
  return `There is no batch ${id}.`;
}

/** As visibility.ts mayShowHere for a request: a 1:1 chat, or the channel the batch was asked for in. */
export function batchMayShowHere(batch: Pick<Batch, 'where'>, where: Venue): boolean {
  if (where.kind === 'personal') {
    return true;
  }
  return where.kind === 'channel' && batch.where.kind === 'channel' && batch.where.channelId === where.channelId;
}

/** `fn` over every item, at most `limit` at once; results in the items' order. */
export function inSlots<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const slots = new Limiter(limit);
  return Promise.all(items.map((item, i) => slots.run(() => fn(item, i))));
}

export class BatchRecords {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Batch | undefined> {
    return (await this.store.get<Batch>(BATCHES, id.trim().toUpperCase()))?.value;
  }

  async create(batch: Batch): Promise<void> {
    await this.store.put(BATCHES, batch.id, batch, null);
  }

  async list(): Promise<Batch[]> {
    return (await this.store.list<Batch>(BATCHES)).map((d) => d.value);
  }

  /** Compare-and-swap with a few retries on a lost race; `change` may refuse (then nothing is written). */
  async update(id: string, change: (b: Batch) => Batch | Refused): Promise<{ ok: true; batch: Batch } | Refused> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.store.get<Batch>(BATCHES, id.trim().toUpperCase());
      if (!doc) {
        return { ok: false, reason: batchNotFound(id) };
      }
      const next = change(doc.value);
      if ('ok' in next) {
        return next;
      }
      try {
        await this.store.put(BATCHES, doc.id, next, doc.etag);
        return { ok: true, batch: next };
      } catch (err) {
        if (!(err instanceof ConflictError)) {
          throw err;
        }
      }
    }
    return { ok: false, reason: `${id} is changing right now: try again.` };
  }
}
