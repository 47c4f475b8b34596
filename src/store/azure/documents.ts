// Documents in the one documents table (layout: keys.ts, values: entity-values.ts). Compare-and-swap is the entity
// ETag: create fails 409 when the entity exists, replace and delete send If-Match and fail 412 (changed) or 404
// (gone). A fenced write is one entity-group transaction with its fence token (fences.ts). A transaction can't carry
// a delete with If-Match (the SDK's transaction actions delete unconditionally), so a fenced delete replaces the
// document with a tombstone (If-Match) in the transaction and removes the tombstone afterwards; reads skip
// tombstones and a create over one replaces it.
import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import { ConflictError, FencedError, type Fence, type Versioned } from '../store';
import { assertFencedId, compareIds, decodeJson, encodeJson } from '../values';
import { EntityValues, type ValueProperties } from './entity-values';
import { statusOf } from './errors';
import type { AzureFences } from './fences';
import { FencedBatches } from './fenced-batches';
import { documentKeys, escapeKey, groupOf, isRunGroup, odata, prefixEnd, parseRowKey, type DocumentKeys } from './keys';

const CONFLICT_STATUSES = [404, 409, 412];
/** Table ETags look like W/"datetime'…'"; anything else can't match, and the service would answer 400, not 412. */
const ETAG_SHAPE = /^W\/".*"$/;
/** Blob names of blob-backed documents this instance read or wrote, by entity and etag: deleted once replaced. */
const REMEMBERED_BLOBS = 1000;

export class AzureDocuments {
  private readonly blobsByVersion = new Map<string, string>();
  private readonly batches: FencedBatches;

  constructor(
    private readonly table: TableClient,
    private readonly values: EntityValues,
    private readonly fences: AzureFences,
  ) {
    this.batches = new FencedBatches(table, fences);
  }

  async get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    const keys = documentKeys(collection, id);
    // A blob-backed value may be replaced between reading the entity and its blob: read the entity again.
    for (let attempt = 0; attempt < 5; attempt++) {
      let entity: Record<string, unknown> & { etag: string };
      try {
        entity = await this.table.getEntity<Record<string, unknown>>(keys.partitionKey, keys.rowKey);
      } catch (err) {
        if (statusOf(err) === 404) {
          return undefined;
        }
        throw err;
      }
      if (entity.deleted === true) {
        return undefined;
      }
      const json = await this.values.decode(entity);
      if (json !== undefined) {
        this.remember(keys, entity.etag, entity);
        return { id, value: decodeJson<T>(json), etag: entity.etag };
      }
    }
    throw new Error(`${collection}/${id} keeps changing while it is read`);
  }

  async put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string> {
    const json = encodeJson(value);
    this.checkFenced(collection, id, fence);
    if (expectedEtag !== null && !ETAG_SHAPE.test(expectedEtag)) {
      throw new ConflictError(collection, id);
    }
    const keys = documentKeys(collection, id);
    const encoded = await this.values.encode(json);
    const entity: TableEntity<ValueProperties> = { ...keys, ...encoded.properties };
    let etag: string;
    try {
      if (fence) {
        const replace = (etag: string): TransactionAction => ['update', entity, 'Replace', { etag }];
        const action: TransactionAction = expectedEtag === null ? ['create', entity] : replace(expectedEtag);
        // Grouped with the run's other writes of this moment into one transaction (fenced-batches.ts).
        etag = await this.batches.write(fence, action, json.length, () => this.fenced(collection, id, fence, action, expectedEtag === null ? replace : undefined));
      } else if (expectedEtag === null) {
        etag = await this.create(collection, id, entity);
      } else {
        etag = (await this.conflicting(collection, id, () => this.table.updateEntity(entity, 'Replace', { etag: expectedEtag }))).etag!;
      }
    } catch (err) {
      // The SDK retries a write whose answer was lost; the retry then conflicts with the write itself. A blob-backed
      // value tells: when the entity now names this very blob, the write went through.
      const landed = encoded.blob !== undefined ? await this.table.getEntity<{ blob?: string }>(keys.partitionKey, keys.rowKey).catch(() => undefined) : undefined;
      if (landed && encoded.blob !== undefined && landed.blob === encoded.blob) {
        etag = landed.etag;
      } else {
        await this.values.remove(encoded.blob);
        throw err;
      }
    }
    await this.replaced(keys, expectedEtag);
    this.remember(keys, etag, encoded.properties);
    return etag;
  }

  async delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void> {
    this.checkFenced(collection, id, fence);
    if (!ETAG_SHAPE.test(expectedEtag)) {
      throw new ConflictError(collection, id);
    }
    const keys = documentKeys(collection, id);
    if (fence) {
      const tombstone = await this.fenced(collection, id, fence, ['update', { ...keys, deleted: true }, 'Replace', { etag: expectedEtag }]);
      // Best effort: a tombstone left behind reads as absent.
      await this.table.deleteEntity(keys.partitionKey, keys.rowKey, { etag: tombstone }).catch(() => undefined);
    } else {
      await this.conflicting(collection, id, () => this.table.deleteEntity(keys.partitionKey, keys.rowKey, { etag: expectedEtag }));
    }
    await this.replaced(keys, expectedEtag);
  }

  /**
   * One partition when the prefix names a head (it holds a '/'), else a PartitionKey range over the collection's
   * group; RowKey narrows to the collection and prefix either way. Sorted here: Table Storage orders by UTF-16 unit.
   */
  async list<T>(collection: string, idPrefix = ''): Promise<Array<Versioned<T>>> {
    const rowFrom = `${escapeKey(collection)}|${escapeKey(idPrefix)}`;
    const rows = `RowKey ge ${odata(rowFrom)} and RowKey lt ${odata(prefixEnd(rowFrom))}`;
    const slash = idPrefix.indexOf('/');
    const partitions =
      slash >= 0
        ? `PartitionKey eq ${odata(documentKeys(collection, idPrefix).partitionKey)}`
        : `PartitionKey ge ${odata(`${groupOf(collection)}|${escapeKey(idPrefix)}`)} and PartitionKey lt ${odata(prefixEnd(`${groupOf(collection)}|${escapeKey(idPrefix)}`))}`;
    // Entities first, blobs after: a blob read failing mid-iteration would otherwise be an unhandled rejection.
    const found: Array<{ id: string; entity: Record<string, unknown> & { partitionKey?: string; rowKey?: string; etag: string } }> = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter: `${partitions} and ${rows}` } })) {
      const parsed = parseRowKey(entity.rowKey!);
      if (parsed?.collection === collection && parsed.id.startsWith(idPrefix) && entity.deleted !== true) {
        found.push({ id: parsed.id, entity });
      }
    }
    const reads = found.map(async ({ id, entity }): Promise<Versioned<T> | undefined> => {
      const json = await this.values.decode(entity);
      if (json === undefined) {
        return this.get<T>(collection, id);
      }
      this.remember({ partitionKey: entity.partitionKey!, rowKey: entity.rowKey! }, entity.etag, entity);
      return { id, value: decodeJson<T>(json), etag: entity.etag };
    });
    const docs = (await Promise.all(reads)).filter((d): d is Versioned<T> => d !== undefined);
    return docs.sort((a, b) => compareIds(a.id, b.id));
  }

  /** Keys only, over the whole table: for store:copy, not for the bot's hot path. */
  async collections(): Promise<string[]> {
    const names = new Set<string>();
    for await (const entity of this.table.listEntities<{ deleted?: boolean }>({ queryOptions: { select: ['PartitionKey', 'RowKey', 'deleted'] } })) {
      const parsed = entity.partitionKey!.startsWith('~') || entity.deleted === true ? undefined : parseRowKey(entity.rowKey!);
      if (parsed) {
        names.add(parsed.collection);
      }
    }
    return [...names].sort(compareIds);
  }

  private checkFenced(collection: string, id: string, fence: Fence | undefined): void {
    if (!fence) {
      return;
    }
    assertFencedId(id, fence);
    if (!isRunGroup(collection)) {
      throw new RangeError(`fenced writes need the run's partition: ${collection} is not one of runs, steps, items`);
    }
  }

  /**
   * [fence token, document op] as one transaction; which of the two failed decides the error. Resolves with the
   * document's new etag. `overTombstone`: how a create retries when a tombstone holds the place.
   */
  private async fenced(collection: string, id: string, fence: Fence, action: TransactionAction, overTombstone?: (etag: string) => TransactionAction): Promise<string> {
    try {
      const response = await this.table.submitTransaction([this.fences.check(fence), action]);
      const etag = response.subResponses[1]?.etag?.trim();
      if (!etag) {
        throw new Error(`the transaction on ${collection}/${id} answered without the document's ETag`);
      }
      return etag;
    } catch (err) {
      if (!CONFLICT_STATUSES.includes(statusOf(err) ?? 0)) {
        throw err;
      }
      if (!(await this.fences.holds(fence))) {
        throw new FencedError(fence, await this.fences.current(fence.key));
      }
      const tombstone = overTombstone && (await this.tombstone(action[1]));
      if (overTombstone && tombstone !== undefined) {
        return this.fenced(collection, id, fence, overTombstone(tombstone));
      }
      throw new ConflictError(collection, id);
    }
  }

  /** Create-only; over a tombstone, a replace of exactly that tombstone. */
  private async create(collection: string, id: string, entity: TableEntity<ValueProperties>): Promise<string> {
    try {
      return (await this.table.createEntity(entity)).etag!;
    } catch (err) {
      const tombstone = statusOf(err) === 409 ? await this.tombstone(entity) : undefined;
      if (tombstone === undefined) {
        throw CONFLICT_STATUSES.includes(statusOf(err) ?? 0) ? new ConflictError(collection, id) : err;
      }
      return (await this.conflicting(collection, id, () => this.table.updateEntity(entity, 'Replace', { etag: tombstone }))).etag!;
    }
  }

  /** The etag of the tombstone at these keys, if that is what is there. */
  private async tombstone(keys: DocumentKeys): Promise<string | undefined> {
    try {
      const entity = await this.table.getEntity<{ deleted?: boolean }>(keys.partitionKey, keys.rowKey, { queryOptions: { select: ['deleted'] } });
      return entity.deleted === true ? entity.etag : undefined;
    } catch (err) {
      if (statusOf(err) === 404) {
        return undefined;
      }
      throw err;
    }
  }

  private async conflicting<R>(collection: string, id: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (err) {
      if (CONFLICT_STATUSES.includes(statusOf(err) ?? 0)) {
        throw new ConflictError(collection, id);
      }
      throw err;
    }
  }

  private remember(keys: DocumentKeys, etag: string, entity: Record<string, unknown>): void {
    if (typeof entity.blob !== 'string') {
      return;
    }
    this.blobsByVersion.set(`${keys.partitionKey}\n${keys.rowKey}\n${etag}`, entity.blob);
    if (this.blobsByVersion.size > REMEMBERED_BLOBS) {
      this.blobsByVersion.delete(this.blobsByVersion.keys().next().value!);
    }
  }

  /** After a successful replace or delete: the replaced version's blob, when this instance knows it, goes. */
  private async replaced(keys: DocumentKeys, etag: string | null): Promise<void> {
    if (etag === null) {
      return;
    }
    const version = `${keys.partitionKey}\n${keys.rowKey}\n${etag}`;
    const blob = this.blobsByVersion.get(version);
    this.blobsByVersion.delete(version);
    await this.values.remove(blob);
  }
}
