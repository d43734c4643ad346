// End to end through a real sshd on loopback with the real rsync and the real rclone: an encrypt
// task and a synchronize task to user@127.0.0.1:PATH, connected, estimated, run, re-run,
// changed, pulled back with a syncremote task and restored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, readFile, appendFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree, readTree, withoutManifest, SAMPLE_TREE } from '../helpers/tree.js';
import { rclone } from '../helpers/rclone.js';
import { obscure } from '../../src/crypt/index.js';

type Counts = { newFiles: number; changedFiles: number; deletedFiles: number; bytes: number; files: number };

const PASSWORD = 'correct horse battery staple, but longer';

let sshd: SshServer;
let work: string;
let env: NodeJS.ProcessEnv;
let plain: string;
let catalog: string;
let server: string;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

function lastRunEnd(stdout: string): Record<string, unknown> {
  const ends = jsonLines(stdout).filter((e) => e.type === 'run-end');
  assert.ok(ends.length > 0, `no run-end event in:\n${stdout}`);
  return ends[ends.length - 1]!;
}

function stepEnds(stdout: string): Record<string, Record<string, unknown>> {
  const m: Record<string, Record<string, unknown>> = {};
  for (const e of jsonLines(stdout)) if (e.type === 'step-end') m[e.step as string] = e;
  return m;
}

before(async () => {
  sshd = await startSshd();
  work = await mkdtemp(join(tmpdir(), 'cryptsync-e2e-'));
  env = cliEnv(join(work, 'home'), { VAULT_PW: PASSWORD });
  plain = join(work, 'plain');
  catalog = join(work, 'catalog');
  server = join(work, 'server');
  await makeTree(plain, SAMPLE_TREE);
  ok(await cryptsync(['remote', 'add', 'vault', '--path', catalog, '--password-env', 'VAULT_PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env }), 'task add enc');
  ok(
    await cryptsync(
      [
        'task', 'add', 'push', '--type', 'synchronize', '--source', catalog,
        '--dest', `${sshd.user}@127.0.0.1:${server}`, '--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath,
        ...sshd.sshOptions.flatMap((o) => ['--ssh-option', o]),
      ],
      { env },
    ),
    'task add push',
  );
});

after(async () => {
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('connect marks the pair as combined', async () => {
  ok(await cryptsync(['task', 'connect', 'push', 'enc'], { env }), 'connect');
  const lines = jsonLines(ok(await cryptsync(['task', 'list', '--json'], { env }), 'list').stdout);
  assert.ok(lines.length >= 2 && lines.every((l) => l.type === 'task'), 'one line per task');
  const tasks = lines.map((l) => l.task as Record<string, unknown>);
  const push = tasks.find((t) => t.name === 'push')!;
  assert.equal(push.combined, true);
  assert.equal(push.type, 'combined');
  assert.equal(push.connectedTo, 'enc');
  const cmd = ok(await cryptsync(['task', 'command', 'push'], { env }), 'command').stdout;
  assert.match(cmd, /rsync --archive --verbose --delete -e /);
  assert.doesNotMatch(cmd, /--compress/, 'ciphertext is not compressed');
  assert.match(cmd, / --partial-dir=\.rsync-partial /);
  assert.match(cmd, new RegExp(`-p ${sshd.port}`));
});

test('estimate reports both steps and writes nothing', async () => {
  const r = ok(await cryptsync(['estimate', 'push', '--json'], { env }), 'estimate');
  const steps = stepEnds(r.stdout);
  assert.equal((steps.encrypt!.counts as Counts).newFiles, 9);
  assert.ok(steps.rsync, 'the rsync step is estimated too');
  const end = lastRunEnd(r.stdout);
  assert.equal((end.estimate as Record<string, unknown>).hasChanges, true);
  await assert.rejects(stat(server), 'a dry run must not create the server folder');
  const entries = await readdir(catalog).catch(() => []);
  assert.equal(entries.length, 0, 'a dry run must not write the catalog');
});

test('run encrypts, pushes only ciphertext, and stock rclone restores the server copy', async () => {
  const r = ok(await cryptsync(['run', 'push', '--json'], { env }), 'run');
  const steps = stepEnds(r.stdout);
  assert.equal(steps.encrypt!.status, 'ok');
  assert.equal(steps.rsync!.status, 'ok');
  assert.equal((steps.encrypt!.counts as Counts).newFiles, 9);

  const files = await filesUnder(server);
  // the nine files and the catalog's manifest (docs/manifest.md), ciphertext like them
  assert.equal(files.length, 10);
  const magic = Buffer.from('RCLONE\0\0');
  for (const f of files) {
    const head = (await readFile(f)).subarray(0, 8);
    assert.deepEqual(head, magic, `${f} is not ciphertext`);
    for (const plainName of ['hello', 'naïve', 'leaf', 'ファイル', 'spaces']) assert.ok(!f.includes(plainName), `plain name leaked: ${f}`);
  }

  const conf = join(work, 'server-rclone.conf');
  const obscured = obscure(PASSWORD);
  await writeFile(conf, `[srv]\ntype = crypt\nremote = ${server}\npassword = ${obscured}\n`);
  const out = join(work, 'rclone-restore');
  const c = await rclone(['copy', 'srv:', out, '--create-empty-src-dirs'], { config: conf });
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(withoutManifest(await readTree(out)), await readTree(plain));
});

test('the log holds both steps with counts', async () => {
  const runs = jsonLines(ok(await cryptsync(['log', 'push', '--json'], { env }), 'log').stdout).map((l) => l.run as Record<string, unknown>);
  const real = runs.find((x) => x.dryRun === false)!;
  assert.equal(real.status, 'ok');
  assert.equal(real.combined, true);
  const steps = real.steps as Array<Record<string, unknown>>;
  assert.deepEqual(steps.map((s) => s.kind), ['encrypt', 'rsync']);
  assert.equal(steps[0]!.filesNew, 9);
  assert.ok((steps[1]!.files as number) >= 9);
  assert.match(steps[1]!.command as string, /^rsync /);
  const est = runs.find((x) => x.dryRun === true)!;
  assert.equal(est.status, 'ok');
});

test('a second run transfers nothing; one change transfers one file', async () => {
  let r = ok(await cryptsync(['run', 'push', '--json'], { env }), 'second run');
  let steps = stepEnds(r.stdout);
  let enc = steps.encrypt!.counts as Counts;
  let rs = steps.rsync!.counts as Counts;
  assert.equal(enc.newFiles + enc.changedFiles + enc.deletedFiles, 0);
  assert.equal(rs.newFiles + rs.changedFiles + rs.deletedFiles, 0);
  assert.equal(rs.bytes, 0);

  await appendFile(join(plain, 'hello.txt'), 'one more line\n');
  r = ok(await cryptsync(['run', 'push', '--json'], { env }), 'third run');
  steps = stepEnds(r.stdout);
  enc = steps.encrypt!.counts as Counts;
  rs = steps.rsync!.counts as Counts;
  assert.equal(enc.changedFiles, 1);
  assert.equal(enc.newFiles, 0);
  // the changed file and the manifest's next generation
  assert.equal(rs.changedFiles + rs.newFiles, 2);
});

test('pulling the server copy back (syncremote) and restoring gives the original tree', async () => {
  const pulled = join(work, 'pulled');
  ok(
    await cryptsync(
      [
        'task', 'add', 'pull', '--type', 'syncremote', '--source', `${sshd.user}@127.0.0.1:${server}`, '--dest', pulled,
        '--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath, ...sshd.sshOptions.flatMap((o) => ['--ssh-option', o]),
      ],
      { env },
    ),
    'task add pull',
  );
  ok(await cryptsync(['run', 'pull'], { env }), 'run pull');
  ok(await cryptsync(['remote', 'add', 'pulled', '--path', pulled, '--password-env', 'VAULT_PW'], { env }), 'remote add pulled');
  const out = join(work, 'restored');
  ok(await cryptsync(['restore', 'pulled:', out], { env }), 'restore');
  assert.deepEqual(await readTree(out), await readTree(plain));
});
