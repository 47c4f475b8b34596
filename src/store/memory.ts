// The Store contract in process memory, for fast unit tests of the domain. Same semantics as SqliteStore (the
// contract suite in test/store runs against both): values are kept as JSON text, etags change on every write.
import { ConflictError, type AuditEntry, type AuditFilter, type AuditRecord, type Store, type Versioned } from './store';
import { auditColumns, auditRecord, compareIds, decodeJson, encodeJson, matchesAudit, newEtag, settle, type AuditColumns } from './values';

interface Stored {
  etag: string;
  json: string;
}

export class MemoryStore implements Store {
  private readonly collections = new Map<string, Map<string, Stored>>();
  private readonly audit: AuditColumns[] = [];
  private closed = false;

  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    return settle(() => {
      const stored = this.documents(collection).get(id);
      return stored && { id, value: decodeJson<T>(stored.json), etag: stored.etag };
    });
  }

  put<T>(collection: string, id: string, value: T, expectedEtag: string | null): Promise<string> {
    return settle(() => {
      const documents = this.documents(collection);
      const json = encodeJson(value);
      if ((documents.get(id)?.etag ?? null) !== expectedEtag) {
        throw new ConflictError(collection, id);
      }
      const etag = newEtag();
      documents.set(id, { etag, json });
      return etag;
    });
  }

  delete(collection: string, id: string, expectedEtag: string): Promise<void> {
    return settle(() => {
      const documents = this.documents(collection);
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

  private documents(collection: string): Map<string, Stored> {
    this.open();
    let documents = this.collections.get(collection);
    if (!documents) {
      documents = new Map();
      this.collections.set(collection, documents);
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
