// The cloud step end to end, through real servers that rclone itself provides on loopback
// (`rclone serve sftp` and `rclone serve webdav`, random port, user and password): an encrypt
// task connected to a cloud task pushes the catalog; the served folder holds only ciphertext;
// stock rclone with a crypt remote layered on the served remote restores it byte for byte; a
// second run sends nothing; a wrong remote name, wrong credentials and a stopped server are clear
// errors naming the remote with nothing deleted; Ctrl+C mid-push is logged as aborted. The tree
// comes from a printed seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BIN, cliEnv, cryptsync, jsonLines, type CliResult } from '../helpers/cli.js';
import { rclone } from '../helpers/rclone.js';
import { readTree } from '../helpers/tree.js';
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
      assert.equal((c1.counts as { newFiles: number }).newFiles, names.length);
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
      assert.deepEqual(await readTree(out), await readTree(plain));

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
      const child = spawn(process.execPath, [BIN, 'run', 'off', '--json'], { env: slow, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const closed = new Promise<number | null>((res) => child.on('close', res));
      let exited = false;
      void closed.then(() => (exited = true));
      await new Promise<void>((res) => {
        const check = () => (/"type":"progress"[^\n]*"step":"cloud"/.test(stdout) || exited ? res() : setTimeout(check, 50));
        check();
      });
      assert.ok(!exited, `the run ended before the cloud step sent anything:\n${stdout}`);
      child.kill('SIGINT');
      assert.equal(await closed, 130, stdout);
      const runs = jsonLines((await cryptsync(['log', 'off', '--json'], { env })).stdout)[0]!.runs as Array<Record<string, unknown>>;
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
