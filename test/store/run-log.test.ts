// Run log against a real SQLite file: migrations, round trips, filters, bounds, sharing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { RunLog, SCHEMA_VERSION, OUTPUT_TAIL_MAX_BYTES, daysSince, boundTail } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { CryptsyncError } from '../../src/util/errors.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cryptsync-store-'));
}

test('migrates an empty location, creates folders, and re-opens without re-migrating', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'nested', 'home', 'cryptsync.db');
  const log = RunLog.open(dbPath);
  const id = log.startRun({ task: 'docs', profile: 'default', dryRun: false, combined: false });
  log.close();
  const raw = new Database(dbPath, { readonly: true });
  assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  const again = RunLog.open(dbPath);
  assert.equal(again.getRun(id)?.task, 'docs');
  again.close();
});

test('refuses a database from a newer cryptsync and a file that is not a database', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const newer = join(dir, 'newer.db');
  const raw = new Database(newer);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  raw.close();
  assert.throws(() => RunLog.open(newer), (e: unknown) => e instanceof CryptsyncError && e.code === 'DB_TOO_NEW');
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'this is not sqlite at all, just some text that is long enough'.repeat(40));
  assert.throws(
    () => RunLog.open(junk),
    (e: unknown) => e instanceof CryptsyncError && e.code === 'DB_CORRUPT' && e.message.includes(junk),
  );
});

test('runs and steps round trip with counts, durations and ordering', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const runId = log.startRun({ task: 'photos', profile: 'default', dryRun: false, combined: true, pid: 4242 });
  const s1 = log.startStep(runId, { kind: 'encrypt', command: 'cryptsync encrypt' });
  log.finishStep(s1, { status: 'ok', exitCode: 0, files: 10, filesNew: 3, filesChanged: 2, filesDeleted: 1, bytes: 12345 });
  const s2 = log.startStep(runId, { kind: 'rsync' });
  log.finishStep(s2, {
    status: 'partial',
    exitCode: 23,
    files: 5,
    bytes: 99,
    message: 'some files could not be transferred',
    outputTail: 'line1\nline2\n',
    command: 'rsync -av a b',
    durationMs: 777,
  });
  log.finishRun(runId, { status: 'partial', exitCode: 3 });
  const run = log.getRun(runId);
  assert.ok(run);
  assert.equal(run.task, 'photos');
  assert.equal(run.combined, true);
  assert.equal(run.dryRun, false);
  assert.equal(run.status, 'partial');
  assert.equal(run.exitCode, 3);
  assert.equal(run.pid, 4242);
  assert.ok(run.endedAt !== null && run.durationMs !== null && run.durationMs >= 0);
  assert.deepEqual(
    run.steps.map((s) => [s.seq, s.kind, s.status]),
    [
      [1, 'encrypt', 'ok'],
      [2, 'rsync', 'partial'],
    ],
  );
  const [enc, rs] = run.steps;
  assert.ok(enc && rs);
  assert.deepEqual([enc.files, enc.filesNew, enc.filesChanged, enc.filesDeleted, enc.bytes], [10, 3, 2, 1, 12345]);
  assert.equal(enc.command, 'cryptsync encrypt');
  assert.equal(enc.exitCode, 0);
  assert.equal(rs.exitCode, 23);
  assert.equal(rs.durationMs, 777);
  assert.equal(rs.message, 'some files could not be transferred');
  assert.equal(rs.outputTail, 'line1\nline2\n');
  assert.equal(rs.command, 'rsync -av a b');
  assert.equal(log.getRun(runId + 100), null);
  assert.throws(() => log.startStep(runId + 100, { kind: 'rsync' }), /not in the run log/);
});

test('finishing a run aborts steps left running; stale runs of dead processes are aborted', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const a = log.startRun({ task: 'a', profile: 'default', dryRun: false, combined: false });
  log.startStep(a, { kind: 'rsync' });
  log.finishRun(a, { status: 'aborted', exitCode: 130 });
  assert.equal(log.getRun(a)?.steps[0]?.status, 'aborted');

  const dead = log.startRun({ task: 'b', profile: 'default', dryRun: false, combined: false, pid: 111 });
  log.startStep(dead, { kind: 'encrypt' });
  const alive = log.startRun({ task: 'c', profile: 'default', dryRun: false, combined: false, pid: 222 });
  const n = log.markStaleRuns((pid) => pid === 222);
  assert.equal(n, 1);
  assert.equal(log.getRun(dead)?.status, 'aborted');
  assert.equal(log.getRun(dead)?.steps[0]?.status, 'aborted');
  assert.equal(log.getRun(alive)?.status, 'running');
  assert.equal(log.markStaleRuns(() => true), 0);
});

test('listRuns filters by task, status, profile, sinceId and limit, newest first', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) {
    const id = log.startRun({
      task: i % 2 === 0 ? 'even' : 'odd',
      profile: i < 6 ? 'default' : 'work',
      dryRun: i % 3 === 0,
      combined: false,
    });
    log.finishRun(id, { status: i % 4 === 0 ? 'failed' : 'ok', exitCode: i % 4 === 0 ? 1 : 0 });
    ids.push(id);
  }
  const all = log.listRuns();
  assert.equal(all.length, 12);
  assert.deepEqual(
    all.map((r) => r.id),
    [...ids].reverse(),
  );
  assert.ok(log.listRuns({ task: 'even' }).every((r) => r.task === 'even'));
  assert.equal(log.listRuns({ task: 'even' }).length, 6);
  assert.equal(log.listRuns({ status: 'failed' }).length, 3);
  assert.equal(log.listRuns({ profile: 'work', task: 'odd' }).length, 3);
  assert.deepEqual(
    log.listRuns({ sinceId: ids[9]! }).map((r) => r.id),
    [ids[11], ids[10]],
  );
  assert.equal(log.listRuns({ limit: 2 }).length, 2);
  assert.throws(() => log.listRuns({ status: 'weird' as never }), /unknown run status/);
});

test('lastRuns ignores dry runs and reports the last ok time; daysSince measures it', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ok = log.startRun({ task: 'docs', profile: 'default', dryRun: false, combined: false });
  log.finishRun(ok, { status: 'ok', exitCode: 0 });
  const failed = log.startRun({ task: 'docs', profile: 'default', dryRun: false, combined: false });
  log.finishRun(failed, { status: 'failed', exitCode: 1 });
  const dry = log.startRun({ task: 'docs', profile: 'default', dryRun: true, combined: false });
  log.finishRun(dry, { status: 'ok', exitCode: 0 });
  const onlyDry = log.startRun({ task: 'new', profile: 'default', dryRun: true, combined: false });
  log.finishRun(onlyDry, { status: 'ok', exitCode: 0 });
  const other = log.startRun({ task: 'docs', profile: 'work', dryRun: false, combined: false });
  log.finishRun(other, { status: 'aborted', exitCode: 130 });

  const last = log.lastRuns('default');
  assert.equal(last.has('new'), false, 'a task that only had dry runs has never run');
  const docs = last.get('docs');
  assert.ok(docs);
  assert.equal(docs.status, 'failed');
  assert.equal(docs.lastRunAt, log.getRun(failed)?.startedAt);
  assert.equal(docs.lastOkAt, log.getRun(ok)?.startedAt);
  assert.equal(log.lastRuns('work').get('docs')?.status, 'aborted');
  assert.equal(log.lastRuns('work').get('docs')?.lastOkAt, undefined);

  const now = new Date('2026-01-11T12:00:00.000Z');
  assert.equal(daysSince('2026-01-10T12:00:00.000Z', now), 1);
  assert.equal(daysSince('2026-01-11T06:00:00.000Z', now), 0.25);
  assert.equal(daysSince('2026-02-01T00:00:00.000Z', now), 0);
  assert.throws(() => daysSince('yesterday', now), /not a timestamp/);
});

test('output tail is bounded and cut on a character boundary', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const big = `${'é'.repeat(OUTPUT_TAIL_MAX_BYTES)}THE END\n`;
  const run = log.startRun({ task: 't', profile: 'default', dryRun: false, combined: false });
  const step = log.startStep(run, { kind: 'rsync' });
  log.finishStep(step, { status: 'ok', outputTail: big });
  const tail = log.getRun(run)?.steps[0]?.outputTail ?? '';
  assert.ok(Buffer.byteLength(tail) <= OUTPUT_TAIL_MAX_BYTES, `tail is ${Buffer.byteLength(tail)} bytes`);
  assert.ok(tail.endsWith('THE END\n'));
  assert.ok(!tail.includes('\uFFFD'), 'no broken character');
  assert.match(tail, /^\[\.\.\. earlier output cut \.\.\.\]\n/);
  assert.equal(boundTail('short'), 'short');
});

test('pruneRuns keeps the newest runs and never a running one', (t) => {
  const dir = tempDir();
  const log = RunLog.open(join(dir, 'c.db'));
  t.after(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const running = log.startRun({ task: 'r', profile: 'default', dryRun: false, combined: false });
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) {
    const id = log.startRun({ task: 't', profile: 'default', dryRun: false, combined: false });
    log.finishStep(log.startStep(id, { kind: 'rsync' }), { status: 'ok' });
    log.finishRun(id, { status: 'ok', exitCode: 0 });
    ids.push(id);
  }
  assert.equal(log.pruneRuns(2), 3);
  assert.deepEqual(
    log.listRuns().map((r) => r.id),
    [ids[4], ids[3], running],
  );
  assert.equal(log.getRun(ids[0] as number), null);
  assert.throws(() => log.pruneRuns(-1), /whole number/);
});

test('two processes share one database file (CLI + server)', async (t) => {
  const dir = tempDir();
  const dbPath = join(dir, 'shared.db');
  const log = RunLog.open(dbPath);
  const other = RunLog.open(dbPath);
  t.after(() => {
    log.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // in-process: a second connection sees the first one's writes at once
  const id = log.startRun({ task: 'x', profile: 'default', dryRun: false, combined: false });
  assert.equal(other.getRun(id)?.status, 'running');
  other.finishRun(id, { status: 'ok', exitCode: 0 });
  assert.equal(log.getRun(id)?.status, 'ok');

  // another OS process writes while this one writes too: nothing is lost, no SQLITE_BUSY
  const storeUrl = new URL('../../src/store/index.js', import.meta.url).href;
  const script = `
    const { RunLog } = await import(${JSON.stringify(storeUrl)});
    const log = RunLog.open(${JSON.stringify(dbPath)});
    for (let i = 0; i < 200; i++) {
      const id = log.startRun({ task: 'child', profile: 'default', dryRun: false, combined: false });
      const s = log.startStep(id, { kind: 'rsync' });
      log.finishStep(s, { status: 'ok', files: i });
      log.finishRun(id, { status: 'ok', exitCode: 0 });
    }
    log.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dirname(fileURLToPath(import.meta.url)),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; i < 200; i++) {
    const rid = log.startRun({ task: 'parent', profile: 'default', dryRun: false, combined: false });
    log.finishRun(rid, { status: 'ok', exitCode: 0 });
    if (i % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(await done, 0, stderr);
  assert.equal(other.listRuns({ task: 'child', limit: 1000 }).length, 200);
  assert.equal(other.listRuns({ task: 'parent', limit: 1000 }).length, 200);
  assert.ok(other.listRuns({ task: 'child', limit: 1000 }).every((r) => r.steps.length === 1));
});

test('a run log written before error codes were kept opens, keeps its runs, and stores codes from then on', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'old.db');
  const raw = new Database(dbPath);
  raw.exec(MIGRATIONS[0] as string);
  raw.pragma('user_version = 1');
  raw.prepare(`INSERT INTO runs (task, profile, dry_run, combined, status, started_at, pid) VALUES ('docs', 'default', 0, 0, 'failed', '2026-01-01T00:00:00.000Z', 1)`).run();
  raw.prepare(`INSERT INTO steps (run_id, seq, kind, status, started_at, message) VALUES (1, 0, 'rsync', 'failed', '2026-01-01T00:00:00.000Z', 'old failure')`).run();
  raw.close();
  const log = RunLog.open(dbPath);
  t.after(() => log.close());
  const old = log.getRun(1);
  assert.equal(old?.steps[0]?.message, 'old failure');
  assert.equal(old?.steps[0]?.errorCode, null);
  const id = log.startRun({ task: 'docs', profile: 'default', dryRun: false, combined: false });
  const step = log.startStep(id, { kind: 'rsync' });
  log.finishStep(step, { status: 'failed', message: 'would delete 30 of 40', errorCode: 'MASS_DELETE' });
  assert.equal(log.getRun(id)?.steps[0]?.errorCode, 'MASS_DELETE');
});
