// Incremental runs: adds, same-size edits with a new mtime, deletes, renames, folder changes;
// each run does exactly the expected work, and the result stays in step with rclone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile, rm, rename, mkdir, readFile } from 'node:fs/promises';
import { encryptCatalog, restoreCatalog, type SyncEvent } from '../../src/sync/index.js';
import { rclone } from '../helpers/rclone.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';
import { snapshot, touchNs } from './fixture.js';

function collect(): { events: SyncEvent[]; actions: () => string[] } {
  const events: SyncEvent[] = [];
  return { events, actions: () => events.flatMap((e) => (e.type === 'file' ? [`${e.action} ${e.path}`] : [])).sort() };
}

test('incremental runs do exactly the changed work and converge with rclone', async () => {
  await withEncryptedTree(async ({ dir, plain, dest }) => {
    // no-op
    const c0 = collect();
    const s0 = await encryptCatalog({ source: plain, dest, onEvent: (e) => c0.events.push(e) });
    assert.deepEqual(c0.actions(), []);
    assert.equal(s0.unchanged, 12);

    // add, same-size edit with new mtime, delete, rename, new empty folder, removed folder
    await writeFile(join(plain, 'added.txt'), 'new file');
    touchNs(join(plain, 'added.txt'), 1_750_000_000, 1);
    const same = join(plain, 'one.bin');
    const old = await readFile(same);
    await writeFile(same, Buffer.from([old[0]! ^ 0xff]));
    touchNs(same, 1_750_000_001, 999_999_999);
    await rm(join(plain, 'edge-65535.bin'));
    await rename(join(plain, 'deep/a/b/sibling.txt'), join(plain, 'deep/a/b/renamed.txt'));
    await mkdir(join(plain, 'new empty'));
    await rm(join(plain, 'empty folder'), { recursive: true });

    const c1 = collect();
    const s1 = await encryptCatalog({ source: plain, dest, onEvent: (e) => c1.events.push(e) });
    assert.deepEqual(c1.actions(), [
      'delete deep/a/b/sibling.txt',
      'delete edge-65535.bin',
      'mkdir new empty',
      'new added.txt',
      'new deep/a/b/renamed.txt',
      'rmdir empty folder',
      'update one.bin',
    ]);
    assert.deepEqual(
      [s1.newFiles, s1.changedFiles, s1.deletedFiles, s1.newDirs, s1.deletedDirs, s1.errors, s1.deletionsSkipped],
      [2, 1, 2, 1, 1, 0, false],
    );
    const plan = c1.events.find((e) => e.type === 'plan');
    assert.deepEqual(plan, { type: 'plan', newFiles: 2, changedFiles: 1, deletedFiles: 2, newDirs: 1, deletedDirs: 1, bytes: 8 + 11 + 1, unchanged: 9 });

    const dry = await rclone(['sync', '--dry-run', plain, 'crypt:'], { config: dest.conf });
    assert.doesNotMatch(dry.stderr, /Skipped/, dry.stderr);
    const cc = await rclone(['cryptcheck', plain, 'crypt:'], { config: dest.conf });
    assert.match(cc.stderr, /0 differences found/, cc.stderr);

    const out = join(dir, 'out');
    await restoreCatalog({ source: dest, target: out });
    assert.deepEqual(await snapshot(out), await snapshot(plain));

    // rclone changes the catalog; cryptsync then only undoes what differs
    await writeFile(join(dir, 'extra.txt'), 'from rclone');
    const up = await rclone(['copyto', join(dir, 'extra.txt'), 'crypt:extra.txt'], { config: dest.conf });
    assert.equal(up.code, 0, up.stderr);
    const c2 = collect();
    await encryptCatalog({ source: plain, dest, onEvent: (e) => c2.events.push(e) });
    assert.deepEqual(c2.actions(), ['delete extra.txt']);
  });
});
