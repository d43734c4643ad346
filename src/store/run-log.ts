// The SQLite run history: one row per run, one per step (encrypt, rsync, pre/post command).
// Shared by the CLI and the web server at the same time (WAL + busy_timeout), so every write is
// a single short statement or transaction. It records results; it never decides them, and it
// never stores secrets (callers pass commands already redacted).
import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, CryptsyncError } from '../util/errors.js';
import { ensurePrivateDir, tightenMode, PRIVATE_FILE_MODE } from '../util/home.js';
import { migrate } from './migrations.js';
import { boundTail } from './output-tail.js';

import { RUN_STATUSES, RUN_KINDS, RUN_TRIGGERS, STEP_KINDS as MAIN_STEP_KINDS, HOOK_KINDS, SERVER_STEP_KINDS, type RunKind, type RunStatus, type RunTrigger, type LoggedStepKind as StepKind } from '../util/vocabulary.js';
import type { RunRecord, StepRecord } from './records.js';

export { RUN_STATUSES, type RunStatus, type StepKind, type RunRecord, type StepRecord };
const STEP_KINDS: readonly StepKind[] = [...MAIN_STEP_KINDS, ...HOOK_KINDS, ...SERVER_STEP_KINDS];
/** how long a writer waits for the other process's lock before SQLITE_BUSY */
export const BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_LIST_LIMIT = 100;

export type StepFinish = Partial<Omit<StepRecord, 'id' | 'runId' | 'seq' | 'startedAt'>> & { status: RunStatus };

export interface RunFilter {
  task?: string;
  kind?: RunKind;
  status?: RunStatus;
  profile?: string;
  limit?: number;
  /** only runs with id > sinceId (polling for new rows) */
  sinceId?: number;
}

export interface LastRun {
  lastRunAt: string;
  status: RunStatus;
  lastOkAt?: string;
}

interface RunRow {
  id: number;
  kind: RunKind;
  task: string;
  profile: string;
  dry_run: number;
  combined: number;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  exit_code: number | null;
  duration_ms: number | null;
  pid: number;
  started_by: RunTrigger;
}

interface StepRow {
  id: number;
  run_id: number;
  seq: number;
  kind: StepKind;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
  exit_code: number | null;
  files: number;
  files_new: number;
  files_changed: number;
  files_deleted: number;
  bytes: number;
  duration_ms: number | null;
  message: string | null;
  error_code: string | null;
  output_tail: string;
  command: string | null;
}

function nowIso(): string {
  return new Date().toISOString();
}

function elapsedMs(startIso: string, endIso: string): number {
  return Math.max(0, Date.parse(endIso) - Date.parse(startIso));
}

function checkStatus(status: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new CryptsyncError('usage', 'BAD_STATUS', `unknown run status ${JSON.stringify(status)}`);
  }
  return status as RunStatus;
}

function toStep(r: StepRow): StepRecord {
  return {
    id: r.id,
    runId: r.run_id,
    seq: r.seq,
    kind: r.kind,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    files: r.files,
    filesNew: r.files_new,
    filesChanged: r.files_changed,
    filesDeleted: r.files_deleted,
    bytes: r.bytes,
    durationMs: r.duration_ms,
    message: r.message,
    errorCode: r.error_code,
    outputTail: r.output_tail,
    command: r.command,
  };
}

function toRun(r: RunRow, steps: StepRecord[]): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    task: r.task,
    profile: r.profile,
    dryRun: r.dry_run !== 0,
    combined: r.combined !== 0,
    status: r.status,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    durationMs: r.duration_ms,
    pid: r.pid,
    startedBy: r.started_by,
    steps,
  };
}

function makePrivate(dbPath: string): void {
  ensurePrivateDir(dirname(dbPath));
  closeSync(openSync(dbPath, 'a', PRIVATE_FILE_MODE));
  for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) tightenMode(p, PRIVATE_FILE_MODE);
}

export class RunLog {
  readonly path: string;
  readonly #db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
  }

  /**
   * Opens (creating folder and file if needed) and migrates the run log at dbPath. The folder is
   * made 0700 and the database 0600 (an existing, more open one is tightened); SQLite gives its
   * -wal and -shm files the database's permissions, and old ones are tightened here too.
   */
  static open(dbPath: string): RunLog {
    let db: Database.Database | undefined;
    try {
      makePrivate(dbPath);
      db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
      migrate(db, dbPath);
    } catch (e) {
      db?.close();
      if (e instanceof CryptsyncError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new ConfigError('DB_CORRUPT', `${dbPath}: not a cryptsync run log (damaged or foreign file)`, dbPath);
      }
      throw new CryptsyncError('io', 'DB_OPEN', `${dbPath}: cannot open the run log: ${(e as Error).message}`, {
        subject: dbPath,
        cause: e,
      });
    }
    return new RunLog(dbPath, db);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  startRun(r: { task: string; profile: string; dryRun: boolean; combined: boolean; pid?: number; kind?: RunKind; startedBy?: RunTrigger }): number {
    const kind = r.kind ?? 'task';
    if (!RUN_KINDS.includes(kind)) throw new CryptsyncError('usage', 'BAD_RUN_KIND', `unknown run kind ${JSON.stringify(kind)}`);
    const startedBy = r.startedBy ?? 'manual';
    if (!RUN_TRIGGERS.includes(startedBy)) throw new CryptsyncError('usage', 'BAD_TRIGGER', `unknown run trigger ${JSON.stringify(startedBy)}`);
    const info = this.#db
      .prepare(
        `INSERT INTO runs (kind, task, profile, dry_run, combined, status, started_at, pid, started_by)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(kind, r.task, r.profile, r.dryRun ? 1 : 0, r.combined ? 1 : 0, nowIso(), r.pid ?? process.pid, startedBy);
    return Number(info.lastInsertRowid);
  }

  startStep(runId: number, s: { kind: StepKind; command?: string }): number {
    if (!STEP_KINDS.includes(s.kind)) {
      throw new CryptsyncError('usage', 'BAD_STEP_KIND', `unknown step kind ${JSON.stringify(s.kind)}`);
    }
    const insert = this.#db.transaction((): number => {
      const run = this.#db.prepare('SELECT id FROM runs WHERE id = ?').get(runId);
      if (run === undefined) throw new CryptsyncError('not-found', 'RUN_NOT_FOUND', `run ${runId} is not in the run log`);
      const row = this.#db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM steps WHERE run_id = ?').get(runId) as {
        seq: number;
      };
      const info = this.#db
        .prepare(
          `INSERT INTO steps (run_id, seq, kind, status, started_at, command) VALUES (?, ?, ?, 'running', ?, ?)`,
        )
        .run(runId, row.seq, s.kind, nowIso(), s.command ?? null);
      return Number(info.lastInsertRowid);
    });
    return insert.immediate();
  }

  finishStep(stepId: number, s: StepFinish): void {
    const status = checkStatus(s.status);
    const update = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT * FROM steps WHERE id = ?').get(stepId) as StepRow | undefined;
      if (row === undefined) throw new CryptsyncError('not-found', 'STEP_NOT_FOUND', `step ${stepId} is not in the run log`);
      const endedAt = s.endedAt ?? (status === 'running' ? null : nowIso());
      const durationMs = s.durationMs ?? (endedAt === null ? null : elapsedMs(row.started_at, endedAt));
      this.#db
        .prepare(
          `UPDATE steps SET kind = ?, status = ?, ended_at = ?, exit_code = ?, files = ?, files_new = ?,
             files_changed = ?, files_deleted = ?, bytes = ?, duration_ms = ?, message = ?, error_code = ?, output_tail = ?, command = ?
           WHERE id = ?`,
        )
        .run(
          s.kind ?? row.kind,
          status,
          endedAt,
          s.exitCode !== undefined ? s.exitCode : row.exit_code,
          s.files ?? row.files,
          s.filesNew ?? row.files_new,
          s.filesChanged ?? row.files_changed,
          s.filesDeleted ?? row.files_deleted,
          s.bytes ?? row.bytes,
          durationMs,
          s.message !== undefined ? s.message : row.message,
          s.errorCode !== undefined ? s.errorCode : row.error_code,
          s.outputTail !== undefined ? boundTail(s.outputTail) : row.output_tail,
          s.command !== undefined ? s.command : row.command,
          stepId,
        );
    });
    update.immediate();
  }

  /** Ends a run. Steps still 'running' (the caller gave up on them) are marked 'aborted'. */
  finishRun(runId: number, r: { status: RunStatus; exitCode: number | null }): void {
    const status = checkStatus(r.status);
    const update = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT started_at FROM runs WHERE id = ?').get(runId) as
        | { started_at: string }
        | undefined;
      if (row === undefined) throw new CryptsyncError('not-found', 'RUN_NOT_FOUND', `run ${runId} is not in the run log`);
      const endedAt = nowIso();
      this.#db
        .prepare('UPDATE runs SET status = ?, exit_code = ?, ended_at = ?, duration_ms = ? WHERE id = ?')
        .run(status, r.exitCode, endedAt, elapsedMs(row.started_at, endedAt), runId);
      this.#abortRunningSteps(runId, endedAt);
    });
    update.immediate();
  }

  #abortRunningSteps(runId: number, endedAt: string): void {
    const steps = this.#db
      .prepare(`SELECT id, started_at FROM steps WHERE run_id = ? AND status = 'running'`)
      .all(runId) as Array<{ id: number; started_at: string }>;
    const stmt = this.#db.prepare(`UPDATE steps SET status = 'aborted', ended_at = ?, duration_ms = ? WHERE id = ?`);
    for (const s of steps) stmt.run(endedAt, elapsedMs(s.started_at, endedAt), s.id);
  }

  /** Newest first. */
  listRuns(f: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (f.task !== undefined) {
      where.push('task = ?');
      params.push(f.task);
    }
    if (f.kind !== undefined) {
      where.push('kind = ?');
      params.push(f.kind);
    }
    if (f.status !== undefined) {
      where.push('status = ?');
      params.push(checkStatus(f.status));
    }
    if (f.profile !== undefined) {
      where.push('profile = ?');
      params.push(f.profile);
    }
    if (f.sinceId !== undefined) {
      where.push('id > ?');
      params.push(f.sinceId);
    }
    const limit = f.limit === undefined ? DEFAULT_LIST_LIMIT : Math.max(0, Math.floor(f.limit));
    const sql = `SELECT * FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const read = this.#db.transaction((): RunRecord[] => {
      const rows = this.#db.prepare(sql).all(...params, limit) as RunRow[];
      return this.#withSteps(rows);
    });
    return read();
  }

  getRun(id: number): RunRecord | null {
    const read = this.#db.transaction((): RunRecord | null => {
      const row = this.#db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
      return row === undefined ? null : (this.#withSteps([row])[0] ?? null);
    });
    return read();
  }

  #withSteps(rows: RunRow[]): RunRecord[] {
    if (rows.length === 0) return [];
    const byRun = new Map<number, StepRecord[]>();
    for (const r of rows) byRun.set(r.id, []);
    const ids = rows.map((r) => r.id);
    const steps = this.#db
      .prepare(`SELECT * FROM steps WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, seq`)
      .all(JSON.stringify(ids)) as StepRow[];
    for (const s of steps) byRun.get(s.run_id)?.push(toStep(s));
    return rows.map((r) => toRun(r, byRun.get(r.id) ?? []));
  }

  /**
   * The newest real (non-dry-run) run of each task, and when it last ended ok; restores and
   * verifies from a server are not backups and do not count. Without a profile
   * all profiles are searched and the newest run of a task name wins.
   */
  lastRuns(profile?: string): Map<string, LastRun> {
    const filter = profile === undefined ? '' : 'AND profile = ?';
    const params = profile === undefined ? [] : [profile];
    const rows = this.#db
      .prepare(
        `SELECT r.task, r.status, r.started_at,
                (SELECT MAX(o.started_at) FROM runs o
                  WHERE o.task = r.task AND o.profile = r.profile AND o.dry_run = 0 AND o.kind = 'task' AND o.status = 'ok') AS last_ok
           FROM runs r
          WHERE r.id IN (SELECT MAX(id) FROM runs WHERE dry_run = 0 AND kind = 'task' ${filter} GROUP BY profile, task)
          ORDER BY r.id ASC`,
      )
      .all(...params) as Array<{ task: string; status: RunStatus; started_at: string; last_ok: string | null }>;
    const out = new Map<string, LastRun>();
    for (const r of rows) {
      const entry: LastRun = { lastRunAt: r.started_at, status: r.status };
      if (r.last_ok !== null) entry.lastOkAt = r.last_ok;
      out.set(r.task, entry);
    }
    return out;
  }

  /**
   * Per task, the newest step of `kind` in its real combined runs, and when such a step last
   * ended ok: what an encrypt task did as the first step of the combined tasks connected to it
   * (its step can succeed while the combined run fails at the push).
   */
  lastStepRuns(profile: string, kind: StepKind): Map<string, LastRun> {
    const rows = this.#db
      .prepare(
        `SELECT r.task, s.status, s.started_at,
                (SELECT MAX(s2.started_at) FROM steps s2 JOIN runs r2 ON r2.id = s2.run_id
                  WHERE r2.task = r.task AND r2.profile = r.profile AND r2.dry_run = 0 AND r2.combined = 1
                    AND s2.kind = s.kind AND s2.status = 'ok') AS last_ok
           FROM steps s JOIN runs r ON r.id = s.run_id
          WHERE s.id IN (SELECT MAX(s3.id) FROM steps s3 JOIN runs r3 ON r3.id = s3.run_id
                          WHERE r3.dry_run = 0 AND r3.combined = 1 AND r3.profile = ? AND s3.kind = ?
                          GROUP BY r3.task)`,
      )
      .all(profile, kind) as Array<{ task: string; status: RunStatus; started_at: string; last_ok: string | null }>;
    const out = new Map<string, LastRun>();
    for (const r of rows) out.set(r.task, { lastRunAt: r.started_at, status: r.status, ...(r.last_ok !== null ? { lastOkAt: r.last_ok } : {}) });
    return out;
  }

  /** Runs left 'running' by a process that no longer exists become 'aborted'. Returns how many. */
  markStaleRuns(isAlive: (pid: number) => boolean): number {
    const rows = this.#db.prepare(`SELECT id, pid, started_at FROM runs WHERE status = 'running'`).all() as Array<{
      id: number;
      pid: number;
      started_at: string;
    }>;
    const stale = rows.filter((r) => !isAlive(r.pid));
    if (stale.length === 0) return 0;
    const update = this.#db.transaction(() => {
      const endedAt = nowIso();
      const stmt = this.#db.prepare(
        `UPDATE runs SET status = 'aborted', ended_at = ?, duration_ms = ? WHERE id = ? AND status = 'running'`,
      );
      let n = 0;
      for (const r of stale) {
        n += stmt.run(endedAt, elapsedMs(r.started_at, endedAt), r.id).changes;
        this.#abortRunningSteps(r.id, endedAt);
      }
      return n;
    });
    return update.immediate();
  }

  /** Keeps the newest `keep` finished runs (running ones are never pruned). Returns how many went. */
  pruneRuns(keep: number): number {
    if (!Number.isInteger(keep) || keep < 0) {
      throw new CryptsyncError('usage', 'BAD_KEEP', `keep must be a whole number >= 0, got ${keep}`);
    }
    const prune = this.#db.transaction((): number => {
      const doomed = `SELECT id FROM runs WHERE status != 'running' ORDER BY id DESC LIMIT -1 OFFSET ?`;
      this.#db.prepare(`DELETE FROM steps WHERE run_id IN (${doomed})`).run(keep);
      return this.#db.prepare(`DELETE FROM runs WHERE id IN (${doomed})`).run(keep).changes;
    });
    return prune.immediate();
  }
}
