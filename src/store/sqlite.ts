// The embedded default Store: one SQLite file under DATA_DIR, through better-sqlite3 (synchronous, so every call
// is one short statement that never spans an await). Compare-and-swap is a single conditional statement whose
// `changes` count says whether the write won, so it holds between connections and between processes alike.
import fs from 'node:fs';
import path from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { migrate } from './sqlite-schema';
import { ConflictError, FencedError, type AuditEntry, type Fence, type AuditFilter, type AuditRecord, type Store, type Versioned } from './store';
import { assertFencedId, auditColumns, auditRecord, decodeJson, encodeJson, newEtag, settle, type AuditColumns } from './values';

export interface SqliteOptions {
  /**
   * WAL (default) lets readers run beside the writer. Use DELETE where the data directory is a network share,
   * such as /home on Azure App Service (SMB): WAL needs shared memory that network file systems do not provide.
   * The bot takes it from its configuration (SQLITE_JOURNAL_MODE, DELETE by default on App Service's /home: config.ts).
   */
  journalMode?: 'WAL' | 'DELETE';
  /** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Open an existing file for reading only, changing nothing (not even the journal mode): for export tools. */
  readonly?: boolean;
}

interface DocumentRow {
  id: string;
  etag: string;
  value: string;
}

const AUDIT_COLUMNS =
  'seq, time, kind, request_id AS requestId, run_id AS runId, step_id AS stepId, m365_request_id AS m365RequestId, data';

export class SqliteStore implements Store {
  private readonly statements = new Map<string, Statement>();

  private constructor(
    private readonly db: Database.Database,
    /** The database file. */
    readonly file: string,
  ) {}

  static open(dataDir: string, fileName = 'offboarding.db', options: SqliteOptions = {}): SqliteStore {
    const file = path.resolve(dataDir, fileName);
    if (!options.readonly) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: options.busyTimeoutMs ?? 5000 });
    try {
      if (!options.readonly) {
        const journalMode = options.journalMode ?? 'WAL';
        db.pragma(`journal_mode = ${journalMode}`);
        // WAL + NORMAL syncs at checkpoints only: a power loss (not a crashed or killed process) may lose the last
        // transactions but never corrupts the file. In rollback (DELETE) mode NORMAL may corrupt on a power loss, so FULL.
        db.pragma(`synchronous = ${journalMode === 'WAL' ? 'NORMAL' : 'FULL'}`);
        migrate(db);
      }
      return new SqliteStore(db, file);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get<T>(collection: string, id: string): Promise<Versioned<T> | undefined> {
    return settle(() => {
      const row = this.statement('SELECT id, etag, value FROM documents WHERE collection = ? AND id = ?').get(collection, id) as
        | DocumentRow
        | undefined;
      return row && versioned<T>(row);
    });
  }

  put<T>(collection: string, id: string, value: T, expectedEtag: string | null, fence?: Fence): Promise<string> {
    return settle(() => {
      const json = encodeJson(value);
      const etag = newEtag();
      const now = new Date().toISOString();
      const { changes } = this.fenced(id, fence, () =>
        expectedEtag === null
          ? this.statement(
              'INSERT INTO documents (collection, id, etag, value, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
            ).run(collection, id, etag, json, now)
          : this.statement(
              'UPDATE documents SET etag = ?, value = ?, updated_at = ? WHERE collection = ? AND id = ? AND etag = ?',
            ).run(etag, json, now, collection, id, expectedEtag),
      );
      if (changes !== 1) {
        throw new ConflictError(collection, id);
      }
      return etag;
    });
  }

  delete(collection: string, id: string, expectedEtag: string, fence?: Fence): Promise<void> {
    return settle(() => {
      const { changes } = this.fenced(id, fence, () => this.statement('DELETE FROM documents WHERE collection = ? AND id = ? AND etag = ?').run(collection, id, expectedEtag));
      if (changes !== 1) {
        throw new ConflictError(collection, id);
      }
    });
  }

  list<T>(collection: string, idPrefix = ''): Promise<Array<Versioned<T>>> {
    return settle(() => {
      // GLOB, not LIKE: LIKE ignores ASCII case. Escaped, the prefix matches literally and still narrows the index range.
      const rows = this.statement('SELECT id, etag, value FROM documents WHERE collection = ? AND id GLOB ? ORDER BY id').all(
        collection,
        `${escapeGlob(idPrefix)}*`,
      ) as DocumentRow[];
      return rows.map((row) => versioned<T>(row));
    });
  }

  advanceFence(key: string): Promise<number> {
    return settle(() => {
      const row = this.statement('INSERT INTO fences (key, epoch) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET epoch = epoch + 1 RETURNING epoch').get(key) as { epoch: number };
      return row.epoch;
    });
  }

  collections(): Promise<string[]> {
    return settle(() => (this.statement('SELECT DISTINCT collection FROM documents ORDER BY collection').all() as Array<{ collection: string }>).map((r) => r.collection));
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.appendAuditBatch([entry]);
  }

  appendAuditBatch(entries: AuditEntry[]): Promise<void> {
    return settle(() => {
      const insert = this.statement(
        `INSERT INTO audit (time, kind, request_id, run_id, step_id, m365_request_id, data)
         VALUES (@time, @kind, @requestId, @runId, @stepId, @m365RequestId, @data)`,
      );
      // One transaction, one journal write, however many entries.
      this.db.transaction(() => {
        for (const entry of entries) {
          insert.run(auditColumns(entry));
        }
      })();
    });
  }

  readAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    return settle(() => {
      const where = [filter.requestId !== undefined && 'request_id = @requestId', filter.runId !== undefined && 'run_id = @runId'].filter(Boolean);
      const sql = `SELECT ${AUDIT_COLUMNS} FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
      const rows = this.statement(sql).all({ requestId: filter.requestId, runId: filter.runId }) as AuditColumns[];
      return rows.map(auditRecord);
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.statements.clear();
      this.db.close();
    });
  }

  /** Runs a write; with a fence, in one transaction with the check of the fence's epoch (FencedError when stale). */
  private fenced<T>(id: string, fence: Fence | undefined, write: () => T): T {
    if (!fence) {
      return write();
    }
    assertFencedId(id, fence);
    return this.db.transaction(() => {
      const current = (this.statement('SELECT epoch FROM fences WHERE key = ?').get(fence.key) as { epoch: number } | undefined)?.epoch;
      if (current !== fence.epoch) {
        throw new FencedError(fence, current);
      }
      return write();
    })();
  }

  /** Prepared once per SQL text and reused: preparing costs more than running these statements. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function versioned<T>(row: DocumentRow): Versioned<T> {
  return { id: row.id, value: decodeJson<T>(row.value), etag: row.etag };
}

/** GLOB's wildcards (* ? [) each as a one-character class, which matches exactly that character. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, '[$&]');
}
