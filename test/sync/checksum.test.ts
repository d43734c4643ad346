// Power loss can leave a catalog file zero-filled under its real name with the right size and
// mtime; size + mtime then say "unchanged" forever. `encrypt --checksum` (and a task's
// `checksum: true`) re-checks such twins by content (cryptcheck) and encrypts again exactly the
// damaged ones; the real rclone's cryptcheck then finds no difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile, utimes, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { rclone } from '../helpers/rclone.js';

test('encrypt --checksum rewrites a zero-filled catalog file that size and mtime cannot see', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-cksum-'));
  try {
    const env = cliEnv(join(work, 'home'), { PW: `checksum ${randomBytes(12).toString('hex')}` });
    const plain = join(work, 'plain');
    const catalog = join(work, 'cat');
    await makeTree(plain, { 'a.bin': 100_000, 'b.txt': 'bee\n', 'sub/c.bin': 70_000, 'sub/d.txt': 'dee\n' });
    let r = await cryptsync(['remote', 'add', 'v', '--path', catalog, '--password-env', 'PW'], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['encrypt', plain, 'v:'], { env });
    assert.equal(r.code, 0, r.stderr);
    // the power-loss symptom: same size, same mtime, zeros inside
    // (a data file: the catalog's manifest, docs/manifest.md, is no plain file's twin)
    const mapping = jsonLines((await cryptsync(['mapping', 'v:', '--json'], { env })).stdout);
    const victim = join(catalog, mapping.find((m) => m.plain === 'a.bin')!.encrypted as string);
    const st = await stat(victim);
    const fh = await open(victim, 'r+');
    await fh.write(Buffer.alloc(st.size), 0, st.size, 0);
    await fh.close();
    await utimes(victim, st.atime, st.mtime);

    r = await cryptsync(['encrypt', plain, 'v:', '--dry-run', '--json'], { env });
    const plain0 = jsonLines(r.stdout).find((e) => e.type === 'plan')!;
    assert.equal(plain0.changedFiles, 0, 'size and mtime alone do not notice (why the flag exists)');

    r = await cryptsync(['encrypt', plain, 'v:', '--checksum', '--json'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const ev = jsonLines(r.stdout);
    assert.equal(ev.find((e) => e.type === 'plan')!.changedFiles, 1);
    assert.equal(ev.filter((e) => e.type === 'warning' && e.code === 'CONTENT_DIFFERS').length, 1);
    const conf = join(env.CRYPTSYNC_HOME as string, 'rclone.conf');
    const cc = await rclone(['cryptcheck', plain, 'v:', '--exclude', '/.cryptsync-manifest'], { config: conf });
    assert.match(cc.stderr, /0 differences found/, cc.stderr);
    // nothing else left to fix
    r = await cryptsync(['encrypt', plain, 'v:', '--checksum', '--json'], { env });
    assert.equal(jsonLines(r.stdout).find((e) => e.type === 'plan')!.changedFiles, 0);

    // as a task field; refused with the rclone engine, which cannot do it
    r = await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--checksum'], { env });
    assert.equal(r.code, 0, r.stderr);
    await writeFile(join(plain, 'b.txt'), 'bee\n');
    r = await cryptsync(['task', 'add', 'enc2', '--type', 'encrypt', '--source', plain, '--remote', 'v:', '--checksum', '--engine', 'rclone'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /checksum/);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
