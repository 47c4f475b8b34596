// The Store contract in process memory, for fast unit tests of the domain. Same semantics as SqliteStore (the
// contract suite in test/store runs against both): values are kept as JSON text, etags change on every write.
import { ConflictError, FencedError, type AuditEntry, type Fence, type AuditFilter, type AuditRecord, type Store, type Versioned } from './store';
import { assertFencedId, auditColumns, auditRecord, compareIds, decodeJson, encodeJson, matchesAudit, newEtag, settle, type AuditColumns } from './values';

interface Stored {
  etag: string;
  json: string;
}

export class MemoryStore implements Store {
  private readonly byCollection = new Map<string, Map<string, Stored>>();
  private readonly audit: AuditColumns[] = [];
  private readonly fences = new Map<string, number>();
  private closed = false;

  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    return settle(() => {
      const stored = this.documents(collection).get(id);
      return stored && { id, value: decodeJson<T>(stored.json), etag: stored.etag };
    });
  }

  put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string> {
    return settle(() => {
      const documents = this.documents(collection);
      const json = encodeJson(value);
      this.checkFence(id, fence);
      if ((documents.get(id)?.etag ?? null) !== expectedEtag) {
        throw new ConflictError(collection, id);
      }
      const etag = newEtag();
      documents.set(id, { etag, json });
      return etag;
    });
  }

  delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void> {
    return settle(() => {
      const documents = this.documents(collection);
      this.checkFence(id, fence);
      if (documents.get(id)?.etag !== expectedEtag) {
        throw new ConflictError(collection, id);
      }
      documents.delete(id);
    });
  }

  list<T>(collection: string, idPrefix = ''): Promise<Array<Versioned<T>>> {
    return settle(() => {
      // Only the matches are copied: a run's steps are a few among thousands of documents.
      const matches: Array<[string, Stored]> = [];
      for (const entry of this.documents(collection)) {
        if (entry[0].startsWith(idPrefix)) {
          matches.push(entry);
        }
      }
      return matches.sort(([a], [b]) => compareIds(a, b)).map(([id, stored]) => ({ id, value: decodeJson<T>(stored.json), etag: stored.etag }));
    });
  }

  advanceFence(key: string): Promise<number> {
    return settle(() => {
      this.open();
      const epoch = (this.fences.get(key) ?? 0) + 1;
      this.fences.set(key, epoch);
      return epoch;
    });
  }

  collections(): Promise<string[]> {
    return settle(() => {
      this.open();
      return [...this.byCollection].filter(([, docs]) => docs.size > 0).map(([name]) => name).sort(compareIds);
    });
  }

  appendAuditBatch(entries: AuditEntry[]): Promise<void> {
    return entries.reduce((prev, entry) => prev.then(() => this.appendAudit(entry)), Promise.resolve());
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return settle(() => {
      this.open();
      this.audit.push({ ...auditColumns(entry), seq: this.audit.length + 1 });
    });
  }

  readAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return settle(() => {
      this.open();
      return this.audit.filter((row) => matchesAudit(row, filter)).map(auditRecord);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private checkFence(id: string, fence: Fence | undefined): void {
    if (!fence) {
      return;
    }
    assertFencedId(id, fence);
    const current = this.fences.get(fence.key);
    if (current !== fence.epoch) {
      throw new FencedError(fence, current);
    }
  }

  private documents(collection: string): Map<string, Stored> {
    this.open();
    let documents = this.byCollection.get(collection);
    if (!documents) {
      documents = new Map();
      this.byCollection.set(collection, documents);
    }
    return documents;
  }

  /** Like a closed database connection, a closed store refuses every call. */
  private open(): void {
    if (this.closed) {
      throw new Error('the store is closed');
    }
  }
}
