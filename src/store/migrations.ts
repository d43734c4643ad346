// Numbered schema migrations for the run log. PRAGMA user_version holds the number of the last
// migration applied. Migrations are append-only: never edit one that has shipped, add the next.
import type Database from 'better-sqlite3';
import { ConfigError } from '../util/errors.js';

/** index i holds migration number i + 1 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     task TEXT NOT NULL,
     profile TEXT NOT NULL,
     dry_run INTEGER NOT NULL,
     combined INTEGER NOT NULL,
     status TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     exit_code INTEGER,
     duration_ms INTEGER,
     pid INTEGER NOT NULL
   );
   CREATE INDEX runs_by_task ON runs (profile, task, dry_run, id);
   CREATE INDEX runs_by_status ON runs (status);
   CREATE TABLE steps (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     exit_code INTEGER,
     files INTEGER NOT NULL DEFAULT 0,
     files_new INTEGER NOT NULL DEFAULT 0,
     files_changed INTEGER NOT NULL DEFAULT 0,
     files_deleted INTEGER NOT NULL DEFAULT 0,
     bytes INTEGER NOT NULL DEFAULT 0,
     duration_ms INTEGER,
     message TEXT,
     output_tail TEXT NOT NULL DEFAULT '',
     command TEXT,
     UNIQUE (run_id, seq)
   );`,
  // the stable code of the error that ended a step (MASS_DELETE, WRONG_PASSWORD, ...)
  `ALTER TABLE steps ADD COLUMN error_code TEXT;`,
  // what a run is: a task's run, or a restore / verify straight from a server (RUN_KINDS)
  `ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'task';`,
  // who started the run: 'manual' (CLI, web UI) or the scheduler ('schedule', 'catch-up', 'retry')
  `ALTER TABLE runs ADD COLUMN started_by TEXT NOT NULL DEFAULT 'manual';`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database up to SCHEMA_VERSION. Runs inside one IMMEDIATE transaction and re-reads
 * the version inside it, so two processes opening a fresh file at once migrate it exactly once.
 */
export function migrate(db: Database.Database, dbPath: string): void {
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new ConfigError(
        'DB_TOO_NEW',
        `${dbPath}: run log schema version ${current} is newer than this cryptsync understands (${SCHEMA_VERSION}); upgrade cryptsync`,
        dbPath,
      );
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  apply.immediate();
}
