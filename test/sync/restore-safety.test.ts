// Restore safety: names that would escape the target or do not decrypt are reported and skipped;
// damaged files are reported with their typed error while everything else is restored; a
// non-empty target needs overwrite; --include restores part of a catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile, readdir, open, truncate, stat, mkdir } from 'node:fs/promises';
import { restoreCatalog, type SyncEvent } from '../../src/sync/index.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';
import { snapshot } from './fixture.js';
import { listMapping } from '../../src/sync/index.js';

async function encryptedBytes(dest: { cipher: import('../../src/crypt/index.js').Cipher }, data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of dest.cipher.encrypt((async function* () {
    yield data;
  })(), {})) parts.push(p);
  return Buffer.concat(parts);
}

test('restore refuses escaping names, reports damaged files and restores the rest', async () => {
  await withEncryptedTree(async ({ dir, plain, dest }) => {
    const map = await listMapping({ dest });
    const encOf = (p: string) => join(dest.root, map.find((m) => m.plain === p)!.encrypted);

    const payload = await encryptedBytes(dest, Buffer.from('evil'));
    for (const evil of ['..', 'x/../../escaped', 'nul\0name', '/abs']) {
      await writeFile(join(dest.root, dest.cipher.encryptSegment(evil)), payload);
    }
    await writeFile(join(dest.root, 'not-an-encrypted-name'), payload);
    // flip one byte inside the second block of the multi-MiB file
    const fh = await open(encOf('multi.bin'), 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, 70_000);
    b[0] = b[0]! ^ 0x01;
    await fh.write(b, 0, 1, 70_000);
    await fh.close();
    // a last block cut to fewer than 17 bytes
    await truncate(encOf('edge-65537.bin'), 32 + 65552 + 5);

    const out = join(dir, 'out');
    const ev: SyncEvent[] = [];
    const s = await restoreCatalog({ source: dest, target: out, onEvent: (e) => ev.push(e) });
    const errs = ev.flatMap((e) => (e.type === 'error' ? [e.code] : [])).sort();
    assert.deepEqual(errs, ['AUTH_FAILED', 'TRUNCATED_BLOCK_HEADER', 'UNDECRYPTABLE_NAME', 'UNSAFE_NAME', 'UNSAFE_NAME', 'UNSAFE_NAME', 'UNSAFE_NAME']);
    assert.equal(s.errors, 7);
    const auth = ev.find((e) => e.type === 'error' && e.code === 'AUTH_FAILED');
    assert.equal(auth?.type === 'error' ? auth.path : '', 'multi.bin');
    assert.equal(s.newFiles, 10);
    const want = await snapshot(plain);
    want.delete('multi.bin');
    want.delete('edge-65537.bin');
    assert.deepEqual(await snapshot(out), want, 'everything else restored, no partial or temporary files');
    assert.deepEqual((await readdir(dir)).sort(), ['enc', 'out', 'plain', 'rclone.conf']);
    await assert.rejects(stat(join(dir, 'escaped')), /ENOENT/);
  });
});

test('restore into a non-empty folder needs overwrite; include restores part', async () => {
  await withEncryptedTree(async ({ dir, dest }) => {
    const out = join(dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'mine.txt'), 'keep');
    await assert.rejects(restoreCatalog({ source: dest, target: out }), (e) => e instanceof CryptsyncError && e.code === 'TARGET_NOT_EMPTY');
    const s = await restoreCatalog({ source: dest, target: out, overwrite: true, include: ['deep/**'] });
    assert.equal(s.newFiles, 2);
    const snap = await snapshot(out);
    assert.deepEqual([...snap.keys()].filter((k) => snap.get(k)?.kind === 'file').sort(), ['deep/a/b/c/d/e/f/g/h/leaf.txt', 'deep/a/b/sibling.txt', 'mine.txt']);
    const again = await restoreCatalog({ source: dest, target: out, overwrite: true, include: ['deep/**'] });
    assert.equal(again.newFiles, 0);
    assert.equal(again.unchanged, 2);
  });
});
