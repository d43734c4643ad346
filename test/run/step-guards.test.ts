// The deletion and push guards belong to the step, so they hold for both encrypt engines (the
// built-in one and the real rclone binary), for tasks, combined runs and the one-off `cryptsync
// encrypt`, and for the rsync push through a real sshd: an empty, junk-only, 90 %-vanished or
// missing source never deletes from the catalog or the server; two tasks never share a catalog;
// a catalog whose encrypt was killed is not pushed; plaintext in a catalog is never pushed.
// File counts and which files vanish come from a printed seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, writeFile, mkdir, rename, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { cryptsync, cliEnv, jsonLines, BIN, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { seededRandom as rng } from '../helpers/seeded-random.js';

const SEED = Number(process.env.CRYPTSYNC_SEED ?? Date.now() % 1_000_000);
console.log(`step-guards seed ${SEED}`);

let sshd: SshServer;
let work: string;

before(async () => {
  sshd = await startSshd();
  work = await mkdtemp(join(tmpdir(), 'cryptsync-guards-'));
});
after(async () => {
  await sshd?.stop();
  await rm(work, { recursive: true, force: true });
});

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

function refused(r: CliResult, what: string, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `${what} was not refused:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, pattern, what);
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  let ents;
  try {
    ents = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of ents) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}

/** every catalog an encrypt run wrote holds its manifest too, one file at the top (docs/manifest.md) */
const MANIFEST = 1;

function sshDest(path: string): string[] {
  return [
    '--dest', `${sshd.user}@127.0.0.1:${path}`, '--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath,
    ...sshd.sshOptions.flatMap((o) => ['--ssh-option', o]),
  ];
}

interface Setup {
  env: NodeJS.ProcessEnv;
  dir: string;
  plain: string;
  catalog: string;
  server: string;
  names: string[];
}

/** A combined task (encrypt with `engine`, push over ssh) that has run once: catalog and server full. */
async function combined(name: string, engine: 'native' | 'rclone', files: number): Promise<Setup> {
  const dir = join(work, name);
  const env = cliEnv(join(dir, 'home'), { PW: `guard test ${randomBytes(12).toString('hex')}` });
  const plain = join(dir, 'plain');
  const catalog = join(dir, 'catalog');
  const server = join(dir, 'server');
  const names = Array.from({ length: files }, (_, i) => `d${i % 7}/f${i}.txt`);
  await makeTree(plain, Object.fromEntries(names.map((n) => [n, `${n}\n`])));
  ok(await cryptsync(['remote', 'add', 'v', '--path', catalog, '--password-env', 'PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--engine', engine], { env }), 'task add enc');
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, ...sshDest(server)], { env }), 'task add push');
  ok(await cryptsync(['task', 'connect', 'push', 'enc'], { env }), 'connect');
  ok(await cryptsync(['run', 'push'], { env }), 'first run');
  assert.equal(await countFiles(catalog), files + MANIFEST);
  assert.equal(await countFiles(server), files + MANIFEST);
  return { env, dir, plain, catalog, server, names };
}

async function assertUntouched(s: Setup, files: number, what: string): Promise<void> {
  assert.equal(await countFiles(s.catalog), files + MANIFEST, `${what}: the catalog lost files`);
  assert.equal(await countFiles(s.server), files + MANIFEST, `${what}: the server lost files`);
}

for (const engine of ['native', 'rclone'] as const) {
  test(`engine ${engine}: an empty, junk-only, 90 %-vanished or missing source deletes nothing from the catalog or the server`, async () => {
    const random = rng(SEED + (engine === 'rclone' ? 1 : 0));
    const files = 100 + Math.floor(random() * 100);
    const s = await combined(`mass-${engine}`, engine, files);
    const full = join(s.dir, 'plain-full');
    await rename(s.plain, full);

    // an unmounted disk: the mount point is an empty folder
    await mkdir(s.plain);
    const est = await cryptsync(['estimate', 'push', '--json'], { env: s.env });
    assert.match(est.stdout, /holds no files/, 'the estimate says loudly that a run would refuse');
    refused(await cryptsync(['run', 'push', '--json'], { env: s.env }), 'empty source', /holds no files/);
    await assertUntouched(s, files, 'empty source');

    // only system junk is left (a freshly formatted disk, a Finder visit)
    await writeFile(join(s.plain, '.DS_Store'), randomBytes(600));
    await mkdir(join(s.plain, 'lost+found'));
    await mkdir(join(s.plain, 'd1'));
    await writeFile(join(s.plain, 'd1', 'Thumbs.db'), 'x');
    await mkdir(join(s.plain, '.Trash-1000', 'files'), { recursive: true });
    await writeFile(join(s.plain, '.Trash-1000', 'files', 'gone.txt'), 'old');
    refused(await cryptsync(['run', 'push', '--json'], { env: s.env }), 'junk-only source', /holds no files/);
    await assertUntouched(s, files, 'junk-only source');

    // 90 % of the files vanished (picked by the seed)
    await rm(s.plain, { recursive: true });
    await rename(full, s.plain);
    const vanish = s.names.filter(() => random() < 0.9);
    for (const n of vanish) await rm(join(s.plain, n));
    if (vanish.length * 2 > files && vanish.length >= 10) {
      const e2 = await cryptsync(['estimate', 'push', '--json'], { env: s.env });
      assert.match(e2.stdout, new RegExp(`would delete ${vanish.length} of the ${files} files`), e2.stdout);
      refused(await cryptsync(['run', 'push', '--json'], { env: s.env }), 'mass deletion', /more than 50 %/);
      await assertUntouched(s, files, 'mass deletion');
    }

    // a missing source: --force lifts "empty", never "missing"
    const kept = join(s.dir, 'plain-kept');
    await rename(s.plain, kept);
    refused(await cryptsync(['run', 'push', '--force', '--json'], { env: s.env }), 'missing source with --force', /not found|does not exist/);
    await assertUntouched(s, files, 'missing source');
    refused(await cryptsync(['encrypt', s.plain, 'v:', '--force'], { env: s.env }), 'one-off encrypt of a missing source', /not found/);
    assert.equal(await countFiles(s.catalog), files + MANIFEST);

    // the deletions are real and the user says so: --force runs them on both copies
    await rename(kept, s.plain);
    ok(await cryptsync(['run', 'push', '--force'], { env: s.env }), 'forced run');
    assert.equal(await countFiles(s.catalog), files - vanish.length + MANIFEST);
    assert.equal(await countFiles(s.server), files - vanish.length + MANIFEST);
  });
}

test('a task-level maxDeletePercent replaces the default share; the one-off encrypt has the same guard', async () => {
  const s = await combined('percent', 'native', 40);
  for (const n of s.names.slice(0, 30)) await rm(join(s.plain, n));
  refused(await cryptsync(['run', 'push'], { env: s.env }), 'default 50 %', /30 of the 40 files/);
  refused(await cryptsync(['encrypt', s.plain, 'v:'], { env: s.env }), 'one-off encrypt', /30 of the 40 files/);
  assert.equal(await countFiles(s.catalog), 40 + MANIFEST);
  ok(await cryptsync(['task', 'edit', 'enc', '--max-delete-percent', '80'], { env: s.env }), 'edit');
  ok(await cryptsync(['run', 'push'], { env: s.env }), 'run within 80 %');
  assert.equal(await countFiles(s.server), 10 + MANIFEST);
});

test('two encrypt tasks cannot share a catalog: refused at task add, at run time after a hand edit, and for a one-off encrypt', async () => {
  const s = await combined('shared', 'native', 30);
  const other = join(s.dir, 'other');
  await makeTree(other, { 'x.txt': 'x\n' });
  const add = await cryptsync(['task', 'add', 'enc2', '--type', 'encrypt', '--source', other, '--remote', 'v:'], { env: s.env });
  assert.equal(add.code, 2, add.stderr);
  assert.match(add.stderr, /remote: encrypt task "enc"/);
  const nested = await cryptsync(['task', 'add', 'enc3', '--type', 'encrypt', '--source', other, '--remote', 'v:sub'], { env: s.env });
  assert.equal(nested.code, 2, nested.stderr);
  assert.match(nested.stderr, /nested/);

  // tasks.json edited by hand: the run refuses and names the other task
  const tasksPath = join(s.env.CRYPTSYNC_HOME as string, 'profiles', 'default', 'tasks.json');
  const doc = JSON.parse(await readFile(tasksPath, 'utf8')) as { tasks: Array<Record<string, unknown>> };
  doc.tasks.push({ name: 'enc2', type: 'encrypt', source: other, remote: 'v:' });
  await writeFile(tasksPath, JSON.stringify(doc, null, 2));
  refused(await cryptsync(['run', 'enc2'], { env: s.env }), 'run of a hand-added twin', /encrypt task "enc"/);
  assert.equal(await countFiles(s.catalog), 30 + MANIFEST);
  // a one-off encrypt from another source into a task's catalog is the same danger
  refused(await cryptsync(['encrypt', other, 'v:'], { env: s.env }), 'one-off encrypt into a task catalog', /encrypt task "enc"/);
  assert.equal(await countFiles(s.catalog), 30 + MANIFEST);
  // the task's own source is no danger (once the hand-added twin is gone)
  doc.tasks.pop();
  await writeFile(tasksPath, JSON.stringify(doc, null, 2));
  ok(await cryptsync(['encrypt', s.plain, 'v:'], { env: s.env }), 'one-off encrypt of the same source');
});

/** Starts `cryptsync run TASK` in its own process group and kills it (and rclone) with SIGKILL once `ready` says so. */
async function killMidRun(env: NodeJS.ProcessEnv, task: string, ready: () => Promise<boolean>): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'run', task], { env, detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  const t0 = Date.now();
  while (!(await ready())) {
    if (Date.now() - t0 > 60_000) throw new Error('the run never reached the kill point');
    await new Promise((r) => setTimeout(r, 20));
  }
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

for (const engine of ['rclone', 'native'] as const) {
  test(`engine ${engine}: a catalog whose encrypt was killed is not pushed until an encrypt run completes`, async () => {
    const dir = join(work, `torn-${engine}`);
    const env = cliEnv(join(dir, 'home'), { PW: `torn test ${randomBytes(12).toString('hex')}` });
    const plain = join(dir, 'plain');
    const catalog = join(dir, 'catalog');
    const server = join(dir, 'server');
    await makeTree(plain, Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`big${i}.bin`, 48 * 1024 * 1024])));
    ok(await cryptsync(['remote', 'add', 'v', '--path', catalog, '--password-env', 'PW'], { env }), 'remote add');
    ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--engine', engine], { env }), 'add enc');
    // a standalone push of the catalog (not connected): the way torn files used to reach the server
    await mkdir(catalog, { recursive: true });
    ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, ...sshDest(server)], { env }), 'add push');

    await killMidRun(env, 'enc', async () => (await readdir(catalog).catch(() => [])).length > 0);
    const r = await cryptsync(['run', 'push', '--json'], { env });
    refused(r, 'push of a torn catalog', /did not finish/);
    assert.equal(await countFiles(server), 0, 'nothing reached the server');
    const est = await cryptsync(['estimate', 'push', '--json'], { env });
    assert.match(est.stdout, /did not finish/, 'the estimate says why a run would refuse');

    ok(await cryptsync(['run', 'enc'], { env }), 'a completing encrypt run');
    ok(await cryptsync(['run', 'push'], { env }), 'push after the encrypt completed');
    assert.equal(await countFiles(server), 6 + MANIFEST);
    for (const f of await readdir(catalog)) {
      assert.equal((await stat(join(server, f))).size, (await stat(join(catalog, f))).size);
    }
  });
}

test('--force pushes a catalog whose encrypt did not finish, when the user says so', async () => {
  const dir = join(work, 'torn-force');
  const env = cliEnv(join(dir, 'home'), { PW: `torn force ${randomBytes(12).toString('hex')}` });
  const plain = join(dir, 'plain');
  const catalog = join(dir, 'catalog');
  const server = join(dir, 'server');
  await makeTree(plain, Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`big${i}.bin`, 48 * 1024 * 1024])));
  ok(await cryptsync(['remote', 'add', 'v', '--path', catalog, '--password-env', 'PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--engine', 'rclone'], { env }), 'add enc');
  await mkdir(catalog, { recursive: true });
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', server], { env }), 'add push');
  await killMidRun(env, 'enc', async () => (await readdir(catalog).catch(() => [])).length > 0);
  refused(await cryptsync(['run', 'push'], { env }), 'unforced push', /did not finish/);
  ok(await cryptsync(['run', 'push', '--force'], { env }), 'forced push');
  assert.ok((await countFiles(server)) > 0);
});

test('plaintext dropped into a catalog is never pushed, even with --force', async () => {
  const s = await combined('plaintext', 'native', 12);
  await writeFile(join(s.catalog, 'notes.txt'), 'my secret plan\n');
  const r = await cryptsync(['run', 'push', '--json'], { env: s.env });
  refused(r, 'push with plaintext in the catalog', /not encrypted for its remote, first: notes\.txt/);
  const ends = jsonLines(r.stdout).filter((e) => e.type === 'step-end');
  assert.equal(ends.find((e) => e.step === 'encrypt')?.status, 'ok');
  assert.equal(ends.find((e) => e.step === 'rsync')?.status, 'failed');
  refused(await cryptsync(['run', 'push', '--force'], { env: s.env }), 'forced push with plaintext', /notes\.txt/);
  await assert.rejects(stat(join(s.server, 'notes.txt')), 'the plaintext never reached the server');
  const est = await cryptsync(['estimate', 'push', '--json'], { env: s.env });
  assert.match(est.stdout, /notes\.txt/, 'the estimate names it too');
  // a standalone push of the catalog (disconnected) checks the names itself
  ok(await cryptsync(['task', 'disconnect', 'push'], { env: s.env }), 'disconnect');
  await mkdir(join(s.catalog, 'restore-test'));
  await writeFile(join(s.catalog, 'restore-test', 'tax.pdf'), 'plaintext');
  await rm(join(s.catalog, 'notes.txt'));
  refused(await cryptsync(['run', 'push', '--force'], { env: s.env }), 'standalone push with plaintext', /first: restore-test/);
  await assert.rejects(stat(join(s.server, 'restore-test')), 'the plaintext folder never reached the server');
  await rm(join(s.catalog, 'restore-test'), { recursive: true });
  ok(await cryptsync(['run', 'push'], { env: s.env }), 'push after it was moved out');
});

test('rsync push over ssh: an empty, junk-only or 90 %-vanished source deletes nothing at the server unless forced', async () => {
  const random = rng(SEED + 7);
  const dir = join(work, 'rsync-mass');
  const env = cliEnv(join(dir, 'home'));
  const src = join(dir, 'src');
  const server = join(dir, 'server');
  const files = 60 + Math.floor(random() * 60);
  const names = Array.from({ length: files }, (_, i) => `s${i % 5}/n${i}.dat`);
  await makeTree(src, Object.fromEntries(names.map((n) => [n, 100])));
  ok(await cryptsync(['task', 'add', 'mirror', '--type', 'synchronize', '--source', src, ...sshDest(server)], { env }), 'add');
  ok(await cryptsync(['run', 'mirror'], { env }), 'first push');
  assert.equal(await countFiles(server), files);

  const vanish = names.filter(() => random() < 0.9);
  for (const n of vanish) await rm(join(src, n));
  const est = await cryptsync(['estimate', 'mirror', '--json'], { env });
  assert.equal(est.code, 0, est.stderr);
  assert.match(est.stdout, new RegExp(`would delete ${vanish.length} of the ${files} files`), est.stdout);
  refused(await cryptsync(['run', 'mirror', '--json'], { env }), 'mass deletion at the server', /more than 50 %/);
  assert.equal(await countFiles(server), files);

  const rest = join(dir, 'rest');
  await rename(src, rest);
  await mkdir(join(src, 'lost+found'), { recursive: true });
  await writeFile(join(src, '.DS_Store'), 'junk');
  refused(await cryptsync(['run', 'mirror'], { env }), 'junk-only source', /holds no files/);
  await rm(src, { recursive: true });
  refused(await cryptsync(['run', 'mirror', '--force'], { env }), 'missing source, forced', /does not exist/);
  assert.equal(await countFiles(server), files);

  await rename(rest, src);
  ok(await cryptsync(['run', 'mirror', '--force'], { env }), 'forced push');
  assert.equal(await countFiles(server), files - vanish.length);
});
