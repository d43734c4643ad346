// Safety checks shared by encrypt, restore, verify and mapping: detect a wrong password before
// anything is written (no name decrypts, or sampled file contents fail to authenticate), and warn
// about names that do not decrypt. Reads at most a few small pieces of the catalog; never writes.
import { open } from 'node:fs/promises';
import { BLOCK_DATA_SIZE, CryptError } from '../crypt/index.js';
import { CryptsyncError } from '../util/errors.js';
import { scanCatalog, type CatalogScan } from '../target/index.js';
import type { CryptDest } from './events.js';

/** how many files' first block are opened to check the data key */
const CONTENT_SAMPLES = 3;

function wrongPassword(label: string, subject: string): CryptsyncError {
  return new CryptsyncError(
    'crypto',
    'WRONG_PASSWORD',
    `wrong password for the encrypted catalog at ${label} (nothing in it decrypts); nothing was written`,
    { subject },
  );
}

/** files whose first block can be opened to test the data key */
function hasContent(dest: CryptDest): (f: { encSize: number }) => boolean {
  const headerSize = dest.cipher.encryptedSize(0);
  return (f) => f.encSize > headerSize;
}

export async function checkCatalogKey(dest: CryptDest, scan: CatalogScan, label = dest.root): Promise<void> {
  const decrypted = scan.files.length + scan.dirs.length;
  if (decrypted === 0 && scan.undecryptable.length > 0) throw wrongPassword(label, dest.root);
  const { cipher } = dest;
  const headerSize = cipher.encryptedSize(0);
  if (headerSize === 0) return; // no data encryption: contents carry no key check
  const candidates = scan.files.filter(hasContent(dest)).slice(0, CONTENT_SAMPLES);
  let read = 0;
  let authFailures = 0;
  for (const f of candidates) {
    const sealedMax = cipher.encryptedSize(BLOCK_DATA_SIZE);
    const want = Math.min(f.encSize, sealedMax);
    const buf = Buffer.allocUnsafe(want);
    let n = 0;
    try {
      const fh = await open(`${dest.root}/${f.disk}`, 'r');
      try {
        n = (await fh.read(buf, 0, want, 0)).bytesRead;
      } finally {
        await fh.close();
      }
    } catch {
      continue; // unreadable: reported later by the run itself, and no evidence either way
    }
    read++;
    try {
      const dec = cipher.newDecryptor(buf.subarray(0, headerSize), f.disk);
      dec.openBlock(buf.subarray(headerSize, n));
    } catch (e) {
      if (e instanceof CryptError && e.code === 'AUTH_FAILED') authFailures++;
    }
  }
  // every sample actually read failed to authenticate: the data key is wrong
  if (read > 0 && authFailures === read) throw wrongPassword(label, dest.root);
}

/**
 * The built-in wrong-password check for callers that do not run encryptCatalog (the rclone
 * engine): scans the catalog only until a few files with contents are found, then checks names
 * and contents like encryptCatalog does. Throws CryptsyncError WRONG_PASSWORD; a missing or
 * empty catalog passes. `label` names the catalog in the message (a remote or task name).
 */
export async function checkCatalogPassword(dest: CryptDest, label: string): Promise<void> {
  const withContent = hasContent(dest);
  let seen = 0;
  let samples = 0;
  const scan = await scanCatalog(dest.root, dest.cipher, {
    missingOk: true,
    stopWhen: (s) => {
      for (; seen < s.files.length; seen++) if (withContent(s.files[seen] as { encSize: number })) samples++;
      return samples >= CONTENT_SAMPLES;
    },
  });
  await checkCatalogKey(dest, scan, label);
}
