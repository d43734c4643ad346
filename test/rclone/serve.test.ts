// rclone's own sftp and webdav servers on loopback (test/helpers/rclone-serve.ts) as remotes:
// stock rclone syncs to them, and runRclone reports counts, failures and abort against them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rcloneSyncArgs, runRclone } from '../../src/rclone/index.js';
import { rclone, tempDir } from '../helpers/rclone.js';
import { startRcloneServe, type ServeKind } from '../helpers/rclone-serve.js';
import { makeTree, readTree } from '../helpers/tree.js';

const TREE = { 'a.txt': 'alpha\n', 'sub/b.bin': 70_000, 'sub/deeper/c.txt': 'gamma\n' };
const TREE_BYTES = 6 + 70_000 + 6;
/** failures should not wait through rclone's default 3 attempts x 10 low-level retries */
const FAIL_FAST = ['--retries=1', '--low-level-retries=1', '--contimeout=5s', '--timeout=10s'];

for (const kind of ['sftp', 'webdav'] as ServeKind[]) {
  test(`rclone serve ${kind}: stock rclone syncs a folder to it and lists it back`, async () => {
    const t = await tempDir();
    const served = join(t.dir, 'served');
    await makeTree(served, {});
    const s = await startRcloneServe(kind, served);
    try {
      const src = join(t.dir, 'src');
      await makeTree(src, TREE);
      const conf = join(t.dir, 'rclone.conf');
      await writeFile(conf, s.confSection('offsite'), { mode: 0o600 });
      let r = await rclone(['sync', src, 'offsite:backup'], { config: conf });
      assert.equal(r.code, 0, r.stderr);
      r = await rclone(['lsf', '-R', '--files-only', 'offsite:backup'], { config: conf });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.toString().trim().split('\n').sort(), Object.keys(TREE).sort());
      assert.deepEqual(await readTree(join(served, 'backup')), await readTree(src));
      if (kind === 'sftp') {
        // the section pins the server's host key: another key in known_hosts is refused
        const other = join(t.dir, 'other_key');
        assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]).status, 0);
        const pub = (await readFile(`${other}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
        await writeFile(join(t.dir, 'known_hosts'), `[127.0.0.1]:${s.port} ${pub}\n`);
        await writeFile(conf, s.confSection('offsite').replace(/^known_hosts_file = .*$/m, `known_hosts_file = ${join(t.dir, 'known_hosts')}`));
        r = await rclone(['lsf', 'offsite:backup', '--retries=1', '--low-level-retries=1'], { config: conf });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /knownhosts: key mismatch|host key mismatch|key is unknown/i, r.stderr);
      }
    } finally {
      await s.dispose();
      await t.cleanup();
    }
  });

  test(`runRclone against rclone serve ${kind}: counts, nothing the second time, wrong password, server down, abort`, async () => {
    const t = await tempDir();
    const served = join(t.dir, 'served');
    await makeTree(served, {});
    const s = await startRcloneServe(kind, served);
    try {
      const src = join(t.dir, 'src');
      await makeTree(src, TREE);
      const conf = join(t.dir, 'rclone.conf');
      await writeFile(conf, s.confSection('offsite') + s.confSection('badpass', { pass: 'not-the-password-0123' }), { mode: 0o600 });
      const args = (dest: string, extra: string[] = [], dryRun = false) => rcloneSyncArgs({ source: src, dest, configPath: conf, dryRun, extra });

      const dry = await runRclone(args('offsite:b', [], true), { env: process.env });
      assert.equal(dry.exitCode, 0, dry.tail);
      assert.deepEqual([dry.counts.newFiles, dry.counts.bytes], [3, TREE_BYTES]);
      const r = await runRclone(args('offsite:b'), { env: process.env });
      assert.equal(r.exitCode, 0, r.tail);
      assert.deepEqual([r.counts.newFiles, r.counts.changedFiles, r.counts.deletedFiles, r.counts.bytes, r.counts.files], [3, 0, 0, TREE_BYTES, 3]);
      assert.deepEqual(await readTree(join(served, 'b')), await readTree(src));
      const again = await runRclone(args('offsite:b'), { env: process.env });
      assert.equal(again.exitCode, 0, again.tail);
      assert.deepEqual([again.counts.newFiles, again.counts.changedFiles, again.counts.deletedFiles, again.counts.bytes], [0, 0, 0, 0]);

      const bad = await runRclone(args('badpass:b', FAIL_FAST), { env: process.env });
      assert.notEqual(bad.exitCode, 0, bad.tail);
      assert.match(bad.message, /badpass/, bad.message);
      console.log(`${kind} wrong password: ${bad.message}`);
      assert.deepEqual(await readdir(served), ['b']);

      // abort mid-transfer: a big file, slowed down
      await makeTree(src, { 'big.bin': 6 * 1024 * 1024 });
      const ac = new AbortController();
      let inFlight = false;
      const ab = await runRclone(args('offsite:b', ['--bwlimit=400k']), {
        env: process.env, signal: ac.signal, graceMs: 2000,
        onProgress: (p) => {
          if (!inFlight && p.bytes > 0 && p.bytes < p.totalBytes) {
            inFlight = true;
            ac.abort();
          }
        },
      });
      assert.ok(inFlight);
      assert.equal(ab.aborted, true);
      assert.match(ab.message, /^rclone aborted/);

      await s.stop();
      const down = await runRclone(args('offsite:b', FAIL_FAST), { env: process.env });
      assert.notEqual(down.exitCode, 0, down.tail);
      assert.match(down.message, /offsite/, down.message);
      assert.match(down.message, /connection refused/, down.message);
      console.log(`${kind} server down: ${down.message}`);
    } finally {
      await s.dispose();
      await t.cleanup();
    }
  });
}
