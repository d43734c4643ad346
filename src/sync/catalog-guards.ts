// Safety checks shared by encrypt, restore, verify and mapping: detect a wrong password before
// anything is written (no name decrypts, or sampled file contents fail to authenticate), and warn
// about names that do not decrypt. Reads at most a few small pieces of the catalog; never writes.
import { open } from 'node:fs/promises';
import { BLOCK_DATA_SIZE, CryptError } from '../crypt/index.js';
import { CryptsyncError } from '../util/errors.js';
import type { CatalogScan } from '../target/index.js';
import type { CryptDest } from './events.js';

/** how many files' first block are opened to check the data key */
const CONTENT_SAMPLES = 3;

function wrongPassword(root: string): CryptsyncError {
  return new CryptsyncError(
    'crypto',
    'WRONG_PASSWORD',
    `wrong password for the encrypted catalog at ${root} (nothing in it decrypts); nothing was written`,
    { subject: root },
  );
}

export async function checkCatalogKey(dest: CryptDest, scan: CatalogScan): Promise<void> {
  const decrypted = scan.files.length + scan.dirs.length;
  if (decrypted === 0 && scan.undecryptable.length > 0) throw wrongPassword(dest.root);
  const { cipher } = dest;
  const headerSize = cipher.encryptedSize(0);
  if (headerSize === 0) return; // no data encryption: contents carry no key check
  const candidates = scan.files.filter((f) => f.encSize > headerSize).slice(0, CONTENT_SAMPLES);
  if (candidates.length === 0) return;
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
      continue; // unreadable: reported later by the run itself
    }
    try {
      const dec = cipher.newDecryptor(buf.subarray(0, headerSize), f.disk);
      dec.openBlock(buf.subarray(headerSize, n));
    } catch (e) {
      if (e instanceof CryptError && e.code === 'AUTH_FAILED') authFailures++;
    }
  }
  if (authFailures === candidates.length) throw wrongPassword(dest.root);
}
