// Restore from a chosen snapshot on the server (real sshd, rsync): a combined snapshot task run
// three times with an edit, an addition and a deletion between runs; restoring one file and one
// folder from the SECOND snapshot gives exactly the tree of that day, a folder deleted on the
// laptop is still in it, "latest" no longer has it, and deep verify reads that snapshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, jsonLines } from '../helpers/cli.js';
import { readTree } from '../helpers/tree.js';
import { Engine } from '../../src/run/index.js';
import { startServerFixture, ok, type ServerFixture } from './server-fixture.js';

let f: ServerFixture;
let snapshots: string[] = [];
let tick = Date.parse('2025-07-01T08:00:00Z') / 1000;

async function put(rel: string, content: string): Promise<void> {
  const p = join(f.plain, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, content);
  tick += 60;
  await utimes(p, tick, tick);
}

function fileOf(tree: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of tree) if (v !== 'dir') out[k] = Buffer.from(v, 'base64').toString();
  return out;
}

before(async () => {
  f = await startServerFixture({ count: 4 });
  const root = join(f.work, 'snaps');
  ok(await cryptsync(['task', 'add', 'snaps', '--type', 'snapshot', '--source', f.catalog, '--dest', `${f.sshd.user}@127.0.0.1:${root}`, ...f.sshFlags, '--connect', 'enc'], { env: f.env }), 'task add snaps');
  await put('album/one.txt', 'day one');
  await put('notes.txt', 'notes of day one');
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run 1');
  await put('album/one.txt', 'day two, edited');
  await put('album/two.txt', 'added on day two');
  await rm(join(f.plain, 'notes.txt'));
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run 2');
  await rm(join(f.plain, 'album'), { recursive: true });
  await put('later.txt', 'day three');
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run 3');
  const listed = jsonLines(ok(await cryptsync(['snapshots', 'snaps', '--json'], { env: f.env }), 'snapshots').stdout);
  snapshots = listed.filter((e) => typeof e.name === 'string').map((e) => e.name as string);
  assert.equal(snapshots.length, 3, `three snapshots: ${JSON.stringify(listed)}`);
});

after(async () => {
  await f?.stop();
});

test('one file from the second snapshot is that day\'s version', async () => {
  const target = join(f.work, 'file-day2');
  ok(await cryptsync(['restore', '--from-task', 'snaps', '--snapshot', snapshots[1] as string, target, '--path', 'album/one.txt'], { env: f.env }), 'restore file');
  assert.deepEqual(fileOf(await readTree(target)), { 'album/one.txt': 'day two, edited' });
});

test('one folder from the second snapshot: exactly its files of that day, though deleted on the laptop since', async () => {
  const target = join(f.work, 'folder-day2');
  const r = ok(await cryptsync(['restore', '--from-task', 'snaps', '--snapshot', snapshots[1] as string, target, '--path', 'album', '--json'], { env: f.env }), 'restore folder');
  assert.deepEqual(fileOf(await readTree(target)), { 'album/one.txt': 'day two, edited', 'album/two.txt': 'added on day two' });
  const summary = jsonLines(r.stdout).find((e) => e.type === 'summary');
  assert.equal(summary?.snapshot, snapshots[1]);
  const day2 = await cryptsync(['restore', '--from-task', 'snaps', '--snapshot', snapshots[1] as string, '--dry-run', '--json'], { env: f.env });
  const listed = jsonLines(ok(day2, 'dry run day 2').stdout).filter((e) => e.type === 'file' && e.action === 'restore').map((e) => e.path);
  assert.ok(!listed.includes('notes.txt') && !listed.includes('later.txt') && listed.includes('album/two.txt'), JSON.stringify(listed));
});

test('the engine lists the snapshots a restore can pick; a mirror has none', async () => {
  const engine = Engine.open({ home: f.home, env: f.env });
  try {
    assert.deepEqual((await engine.serverSnapshots('snaps')).map((s) => s.name), snapshots);
    assert.deepEqual(await engine.serverSnapshots('push'), []);
    const day2 = await engine.serverBrowse({ fromTask: 'snaps', snapshot: snapshots[1] as string }, 'album');
    assert.deepEqual(day2.map((e) => e.name), ['one.txt', 'two.txt']);
    const day1 = await engine.serverBrowse({ fromTask: 'snaps', snapshot: snapshots[0] as string }, 'album');
    assert.deepEqual(day1.map((e) => e.name), ['one.txt'], 'day one had only the first file');
    const latest = await engine.serverBrowse({ fromTask: 'snaps' });
    assert.ok(!latest.some((e) => e.name === 'album') && latest.some((e) => e.name === 'later.txt'), 'the latest snapshot has no album, but day three\'s file');
  } finally {
    engine.close();
  }
});

test('verify --server reads a chosen snapshot; a wrong snapshot name is a clear error', async () => {
  const r = await cryptsync(['verify', '--server', 'snaps', '--snapshot', 'latest', '--read-data', '--sample', '100%', '--json'], { env: f.env });
  assert.equal(r.code, 0, r.stderr);
  const s = jsonLines(r.stdout).find((e) => e.type === 'summary') as { snapshot: string; deep: { authenticated: number } };
  assert.equal(s.snapshot, snapshots[2]);
  // and the catalog's manifest (docs/manifest.md), ciphertext like every file
  assert.equal(s.deep.authenticated, f.files.size + 1 + 1);
  const bad = await cryptsync(['restore', '--from-task', 'snaps', '--snapshot', '1999-01-01', join(f.work, 'none')], { env: f.env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no snapshot matches "1999-01-01"/);
});
