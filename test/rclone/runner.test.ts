// runRclone against the real rclone on local folders: counts and bytes match the tree, a dry run
// counts the same, abort ends a slow transfer, cryptsync's variables never reach rclone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rcloneSyncArgs, runRclone, type RcloneStats } from '../../src/rclone/index.js';
import { tempDir } from '../helpers/rclone.js';
import { makeTree, readTree } from '../helpers/tree.js';
import { seededRandom } from '../helpers/seeded-random.js';

const SEED = Number(process.env.RCLONE_RUNNER_SEED ?? randomBytes(4).readUInt32LE(0));

async function setup(dir: string): Promise<{ conf: string; src: string; dst: string }> {
  const conf = join(dir, 'rclone.conf');
  await writeFile(conf, '');
  return { conf, src: join(dir, 'src'), dst: join(dir, 'dst') };
}

test(`a random tree: counts and bytes from the log match the tree, dry run and real run (seed ${SEED}, replay with RCLONE_RUNNER_SEED)`, async () => {
  const t = await tempDir();
  try {
    const { conf, src, dst } = await setup(t.dir);
    const random = seededRandom(SEED);
    const spec: Record<string, number> = {};
    const n = 5 + Math.floor(random() * 20);
    for (let i = 0; i < n; i++) spec[`d${Math.floor(random() * 4)}/f${i}.bin`] = Math.floor(random() * 200_000);
    await makeTree(src, spec);
    const total = Object.values(spec).reduce((a, b) => a + b, 0);
    const args = (dryRun: boolean) => rcloneSyncArgs({ source: src, dest: dst, configPath: conf, dryRun, createEmptyDirs: true });

    const dry = await runRclone(args(true), { env: process.env });
    assert.equal(dry.exitCode, 0, dry.tail);
    assert.deepEqual([dry.counts.newFiles, dry.counts.changedFiles, dry.counts.deletedFiles, dry.counts.bytes], [n, 0, 0, total]);
    assert.ok(!existsSync(dst));

    const progress: RcloneStats[] = [];
    const real = await runRclone(args(false), { env: process.env, onProgress: (s) => progress.push(s) });
    assert.equal(real.exitCode, 0, real.tail);
    assert.equal(real.message, '');
    assert.deepEqual(real.counts, { newFiles: n, changedFiles: 0, deletedFiles: 0, files: n, bytes: total, movedFiles: 0, mtimeOnly: 0 });
    assert.equal(real.stats?.totalBytes, total);
    assert.ok(progress.length >= 1 && progress.at(-1)!.bytes === total);
    assert.deepEqual(await readTree(dst), await readTree(src));
    assert.match(real.tail, /info: .*f0\.bin: Copied \(new\)|info: .*: Copied \(new\)/);

    // change one, delete one, add one: the dry run (told what exists) and the run agree
    const names = Object.keys(spec).sort();
    await writeFile(join(src, names[0]!), randomBytes(1234));
    await rm(join(src, names[1]!));
    await makeTree(src, { 'added.txt': 'added\n' });
    const existing = new Set(names);
    const dry2 = await runRclone(args(true), { env: process.env, existsAtDest: (o) => existing.has(o) });
    const real2 = await runRclone(args(false), { env: process.env });
    for (const r of [dry2, real2]) {
      assert.equal(r.exitCode, 0, r.tail);
      assert.deepEqual([r.counts.newFiles, r.counts.changedFiles, r.counts.deletedFiles, r.counts.bytes, r.counts.files], [1, 1, 1, 1234 + 6, n]);
    }
    const again = await runRclone(args(false), { env: process.env });
    assert.deepEqual([again.counts.newFiles, again.counts.changedFiles, again.counts.deletedFiles, again.counts.bytes], [0, 0, 0, 0]);
  } finally {
    await t.cleanup();
  }
});

test('a missing remote fails with exit 1 and a message naming it', async () => {
  const t = await tempDir();
  try {
    const { conf, src } = await setup(t.dir);
    await makeTree(src, { 'a.txt': 'a' });
    const r = await runRclone(rcloneSyncArgs({ source: src, dest: 'nosuch:dir', configPath: conf, dryRun: false }), { env: process.env });
    assert.equal(r.exitCode, 1);
    assert.match(r.message, /^rclone exit code 1: .*"nosuch:dir": didn't find section in config file/);
    assert.equal(r.aborted, false);
  } finally {
    await t.cleanup();
  }
});

test('abort mid-transfer: SIGINT ends rclone, the result says aborted', async () => {
  const t = await tempDir();
  try {
    const { conf, src, dst } = await setup(t.dir);
    await makeTree(src, { 'big.bin': 8 * 1024 * 1024 });
    const ac = new AbortController();
    const started = Date.now();
    let sawProgress = false;
    const r = await runRclone(rcloneSyncArgs({ source: src, dest: dst, configPath: conf, dryRun: false, extra: ['--bwlimit=500k'] }), {
      env: process.env, signal: ac.signal, graceMs: 2000,
      onProgress: (s) => {
        if (s.bytes > 0 && s.bytes < s.totalBytes && !sawProgress) {
          sawProgress = true;
          ac.abort();
        }
      },
    });
    assert.ok(sawProgress);
    assert.equal(r.aborted, true);
    assert.match(r.message, /^rclone aborted/);
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
    const pre = await runRclone(['version'], { env: process.env, signal: ac.signal });
    assert.equal(pre.aborted, true);
    assert.equal(pre.exitCode, null);
  } finally {
    await t.cleanup();
  }
});

test('CRYPTSYNC_RCLONE picks the binary; CRYPTSYNC_* and dropEnv names never reach rclone', async () => {
  const t = await tempDir();
  try {
    const wrapper = join(t.dir, 'rclone-wrapper');
    const envDump = join(t.dir, 'env.txt');
    // a wrapper that records the environment, then runs the real rclone
    await writeFile(wrapper, `#!/bin/sh\nenv > '${envDump}'\nexec rclone "$@"\n`);
    await chmod(wrapper, 0o755);
    const secret = randomBytes(16).toString('hex');
    const env = { ...process.env, CRYPTSYNC_RCLONE: wrapper, CRYPTSYNC_WEB_TOKEN: secret, VAULT_PW: secret, RCLONE_CONFIG_PASS_NOT_SECRET: 'kept' };
    const r = await runRclone(['version'], { env, dropEnv: ['VAULT_PW'] });
    assert.equal(r.exitCode, 0, r.tail);
    const dumped = await readFile(envDump, 'utf8');
    assert.ok(!dumped.includes(secret));
    assert.match(dumped, /RCLONE_CONFIG_PASS_NOT_SECRET=kept/);
    assert.match(r.tail, /rclone v1\.60/);

    await assert.rejects(runRclone(['version'], { env: { ...process.env, CRYPTSYNC_RCLONE: join(t.dir, 'none') } }), { code: 'RCLONE_NOT_FOUND' });
    await mkdir(join(t.dir, 'dir'));
    await assert.rejects(runRclone(['version'], { env: process.env, rclonePath: join(t.dir, 'dir') }), (e: { code: string }) => e.code === 'RCLONE_NOT_EXECUTABLE' || e.code === 'RCLONE_SPAWN_FAILED');
  } finally {
    await t.cleanup();
  }
});
