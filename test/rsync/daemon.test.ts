// rsync daemon remotes (`host::module/path`, --port=N) against a real `rsync --daemon` on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildRsyncArgs, runRsync } from '../../src/rsync/index.js';
import { readTree, writeTree } from './tree.js';

let tmp: string;
let moduleDir: string;
let port: number;
let daemon: ChildProcess;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cryptsync-rsyncd-'));
  moduleDir = join(tmp, 'module');
  await mkdir(moduleDir);
  const conf = join(tmp, 'rsyncd.conf');
  const me = userInfo();
  await writeFile(conf, [
    `pid file = ${join(tmp, 'rsyncd.pid')}`,
    'use chroot = no',
    `uid = ${me.uid}`,
    `gid = ${me.gid}`,
    '[backups]',
    `  path = ${moduleDir}`,
    '  read only = false',
    '',
  ].join('\n'));
  port = await freePort();
  daemon = spawn('rsync', ['--daemon', '--no-detach', `--config=${conf}`, `--port=${port}`, '--address=127.0.0.1'], { stdio: 'ignore' });
  await waitForGreeting(port);
});
after(async () => {
  if (daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  await rm(tmp, { recursive: true, force: true });
});

test('push to host::module/path on a daemon port, then pull it back', async () => {
  const src = join(tmp, 'src');
  await writeTree(src, { 'a.txt': 'a', 'd/b.txt': 'bb' });
  const remote = { host: '127.0.0.1', path: 'backups/enc', daemon: true, port };
  const push = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: '', remote }));
  assert.equal(push.exitCode, 0, push.message);
  assert.deepEqual(await readTree(join(moduleDir, 'enc')), await readTree(src));
  assert.equal(push.stats?.filesTransferred, 2);
  const back = join(tmp, 'back');
  const pull = await runRsync(buildRsyncArgs({ mode: 'pull', source: '', dest: back, remote }));
  assert.equal(pull.exitCode, 0, pull.message);
  assert.deepEqual(await readTree(back), await readTree(src));
});

test('an unknown module is a clear daemon error, not success', async () => {
  const res = await runRsync(buildRsyncArgs({ mode: 'push', source: tmp, dest: '', remote: { host: '127.0.0.1', path: 'nope/x', daemon: true, port } }));
  assert.notEqual(res.exitCode, 0);
  assert.match(res.message, /Unknown module 'nope'/);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitForGreeting(p: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: p });
      s.setTimeout(1000, () => { s.destroy(); resolve(false); });
      s.once('data', (d: Buffer) => { s.destroy(); resolve(d.toString().startsWith('@RSYNCD:')); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rsync daemon did not answer on port ${p}`);
}
