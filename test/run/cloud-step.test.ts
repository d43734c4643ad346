// The cloud step end to end, through real servers that rclone itself provides on loopback
// (`rclone serve sftp` and `rclone serve webdav`, random port, user and password): an encrypt
// task connected to a cloud task pushes the catalog; the served folder holds only ciphertext;
// stock rclone with a crypt remote layered on the served remote restores it byte for byte; a
// second run sends nothing; a wrong remote name, wrong credentials and a stopped server are clear
// errors naming the remote with nothing deleted; Ctrl+C mid-push is logged as aborted. The tree
// comes from a printed seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cliEnv, cryptsync, interruptWhen, jsonLines, type CliResult } from '../helpers/cli.js';
import { rclone } from '../helpers/rclone.js';
import { readTree, withoutManifest } from '../helpers/tree.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { startRcloneServe, type ServeKind, type ServedRemote } from '../helpers/rclone-serve.js';

const PASSWORD = 'a long cloud test passphrase 9f3e27c1b0';
const seed = Number(process.env.CLOUD_SEED || Math.floor(Math.random() * 2 ** 32));
console.log(`cloud-step seed: ${seed} (replay with CLOUD_SEED=${seed})`);

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-cloud-'));
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p, base)));
    else out.push(relative(base, p));
  }
  return out.sort();
}

async function randomTree(root: string, rand: () => number): Promise<string[]> {
  const names: string[] = [];
  const n = 15 + Math.floor(rand() * 25);
  for (let i = 0; i < n; i++) {
    const dir = rand() < 0.4 ? `docs/d${Math.floor(rand() * 4)}` : rand() < 0.5 ? 'photos' : '';
    const name = `${dir ? `${dir}/` : ''}file-${i}-${Math.floor(rand() * 1e6)}.txt`;
    await mkdir(join(root, dir), { recursive: true });
    const size = Math.floor(rand() * 70_000);
    await writeFile(join(root, name), Buffer.alloc(size, `${name}:${rand()}`));
    names.push(name);
  }
  return names;
}

function stepEnd(stdout: string, step: string): Record<string, unknown> {
  const e = jsonLines(stdout).filter((x) => x.type === 'step-end' && x.step === step);
  assert.equal(e.length, 1, `one ${step} step-end in:\n${stdout}`);
  return e[0]!;
}

/** the [vault] section's two obscured passwords, to layer stock rclone's crypt on the served copy */
async function vaultSecrets(conf: string): Promise<string[]> {
  const text = await readFile(conf, 'utf8');
  const vault = text.slice(text.indexOf('[vault]'));
  return vault.split('\n').filter((l) => /^password2? = /.test(l));
}

for (const kind of ['sftp', 'webdav'] as ServeKind[]) {
  test(`cloud push over rclone serve ${kind}: ciphertext only, stock rclone restores it, errors name the remote, abort is logged`, async () => {
    const dir = join(work, kind);
    const home = join(dir, 'home');
    const env = cliEnv(home, { VAULT_PW: PASSWORD });
    const plain = join(dir, 'plain');
    const catalog = join(dir, 'catalog');
    const served = join(dir, 'served');
    await mkdir(served, { recursive: true });
    const names = await randomTree(plain, seededRandom(seed));
    let server: ServedRemote | undefined = await startRcloneServe(kind, served);
    try {
      ok(await cryptsync(['remote', 'add', 'vault', '--path', catalog, '--password-env', 'VAULT_PW'], { env }), 'remote add');
      const conf = join(home, 'rclone.conf');
      await appendFile(conf, `\n${server.confSection('offsite')}\n${server.confSection('offbad', { pass: 'not-the-password' })}\n`);
      ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env }), 'task add enc');
      ok(await cryptsync(['task', 'add', 'off', '--type', 'cloud', '--source', catalog, '--dest', 'offsite:backup'], { env }), 'task add off');
      ok(await cryptsync(['task', 'connect', 'off', 'enc'], { env }), 'connect');

      const cmd = ok(await cryptsync(['task', 'command', 'off'], { env }), 'task command').stdout;
      assert.match(cmd, /rclone sync .*catalog offsite:backup --config /);
      assert.ok(!cmd.includes(server.pass), 'no password on the command line');

      const est = ok(await cryptsync(['estimate', 'off', '--json'], { env }), 'estimate');
      assert.equal((stepEnd(est.stdout, 'cloud').counts as { newFiles: number }).newFiles, names.length, 'the estimate counts what the encrypt step will write');
      assert.deepEqual(await filesUnder(served), [], 'an estimate sends nothing');

      const first = ok(await cryptsync(['run', 'off', '--json'], { env }), 'first run');
      assert.equal(stepEnd(first.stdout, 'encrypt').status, 'ok');
      const c1 = stepEnd(first.stdout, 'cloud');
      assert.equal(c1.status, 'ok');
      // the files and the catalog's manifest (docs/manifest.md)
      assert.equal((c1.counts as { newFiles: number }).newFiles, names.length + 1);
      assert.ok(!first.stdout.includes(server.pass) && !first.stderr.includes(server.pass), 'no password in the output');

      // the served folder is the catalog: the same encrypted paths, no plain name anywhere
      const pushed = await filesUnder(join(served, 'backup'));
      assert.deepEqual(pushed, await filesUnder(catalog));
      for (const n of names) for (const seg of n.split('/')) assert.ok(!pushed.some((p) => p.split('/').includes(seg)), `plain name ${seg} on the server`);

      // stock rclone restores it through a crypt remote on the served remote
      const secrets = await vaultSecrets(conf);
      await appendFile(conf, `\n[restorer]\ntype = crypt\nremote = offsite:backup\n${secrets.join('\n')}\n`);
      const out = join(dir, 'restored');
      const rc = await rclone(['copy', 'restorer:', out], { config: conf });
      assert.equal(rc.code, 0, rc.stderr);
      assert.deepEqual(withoutManifest(await readTree(out)), await readTree(plain));

      const second = ok(await cryptsync(['run', 'off', '--json'], { env }), 'second run');
      const c2 = stepEnd(second.stdout, 'cloud').counts as { newFiles: number; changedFiles: number; deletedFiles: number };
      assert.deepEqual([c2.newFiles, c2.changedFiles, c2.deletedFiles], [0, 0, 0], 'a second run sends nothing');

      const before = await filesUnder(join(served, 'backup'));
      // a remote that is not in the config
      ok(await cryptsync(['task', 'add', 'nowhere', '--type', 'cloud', '--source', catalog, '--dest', 'nosuch:backup'], { env }), 'task add nowhere');
      const bad = await cryptsync(['run', 'nowhere'], { env });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout + bad.stderr, /nosuch/);
      // wrong credentials
      ok(await cryptsync(['task', 'add', 'badpass', '--type', 'cloud', '--source', catalog, '--dest', 'offbad:backup'], { env }), 'task add badpass');
      const denied = await cryptsync(['run', 'badpass'], { env });
      assert.notEqual(denied.code, 0, denied.stdout);
      assert.match(denied.stdout + denied.stderr, /offbad/);
      assert.ok(!(denied.stdout + denied.stderr).includes('not-the-password'));

      // Ctrl+C while the push runs (rclone slowed by its RCLONE_BWLIMIT environment variable)
      await writeFile(join(plain, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
      const slow = { ...env, RCLONE_BWLIMIT: '200k' };
      const aborted = await interruptWhen(['run', 'off', '--json'], { env: slow, ready: /"type":"progress"[^\n]*"step":"cloud"/ });
      assert.equal(aborted.code, 130, aborted.stdout);
      const runs = jsonLines((await cryptsync(['log', 'off', '--json'], { env })).stdout).map((l) => l.run as Record<string, unknown>);
      assert.equal(runs[0]!.status, 'aborted');
      const steps = runs[0]!.steps as Array<Record<string, unknown>>;
      assert.equal(steps.find((s) => s.kind === 'cloud')?.status, 'aborted');

      // the server goes away
      await server.dispose();
      server = undefined;
      const down = await cryptsync(['run', 'off'], { env });
      assert.notEqual(down.code, 0);
      assert.match(down.stdout + down.stderr, /offsite/);
      for (const f of before) assert.ok((await filesUnder(join(served, 'backup'))).includes(f), `${f} was deleted from the server`);
    } finally {
      await server?.dispose();
    }
  });
}

test('cloud push guards: a vanished, empty or missing source never empties the remote; --force lifts only what it may', async () => {
  const dir = join(work, 'guards');
  const home = join(dir, 'home');
  const env = cliEnv(home);
  const src = join(dir, 'src');
  const dst = join(dir, 'remote-folder');
  await mkdir(src, { recursive: true });
  await mkdir(home, { recursive: true });
  // a plain local rclone remote: real rclone, no server needed for the guard logic
  await writeFile(join(home, 'rclone.conf'), '[near]\ntype = local\n');
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const total = 20 + Math.floor(rand() * 30);
  const names = Array.from({ length: total }, (_, i) => `f${i}.txt`);
  for (const n of names) await writeFile(join(src, n), `${n} ${rand()}`);
  ok(await cryptsync(['task', 'add', 'up', '--type', 'cloud', '--source', src, '--dest', `near:${dst}`], { env }), 'task add up');
  ok(await cryptsync(['run', 'up'], { env }), 'first push');
  assert.equal((await filesUnder(dst)).length, total);

  // most files vanish: refused, with the share named; the remote keeps everything
  const gone = names.slice(0, Math.ceil(total * 0.8));
  for (const n of gone) await rm(join(src, n));
  const mass = await cryptsync(['run', 'up', '--json'], { env });
  assert.equal(mass.code, 1, mass.stdout);
  assert.equal(stepEnd(mass.stdout, 'cloud').errorCode, 'MASS_DELETE');
  assert.equal((await filesUnder(dst)).length, total);
  const est = ok(await cryptsync(['estimate', 'up', '--json'], { env }), 'estimate');
  assert.match(String(stepEnd(est.stdout, 'cloud').message), /WARNING: .*would delete/);

  // only junk left: empty
  for (const n of names.slice(gone.length)) await rm(join(src, n));
  await writeFile(join(src, '.DS_Store'), 'junk');
  const empty = await cryptsync(['run', 'up', '--json'], { env });
  assert.equal(empty.code, 1);
  assert.equal(stepEnd(empty.stdout, 'cloud').errorCode, 'EMPTY_SOURCE');
  assert.equal((await filesUnder(dst)).length, total);

  // missing: refused even with --force
  await rm(src, { recursive: true });
  const missing = await cryptsync(['run', 'up', '--force', '--json'], { env });
  assert.equal(missing.code, 1);
  assert.equal(stepEnd(missing.stdout, 'cloud').errorCode, 'SOURCE_NOT_FOUND');
  assert.equal((await filesUnder(dst)).length, total);

  // a task's maxDelete is never lifted; --force lifts the share rule
  await mkdir(src);
  for (const n of names.slice(gone.length)) await writeFile(join(src, n), n);
  ok(await cryptsync(['task', 'edit', 'up', '--max-delete', '3'], { env }), 'edit max-delete');
  const capped = await cryptsync(['run', 'up', '--force', '--json'], { env });
  assert.equal(capped.code, 1, capped.stdout);
  assert.equal(stepEnd(capped.stdout, 'cloud').errorCode, 'MAX_DELETE');
  assert.equal((await filesUnder(dst)).length, total, 'refused before rclone deleted anything');
  ok(await cryptsync(['task', 'edit', 'up', '--max-delete', String(total)], { env }), 'edit max-delete');
  ok(await cryptsync(['run', 'up', '--force'], { env }), 'forced push');
  assert.deepEqual(await filesUnder(dst), names.slice(gone.length).sort());
});
