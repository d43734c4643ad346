// The manifest as a file in the catalog: an ordinary rclone-crypt file at the top whose plain
// name is reserved (util/reserved-name.ts) and encrypted like every name, so stock rclone
// restores it as one extra file. Written last and atomically: sealed into a temporary name in
// the catalog's top folder (a name every scan skips and a later run cleans up), made durable,
// renamed over the old manifest, the folder made durable; a crash at any point leaves the
// previous manifest whole under the real name.
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { Cipher } from '../crypt/index.js';
import { fsPath } from '../crypt/index.js';
import { encryptPath, flushFiles, syncFolders, tempNameFor } from '../tree/index.js';
import { MANIFEST_NAME } from '../util/reserved-name.js';

/** The manifest's path on disk, relative to the catalog. */
export function manifestDiskPath(cipher: Cipher): string {
  return encryptPath(cipher, MANIFEST_NAME, 'file');
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** The manifest's ciphertext, exactly what lies on disk (a fresh random nonce each time). */
export function sealManifest(cipher: Cipher, plain: Buffer): Promise<Buffer> {
  return collect(cipher.encrypt(once(plain)));
}

/** The ciphertext as stored, or null when the catalog holds no manifest. */
export async function readManifestCiphertext(root: string, cipher: Cipher): Promise<Buffer | null> {
  try {
    return await readFile(fsPath(`${root}/${manifestDiskPath(cipher)}`));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Opens the manifest's ciphertext (every chunk authenticated); throws on a damaged one. */
export function openManifest(cipher: Cipher, sealed: Buffer): Promise<Buffer> {
  return collect(cipher.decrypt(once(sealed)));
}

/** Writes the sealed manifest under its real name atomically and durably (see the header). */
export async function writeManifestFile(root: string, cipher: Cipher, sealed: Buffer): Promise<void> {
  const tmp = tempNameFor(root);
  try {
    await writeFile(tmp, sealed, { flag: 'wx', mode: 0o666 });
    await flushFiles([tmp], [root]);
    await rename(tmp, fsPath(`${root}/${manifestDiskPath(cipher)}`));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncFolders([root]);
}
