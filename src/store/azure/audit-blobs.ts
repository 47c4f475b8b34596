// The audit log as JSON lines in append blobs (`<prefix>-audit/audit-000001.jsonl`, …): one appendBlock per batch
// (atomic and ordered; a batch over 4 MiB is split into several blocks), rolled over to the next blob well before an
// append blob's 50,000-block limit. The current blob's number is an entity in the documents table, moved on by CAS,
// so every instance follows. Nothing here updates or deletes a blob's content: append blobs have no API for it.
//
// seq on Azure is `blob number * 1e12 + byte offset of the line in its blob`: increasing in append order, not dense.
// Filtered reads (audit:export --run/--request) go through the `<prefix>auditindex` table: PK `request|<id>` or
// `run|<id>`, RK `<blob>|<offset>` of each block holding such an entry, written right after the append (an instance
// dying in between leaves that block out of filtered reads, never out of the whole log).
import type { TableClient } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import type { AuditEntry, AuditFilter, AuditRecord } from '../store';
import { auditColumns, auditRecord, encodeJson, matchesAudit, type AuditColumns } from '../values';
import { blobCallLimit } from './clients';
import { codeOf, statusOf } from './errors';
import { escapeKey, odata } from './keys';

/** Append Block's size limit. */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
/** Roll at 40,000 committed blocks: 10,000 to spare for instances still appending to the old blob. */
export const DEFAULT_ROLL_AT_BLOCKS = 40_000;
const SEQ_PER_BLOB = 1e12;
const POINTER = { partitionKey: '~audit', rowKey: 'current' };
const READ_CONCURRENCY = 8;
/** Passes of one append (see appendBlock). */
const MAX_APPEND_TRIES = 5;

export function auditBlobName(blob: number): string {
  return `audit-${String(blob).padStart(6, '0')}.jsonl`;
}

function indexRowKey(blob: number, offset: number): string {
  return `${String(blob).padStart(6, '0')}|${String(offset).padStart(15, '0')}`;
}

interface Pointer {
  blob: number;
  etag: string;
}

type StoredLine = Omit<AuditColumns, 'seq' | 'data'> & { data: unknown };

export class AuditBlobs {
  private pointer?: Pointer;

  constructor(
    private readonly container: ContainerClient,
    private readonly index: TableClient,
    /** Holds the current blob's number. */
    private readonly documents: TableClient,
    private readonly rollAtBlocks = DEFAULT_ROLL_AT_BLOCKS,
  ) {}

  async append(entries: AuditEntry[]): Promise<void> {
    const lines = entries.map((entry) => {
      const columns = auditColumns(entry);
      const line: StoredLine = { ...columns, data: entry.data ?? null };
      return { columns, bytes: Buffer.from(`${encodeJson(line)}\n`, 'utf8') };
    });
    const tooLarge = lines.find((line) => line.bytes.length > MAX_BLOCK_BYTES);
    if (tooLarge) {
      throw new RangeError(`an audit entry of ${tooLarge.bytes.length} bytes is larger than an append block (${MAX_BLOCK_BYTES})`);
    }
    let block: typeof lines = [];
    let size = 0;
    for (const line of lines) {
      if (size + line.bytes.length > MAX_BLOCK_BYTES) {
        await this.appendBlock(block);
        block = [];
        size = 0;
      }
      block.push(line);
      size += line.bytes.length;
    }
    if (block.length > 0) {
      await this.appendBlock(block);
    }
  }

  async read(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const rows = filter.runId === undefined && filter.requestId === undefined ? await this.readAll() : await this.readIndexed(filter);
    return rows.filter((row) => matchesAudit(row, filter)).map(auditRecord);
  }

  private async appendBlock(lines: Array<{ columns: ReturnType<typeof auditColumns>; bytes: Buffer }>): Promise<void> {
    const body = Buffer.concat(lines.map((l) => l.bytes));
    // Each pass that does not append moves something on (a blob created, the log rolled): a few are plenty, and a
    // store that keeps answering so is an error, never a silent spin.
    for (let tries = 1; ; tries++) {
      const pointer = await this.current();
      const blob = this.container.getAppendBlobClient(auditBlobName(pointer.blob));
      let response;
      try {
        response = await blob.appendBlock(body, body.length, blobCallLimit());
      } catch (err) {
        if (tries >= MAX_APPEND_TRIES) {
          throw err;
        }
        if (statusOf(err) === 404) {
          await blob.createIfNotExists(blobCallLimit());
          continue;
        }
        if (statusOf(err) === 409 && codeOf(err) === 'BlockCountExceedsLimit') {
          await this.roll(pointer);
          continue;
        }
        throw err;
      }
      await this.indexBlock(pointer.blob, Number(response.blobAppendOffset), body.length, lines.map((l) => l.columns));
      if ((response.blobCommittedBlockCount ?? 0) >= this.rollAtBlocks) {
        await this.roll(pointer);
      }
      return;
    }
  }

  private async indexBlock(blob: number, offset: number, length: number, columns: Array<ReturnType<typeof auditColumns>>): Promise<void> {
    const partitions = new Set<string>();
    for (const c of columns) {
      if (c.requestId !== null) {
        partitions.add(`request|${escapeKey(c.requestId)}`);
      }
      if (c.runId !== null) {
        partitions.add(`run|${escapeKey(c.runId)}`);
      }
    }
    const rowKey = indexRowKey(blob, offset);
    await Promise.all([...partitions].map((partitionKey) => this.index.upsertEntity({ partitionKey, rowKey, blob, offset, length }, 'Replace')));
  }

  private async current(): Promise<Pointer> {
    if (this.pointer) {
      return this.pointer;
    }
    for (;;) {
      try {
        const entity = await this.documents.getEntity<{ blob: number }>(POINTER.partitionKey, POINTER.rowKey);
        return (this.pointer = { blob: Number(entity.blob), etag: entity.etag });
      } catch (err) {
        if (statusOf(err) !== 404) {
          throw err;
        }
      }
      try {
        const created = await this.documents.createEntity({ ...POINTER, blob: 1 });
        return (this.pointer = { blob: 1, etag: created.etag! });
      } catch (err) {
        if (statusOf(err) !== 409) {
          throw err;
        }
      }
    }
  }

  /** Moves every instance on from `from`'s blob (CAS); when another instance already did, just follows it. */
  private async roll(from: Pointer): Promise<void> {
    try {
      const updated = await this.documents.updateEntity({ ...POINTER, blob: from.blob + 1 }, 'Replace', { etag: from.etag });
      this.pointer = { blob: from.blob + 1, etag: updated.etag! };
    } catch (err) {
      if (statusOf(err) !== 412) {
        throw err;
      }
      this.pointer = undefined;
    }
  }

  private async readAll(): Promise<AuditColumns[]> {
    const blobs: Array<{ blob: number; length: number }> = [];
    for await (const item of this.container.listBlobsFlat({ prefix: 'audit-' })) {
      const match = /^audit-(\d+)\.jsonl$/.exec(item.name);
      // Read up to the length listed: lines appended meanwhile wait for the next read; a blob just created is empty.
      const length = item.properties.contentLength ?? 0;
      if (match && length > 0) {
        blobs.push({ blob: Number(match[1]), length });
      }
    }
    blobs.sort((a, b) => a.blob - b.blob);
    const parts = await inBatches(blobs, (b) => this.download(b.blob, 0, b.length));
    return parts.flat();
  }

  private async readIndexed(filter: AuditFilter): Promise<AuditColumns[]> {
    const partitionKey = filter.runId !== undefined ? `run|${escapeKey(filter.runId)}` : `request|${escapeKey(filter.requestId!)}`;
    const blocks: Array<{ blob: number; offset: number; length: number }> = [];
    for await (const e of this.index.listEntities<{ blob: number; offset: number; length: number }>({ queryOptions: { filter: `PartitionKey eq ${odata(partitionKey)}` } })) {
      blocks.push({ blob: Number(e.blob), offset: Number(e.offset), length: Number(e.length) });
    }
    // RowKeys sort as (blob, offset): already append order.
    const parts = await inBatches(blocks, (b) => this.download(b.blob, b.offset, b.length));
    return parts.flat();
  }

  /** The lines of a blob (or of one block of it), each numbered by its byte offset in the blob. */
  private async download(blob: number, offset: number, length?: number): Promise<AuditColumns[]> {
    const buffer = await this.container.getAppendBlobClient(auditBlobName(blob)).downloadToBuffer(offset, length);
    const rows: AuditColumns[] = [];
    for (let start = 0; start < buffer.length; ) {
      const end = buffer.indexOf(0x0a, start);
      const stop = end < 0 ? buffer.length : end;
      const line = JSON.parse(buffer.subarray(start, stop).toString('utf8')) as StoredLine;
      rows.push({ ...line, data: line.data === null ? null : encodeJson(line.data), seq: blob * SEQ_PER_BLOB + offset + start });
      start = stop + 1;
    }
    return rows;
  }
}

/** Maps with at most READ_CONCURRENCY calls in flight, results in input order. */
async function inBatches<T, R>(items: T[], map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += READ_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(i, i + READ_CONCURRENCY).map(map))));
  }
  return results;
}
