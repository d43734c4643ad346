// Detects a wrong password before anything is written: in a catalog that already holds files,
// at least one name must decrypt (standard/obfuscate names) and one file header must open.
import { readdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { type Cipher, FILE_HEADER_SIZE, BLOCK_SIZE, diskToStandard } from '../crypt/index.js';
import { CryptsyncError } from '../util/errors.js';

const NAMES_TO_TRY = 20;

export async function checkCatalogPassword(cipher: Cipher, root: string, label: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return; // no catalog yet: nothing to compare with
  }
  const visible = entries.filter((e) => !e.name.startsWith('.') || e.name.length > 1).slice(0, NAMES_TO_TRY);
  if (visible.length === 0) return;
  let decrypted = 0;
  let fileToOpen: string | undefined;
  for (const e of visible) {
    try {
      const std = diskToStandard(e.name);
      if (e.isDirectory()) cipher.decryptDirName(std);
      else cipher.decryptFileName(std);
      decrypted++;
      if (e.isFile() && fileToOpen === undefined) fileToOpen = e.name;
    } catch {
      /* not ours, or wrong key */
    }
  }
  if (decrypted === 0) {
    throw new CryptsyncError('crypto', 'WRONG_PASSWORD', `${label}: no file name in ${root} decrypts: wrong password or wrong crypt settings?`, { subject: label });
  }
  if (fileToOpen === undefined || cipher.options.noDataEncryption) return;
  const fh = await open(join(root, fileToOpen), 'r');
  try {
    const buf = Buffer.alloc(FILE_HEADER_SIZE + BLOCK_SIZE);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead <= FILE_HEADER_SIZE) return;
    try {
      cipher.newDecryptor(buf.subarray(0, FILE_HEADER_SIZE), fileToOpen).openBlock(buf.subarray(FILE_HEADER_SIZE, bytesRead));
    } catch (e) {
      if (e instanceof CryptsyncError && e.code === 'AUTH_FAILED') {
        throw new CryptsyncError('crypto', 'WRONG_PASSWORD', `${label}: file contents do not decrypt: wrong password?`, { subject: label });
      }
    }
  } finally {
    await fh.close();
  }
}
