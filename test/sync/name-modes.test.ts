// The encrypt step under every name mode rclone offers (obfuscate, off, base64, base32768, no
// directory name encryption): rclone must see a cryptsync catalog as in sync and identical, and
// cryptsync must see an rclone catalog the same way. base32768 names can hold raw control bytes
// on disk, which exercises the names-on-disk conversion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { encryptCatalog, restoreCatalog } from '../../src/sync/index.js';
import { rclone, tempDir } from '../helpers/rclone.js';
import { makeDest, makeRichTree, snapshot, touchNs, type NameOptions, PASSWORD } from './fixture.js';

const MODES: Array<[string, NameOptions]> = [
  ['obfuscate', { filenameEncryption: 'obfuscate' }],
  ['off', { filenameEncryption: 'off' }],
  ['base64', { filenameEncoding: 'base64' }],
  ['base32768', { filenameEncoding: 'base32768' }],
  ['no directory name encryption', { directoryNameEncryption: false }],
];

for (const [label, names] of MODES) {
  test(`name mode ${label}: interchangeable with rclone both ways`, async () => {
    const t = await tempDir();
    try {
      const plain = join(t.dir, 'plain');
      await makeRichTree(plain);
      // many short names: some base32768 encryptions contain U+2401..U+241F, stored as control bytes
      for (let i = 0; i < 200; i++) {
        const p = join(plain, 'deep', `f${String(i).padStart(5, '0')}`);
        await writeFile(p, String(i));
        touchNs(p, 1_710_000_000 + i, i);
      }
      const dest = await makeDest(join(t.dir, 'enc'), t.dir, PASSWORD, names);
      const s = await encryptCatalog({ source: plain, dest });
      assert.equal(s.errors, 0);
      const dry = await rclone(['sync', '--dry-run', plain, 'crypt:'], { config: dest.conf });
      assert.equal(dry.code, 0, dry.stderr);
      assert.doesNotMatch(dry.stderr, /Skipped/, dry.stderr);
      const cc = await rclone(['cryptcheck', plain, 'crypt:'], { config: dest.conf });
      assert.match(cc.stderr, /0 differences found/, cc.stderr);

      const dest2 = await makeDest(join(t.dir, 'enc2'), join(t.dir), PASSWORD, names);
      const r = await rclone(['sync', '--create-empty-src-dirs', plain, 'crypt:'], { config: dest2.conf });
      assert.equal(r.code, 0, r.stderr);
      const again = await encryptCatalog({ source: plain, dest: dest2, dryRun: true });
      assert.equal(again.newFiles + again.changedFiles + again.deletedFiles + again.newDirs + again.deletedDirs, 0);
      const out = join(t.dir, 'out');
      const rs = await restoreCatalog({ source: dest2, target: out });
      assert.equal(rs.errors, 0);
      assert.deepEqual(await snapshot(out), await snapshot(plain));
    } finally {
      await t.cleanup();
    }
  });
}

test('off mode: a file named like a bare version tag inside a folder is a file to rclone and to cryptsync', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await makeRichTree(plain);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(plain, 'sub', 'deeper'), { recursive: true });
    for (const p of ['sub/-v2024-05-27-015838-557', 'sub/deeper/-v2023-01-02-030405-006.txt']) {
      await writeFile(join(plain, p), p);
      touchNs(join(plain, p), 1_710_000_000, 5);
    }
    // rclone writes it, cryptsync reads it
    const dest = await makeDest(join(t.dir, 'enc'), t.dir, PASSWORD, { filenameEncryption: 'off' });
    const r = await rclone(['sync', '--create-empty-src-dirs', plain, 'crypt:'], { config: dest.conf });
    assert.equal(r.code, 0, r.stderr);
    const again = await encryptCatalog({ source: plain, dest, dryRun: true });
    assert.equal(again.newFiles + again.changedFiles + again.deletedFiles, 0, 'cryptsync sees rclone\'s catalog as in step');
    const out = join(t.dir, 'out');
    const rs = await restoreCatalog({ source: dest, target: out });
    assert.equal(rs.errors, 0);
    assert.deepEqual(await snapshot(out), await snapshot(plain));
    // cryptsync writes it, rclone reads it
    const dest2 = await makeDest(join(t.dir, 'enc2'), t.dir, PASSWORD, { filenameEncryption: 'off' });
    assert.equal((await encryptCatalog({ source: plain, dest: dest2 })).errors, 0);
    const ls = await rclone(['lsf', '-R', 'crypt:'], { config: dest2.conf });
    assert.match(ls.stdout.toString(), /^sub\/-v2024-05-27-015838-557$/m);
    const dry = await rclone(['sync', '--dry-run', plain, 'crypt:'], { config: dest2.conf });
    assert.doesNotMatch(dry.stderr, /Skipped/, dry.stderr);
  } finally {
    await t.cleanup();
  }
});
