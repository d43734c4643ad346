// rsync over a real OpenSSH server on loopback (test/helpers/sshd.ts): push, pull, paths with
// spaces (remote path with --protect-args, key path with spaces through rsync's -e splitting),
// abort mid-transfer, and a wrong host key refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRsyncArgs, runRsync, type RsyncOptions } from '../../src/rsync/index.js';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { readTree, writeTree } from './tree.js';

let server: SshServer;
let tmp: string;
before(async () => {
  server = await startSshd();
  tmp = await mkdtemp(join(tmpdir(), 'cryptsync-rsync-ssh-'));
});
after(async () => {
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

function sshSide(path: string): Pick<RsyncOptions, 'remote' | 'sshPort' | 'sshKey' | 'sshOptions'> {
  return {
    remote: { host: server.host, user: server.user, path },
    sshPort: server.port,
    sshKey: server.keyPath,
    sshOptions: server.sshOptions,
  };
}

test('the harness: sshd listens on loopback with a pinned host key, and stop() removes its dir', async () => {
  assert.equal(server.host, '127.0.0.1');
  assert.ok(server.port > 0);
  assert.ok(existsSync(server.keyPath) && existsSync(server.knownHostsPath));
  assert.ok(server.sshOptions.includes('StrictHostKeyChecking=yes'));
  const other = await startSshd();
  assert.notEqual(other.port, server.port);
  await other.stop();
  assert.equal(existsSync(other.dir), false);
});

test('push to user@127.0.0.1:path, a second push transfers nothing, pull gives the same tree back', async () => {
  const src = join(tmp, 'plain');
  await writeTree(src, { 'a.txt': 'alpha', 'deep/er/b.bin': randomBytes(200_000), 'c.txt': '' });
  const remoteDir = join(server.dir, 'backup');
  const progress: number[] = [];
  const push = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: '', ...sshSide(remoteDir) }), {
    onProgress: (p) => progress.push(p.bytes),
  });
  assert.equal(push.exitCode, 0, push.message);
  assert.deepEqual(await readTree(remoteDir), await readTree(src));
  assert.equal(push.stats?.filesTransferred, 3);
  assert.equal(push.itemized.newFiles, 3);
  assert.ok(progress.length > 0, 'progress fired over ssh');

  const again = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: '', ...sshSide(remoteDir) }));
  assert.equal(again.exitCode, 0);
  assert.equal(again.stats?.filesTransferred, 0);
  assert.deepEqual([again.itemized.newFiles, again.itemized.changedFiles, again.itemized.deletedFiles], [0, 0, 0]);

  const back = join(tmp, 'pulled');
  const pull = await runRsync(buildRsyncArgs({ mode: 'pull', source: '', dest: back, ...sshSide(remoteDir) }));
  assert.equal(pull.exitCode, 0, pull.message);
  assert.deepEqual(await readTree(back), await readTree(src));
});

test('dry run over ssh estimates without changing the server', async () => {
  const src = join(tmp, 'est-src');
  const remoteDir = join(server.dir, 'est');
  await writeTree(src, { 'keep.txt': 'k', 'change.txt': 'v1' });
  assert.equal((await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: '', ...sshSide(remoteDir) }))).exitCode, 0);
  await writeTree(src, { 'change.txt': 'version two', 'new.txt': 'n' });
  await rm(join(src, 'keep.txt'));
  const before = await readTree(remoteDir);
  const dry = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: '', dryRun: true, ...sshSide(remoteDir) }));
  assert.equal(dry.exitCode, 0, dry.message);
  assert.deepEqual([dry.itemized.newFiles, dry.itemized.changedFiles, dry.itemized.deletedFiles], [1, 1, 1]);
  assert.equal(dry.stats?.dryRun, true);
  assert.equal(dry.stats?.totalTransferredFileSize, 'version two'.length + 1);
  assert.deepEqual(await readTree(remoteDir), before);
});

test('remote path with spaces and quotes (--protect-args), key file in a folder with spaces', async () => {
  const src = join(tmp, 'spaced src');
  await writeTree(src, { "it's here.txt": 'q', 'x $(y).txt': 'z' });
  const keyDir = join(tmp, "key dir 'quoted'");
  await mkdir(keyDir);
  const key = join(keyDir, 'id ed25519');
  await copyFile(server.keyPath, key);
  await chmod(key, 0o600);
  const remoteDir = join(server.dir, "server side with 'quotes' & $(stuff)");
  const args = buildRsyncArgs({ mode: 'push', source: src, dest: '', protectArgs: true, ...sshSide(remoteDir), sshKey: key });
  const res = await runRsync(args);
  assert.equal(res.exitCode, 0, res.message);
  assert.deepEqual(await readTree(remoteDir), await readTree(src));
});

test('abort over ssh: SIGINT ends rsync and its ssh, reported as aborted', async () => {
  const src = join(tmp, 'slow');
  await writeTree(src, { 'big.bin': randomBytes(16_000_000) });
  const ac = new AbortController();
  const started = Date.now();
  const res = await runRsync(
    buildRsyncArgs({ mode: 'push', source: src, dest: '', extraFlags: ['--bwlimit=2m'], compress: false, ...sshSide(join(server.dir, 'slow')) }),
    { signal: ac.signal, graceMs: 2000, onProgress: () => ac.abort() },
  );
  assert.equal(res.aborted, true);
  // rsync says 20 (SIGINT) or 255 (its ssh got the SIGINT first): either way the run is aborted.
  assert.match(res.message, /^rsync aborted/);
  assert.ok(Date.now() - started < 6000, 'stopped long before the 8 s transfer would end');
});

test('an unknown host key is refused (StrictHostKeyChecking) with exit 255 and ssh\'s reason', async () => {
  const wrongKnownHosts = join(tmp, 'known_hosts_empty');
  await writeFile(wrongKnownHosts, '');
  const options = server.sshOptions.map((o) => (o.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${wrongKnownHosts}` : o));
  const res = await runRsync(
    buildRsyncArgs({ mode: 'push', source: tmp, dest: '', ...sshSide(join(server.dir, 'never')), sshOptions: options }),
  );
  assert.equal(res.exitCode, 255);
  assert.match(res.message, /host key is known for \[127\.0\.0\.1\]:\d+/);
  assert.equal(existsSync(join(server.dir, 'never')), false);
});
