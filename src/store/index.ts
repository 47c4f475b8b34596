// The store's public face: the contract, its implementations, and the calls the composition root needs.
import { DefaultAzureCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import type { Config } from '../config';
import { AzureStore } from './azure/store';
import { blobServiceFor, ensureContainer, storageNames } from './azure/clients';
import { SqliteStore, type SqliteOptions } from './sqlite';
import type { Store } from './store';

export * from './store';
export { MemoryStore } from './memory';
export { SqliteStore, type SqliteOptions } from './sqlite';
export { AzureStore } from './azure/store';
export { exportAuditJsonLines } from './audit-export';

/** The embedded SQLite file `offboarding.db` under `dataDir` (created when missing). */
export function openStore(dataDir: string, options?: SqliteOptions): Store {
  return SqliteStore.open(dataDir, undefined, options);
}

export interface ConfiguredStore {
  store: Store;
  kind: 'sqlite' | 'azure';
  /** Azure only: container `<prefix>-leases` (created) for the run and housekeeping blob leases. */
  leaseContainer?: ContainerClient;
}

/** The store the configuration selects: Azure Storage when AZURE_STORAGE_* is set, else SQLite under DATA_DIR. */
export async function openConfiguredStore(config: Pick<Config, 'dataDir' | 'sqliteJournalMode' | 'storage'>): Promise<ConfiguredStore> {
  const { storage } = config;
  if (storage.kind === 'sqlite') {
    return { store: openStore(config.dataDir, { journalMode: config.sqliteJournalMode }), kind: 'sqlite' };
  }
  // One credential for the store and the leases: each instance caches its own tokens.
  const settings = { ...storage, ...(storage.accountName !== undefined && storage.connectionString === undefined ? { credential: new DefaultAzureCredential() } : {}) };
  const store = await AzureStore.open(settings);
  const leaseContainer = await ensureContainer(blobServiceFor(settings), storageNames(storage.prefix).leases);
  return { store, kind: 'azure', leaseContainer };
}
