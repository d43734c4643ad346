// An encrypt task run by the real rclone binary (engine "rclone") lands in the same log and
// catalog format as the built-in engine; Ctrl+C during a run aborts rsync and logs "aborted".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, interruptWhen, jsonLines } from '../helpers/cli.js';
import { makeTree, readTree } from '../helpers/tree.js';

test('engine "rclone": rclone runs the encrypt step; cryptsync reads its catalog; counts are parsed', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-rcl-'));
  try {
    const env = cliEnv(join(work, 'home'), { PW: 'rclone engine password' });
    const plain = join(work, 'plain');
    await makeTree(plain, { 'a.txt': 'alpha\n', 'sub/b.bin': 70000, 'sub/c.txt': 'gamma\n' });
    let r = await cryptsync(['remote', 'add', 'v', '--path', join(work, 'cat'), '--password-env', 'PW'], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--encrypt-with', 'rclone'], { env });
    assert.equal(r.code, 0, r.stderr);
    const cmd = (await cryptsync(['task', 'command', 'enc'], { env })).stdout;
    assert.match(cmd, /^rclone sync .* v: --config .*rclone\.conf --create-empty-src-dirs/);

    r = await cryptsync(['estimate', 'enc', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const est = jsonLines(r.stdout).find((e) => e.type === 'step-end')!.counts as Record<string, number>;
    assert.equal(est.newFiles, 3);

    r = await cryptsync(['run', 'enc', '--json'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const end = jsonLines(r.stdout).find((e) => e.type === 'step-end')!;
    const done = end.counts as Record<string, number>;
    assert.equal(done.newFiles, 3);
    // plain bytes and the same summary line as the built-in engine (rclone itself counts ciphertext)
    assert.equal(done.bytes, 'alpha\n'.length + 70000 + 'gamma\n'.length);
    assert.match(String(end.message), /^done: 3 new, 0 changed, 0 deleted, 0 unchanged, 70012 bytes/);
    const progress = jsonLines(r.stdout).filter((e) => e.type === 'progress');
    for (const p of progress) assert.ok((p.bytes as number) <= 70012 && (p.bytesTotal as number) <= 70012, JSON.stringify(p));

    // the built-in engine agrees there is nothing left to do, and restores rclone's catalog
    r = await cryptsync(['encrypt', plain, 'v:', '--dry-run', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const plan = jsonLines(r.stdout).find((e) => e.type === 'plan')!;
    assert.equal((plan.newFiles as number) + (plan.changedFiles as number) + (plan.deletedFiles as number), 0);
    const out = join(work, 'out');
    r = await cryptsync(['restore', 'v:', out], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readTree(out), await readTree(plain));

    // a wrong password is refused before rclone runs (rclone itself would re-upload everything)
    r = await cryptsync(['remote', 'add', 'bad', '--path', join(work, 'cat'), '--password-env', 'BAD'], { env: { ...env, BAD: 'the wrong vault password' } });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['task', 'add', 'enc-bad', '--type', 'encrypt', '--source', plain, '--remote', 'bad:', '--encrypt-with', 'rclone'], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['run', 'enc-bad'], { env });
    assert.equal(r.code, 12, r.stderr + r.stdout);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('Ctrl+C aborts a running rsync step; the run is logged as aborted with exit 130', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-abort-'));
  try {
    const env = cliEnv(join(work, 'home'));
    const src = join(work, 'src');
    await makeTree(src, { 'big.bin': 4 * 1024 * 1024 });
    const r = await cryptsync(['task', 'add', 'slow', '--type', 'synchronize', '--source', src, '--dest', join(work, 'dst'), '--rsync-flag=--bwlimit=200'], { env });
    assert.equal(r.code, 0, r.stderr);
    const { code, stdout } = await interruptWhen(['run', 'slow', '--json'], { env, ready: /"step-start"/, delayMs: 800 });
    assert.equal(code, 130, stdout);
    const runs = jsonLines((await cryptsync(['log', 'slow', '--json'], { env })).stdout).map((l) => l.run as Record<string, unknown>);
    assert.equal(runs[0]!.status, 'aborted');
    const steps = runs[0]!.steps as Array<Record<string, unknown>>;
    assert.equal(steps[0]!.status, 'aborted');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
