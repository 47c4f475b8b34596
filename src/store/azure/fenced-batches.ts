// Group commit for fenced writes: a run writes many documents at once (a step's targets finish together), and each
// fenced write is a transaction with the run's fence token. Writes made in the same turn of the event loop, for the
// same partition and epoch, go out as ONE entity-group transaction: the token check once, then each document op (at
// most 99 of them, at most one per entity, within a payload budget). A transaction is all or nothing, so when a
// group fails, each of its writes is tried again on its own, which gives each its exact outcome.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Fence } from '../store';
import type { AzureFences } from './fences';
import { fencePartition } from './keys';

/** Entity-group transactions hold at most 100 operations (one is the token check) and 4 MiB. */
const MAX_OPS = 99;
const MAX_CHARS = 2_000_000;

interface Pending {
  action: TransactionAction;
  chars: number;
  resolve: (etag: string) => void;
  /** This write alone, when its group's transaction fails. */
  alone: () => Promise<string>;
  reject: (err: unknown) => void;
}

export class FencedBatches {
  private readonly queues = new Map<string, { fence: Fence; pending: Pending[] }>();
  private scheduled = false;

  constructor(
    private readonly table: TableClient,
    private readonly fences: AzureFences,
  ) {}

  /** Resolves with the document's new etag; `alone` is the write on its own (the exact error when it fails). */
  write(fence: Fence, action: TransactionAction, chars: number, alone: () => Promise<string>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const key = `${fencePartition(fence.key)}\n${fence.key}\n${fence.epoch}`;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { fence, pending: [] };
        this.queues.set(key, queue);
      }
      queue.pending.push({ action, chars, resolve, reject, alone });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queues = [...this.queues.values()];
    this.queues.clear();
    for (const { fence, pending } of queues) {
      for (const group of groups(pending)) {
        void this.commit(fence, group);
      }
    }
  }

  private async commit(fence: Fence, group: Pending[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group as [Pending];
      return only.alone().then(only.resolve, only.reject);
    }
    try {
      const response = await this.table.submitTransaction([this.fences.check(fence), ...group.map((p) => p.action)]);
      group.forEach((p, i) => {
        const etag = response.subResponses[i + 1]?.etag?.trim();
        if (etag) {
          p.resolve(etag);
        } else {
          p.reject(new Error('a transaction answered without a document ETag'));
        }
      });
    } catch {
      // One write's conflict (or the fence) failed them all: each on its own now, for its own outcome.
      await Promise.all(group.map((p) => p.alone().then(p.resolve, p.reject)));
    }
  }
}

/** Splits the pending writes into transactions: at most MAX_OPS each, one op per entity, within the payload budget. */
function groups(pending: Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let chars = 0;
  let keys = new Set<string>();
  for (const p of pending) {
    const entity = p.action[1] as { partitionKey: string; rowKey: string };
    const key = entity.rowKey;
    if (current.length >= MAX_OPS || chars + p.chars > MAX_CHARS || keys.has(key)) {
      out.push(current);
      current = [];
      chars = 0;
      keys = new Set();
    }
    current.push(p);
    chars += p.chars;
    keys.add(key);
  }
  if (current.length > 0) {
    out.push(current);
  }
  return out;
}
