// The run log's run kinds against a real SQLite file: a run log made before kinds existed reads
// back with every run as a task run; restores and verifies from a server are listed (and
// filtered) by kind with their fetch/restore/verify steps, never count as a task's last run, and
// an unknown kind or step is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RunLog } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cryptsync-kinds-'));
}

test('an older run log migrates: its runs are task runs', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'cryptsync.db');
  const old = new Database(dbPath);
  const before = MIGRATIONS.findIndex((m) => m.includes('ADD COLUMN kind'));
  assert.ok(before > 0, 'the kind migration exists');
  for (let v = 0; v < before; v++) old.exec(MIGRATIONS[v] as string);
  old.pragma(`user_version = ${before}`);
  old.prepare(`INSERT INTO runs (task, profile, dry_run, combined, status, started_at, pid) VALUES ('docs', 'default', 0, 0, 'ok', '2026-01-01T00:00:00.000Z', 1)`).run();
  old.close();
  const log = RunLog.open(dbPath);
  t.after(() => log.close());
  const [r] = log.listRuns();
  assert.equal(r?.kind, 'task');
  assert.equal(log.lastRuns('default').get('docs')?.lastRunAt, '2026-01-01T00:00:00.000Z');
});

test('server restores and verifies: listed by kind with their steps, never a task\'s last run', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = RunLog.open(join(dir, 'cryptsync.db'));
  t.after(() => log.close());
  const push = log.startRun({ task: 'push', profile: 'default', dryRun: false, combined: true });
  log.finishRun(push, { status: 'ok', exitCode: 0 });
  const restore = log.startRun({ kind: 'server-restore', task: 'push', profile: 'default', dryRun: false, combined: false });
  for (const kind of ['fetch', 'restore', 'verify'] as const) log.finishStep(log.startStep(restore, { kind }), { status: 'ok', files: 2 });
  log.finishRun(restore, { status: 'partial', exitCode: 3 });
  const verify = log.startRun({ kind: 'server-verify', task: 'push', profile: 'default', dryRun: false, combined: false });
  log.finishRun(verify, { status: 'ok', exitCode: 0 });
  assert.deepEqual(log.listRuns({ kind: 'server-restore' }).map((r) => r.id), [restore]);
  assert.deepEqual(log.getRun(restore)?.steps.map((s) => s.kind), ['fetch', 'restore', 'verify']);
  assert.deepEqual(log.listRuns({ task: 'push' }).map((r) => r.kind), ['server-verify', 'server-restore', 'task']);
  const last = log.lastRuns('default').get('push');
  assert.equal(last?.status, 'ok', 'the partial restore is not the task\'s last run');
  assert.equal(last?.lastRunAt, log.getRun(push)?.startedAt);
  assert.throws(() => log.startRun({ kind: 'backup' as never, task: 'x', profile: 'default', dryRun: false, combined: false }), { code: 'BAD_RUN_KIND' });
  assert.throws(() => log.startStep(restore, { kind: 'download' as never }), { code: 'BAD_STEP_KIND' });
});
