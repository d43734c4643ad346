// Memory per file of what an encrypt run holds for a whole tree (both scans and the plan): a
// million-file home folder must fit in a few hundred MiB, so the retained heap (V8 heap plus
// typed-array buffers, after a full GC) must stay under a fixed number of bytes per file. One
// object per file (an entry with two path strings and a bigint) costs several times the bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { tempDir } from '../helpers/rclone.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { encryptCatalog } from '../../src/sync/index.js';
import { buildTablePlan } from '../../src/sync/table-plan.js';
import { scanPlainTable, scanCatalogTable, PathEncryptor } from '../../src/tree/index.js';
import { makeDest } from './fixture.js';

const FILES = 20_000;
const FOLDERS = 100;
/** retained bytes per file for both scans and the plan */
const MAX_BYTES_PER_FILE = 250;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

test(`scans and plan of ${FILES} files retain at most ${MAX_BYTES_PER_FILE} B per file`, async () => {
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
  console.log(`seed ${seed} (TEST_SEED=${seed} replays it)`);
  const rnd = seededRandom(seed);
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    for (let d = 0; d < FOLDERS; d++) mkdirSync(join(plain, `folder ${d} ${d % 7 === 0 ? 'ünï' : ''}`), { recursive: true });
    for (let i = 0; i < FILES; i++) {
      const d = Math.floor(rnd() * FOLDERS);
      const name = `file-${i}-${Math.floor(rnd() * 1e6).toString(36)}${i % 11 === 0 ? '-日本' : ''}.txt`;
      writeFileSync(join(plain, `folder ${d} ${d % 7 === 0 ? 'ünï' : ''}`, name), 'x'.repeat(Math.floor(rnd() * 64)));
    }
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const first = await encryptCatalog({ source: plain, dest });
    assert.equal(first.newFiles, FILES);

    const before = retained();
    const [src, dst] = await Promise.all([scanPlainTable(plain), scanCatalogTable(dest.root, dest.cipher)]);
    const plan = buildTablePlan(src, dst, new PathEncryptor(dest.cipher));
    const perFile = (retained() - before) / FILES;
    console.log(`retained ${perFile.toFixed(0)} B per file`);
    assert.equal(plan.unchanged, FILES, 'every file is paired with its encrypted twin');
    assert.equal(plan.copies.src.length + plan.deletes.length, 0);
    assert.ok(perFile <= MAX_BYTES_PER_FILE, `${perFile.toFixed(0)} B per file retained, more than ${MAX_BYTES_PER_FILE}`);
    // keep the scans alive until measured
    assert.equal(src.files.count + dst.files.count, 2 * FILES);
  } finally {
    await t.cleanup();
  }
});
