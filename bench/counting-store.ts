// A Store that counts its round trips and adds a fixed latency to each: Azurite on loopback answers in well under a
// millisecond, real Azure Storage in a few; the injected figure shows what the engine's store traffic costs there.
import type { AuditEntry, AuditFilter, AuditRecord, Fence, Store, Versioned } from '../src/store/store';

export class CountingStore implements Store {
  roundTrips = 0;

  constructor(
    private readonly inner: Store,
    private readonly latencyMs = 0,
  ) {}

  private async trip<T>(call: () => Promise<T>): Promise<T> {
    this.roundTrips++;
    if (this.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    }
    return call();
  }

  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    return this.trip(() => this.inner.get<T>(collection, id));
  }
  put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string> {
    return this.trip(() => this.inner.put(collection, id, value, expectedEtag, fence));
  }
  delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void> {
    return this.trip(() => this.inner.delete(collection, id, expectedEtag, fence));
  }
  advanceFence(key: string): Promise<number> {
    return this.trip(() => this.inner.advanceFence(key));
  }
  collections(): Promise<string[]> {
    return this.trip(() => this.inner.collections());
  }
  list<T>(collection: string, idPrefix?: string): Promise<Array<Versioned<T>>> {
    return this.trip(() => this.inner.list<T>(collection, idPrefix));
  }
  appendAudit(entry: AuditEntry): Promise<void> {
    return this.trip(() => this.inner.appendAudit(entry));
  }
  appendAuditBatch(entries: AuditEntry[]): Promise<void> {
    return this.trip(() => this.inner.appendAuditBatch(entries));
  }
  readAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.trip(() => this.inner.readAudit(filter));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
