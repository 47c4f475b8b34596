// The SQLite schema, as numbered migrations tracked in PRAGMA user_version: a new version of the bot appends a
// migration here and every existing data directory is brought up to date when it opens.
import type { Database } from 'better-sqlite3';

const APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit log is append-only')";

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    etag       TEXT NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;

  CREATE TABLE audit (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    time           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    request_id     TEXT,
    run_id         TEXT,
    step_id        TEXT,
    m365_request_id TEXT,
    data           TEXT CHECK (data IS NULL OR json_valid(data))
  );
  -- seq is the rowid, which every index carries last: a filtered read comes out in append order without a sort.
  CREATE INDEX audit_request ON audit (request_id);
  CREATE INDEX audit_run ON audit (run_id);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN ${APPEND_ONLY}; END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN ${APPEND_ONLY}; END;
  `,
  // Fencing epochs of run owners (store.ts Fence): a fenced write checks its epoch in the same transaction.
  `
  CREATE TABLE fences (
    key   TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

/** Brings the schema up to date. IMMEDIATE takes the write lock first, so two processes opening at once migrate once. */
export function migrate(db: Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`${db.name} has schema version ${version}, newer than this bot knows (${MIGRATIONS.length}); upgrade the bot`);
    }
    for (const sql of MIGRATIONS.slice(version)) {
      db.exec(sql);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
