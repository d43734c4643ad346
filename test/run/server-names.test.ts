// A server listing read by decrypted names (pure): folders before or after their files in the
// listing, a folder whose name does not decrypt is reported and not descended into, leftovers of
// a killed writer, rsync's partial folder and symlinks are left out, sizes are the plain sizes; a standard-mode listing
// where no name decrypts is a wrong password, other modes are judged later by their contents.
// The pick: literal paths (brackets are names, not globs) with the folders on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cipher, standardToDisk } from '../../src/crypt/index.js';
import { decryptServerListing, assertServerKey } from '../../src/run/server-names.js';
import { pickFromListing } from '../../src/run/server-pick.js';
import type { ListedEntry } from '../../src/rsync/list-only.js';
import { seededRandom } from '../helpers/seeded-random.js';

const cipherOf = (password: string, filenameEncryption: 'standard' | 'off' = 'standard') => Cipher.create({ password, filenameEncryption, filenameEncoding: 'base32', directoryNameEncryption: true });

function encPath(c: Cipher, plain: string, isDir: boolean): string {
  const parts = plain.split('/');
  return parts.map((p, i) => standardToDisk(i === parts.length - 1 && !isDir ? c.encryptFileName(p) : c.encryptDirName(p))).join('/');
}

test('a listing by decrypted names, in any order; undecryptable folders reported, not descended', async () => {
  const c = await cipherOf('a long and careful passphrase for names');
  const seed = Math.floor(Math.random() * 2 ** 31);
  const rnd = seededRandom(seed);
  const plain: Array<[string, 'file' | 'dir', number]> = [
    ['Photos [2019]', 'dir', 0],
    ['Photos [2019]/beach.jpg', 'file', 1000],
    ['Photos [2019]/sub', 'dir', 0],
    ['Photos [2019]/sub/x.txt', 'file', 0],
    ['notes.txt', 'file', 65537],
  ];
  const listing: ListedEntry[] = plain.map(([p, kind, size]) => ({ path: encPath(c, p, kind === 'dir'), kind, size: kind === 'file' ? c.encryptedSize(size) : 4096, mtimeSec: 1_750_000_000 }));
  listing.push({ path: 'not-a-name', kind: 'dir', size: 4096, mtimeSec: 0 }, { path: 'not-a-name/inside', kind: 'file', size: 100, mtimeSec: 0 });
  listing.push({ path: '.cryptsync-0123456789abcdef.tmp', kind: 'file', size: 10, mtimeSec: 0 });
  listing.push({ path: 'link', kind: 'symlink', size: 4, mtimeSec: 0, target: 'x' });
  // an interrupted push leaves rsync's partial folder (its files are resumed by the next run)
  listing.push({ path: '.rsync-partial', kind: 'dir', size: 4096, mtimeSec: 0 }, { path: `.rsync-partial/${encPath(c, 'half.bin', false)}`, kind: 'file', size: 50, mtimeSec: 0 });
  for (let i = listing.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [listing[i], listing[j]] = [listing[j] as ListedEntry, listing[i] as ListedEntry];
  }
  const cat = decryptServerListing(listing, c);
  assert.deepEqual(cat.files.map((f) => [f.std, f.size]), [['Photos [2019]/beach.jpg', 1000], ['Photos [2019]/sub/x.txt', 0], ['notes.txt', 65537]], `seed ${seed}`);
  assert.deepEqual(cat.dirs.map((d) => d.std), ['Photos [2019]', 'Photos [2019]/sub']);
  assert.deepEqual(cat.undecryptable, ['not-a-name']);
  assert.deepEqual(cat.skipped, ['link']);
  assertServerKey(cat, c, 'test');
  const pick = await pickFromListing(cat, { paths: ['Photos [2019]/sub'] });
  assert.deepEqual(pick.files.map((f) => f.std), ['Photos [2019]/sub/x.txt']);
  assert.deepEqual(pick.dirs.map((d) => d.std), ['Photos [2019]', 'Photos [2019]/sub']);
  assert.equal(pick.whole, false);
  assert.equal((await pickFromListing(cat, { paths: ['Photos ?2019?'] })).files.length, 0, 'a picked path is literal');
  assert.equal((await pickFromListing(cat, {})).whole, true);
});

test('no name decrypts: a wrong password (standard names); off mode is judged by contents later', async () => {
  const right = await cipherOf('the right passphrase for this backup');
  const wrong = await cipherOf('some other passphrase, equally long');
  const listing: ListedEntry[] = ['a.txt', 'b.txt', 'c.txt'].map((p) => ({ path: encPath(right, p, false), kind: 'file', size: 100, mtimeSec: 0 }));
  const cat = decryptServerListing(listing, wrong);
  assert.equal(cat.files.length, 0);
  assert.throws(() => assertServerKey(cat, wrong, 'me@host:/srv'), { code: 'WRONG_PASSWORD' });
  const off = await cipherOf('the right passphrase for this backup', 'off');
  const offListing: ListedEntry[] = [{ path: 'a.txt.bin', kind: 'file', size: off.encryptedSize(5), mtimeSec: 0 }];
  const offCat = decryptServerListing(offListing, off);
  assert.deepEqual(offCat.files.map((f) => f.std), ['a.txt']);
  assert.doesNotThrow(() => assertServerKey(decryptServerListing([], off), off, 'x'));
});
