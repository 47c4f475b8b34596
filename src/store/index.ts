// The store's public face: the contract, its implementations, and the one call the composition root needs.
import { SqliteStore, type SqliteOptions } from './sqlite';
import type { Store } from './store';

export * from './store';
export { MemoryStore } from './memory';
export { SqliteStore, type SqliteOptions } from './sqlite';
export { exportAuditJsonLines } from './audit-export';

/** The store the bot runs on: the embedded SQLite file `offboarding.db` under `dataDir` (created when missing). */
export function openStore(dataDir: string, options?: SqliteOptions): Store {
  return SqliteStore.open(dataDir, undefined, options);
}
