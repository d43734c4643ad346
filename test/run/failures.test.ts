// Failure paths of task runs: a failed encrypt step never pushes, an unreachable server is named,
// a missing rsync is reported, a second run of a running task is refused, a corrupt tasks.json
// is reported and never overwritten, pre-commands can stop a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, writeFile, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';

let work: string;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

async function setup(name: string): Promise<{ env: NodeJS.ProcessEnv; plain: string; catalog: string; server: string }> {
  const dir = join(work, name);
  const env = cliEnv(join(dir, 'home'), { PW: 'the right password', BAD: 'a wrong password' });
  const plain = join(dir, 'plain');
  await makeTree(plain, { 'a.txt': 'alpha\n', 'b/c.txt': 'gamma\n' });
  const catalog = join(dir, 'catalog');
  const server = join(dir, 'server');
  ok(await cryptsync(['remote', 'add', 'good', '--path', catalog, '--password-env', 'PW'], { env }), 'remote add');
  return { env, plain, catalog, server };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-fail-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('a failed encrypt step (wrong password) never runs rsync and is logged failed', async () => {
  const { env, plain, catalog, server } = await setup('wrongpw');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'good:'], { env }), 'add');
  ok(await cryptsync(['run', 'enc'], { env }), 'first encrypt');
  ok(await cryptsync(['remote', 'add', 'bad', '--path', catalog, '--password-env', 'BAD'], { env }), 'remote add bad');
  ok(await cryptsync(['task', 'add', 'enc-bad', '--type', 'encrypt', '--source', plain, '--remote', 'bad:'], { env }), 'add');
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', server, '--connect', 'enc-bad'], { env }), 'add push');
  const before = await readdir(catalog);
  const r = await cryptsync(['run', 'push', '--json'], { env });
  assert.equal(r.code, 12, `wrong password must exit 12:\n${r.stderr}\n${r.stdout}`);
  const ev = jsonLines(r.stdout);
  assert.ok(!ev.some((e) => e.type === 'step-start' && e.step === 'rsync'), 'rsync must not start');
  await assert.rejects(readdir(server), 'nothing may reach the server');
  assert.deepEqual(await readdir(catalog), before, 'the catalog is untouched');
  const runs = jsonLines((await cryptsync(['log', 'push', '--json'], { env })).stdout).map((l) => l.run as Record<string, unknown>);
  assert.equal(runs[0]!.status, 'failed');
  const steps = runs[0]!.steps as Array<Record<string, unknown>>;
  assert.deepEqual(steps.map((s) => s.kind), ['encrypt']);
  assert.match(String(steps[0]!.message), /password/i);
});

test('an unreachable server gives a clear error naming host and port', async () => {
  const { env, catalog } = await setup('unreachable');
  await makeTree(catalog, { 'payload.bin': 'some data\n' });
  const port = await closedPort();
  ok(
    await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', `nobody@127.0.0.1:/srv/x`, '--ssh-port', String(port), '--ssh-option', 'StrictHostKeyChecking=no', '--ssh-option', 'BatchMode=yes'], { env }),
    'add',
  );
  const r = await cryptsync(['run', 'push'], { env });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /255/);
  assert.match(r.stdout + r.stderr, new RegExp(`127\\.0\\.0\\.1.*port ${port}`));
  const d = await cryptsync(['doctor', 'push'], { env });
  assert.equal(d.code, 1);
  assert.match(d.stdout, new RegExp(`127\\.0\\.0\\.1 port ${port}`));
});

test('rsync missing gives a clear error', async () => {
  const { env, catalog, server } = await setup('norsync');
  await makeTree(catalog, { 'payload.bin': 'some data\n' });
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', server], { env }), 'add');
  const empty = join(work, 'empty-path');
  await mkdir(empty, { recursive: true });
  const r = await cryptsync(['run', 'push'], { env: { ...env, PATH: empty } });
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /rsync/);
  assert.match(r.stdout + r.stderr, /not (found|installed)/i);
});

test('a second run of a running task is refused; a stale lock is cleared', async () => {
  const { env, catalog, server } = await setup('locked');
  await makeTree(catalog, { 'payload.bin': 'some data\n' });
  // the first run's pre-command holds it until the test has tried the second run (at most 60 s)
  const gate = join(work, 'locked', 'go');
  const waiter = join(work, 'locked', 'wait.sh');
  await writeFile(waiter, 'i=0; while [ ! -e "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n');
  ok(await cryptsync(['task', 'add', 'slow', '--type', 'synchronize', '--source', catalog, '--dest', server, '--pre-command', `sh ${waiter} ${gate}`], { env }), 'add');
  const first = cryptsync(['run', 'slow'], { env });
  // wait until the first run holds its lock (however slowly the machine starts it)
  const lockFile = join(env.CRYPTSYNC_HOME!, 'locks', 'default--slow.lock');
  for (let i = 0; i < 200 && !(await readFile(lockFile, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 50));
  const second = await cryptsync(['run', 'slow'], { env });
  assert.equal(second.code, 4, second.stderr);
  assert.match(second.stderr, /already running/);
  await writeFile(gate, '');
  ok(await first, 'first run');
  // a lock left by a killed process (pid that does not exist) does not block
  const locks = join(env.CRYPTSYNC_HOME!, 'locks');
  await mkdir(locks, { recursive: true });
  await writeFile(join(locks, 'default--slow.lock'), '999999');
  ok(await cryptsync(['run', 'slow'], { env }), 'run after stale lock');
});

test('a failing pre-command stops the run', async () => {
  const { env, catalog, server } = await setup('precmd');
  await makeTree(catalog, { 'payload.bin': 'some data\n' });
  ok(await cryptsync(['task', 'add', 'guarded', '--type', 'synchronize', '--source', catalog, '--dest', server, '--pre-command', 'false'], { env }), 'add');
  const r = await cryptsync(['run', 'guarded', '--json'], { env });
  assert.equal(r.code, 1);
  assert.ok(!jsonLines(r.stdout).some((e) => e.type === 'step-start'), 'no step may start');
  await assert.rejects(readdir(server));
});

test('a corrupt tasks.json is reported with its path and never overwritten', async () => {
  const { env, plain } = await setup('corrupt');
  const file = join(env.CRYPTSYNC_HOME!, 'profiles', 'default', 'tasks.json');
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, '{ "version": 1, "tasks": [ { "name": "x", ');
  const r = await cryptsync(['task', 'list'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tasks\.json/);
  const add = await cryptsync(['task', 'add', 'y', '--type', 'encrypt', '--source', plain, '--remote', 'good:'], { env });
  assert.notEqual(add.code, 0);
  assert.equal(await readFile(file, 'utf8'), '{ "version": 1, "tasks": [ { "name": "x", ');
});

test('a task with a bad field is refused with the field named', async () => {
  const { env } = await setup('badfield');
  const r = await cryptsync(['task', 'add', 'x', '--type', 'encrypt', '--source', join(work, 'does-not-exist'), '--remote', 'good:'], { env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /source/);
  assert.match(r.stderr, /does not exist/);
});

test('an empty source (unmounted disk) never wipes the destination unless forced', async () => {
  const { env, server } = await setup('emptysrc');
  const src = join(work, 'emptysrc', 'mountpoint');
  await mkdir(src, { recursive: true });
  await makeTree(server, { 'precious.bin': 'the only copy\n' });
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', src, '--dest', server], { env }), 'add');
  const est = await cryptsync(['estimate', 'push', '--json'], { env });
  assert.equal(est.code, 0, est.stderr);
  assert.ok(jsonLines(est.stdout).some((e) => e.type === 'log' && /empty/.test(String(e.message))), 'the estimate warns');
  const r = await cryptsync(['run', 'push', '--json'], { env });
  assert.equal(r.code, 1, r.stdout);
  assert.ok(jsonLines(r.stdout).some((e) => e.type === 'step-end' && /--force/.test(String(e.message))), r.stdout);
  assert.deepEqual(await readdir(server), ['precious.bin']);
  ok(await cryptsync(['run', 'push', '--force'], { env }), 'forced run');
  assert.deepEqual(await readdir(server), []);
});
