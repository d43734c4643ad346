// Restore straight from a server copy through a real sshd on loopback with the real rsync: one
// file and one folder (byte-identical, nothing else written), a dry run that lists names and
// sizes and writes nothing, an explicit user@host:path with --remote, a wrong password refused
// before anything is fetched, an abort mid-fetch that leaves no staging folder, and the run log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { copyFile, readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, jsonLines } from '../helpers/cli.js';
import { readTree } from '../helpers/tree.js';
import { Engine, type ServerEvent } from '../../src/run/index.js';
import { startServerFixture, ok, type ServerFixture } from './server-fixture.js';

let f: ServerFixture;
const BIG = 'big/huge.bin';

before(async () => {
  // one big file, so an abort lands while rsync is still fetching
  const big = Buffer.alloc(48 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  f = await startServerFixture({ count: 14, extra: new Map([[BIG, big]]) });
});

after(async () => {
  await f?.stop();
});

async function stagingLeft(): Promise<string[]> {
  return readdir(join(f.home, 'staging')).catch(() => []);
}

function someFile(): string {
  return [...f.files.keys()].filter((k) => k !== BIG).sort()[0] as string;
}

function someFolder(): string {
  const withDir = [...f.files.keys()].filter((k) => k.includes('/') && k !== BIG).sort();
  return (withDir[0] as string).split('/')[0] as string;
}

test('restore one file from the server copy: byte-identical, nothing else, logged, staging removed', async () => {
  const file = someFile();
  const target = join(f.work, 'one-file');
  const r = ok(await cryptsync(['restore', '--from-task', 'push', target, '--path', file, '--json'], { env: f.env }), 'restore one file');
  const tree = await readTree(target);
  const files = [...tree].filter(([, v]) => v !== 'dir').map(([k]) => k);
  assert.deepEqual(files, [file], `seed ${f.seed}`);
  assert.ok((await readFile(join(target, file))).equals(f.files.get(file) as Buffer), `seed ${f.seed}: ${file} differs`);
  const summary = jsonLines(r.stdout).find((e) => e.type === 'summary') as Record<string, unknown>;
  assert.equal(summary.newFiles, 1);
  const started = jsonLines(r.stdout)[0];
  assert.deepEqual(started, { type: 'server-run', runId: summary.runId, kind: 'server-restore' }, 'the run id comes first, for a front end to follow');
  assert.deepEqual(await stagingLeft(), []);
  const runs = jsonLines(ok(await cryptsync(['log', '--json'], { env: f.env }), 'log').stdout).map((l) => l.run) as Array<{ id: number; kind: string; task: string; status: string; steps: Array<{ kind: string; status: string }> }>;
  const run = runs.find((x) => x.id === summary.runId);
  assert.ok(run, 'the restore is in the run log');
  assert.equal(run.kind, 'server-restore');
  assert.equal(run.task, 'push');
  assert.equal(run.status, 'ok');
  assert.deepEqual(run.steps.map((s) => s.kind), ['fetch', 'restore']);
  // a restore is not a backup: the task's last run is still its push
  const engine = Engine.open({ home: f.home, env: f.env });
  try {
    const push = engine.listRuns({ task: 'push', kind: 'task', limit: 1 })[0];
    assert.equal(engine.getTask('push').lastRunAt, push?.startedAt);
  } finally {
    engine.close();
  }
});

test('restore one folder from the server copy: exactly its files, byte-identical', async () => {
  const folder = someFolder();
  const target = join(f.work, 'one-folder');
  ok(await cryptsync(['restore', '--from-task', 'push', target, '--path', folder], { env: f.env }), 'restore folder');
  const want = [...f.files.keys()].filter((k) => k.startsWith(`${folder}/`)).sort();
  const got = [...(await readTree(target))].filter(([, v]) => v !== 'dir').map(([k]) => k).sort();
  assert.deepEqual(got, want, `seed ${f.seed}`);
  for (const k of want) assert.ok((await readFile(join(target, k))).equals(f.files.get(k) as Buffer), `seed ${f.seed}: ${k} differs`);
  const st = await stat(join(target, want[0] as string));
  assert.equal(st.mtime.toISOString(), '2025-06-01T12:00:00.000Z', 'mtimes are restored');
});

test('dry run lists every file with its size and writes nothing', async () => {
  const target = join(f.work, 'dry');
  const r = ok(await cryptsync(['restore', '--from-task', 'push', target, '--dry-run', '--json'], { env: f.env }), 'dry run');
  const listed = jsonLines(r.stdout).filter((e) => e.type === 'file' && e.action === 'restore');
  assert.deepEqual(listed.map((e) => e.path).sort(), [...f.files.keys()].sort(), `seed ${f.seed}`);
  for (const e of listed) assert.equal(e.bytes, (f.files.get(e.path as string) as Buffer).length, `size of ${String(e.path)}`);
  await assert.rejects(stat(target), { code: 'ENOENT' });
  assert.deepEqual(await stagingLeft(), []);
  const text = ok(await cryptsync(['restore', '--from-task', 'push', target, '--dry-run', '--path', someFile()], { env: f.env }), 'dry run text');
  assert.match(text.stdout, new RegExp(`would restore: ${someFile().replace(/[[\]().*+?^$\\|{}]/g, '\\$&')} \\(`));
  await assert.rejects(stat(target), { code: 'ENOENT' });
});

test('an explicit user@host:path with --remote restores; a wrong password is refused before anything is fetched', async () => {
  const target = join(f.work, 'explicit');
  const file = someFile();
  ok(await cryptsync(['restore', f.dest, target, '--remote', 'vault:', ...f.sshFlags, '--path', file], { env: f.env }), 'explicit');
  assert.ok((await readFile(join(target, file))).equals(f.files.get(file) as Buffer));
  const other = { ...f.env, OTHER_PW: 'an entirely different but strong passphrase 42' };
  ok(await cryptsync(['remote', 'add', 'other', '--path', join(f.work, 'other-cat'), '--password-env', 'OTHER_PW'], { env: other }), 'remote add other');
  const wrong = join(f.work, 'wrong');
  const r = await cryptsync(['restore', f.dest, wrong, '--remote', 'other:', ...f.sshFlags], { env: other });
  assert.equal(r.code, 12, r.stderr);
  assert.match(r.stderr, /wrong password/);
  await assert.rejects(stat(wrong), { code: 'ENOENT' });
  assert.deepEqual(await stagingLeft(), []);
});

test('a non-empty target is refused before the server is asked; the target guard holds', async () => {
  const target = join(f.work, 'full');
  await mkdir(target);
  await writeFile(join(target, 'mine.txt'), 'keep me');
  const runsBefore = jsonLines(ok(await cryptsync(['log', '--json'], { env: f.env }), 'log').stdout).filter((l) => l.type === 'run');
  const r = await cryptsync(['restore', '--from-task', 'push', target], { env: f.env });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /not empty/);
  assert.equal(await readFile(join(target, 'mine.txt'), 'utf8'), 'keep me');
  const runsAfter = jsonLines(ok(await cryptsync(['log', '--json'], { env: f.env }), 'log').stdout).filter((l) => l.type === 'run');
  assert.equal(runsAfter.length, runsBefore.length, 'refused before a run started (nothing listed or fetched)');
  const inCatalog = await cryptsync(['restore', '--from-task', 'push', join(f.catalog, 'x')], { env: f.env });
  assert.equal(inCatalog.code, 1, inCatalog.stderr);
  assert.match(inCatalog.stderr, /RESTORE_TARGET_UNSAFE|refusing to restore/);
  const inStaging = await cryptsync(['restore', '--from-task', 'push', join(f.home, 'staging', 'mine')], { env: f.env });
  assert.equal(inStaging.code, 1, inStaging.stderr);
  assert.match(inStaging.stderr, /overlaps the staging folder/);
});

test('abort while fetching: cancelled, logged as aborted, no staging folder and no file under a real name', async () => {
  const engine = Engine.open({ home: f.home, env: f.env });
  try {
    const ac = new AbortController();
    const target = join(f.work, 'aborted');
    let fetching = false;
    const onEvent = (e: ServerEvent): void => {
      if (e.type === 'phase' && e.phase === 'fetch') fetching = true;
      if (e.type === 'progress' && fetching) ac.abort();
    };
    await assert.rejects(engine.serverRestore({ fromTask: 'push', target, paths: [BIG], signal: ac.signal }, onEvent), { code: 'CANCELLED' });
    assert.ok(fetching, 'the abort came during the fetch');
    assert.deepEqual(await stagingLeft(), []);
    const left = await readTree(target).catch(() => new Map<string, string>());
    assert.equal([...left].filter(([, v]) => v !== 'dir').length, 0, 'nothing restored under a real name');
    const run = engine.listRuns({ kind: 'server-restore', limit: 1 })[0];
    assert.equal(run?.status, 'aborted');
    assert.equal(run?.exitCode, 130);
  } finally {
    engine.close();
  }
});

test('browse the server copy by decrypted names; --include picks by glob', async () => {
  const engine = Engine.open({ home: f.home, env: f.env });
  try {
    const folder = someFolder();
    const top = await engine.serverBrowse({ fromTask: 'push' });
    assert.ok(top.some((e) => e.type === 'dir' && e.name === folder), `seed ${f.seed}: ${JSON.stringify(top.map((e) => e.name))}`);
    const inside = await engine.serverBrowse({ fromTask: 'push' }, folder);
    const direct = [...f.files.keys()].filter((k) => k.startsWith(`${folder}/`) && !k.slice(folder.length + 1).includes('/')).map((k) => k.slice(folder.length + 1)).sort();
    assert.deepEqual(inside.filter((e) => e.type === 'file').map((e) => e.name).sort(), direct, `seed ${f.seed}`);
    for (const e of inside.filter((x) => x.type === 'file')) assert.equal(e.size, (f.files.get(e.path) as Buffer).length);
  } finally {
    engine.close();
  }
  const target = join(f.work, 'globbed');
  ok(await cryptsync(['restore', '--from-task', 'push', target, '--include', '*.dat'], { env: f.env }), 'restore --include');
  const got = [...(await readTree(target))].filter(([, v]) => v !== 'dir').map(([k]) => k).sort();
  assert.deepEqual(got, [...f.files.keys()].filter((k) => k.endsWith('.dat')).sort(), `seed ${f.seed}`);
});

test('a file that changed on the server after the listing is reported and not restored; the rest is', async () => {
  const engine = Engine.open({ home: f.home, env: f.env });
  const [victim, other] = [...f.files.keys()].filter((k) => k !== BIG).sort() as [string, string];
  const enc = join(f.server, (await engine.mapping('enc')).find((m) => m.plain === victim)?.encrypted ?? '');
  try {
    const target = join(f.work, 'raced');
    const errors: Array<{ path?: string; code: string }> = [];
    const r = await engine.serverRestore({ fromTask: 'push', target, paths: [victim, other] }, (e) => {
      // the server changes between the listing and the fetch
      if (e.type === 'phase' && e.phase === 'fetch') appendFileSync(enc, 'grown');
      if (e.type === 'error') errors.push(e);
    });
    assert.deepEqual(errors.map((e) => [e.path, e.code]), [[victim, 'FETCH_INCOMPLETE']], `seed ${f.seed}`);
    assert.equal(r.summary.errors, 1);
    assert.equal(r.summary.newFiles, 1);
    await assert.rejects(stat(join(target, victim)), { code: 'ENOENT' });
    assert.ok((await readFile(join(target, other))).equals(f.files.get(other) as Buffer), `seed ${f.seed}: ${other}`);
    assert.equal(engine.listRuns({ kind: 'server-restore', limit: 1 })[0]?.status, 'partial');
  } finally {
    engine.close();
    await copyFile(join(f.catalog, enc.slice(f.server.length + 1)), enc);
  }
});
