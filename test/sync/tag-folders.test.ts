// Folders named like an rclone version tag ("photos-v2024-05-27-015838-557"). rclone encrypts such
// a folder in full when it uploads the files inside it (the tag rule is for the last segment of a
// file's path only), so cryptsync must write the very same encrypted paths, read rclone's catalog
// as in step (rclone's mkdir of an empty tag-named folder keeps the tag out of the encryption) and
// restore both exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { encryptCatalog, restoreCatalog } from '../../src/sync/index.js';
import { rclone, tempDir } from '../helpers/rclone.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { listFiles, makeDest, snapshot, touchNs, PASSWORD, type NameOptions } from './fixture.js';

const MODES: Array<[string, NameOptions]> = [
  ['base32', {}],
  ['base64', { filenameEncoding: 'base64' }],
  ['obfuscate', { filenameEncryption: 'obfuscate' }],
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function randomTag(rand: () => number): string {
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  return `-v${int(2000, 2099)}-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}-${pad(int(0, 23), 2)}${pad(int(0, 59), 2)}${pad(int(0, 59), 2)}-${pad(int(0, 999), 3)}`;
}

/** plain tree: tag-named folders (some nested, one empty) holding files, some of them tag-named too */
async function makeTagTree(root: string, rand: () => number): Promise<void> {
  const dirs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const parent = i > 0 && rand() < 0.5 ? `${dirs[Math.floor(rand() * dirs.length)]}/` : '';
    dirs.push(`${parent}${i % 3 === 0 ? '' : `d${i}`}${randomTag(rand)}`);
  }
  for (const [i, d] of dirs.entries()) {
    await mkdir(join(root, d), { recursive: true });
    const files = [`f${i}.txt`, `g${i}${randomTag(rand)}.bin`];
    for (const f of files) {
      const p = join(root, d, f);
      await writeFile(p, `${d}/${f}`);
      touchNs(p, 1_700_000_000 + i, i * 1000);
    }
  }
  await mkdir(join(root, `empty${randomTag(rand)}`));
}

for (const [label, names] of MODES) {
  test(`folders named like a version tag (${label}): the same encrypted paths as rclone, both ways, exact restores`, async () => {
    const seed = Number(process.env.TAG_SEED || Math.floor(Math.random() * 2 ** 32));
    console.log(`tag-folder seed: ${seed} (replay with TAG_SEED=${seed})`);
    const t = await tempDir();
    try {
      const plain = join(t.dir, 'plain');
      await mkdir(plain);
      await makeTagTree(plain, seededRandom(seed));

      await mkdir(join(t.dir, 'c1'));
      await mkdir(join(t.dir, 'c2'));
      const ours = await makeDest(join(t.dir, 'ours'), join(t.dir, 'c1'), PASSWORD, names);
      const theirs = await makeDest(join(t.dir, 'theirs'), join(t.dir, 'c2'), PASSWORD, names);
      const s = await encryptCatalog({ source: plain, dest: ours });
      assert.equal(s.errors, 0);
      const r = await rclone(['sync', '--create-empty-src-dirs', plain, 'crypt:'], { config: theirs.conf });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await listFiles(ours.root), await listFiles(theirs.root), 'the encrypted file paths are rclone\'s');

      // every file path decrypts with rclone
      const encrypted = await listFiles(ours.root);
      for (let i = 0; i < encrypted.length; i += 10) {
        const dec = await rclone(['cryptdecode', 'crypt:', '--', ...encrypted.slice(i, i + 10)], { config: ours.conf });
        assert.equal(dec.code, 0, dec.stderr);
        assert.doesNotMatch(dec.stdout.toString() + dec.stderr, /failed|error/i);
      }

      // cryptsync reads rclone's catalog as in step and restores it exactly
      const again = await encryptCatalog({ source: plain, dest: theirs, dryRun: true });
      assert.equal(again.newFiles + again.changedFiles + again.deletedFiles + again.newDirs + again.deletedDirs, 0);
      for (const [dest, out] of [
        [theirs, join(t.dir, 'out-theirs')],
        [ours, join(t.dir, 'out-ours')],
      ] as const) {
        const rs = await restoreCatalog({ source: dest, target: out });
        assert.equal(rs.errors, 0);
        assert.deepEqual(await snapshot(out), await snapshot(plain));
      }
      // and a second run of its own has nothing to do
      const second = await encryptCatalog({ source: plain, dest: ours, dryRun: true });
      assert.equal(second.newFiles + second.changedFiles + second.deletedFiles + second.newDirs + second.deletedDirs, 0);
    } finally {
      await t.cleanup();
    }
  });
}
