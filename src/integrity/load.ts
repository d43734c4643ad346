// Reads the catalog's manifest and judges it: missing, not authentic (a chunk or the MAC fails,
// or the bytes are not a well-formed manifest of this version), or authentic with its head hash.
// And the listing a manifest describes: every catalog entry but the manifest itself.
import type { Cipher } from '../crypt/index.js';
import { scanCatalog, type CatalogEntry } from '../tree/index.js';
import { isJunkPath } from '../util/junk-names.js';
import { isReservedName } from '../util/reserved-name.js';
import { manifestMacKey } from './hashing.js';
import { headHash, parseManifest, type Manifest } from './manifest-format.js';
import { openManifest, readManifestCiphertext } from './manifest-file.js';

export type LoadedManifest = { state: 'missing' } | { state: 'forged'; message: string } | { state: 'ok'; manifest: Manifest; head: string };

export async function loadManifest(root: string, cipher: Cipher): Promise<LoadedManifest> {
  const sealed = await readManifestCiphertext(root, cipher);
  if (sealed === null) return { state: 'missing' };
  let plain: Buffer;
  try {
    plain = await openManifest(cipher, sealed);
  } catch (e) {
    return { state: 'forged', message: `the manifest does not decrypt (${e instanceof Error ? e.message : String(e)})` };
  }
  try {
    return { state: 'ok', manifest: parseManifest(plain, manifestMacKey(cipher.keys)), head: headHash(plain) };
  } catch (e) {
    return { state: 'forged', message: e instanceof Error ? e.message : String(e) };
  }
}

export interface CatalogListing {
  files: CatalogEntry[];
  dirs: CatalogEntry[];
  /** encrypted paths whose names do not decrypt (system junk left out) */
  undecryptable: string[];
}

/** Every entry of the catalog except the manifest, unfiltered (the manifest covers all of it). */
export async function listCatalog(root: string, cipher: Cipher, signal?: AbortSignal): Promise<CatalogListing> {
  const scan = await scanCatalog(root, cipher, signal ? { signal } : {});
  return {
    files: scan.files.filter((f) => !isReservedName(f.std)),
    dirs: scan.dirs,
    undecryptable: scan.undecryptable.filter((u) => !isJunkPath(u)),
  };
}
