// Interchangeability with the real rclone, both ways: cryptsync encrypt -> rclone finds nothing
// to sync, check and cryptcheck find 0 differences, rclone restores the tree exactly; rclone sync
// -> cryptsync finds nothing to do and restores and verifies the tree exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { encryptCatalog, restoreCatalog, verifyCatalog, listMapping } from '../../src/sync/index.js';
import { rclone } from '../helpers/rclone.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';
import { snapshot } from './fixture.js';

test('cryptsync encrypt, then rclone sees the catalog as in sync and restores it exactly', async () => {
  await withEncryptedTree({ encrypt: false }, async ({ dir, plain, dest }) => {
    const s = await encryptCatalog({ source: plain, dest });
    assert.equal(s.errors, 0);
    assert.equal(s.newFiles, 12);
    assert.ok(s.newDirs >= 10);

    const dry = await rclone(['sync', '--dry-run', plain, 'crypt:'], { config: dest.conf });
    assert.equal(dry.code, 0, dry.stderr);
    assert.doesNotMatch(dry.stderr, /Skipped/, `rclone wants to change something:\n${dry.stderr}`);
    const check = await rclone(['check', plain, 'crypt:'], { config: dest.conf });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /0 differences found/);
    const cc = await rclone(['cryptcheck', plain, 'crypt:'], { config: dest.conf });
    assert.equal(cc.code, 0, cc.stderr);
    assert.match(cc.stderr, /0 differences found/);
    assert.match(cc.stderr, /12 matching files/);

    const out = join(dir, 'out');
    const cp = await rclone(['copy', '--create-empty-src-dirs', 'crypt:', out], { config: dest.conf });
    assert.equal(cp.code, 0, cp.stderr);
    assert.deepEqual(await snapshot(out), await snapshot(plain));

    const v = await verifyCatalog({ plain, dest });
    assert.equal(v.matching, 12);
    assert.deepEqual([v.differing, v.missingOnDest, v.missingOnSource, v.errors], [[], [], [], 0]);

    const map = await listMapping({ dest });
    assert.equal(map.filter((m) => m.type === 'file').length, 12);
    const enc = await rclone(['cryptdecode', '--reverse', 'crypt:', 'deep/a/b/sibling.txt'], { config: dest.conf });
    const want = enc.stdout.toString().split(' \t ')[1]?.trim();
    assert.equal(map.find((m) => m.plain === 'deep/a/b/sibling.txt')?.encrypted, want);
  });
});

test('rclone sync, then cryptsync finds nothing to do, restores and verifies exactly', async () => {
  await withEncryptedTree({ encrypt: false }, async ({ dir, plain, dest }) => {
    const r = await rclone(['sync', '--create-empty-src-dirs', plain, 'crypt:'], { config: dest.conf });
    assert.equal(r.code, 0, r.stderr);

    const events: string[] = [];
    const s = await encryptCatalog({ source: plain, dest, dryRun: true, onEvent: (e) => e.type === 'file' && events.push(`${e.action} ${e.path}`) });
    assert.deepEqual(events, []);
    assert.equal(s.unchanged, 12);
    assert.equal(s.newFiles + s.changedFiles + s.deletedFiles + s.newDirs + s.deletedDirs, 0);

    const out = join(dir, 'out');
    const rs = await restoreCatalog({ source: dest, target: out });
    assert.equal(rs.errors, 0);
    assert.equal(rs.newFiles, 12);
    assert.deepEqual(await snapshot(out), await snapshot(plain));
    const v = await verifyCatalog({ plain, dest });
    assert.equal(v.matching, 12);
    assert.equal(v.differing.length, 0);
  });
});
