// The scheduler in `cryptsync daemon`, as real processes on the real clock: a task scheduled every
// 2 seconds runs at least twice, each run logged as started by the schedule; a second daemon on
// the same home is refused with exit code 4 and names the holder; a daily slot missed while no
// daemon ran (last good backup two days old) runs once on start, not once per missed slot; a run
// still going when its next slot comes is not started again; and
// `cryptsync status` exits 0 / 5 (overdue) / 6 (last run failed); an encrypt step that succeeded
// inside a combined run that failed at rsync counts as ok for the encrypt task only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/rclone-serve.js';

const SEED = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
console.log(`schedule-daemon seed: ${SEED} (TEST_SEED=${SEED} to replay)`);
const rand = seededRandom(SEED);

let work: string;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function localTask(name: string, extra: string[]): Promise<{ env: NodeJS.ProcessEnv; src: string; home: string }> {
  const dir = join(work, name);
  const home = join(dir, 'home');
  const env = cliEnv(home);
  const src = join(dir, 'src');
  const files: Record<string, string> = {};
  for (let i = 0; i < 3 + Math.floor(rand() * 5); i++) files[`f${i}.txt`] = `${rand()}\n`.repeat(1 + Math.floor(rand() * 50));
  await makeTree(src, files);
  ok(await cryptsync(['task', 'add', name, '--type', 'synchronize', '--source', src, '--dest', join(dir, 'dst'), ...extra], { env }), 'task add');
  return { env, src, home };
}

async function runsOf(env: NodeJS.ProcessEnv, task: string): Promise<Array<Record<string, unknown>>> {
  return jsonLines(ok(await cryptsync(['log', task, '--json'], { env }), 'log').stdout).map((l) => l.run) as Array<Record<string, unknown>>;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-sched-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('a task scheduled every 2 s runs at least twice, logged as started by the schedule; a second daemon exits 4', async () => {
  const { env } = await localTask('often', ['--schedule', '*/2 * * * * *']);
  const d = startDaemon(env);
  try {
    const hello = await d.waitFor((e) => e.type === 'daemon', 'start-up line');
    assert.deepEqual((hello.tasks as Array<{ task: string }>).map((t) => t.task), ['often']);
    const second = await cryptsync(['daemon'], { env });
    assert.equal(second.code, 4, `a second daemon must exit 4:\n${second.stderr}`);
    assert.match(second.stderr, new RegExp(`scheduler of .* is already running: cryptsync daemon \\(pid ${d.proc.pid}, profile "default"`));
    const ends = await d.waitForCount((e) => e.type === 'run-end' && e.task === 'often', 2, 'two scheduled runs');
    assert.deepEqual(ends.map((e) => e.status), ['ok', 'ok'], d.output());
    const starts = d.events().filter((e) => e.type === 'run-start' && e.task === 'often');
    assert.ok(starts.slice(0, 2).every((e) => e.startedBy === 'schedule'), d.output());
  } finally {
    assert.equal(await d.stop(), 0, d.output());
  }
  const runs = await runsOf(env, 'often');
  assert.ok(runs.length >= 2, `at least two runs: ${JSON.stringify(runs)}`);
  assert.ok(runs.every((r) => r.startedBy === 'schedule' && (r.status === 'ok' || r.status === 'aborted')), JSON.stringify(runs));
  // after the first daemon is gone, a new one takes the scheduler (its lock was released)
  const again = startDaemon(env);
  try {
    await again.waitFor((e) => e.type === 'daemon', 'start-up of a later daemon');
  } finally {
    assert.equal(await again.stop(), 0, again.output());
  }
});

test('a run still going when its next slot comes is not started twice', async () => {
  // each run takes 3 s (its pre-command), the schedule fires every second
  const { env } = await localTask('slow', ['--schedule', '* * * * * *', '--pre-command', 'sleep 3']);
  const d = startDaemon(env);
  try {
    await d.waitForCount((e) => e.type === 'run-end' && e.task === 'slow', 2, 'two slow runs', 20_000);
  } finally {
    assert.equal(await d.stop(), 0, d.output());
  }
  const seq = d.events().filter((e) => (e.type === 'run-start' || e.type === 'run-end') && e.task === 'slow').map((e) => e.type);
  for (let i = 0; i < seq.length; i++) assert.equal(seq[i], i % 2 === 0 ? 'run-start' : 'run-end', `runs never overlap: ${seq.join(', ')}`);
  assert.ok(!d.events().some((e) => e.type === 'notice' && /not started/.test(String(e.message))), `no second start was even tried:\n${d.output()}`);
  const runs = await runsOf(env, 'slow');
  for (let i = 1; i < runs.length; i++) {
    const newer = runs[i - 1]!;
    const older = runs[i]!;
    if (older.endedAt) assert.ok(String(newer.startedAt) >= String(older.endedAt), `run ${String(newer.id)} started before run ${String(older.id)} ended`);
  }
});

test('a daily slot missed while no daemon ran (last good backup 2 days old) runs once on start, not twice; status 0/5/6', async () => {
  const { env, src, home } = await localTask('daily', ['--schedule', 'daily 00:00', '--schedule-time-zone', 'UTC', '--threshold-days', '3']);
  ok(await cryptsync(['run', 'daily'], { env }), 'first run');
  // that run happened two days ago (the machine was off since)
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const db = new Database(join(home, 'cryptsync.db'));
  db.prepare('UPDATE runs SET started_at = ?, ended_at = ?').run(twoDaysAgo, twoDaysAgo);
  db.prepare('UPDATE steps SET started_at = ?, ended_at = ?').run(twoDaysAgo, twoDaysAgo);
  db.close();
  assert.equal((await cryptsync(['status'], { env })).code, 0, 'two days is within the threshold of 3');

  const d = startDaemon(env);
  try {
    const end = await d.waitFor((e) => e.type === 'run-end' && e.task === 'daily', 'the catch-up run');
    assert.equal(end.status, 'ok', d.output());
    const start = d.events().find((e) => e.type === 'run-start' && e.task === 'daily');
    assert.equal(start?.startedBy, 'catch-up', d.output());
    // four more seconds: no second run for the same missed slots
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(d.events().filter((e) => e.type === 'run-start' && e.task === 'daily').length, 1, d.output());
  } finally {
    assert.equal(await d.stop(), 0, d.output());
  }
  const runs = await runsOf(env, 'daily');
  assert.deepEqual(runs.map((r) => r.startedBy), ['catch-up', 'manual']);

  const st = await cryptsync(['status', '--json'], { env });
  assert.equal(st.code, 0, st.stdout + st.stderr);
  const s = (jsonLines(st.stdout)[0]!.tasks as Array<Record<string, unknown>>)[0]!;
  assert.equal(s.level, 'ok');
  assert.equal(s.lastGoodAt, runs[0]!.startedAt);
  const next = Date.parse(String(s.nextRunAt));
  assert.ok(next > Date.now() && next - Date.now() <= 86_400_000, `next run is the next midnight UTC: ${String(s.nextRunAt)}`);
  assert.equal(new Date(next).toISOString().slice(11), '00:00:00.000Z');

  // the last attempt fails (the source is gone), the good backup is recent: 6
  await rename(src, `${src}.away`);
  assert.equal((await cryptsync(['run', 'daily'], { env })).code, 1);
  const failed = await cryptsync(['status', '--json'], { env });
  assert.equal(failed.code, 6, failed.stdout + failed.stderr);
  const f = (jsonLines(failed.stdout)[0]!.tasks as Array<Record<string, unknown>>)[0]!;
  assert.equal(f.level, 'warning');
  assert.equal(f.lastResult, 'failed');
  assert.equal(f.lastGoodAt, runs[0]!.startedAt, 'the failed attempt is not the last good backup');
  assert.match(String((f.failedStep as { message: string }).message), /does not exist|missing|not found/i);

  // past the threshold since the last good backup: 5, and the text says so
  await rename(`${src}.away`, src);
  ok(await cryptsync(['task', 'edit', 'daily', '--threshold-days', '1'], { env }), 'edit');
  const db2 = new Database(join(home, 'cryptsync.db'));
  db2.prepare(`UPDATE runs SET started_at = ? WHERE status = 'ok'`).run(twoDaysAgo);
  db2.close();
  const overdue = await cryptsync(['status'], { env });
  assert.equal(overdue.code, 5, overdue.stdout + overdue.stderr);
  assert.match(overdue.stdout, /daily\s+OVERDUE\s+last good backup 2 d ago/);
});

test('an encrypt step that succeeded in a combined run that failed at rsync: the encrypt task is ok, the combined task failed', async () => {
  const dir = join(work, 'combined');
  const env = cliEnv(join(dir, 'home'), { PW: `pw ${rand()} correct horse battery staple` });
  const plain = join(dir, 'plain');
  const catalog = join(dir, 'catalog');
  await makeTree(plain, { 'a.txt': 'alpha\n', 'b/c.txt': 'gamma\n' });
  ok(await cryptsync(['remote', 'add', 'vault', '--path', catalog, '--password-env', 'PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env }), 'add enc');
  // a port nothing listens on: ssh fails at once
  const port = await freePort();
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', 'nobody@127.0.0.1:/srv/x', '--ssh-port', String(port), '--ssh-option', 'StrictHostKeyChecking=no', '--connect', 'enc'], { env }), 'add push');
  assert.equal((await cryptsync(['run', 'push'], { env })).code, 1);
  const st = await cryptsync(['status', '--all', '--json'], { env });
  assert.equal(st.code, 5, 'the combined task has no good backup yet');
  const tasks = jsonLines(st.stdout)[0]!.tasks as Array<Record<string, unknown>>;
  const enc = tasks.find((t) => t.name === 'enc')!;
  const push = tasks.find((t) => t.name === 'push')!;
  assert.equal(enc.lastResult, 'ok', JSON.stringify(enc));
  assert.equal(enc.level, 'ok');
  assert.equal(typeof enc.lastGoodAt, 'string');
  assert.equal(push.lastResult, 'failed');
  assert.equal(push.lastGoodAt, null);
  assert.equal((push.failedStep as { step: string }).step, 'rsync');
  assert.match((push.failedStep as { message: string }).message, new RegExp(`port ${port}`));
});
