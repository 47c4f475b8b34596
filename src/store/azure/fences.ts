// Fencing epochs (store.ts Fence) as one token entity per key, in the partition of the run it guards: RowKey
// `~fence|<key>|<epoch>`. Advancing deletes the current token and creates the next in one transaction; a fenced
// write replaces the token of its epoch (If-Match *, so writes of the same owner never conflict with each other)
// in the same transaction as the document op, which fails with 404 once the token was advanced.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Fence } from '../store';
import { statusOf } from './errors';
import { fencePartition, fenceRowKey, fenceRowPrefix, odata, prefixEnd } from './keys';

/** Advancers racing for one key: each try that loses means another advanced it, so a few suffice. */
const MAX_ADVANCE_TRIES = 10;

export class AzureFences {
  constructor(private readonly table: TableClient) {}

  /** The key's current epoch, undefined when never fenced. */
  async current(key: string): Promise<number | undefined> {
    const prefix = fenceRowPrefix(key);
    const filter = `PartitionKey eq ${odata(fencePartition(key))} and RowKey ge ${odata(prefix)} and RowKey lt ${odata(prefixEnd(prefix))}`;
    let epoch: number | undefined;
    for await (const token of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
      const n = Number(token.rowKey!.slice(prefix.length));
      epoch = Math.max(epoch ?? 0, n);
    }
    return epoch;
  }

  /**
   * CAS loop: of two advancers from the same epoch, one's transaction fails (404/409) and it reads again. Bounded: a
   * token that keeps refusing (a store in a state this code does not expect) is an error, never a silent spin.
   */
  async advance(key: string): Promise<number> {
    const partitionKey = fencePartition(key);
    for (let tries = 1; ; tries++) {
      const current = await this.current(key);
      const next = (current ?? 0) + 1;
      const create: TransactionAction = ['create', { partitionKey, rowKey: fenceRowKey(key, next) }];
      try {
        if (current === undefined) {
          await this.table.submitTransaction([create]);
        } else {
          await this.table.submitTransaction([['delete', { partitionKey, rowKey: fenceRowKey(key, current) }], create]);
        }
        return next;
      } catch (err) {
        if (![404, 409, 412].includes(statusOf(err) ?? 0) || tries >= MAX_ADVANCE_TRIES) {
          throw err;
        }
      }
    }
  }

  /** The transaction step that holds only while `fence.key` is still at `fence.epoch`. */
  check(fence: Fence): TransactionAction {
    return ['update', { partitionKey: fencePartition(fence.key), rowKey: fenceRowKey(fence.key, fence.epoch) }, 'Replace', { etag: '*' }];
  }

  /** Whether the token of the fence's epoch is still there (after a failed transaction: was it the fence or the document?). */
  async holds(fence: Fence): Promise<boolean> {
    try {
      await this.table.getEntity(fencePartition(fence.key), fenceRowKey(fence.key, fence.epoch));
      return true;
    } catch (err) {
      if (statusOf(err) === 404) {
        return false;
      }
      throw err;
    }
  }
}
