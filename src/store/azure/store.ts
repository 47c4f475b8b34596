// The shared store on Azure Storage: documents in Table Storage with ETag compare-and-swap and fencing tokens
// (documents.ts, fences.ts), the audit log in append blobs (audit-blobs.ts). Several instances share it safely.
// The SDKs retry transient failures themselves; the only loops here are the documented CAS ones.
import type { AuditEntry, AuditFilter, AuditRecord, Fence, Store, Versioned } from '../store';
import { AuditBlobs, DEFAULT_ROLL_AT_BLOCKS } from './audit-blobs';
import { openClients, type AzureStorageSettings } from './clients';
import { AzureDocuments } from './documents';
import { EntityValues } from './entity-values';
import { AzureFences } from './fences';

export interface AzureStoreOptions {
  /** Committed blocks after which the audit log moves to its next blob (tests make it small). */
  auditRollAtBlocks?: number;
}

export class AzureStore implements Store {
  private closed = false;

  private constructor(
    private readonly documents: AzureDocuments,
    private readonly fences: AzureFences,
    private readonly audit: AuditBlobs,
  ) {}

  static async open(settings: AzureStorageSettings, options: AzureStoreOptions = {}): Promise<AzureStore> {
    const clients = await openClients(settings);
    const fences = new AzureFences(clients.documents);
    const documents = new AzureDocuments(clients.documents, new EntityValues(clients.documentBlobs), fences);
    const audit = new AuditBlobs(clients.audit, clients.auditIndex, clients.documents, options.auditRollAtBlocks ?? DEFAULT_ROLL_AT_BLOCKS);
    return new AzureStore(documents, fences, audit);
  }

  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    return this.open(() => this.documents.get<T>(collection, id));
  }

  put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string> {
    return this.open(() => this.documents.put(collection, id, value, expectedEtag, fence));
  }

  delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void> {
    return this.open(() => this.documents.delete(collection, id, expectedEtag, fence));
  }

  list<T>(collection: string, idPrefix?: string): Promise<Array<Versioned<T>>> {
    return this.open(() => this.documents.list<T>(collection, idPrefix));
  }

  advanceFence(key: string): Promise<number> {
    return this.open(() => this.fences.advance(key));
  }

  collections(): Promise<string[]> {
    return this.open(() => this.documents.collections());
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.appendAuditBatch([entry]);
  }

  appendAuditBatch(entries: AuditEntry[]): Promise<void> {
    return this.open(() => this.audit.append(entries));
  }

  readAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.open(() => this.audit.read(filter));
  }

  /** Nothing to release (HTTP clients); a closed store refuses further calls like the others do. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async open<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new Error('the store is closed');
    }
    return call();
  }
}
