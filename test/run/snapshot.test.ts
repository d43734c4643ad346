// Snapshot tasks on a local disk: each run a dated folder with --link-dest to the newest one,
// old numbered folders (RsyncOSX's 1, 2, 3…) listed and used as the link-dest, an aborted run
// leaves no folder that looks like a finished snapshot, and prune after each run as a logged step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, appendFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines, interruptWhen, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { PARTIAL_NAME } from '../../src/run/snapshots/naming.js';

const DATED = /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function withWork(fn: (work: string, env: NodeJS.ProcessEnv) => Promise<void>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-snap-'));
  try {
    await fn(work, cliEnv(join(work, 'home')));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

test('snapshot runs write dated folders, hard-linked where unchanged; the root is created', async () => {
  await withWork(async (work, env) => {
    const src = join(work, 'src');
    const snaps = join(work, 'disk', 'not', 'yet', 'snaps');
    await makeTree(src, { 'same.txt': 'unchanged\n', 'edit.txt': 'v1\n' });
    ok(await cryptsync(['task', 'add', 'snap', '--type', 'snapshot', '--source', src, '--dest', snaps], { env }), 'task add');
    const est = jsonLines(ok(await cryptsync(['estimate', 'snap', '--json'], { env }), 'first estimate').stdout);
    assert.match(String(est.find((e) => e.type === 'step-end')?.message), /no snapshot yet/);
    await assert.rejects(stat(snaps), 'an estimate creates nothing');
    ok(await cryptsync(['run', 'snap'], { env }), 'run 1');
    await appendFile(join(src, 'edit.txt'), 'v2\n');
    ok(await cryptsync(['run', 'snap'], { env }), 'run 2');
    const names = (await readdir(snaps)).sort();
    assert.equal(names.length, 2);
    assert.ok(names.every((n) => DATED.test(n)), names.join(', '));
    const [a, b] = names as [string, string];
    assert.equal((await stat(join(snaps, a, 'same.txt'))).ino, (await stat(join(snaps, b, 'same.txt'))).ino, 'unchanged file is a hard link');
    assert.notEqual((await stat(join(snaps, a, 'edit.txt'))).ino, (await stat(join(snaps, b, 'edit.txt'))).ino);
    // old tasks.json files keep their snapshotNum; it is no longer what names the folders
    const shown = jsonLines(ok(await cryptsync(['task', 'show', 'snap', '--json'], { env }), 'show').stdout)[0]!;
    assert.equal((shown.task as Record<string, unknown>).snapshotNum, undefined);
  });
});

test('old numbered folders are listed and the newest is the link-dest of the first dated snapshot', async () => {
  await withWork(async (work, env) => {
    const src = join(work, 'src');
    const snaps = join(work, 'snaps');
    await makeTree(src, { 'same.txt': 'unchanged\n', 'new.txt': 'new\n' });
    // RsyncOSX left 1 and 2 (2 holds same.txt with the same size and mtime)
    await makeTree(join(snaps, '1'), { 'same.txt': 'unchanged\n', 'old.txt': 'old\n' });
    await makeTree(join(snaps, '2'), { 'same.txt': 'unchanged\n' });
    const tasks = { version: 1, tasks: [{ name: 'snap', type: 'snapshot', source: src, dest: snaps, snapshotNum: 3, thresholdDays: 7 }] };
    await mkdir(join(work, 'home', 'profiles', 'default'), { recursive: true });
    await writeFile(join(work, 'home', 'profiles', 'default', 'tasks.json'), JSON.stringify(tasks));
    const listed = jsonLines(ok(await cryptsync(['snapshots', 'snap', '--json'], { env }), 'snapshots').stdout);
    assert.deepEqual(listed.map((s) => [s.name, s.time, s.number]), [['1', null, 1], ['2', null, 2]]);
    ok(await cryptsync(['run', 'snap'], { env }), 'run');
    const dated = (await readdir(snaps)).filter((n) => DATED.test(n));
    assert.equal(dated.length, 1);
    assert.equal((await stat(join(snaps, dated[0]!, 'same.txt'))).ino, (await stat(join(snaps, '2', 'same.txt'))).ino, 'hard-linked to numbered folder 2');
    const after = jsonLines(ok(await cryptsync(['snapshots', 'snap', '--json'], { env }), 'snapshots').stdout);
    assert.deepEqual(after.map((s) => s.name), ['1', '2', dated[0]]);
  });
});

test('an aborted snapshot run leaves no complete-looking folder; the next run finishes it', async () => {
  await withWork(async (work, env) => {
    const src = join(work, 'src');
    const snaps = join(work, 'snaps');
    await makeTree(src, { 'small.txt': 'small\n', 'large.bin': 24 * 1024 * 1024 });
    // 4 MB/s: the large file takes ~6 s, so the abort lands while rsync writes it
    ok(await cryptsync(['task', 'add', 'snap', '--type', 'snapshot', '--source', src, '--dest', snaps, '--rsync-flag=--bwlimit=4000'], { env }), 'task add');
    const r = await interruptWhen(['run', 'snap'], { env, ready: /started/, delayMs: 1500 });
    assert.equal(r.code, 130, r.stdout);
    const left = await readdir(snaps);
    assert.deepEqual(left.filter((n) => DATED.test(n)), [], `no dated folder after the abort: ${left.join(', ')}`);
    assert.deepEqual(left, [PARTIAL_NAME], 'only the partial folder, which is never listed');
    const listed = jsonLines(ok(await cryptsync(['snapshots', 'snap', '--json'], { env }), 'snapshots').stdout);
    assert.deepEqual(listed, [], 'the partial folder is not a snapshot');
    const log = jsonLines(ok(await cryptsync(['log', 'snap', '--json'], { env }), 'log').stdout);
    assert.ok(JSON.stringify(log).includes('aborted'), 'the run is logged as aborted');

    ok(await cryptsync(['task', 'edit', 'snap', '--rsync-flag=--bwlimit=0'], { env }), 'no limit');
    ok(await cryptsync(['run', 'snap'], { env }), 'run again');
    const names = await readdir(snaps);
    assert.equal(names.length, 1, names.join(', '));
    assert.match(names[0]!, DATED, 'the reused partial folder got its dated name');
    assert.equal((await stat(join(snaps, names[0]!, 'large.bin'))).size, 24 * 1024 * 1024);
  });
});

test('pruneAfterRun: prune runs after each successful snapshot run as its own logged step', async () => {
  await withWork(async (work, env) => {
    const src = join(work, 'src');
    const snaps = join(work, 'snaps');
    await makeTree(src, { 'a.txt': 'a\n' });
    // three older dated snapshots already there
    for (const n of ['2026-01-01T000000Z', '2026-01-02T000000Z', '2026-01-03T000000Z']) await makeTree(join(snaps, n), { 'a.txt': 'a\n' });
    ok(await cryptsync(['task', 'add', 'snap', '--type', 'snapshot', '--source', src, '--dest', snaps, '--keep-last', '2', '--prune-after-run', '--max-remove-percent', '60'], { env }), 'task add');
    const est = jsonLines(ok(await cryptsync(['estimate', 'snap', '--json'], { env }), 'estimate').stdout);
    assert.deepEqual(est.find((e) => e.type === 'run-start')?.steps, ['rsync', 'prune']);
    const pruneEst = est.find((e) => e.type === 'step-end' && e.step === 'prune');
    assert.match(String(pruneEst?.message), /would remove 1 snapshot\(s\): 2026-01-01T000000Z/);
    assert.equal((await readdir(snaps)).length, 3, 'the estimate removed nothing');

    const run = jsonLines(ok(await cryptsync(['run', 'snap', '--json'], { env }), 'run').stdout);
    const pruneEnd = run.find((e) => e.type === 'step-end' && e.step === 'prune');
    assert.equal(pruneEnd?.status, 'ok');
    assert.match(String(pruneEnd?.message), /removed 2 snapshot\(s\): 2026-01-01T000000Z, 2026-01-02T000000Z; kept 2/);
    const names = (await readdir(snaps)).sort();
    assert.equal(names.length, 2);
    assert.equal(names[0], '2026-01-03T000000Z');
    const runId = run.find((e) => e.type === 'run-end')?.runId;
    const logged = jsonLines(ok(await cryptsync(['log', '--run', String(runId), '--json'], { env }), 'log --run').stdout)[0] as { steps?: Array<{ kind: string; status: string }> } | undefined;
    assert.deepEqual(logged?.steps?.map((s) => [s.kind, s.status]), [['rsync', 'ok'], ['prune', 'ok']]);
  });
});
