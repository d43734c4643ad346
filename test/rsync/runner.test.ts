// runRsync with the real rsync, local to local: exit codes, stats, itemized counts, progress,
// abort (SIGINT, then SIGTERM after the grace period), missing binary, and argv that never goes
// through a shell. Over ssh: see ssh.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRsyncArgs, classifyRsyncExit, runRsync, type RsyncProgress } from '../../src/rsync/index.js';
import { isCryptsyncError } from '../../src/util/errors.js';
import { readTree, writeTree } from './tree.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cryptsync-rsync-runner-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('local copy: exit 0, stats and itemized counts, names with shell syntax survive as one argument', async () => {
  const weird = `my docs $(touch PWNED); 'q' "d" \`x\``;
  const src = join(tmp, `src ${weird}`);
  const dst = join(tmp, `dst ${weird}`);
  await writeTree(src, { 'a.txt': 'alpha\n', 'sub dir/b.txt': 'beta\n', [`${weird}.txt`]: 'gamma' });
  const lines: string[] = [];
  const res = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: dst }), { onLine: (l) => lines.push(l) });
  assert.equal(res.exitCode, 0, res.message);
  assert.equal(res.aborted, false);
  assert.equal(res.message, '');
  assert.deepEqual(await readTree(dst), await readTree(src));
  assert.equal(existsSync(join(process.cwd(), 'PWNED')), false);
  assert.equal(existsSync(join(src, 'PWNED')), false);
  assert.equal(res.stats?.filesTransferred, 3);
  assert.equal(res.stats?.totalTransferredFileSize, 16);
  assert.deepEqual([res.itemized.newFiles, res.itemized.changedFiles, res.itemized.deletedFiles], [3, 0, 0]);
  assert.ok(lines.some((l) => l.includes(`${weird}.txt`)));
  assert.match(res.tail, /Number of files: /);

  // A second run transfers nothing; a changed file and a deleted one are counted as such.
  await writeFile(join(src, 'a.txt'), 'alpha changed\n');
  await rm(join(src, 'sub dir/b.txt'));
  const again = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: dst }));
  assert.equal(again.exitCode, 0);
  assert.deepEqual([again.itemized.newFiles, again.itemized.changedFiles, again.itemized.deletedFiles], [0, 1, 1]);
  assert.equal(again.stats?.filesDeleted, 1);
  assert.deepEqual(await readTree(dst), await readTree(src));
});

test('link-dest (snapshot): unchanged files in snapshot 2 are hard links to snapshot 1', async () => {
  const src = join(tmp, 'snap-src');
  const root = join(tmp, 'snapshots');
  await writeTree(src, { 'same.txt': 'unchanged', 'edit.txt': 'v1' });
  await mkdir(root);
  const first = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: join(root, '1') }));
  assert.equal(first.exitCode, 0, first.message);
  await writeFile(join(src, 'edit.txt'), 'version 2');
  // The run layer passes link-dest relative to the new snapshot, as RsyncOSX does.
  const second = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: join(root, '2'), linkDest: '../1' }));
  assert.equal(second.exitCode, 0, second.message);
  assert.equal((await stat(join(root, '1', 'same.txt'))).ino, (await stat(join(root, '2', 'same.txt'))).ino);
  assert.notEqual((await stat(join(root, '1', 'edit.txt'))).ino, (await stat(join(root, '2', 'edit.txt'))).ino);
  assert.deepEqual(await readTree(join(root, '2')), await readTree(src));
  assert.equal(second.stats?.filesTransferred, 1);
});

test('max-delete stops deletions: exit 25, the extra files stay', async () => {
  const src = join(tmp, 'md-src');
  const dst = join(tmp, 'md-dst');
  await writeTree(src, { 'keep.txt': 'k' });
  await writeTree(dst, { 'keep.txt': 'k', 'x1.txt': '1', 'x2.txt': '2', 'x3.txt': '3' });
  const res = await runRsync(buildRsyncArgs({ mode: 'push', source: src, dest: dst, maxDelete: 1 }));
  assert.equal(res.exitCode, 25);
  assert.equal(classifyRsyncExit(res.exitCode), 'partial');
  assert.match(res.message, /max-delete/);
  assert.ok(Object.keys(await readTree(dst)).length >= 3, 'at most one file was deleted');
});

test('a missing source is exit 23 (partial), with rsync\'s own reason in the message', async () => {
  const res = await runRsync(buildRsyncArgs({ mode: 'push', source: join(tmp, 'no-such-dir'), dest: join(tmp, 'out23') }));
  assert.equal(res.exitCode, 23);
  assert.match(res.message, /^rsync exit code 23: partial transfer.*change_dir.*no-such-dir/);
  assert.ok(res.errors.length > 0);
});

test('progress callbacks fire with growing bytes during a real transfer', async () => {
  const src = join(tmp, 'big');
  await writeTree(src, { 'one.bin': randomBytes(3_000_000), 'two.bin': randomBytes(1_000_000) });
  const seen: RsyncProgress[] = [];
  const res = await runRsync(
    buildRsyncArgs({ mode: 'push', source: src, dest: join(tmp, 'big-copy'), extraFlags: ['--bwlimit=8m'] }),
    { onProgress: (p) => seen.push(p) },
  );
  assert.equal(res.exitCode, 0, res.message);
  assert.ok(seen.length >= 2, `only ${seen.length} progress events`);
  assert.equal(seen.at(-1)!.bytes, 4_000_000);
  assert.equal(seen.at(-1)!.percent, 100);
  assert.equal(res.lastProgress?.filesTotal, 3);
  assert.ok(!res.tail.includes('%'), 'progress redraws are not kept in the tail');

  // Throttled: fewer calls, and the final 100 % is still delivered.
  const throttled: RsyncProgress[] = [];
  const res2 = await runRsync(
    buildRsyncArgs({ mode: 'push', source: src, dest: join(tmp, 'big-copy-2'), extraFlags: ['--bwlimit=8m'] }),
    { onProgress: (p) => throttled.push(p), progressIntervalMs: 60_000 },
  );
  assert.equal(res2.exitCode, 0);
  assert.ok(throttled.length <= 2, `${throttled.length} calls`);
  assert.equal(throttled.at(-1)!.bytes, 4_000_000);
});

test('abort: SIGINT stops rsync, the result says aborted', async () => {
  const src = join(tmp, 'slow');
  await writeTree(src, { 'big.bin': randomBytes(20_000_000) });
  const ac = new AbortController();
  const started = Date.now();
  const res = await runRsync(
    buildRsyncArgs({ mode: 'push', source: src, dest: join(tmp, 'slow-copy'), extraFlags: ['--bwlimit=2m'] }),
    { signal: ac.signal, onProgress: () => ac.abort() },
  );
  assert.equal(res.aborted, true);
  assert.equal(res.exitCode, 20); // rsync: "received SIGINT, SIGTERM, or SIGHUP"
  assert.match(res.message, /aborted/);
  assert.ok(Date.now() - started < 5000, 'rsync stopped at once, not after the 10 s transfer');
});

test('abort: a child that ignores SIGINT gets SIGTERM after the grace period', async () => {
  // A stand-in executable that ignores SIGINT, to exercise the runner's escalation.
  const stubborn = join(tmp, 'stubborn-rsync');
  await writeFile(stubborn, "#!/bin/sh\ntrap '' INT\necho started\nsleep 30\n");
  await chmod(stubborn, 0o755);
  const ac = new AbortController();
  const started = Date.now();
  const res = await runRsync([], { rsyncPath: stubborn, signal: ac.signal, graceMs: 300, onLine: () => ac.abort() });
  const took = Date.now() - started;
  assert.equal(res.aborted, true);
  assert.equal(res.signal, 'SIGTERM');
  assert.ok(took >= 300 && took < 5000, `took ${took} ms`);
});

test('an already aborted signal never starts rsync', async () => {
  const ac = new AbortController();
  ac.abort();
  const res = await runRsync(buildRsyncArgs({ mode: 'push', source: tmp, dest: join(tmp, 'never') }), { signal: ac.signal });
  assert.equal(res.aborted, true);
  assert.equal(res.exitCode, null);
  assert.equal(existsSync(join(tmp, 'never')), false);
});

test('rsync missing: CryptsyncError RSYNC_NOT_FOUND naming the path', async () => {
  const missing = join(tmp, 'no', 'rsync');
  await assert.rejects(runRsync(['--version'], { rsyncPath: missing }), (e: unknown) => {
    return isCryptsyncError(e) && e.kind === 'external' && e.code === 'RSYNC_NOT_FOUND' && e.message.includes(missing) && e.subject === missing;
  });
});

test('ssh unreachable (closed port): exit 255, message names host and port', async () => {
  const port = await closedPort();
  // rsync itself says 12 or 255 at random for this; repeat so the normalisation is exercised.
  for (let i = 0; i < 6; i++) {
    const res = await runRsync(
      buildRsyncArgs({
        mode: 'push', source: tmp, dest: '', remote: { host: '127.0.0.1', user: 'nobody', path: '/tmp/x' },
        sshPort: port, sshOptions: ['BatchMode=yes', 'ConnectTimeout=5'],
      }),
    );
    assert.equal(res.exitCode, 255, `run ${i}: rsync said ${res.rawExitCode}`);
    assert.match(res.message, new RegExp(`^rsync exit code 255: ssh failed.*127\\.0\\.0\\.1 port ${port}: Connection refused`));
  }
});

/** a loopback port nothing listens on (taken from the kernel, then released) */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

test('a running rsync does not outlive the process that started it', async () => {
  // A child node process starts a slow rsync and exits; the rsync must be gone right after.
  const src = join(tmp, 'orphan-src');
  await writeTree(src, { 'big.bin': randomBytes(8_000_000) });
  const runner = new URL('../../src/rsync/index.js', import.meta.url).href;
  const script = `
    import { runRsync, buildRsyncArgs } from ${JSON.stringify(runner)};
    runRsync(buildRsyncArgs({ mode: 'push', source: ${JSON.stringify(src)}, dest: ${JSON.stringify(join(tmp, 'orphan-dst'))}, extraFlags: ['--bwlimit=1m'] }),
      { onProgress: () => process.exit(0) });
  `;
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['--input-type=module', '-e', script]);
  // give a loaded machine up to 5 s to reap it, but check often
  const running = () => execFileSync('ps', ['-eo', 'args']).toString().split('\n').some((l) => l.startsWith('rsync') && l.includes('orphan-src'));
  for (let i = 0; i < 50 && running(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!running(), 'rsync still running');
});
