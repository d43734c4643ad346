// `cryptsync ssh setup` against a real loopback sshd with an account that can log in with its
// password: the host key is trusted only with the right fingerprint, a key is made and installed
// with ssh-copy-id (the password handed over by an askpass helper, never printed), a batch-mode
// login then works, a changed host key is refused, and --task makes a task's runs use it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { IS_ROOT, makePasswordUser, type PasswordUser } from '../helpers/password-user.js';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/rclone.js';
import { makeTree, readTree, SAMPLE_TREE } from '../helpers/tree.js';

const isRoot = IS_ROOT;
let USER: string;
let PASSWORD: string;
let account: PasswordUser;
let sshd: SshServer;
let tmp: { dir: string; cleanup: () => Promise<void> };
let userHome: string;
let fingerprint: string;

before(async () => {
  if (!isRoot) return;
  tmp = await tempDir('cryptsync-ssh-setup-');
  account = await makePasswordUser('cssetup', tmp.dir);
  ({ name: USER, password: PASSWORD, home: userHome } = account);
  sshd = await startSshd({ passwordUsers: [USER] });
  // the fingerprint as the server's admin would read it, computed by ssh-keygen, not by cryptsync
  fingerprint = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1]!;
});
after(async () => {
  if (!isRoot) return;
  await sshd?.stop();
  account?.remove();
  await tmp?.cleanup();
});

const login = (): string => `${USER}@127.0.0.1`;
const envFor = (home: string): NodeJS.ProcessEnv => cliEnv(home, { SETUP_PW: PASSWORD });

function noSecret(r: { stdout: string; stderr: string }): void {
  assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password was printed');
}

test('an unconfirmed or wrong fingerprint trusts nothing', { skip: !isRoot && 'needs root to make a password-login account' }, async () => {
  const home = join(tmp.dir, 'home-refuse');
  const r = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--password-env', 'SETUP_PW'], { env: envFor(home) });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(fingerprint.replace(/[+/]/g, '\\$&')));
  assert.match(r.stderr, /--trust/);
  assert.ok(!existsSync(join(home, 'ssh', 'known_hosts')), 'known_hosts written without a confirmation');
  const wrong = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--trust', 'SHA256:AAAAnotthisone', '--password-env', 'SETUP_PW'], { env: envFor(home) });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /does not match the server/);
  assert.ok(!existsSync(join(home, 'ssh', 'known_hosts')));
  noSecret(r);
  noSecret(wrong);
});

test('set-up from nothing: trust, make a key, install it with the password, then a batch login works', { skip: !isRoot && 'needs root to make a password-login account' }, async () => {
  const home = join(tmp.dir, 'home-full');
  const bad = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--trust', fingerprint, '--password-env', 'WRONG_PW', '--json'], {
    env: { ...envFor(home), WRONG_PW: 'not the password' },
  });
  assert.notEqual(bad.code, 0, 'a wrong password installed the key');
  assert.match(bad.stderr, /could not install the key/);
  noSecret(bad);

  const r = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--trust', fingerprint, '--password-env', 'SETUP_PW', '--json'], { env: envFor(home) });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  noSecret(r);
  const lines = jsonLines(r.stdout);
  const steps = lines.filter((l) => l.type === 'ssh-step').map((l) => `${l.step as string}:${l.status as string}`);
  assert.deepEqual(steps, ['host-key:ok', 'key:ok', 'install:done', 'login:ok'], 'the failed attempt already trusted the host and made the key');
  const result = lines.find((l) => l.type === 'ssh-setup')!;
  const key = result.keyPath as string;
  assert.equal(key, join(home, 'ssh', 'id_ed25519'));
  assert.equal((await stat(key)).mode & 0o077, 0, 'the private key is readable by others');
  assert.equal((await stat(join(home, 'ssh', 'known_hosts'))).mode & 0o077, 0);
  const authorized = await readFile(join(userHome, '.ssh', 'authorized_keys'), 'utf8');
  assert.ok(authorized.includes((await readFile(`${key}.pub`, 'utf8')).trim().split(' ')[1]!), 'the key is not in authorized_keys');
  const opts = (result.sshOptions as string[]).flatMap((o) => ['-o', o]);
  const probe = spawnSync('ssh', ['-p', String(sshd.port), '-i', key, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', ...opts, login(), '--', 'echo', 'hello']);
  assert.equal(probe.status, 0, probe.stderr.toString());
  assert.equal(probe.stdout.toString().trim(), 'hello');

  const again = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--json'], { env: cliEnv(home) });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    jsonLines(again.stdout).filter((l) => l.type === 'ssh-step').map((l) => `${l.step as string}:${l.status as string}`),
    ['host-key:ok', 'key:ok', 'login:ok'],
    'a second set-up must need no fingerprint, no password and install nothing',
  );

  // the server's key now differs from the trusted one: refused loudly, known_hosts untouched
  const knownHosts = join(home, 'ssh', 'known_hosts');
  const before = await readFile(knownHosts, 'utf8');
  const other = join(tmp.dir, 'other_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const otherKey = (await readFile(`${other}.pub`, 'utf8')).split(' ')[1]!;
  const swapped = before.replace(/ssh-ed25519 \S+/, `ssh-ed25519 ${otherKey}`);
  await writeFile(knownHosts, swapped);
  const attack = await cryptsync(['ssh', 'setup', login(), '--port', String(sshd.port), '--trust', fingerprint], { env: cliEnv(home) });
  assert.notEqual(attack.code, 0);
  assert.match(attack.stderr, /CHANGED/);
  assert.equal(await readFile(knownHosts, 'utf8'), swapped, 'known_hosts changed after a host key mismatch');
});

test('--task writes key, port and known_hosts into the task, and its run works over them', { skip: !isRoot && 'needs root to make a password-login account' }, async () => {
  const home = join(tmp.dir, 'home-task');
  const env = envFor(home);
  const source = join(tmp.dir, 'task-source');
  await makeTree(source, SAMPLE_TREE);
  const dest = join(userHome, 'backup');
  const add = await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', source, '--dest', `${login()}:${dest}`, '--ssh-port', String(sshd.port)], { env });
  assert.equal(add.code, 0, add.stderr);
  const failing = await cryptsync(['run', 'push'], { env });
  assert.notEqual(failing.code, 0, 'a run before the set-up logged in without a trusted host key');
  const r = await cryptsync(['ssh', 'setup', '--task', 'push', '--trust', fingerprint, '--password-env', 'SETUP_PW'], { env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  noSecret(r);
  assert.match(r.stdout, /task push: now uses/);
  const shown = jsonLines((await cryptsync(['task', 'show', 'push', '--json'], { env })).stdout)[0]!;
  const t = (shown.task as Record<string, unknown>) ?? shown;
  assert.equal(t.sshKey, join(home, 'ssh', 'id_ed25519'));
  assert.ok((t.sshOptions as string[]).includes('StrictHostKeyChecking=yes'));
  const run = await cryptsync(['run', 'push'], { env });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.deepEqual(await readTree(dest), await readTree(source));
});
