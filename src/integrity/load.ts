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
import { readSealedCopy, type ChainRecord } from './client-state.js';

export type LoadedManifest = { state: 'missing' } | { state: 'forged'; message: string } | { state: 'ok'; manifest: Manifest; head: string; sealed: Buffer };

export async function loadManifest(root: string, cipher: Cipher): Promise<LoadedManifest> {
  const sealed = await readManifestCiphertext(root, cipher);
  return sealed === null ? { state: 'missing' } : judgeSealed(cipher, sealed);
}

/** Opens and authenticates a sealed manifest (from the catalog, or this machine's copy). */
export async function judgeSealed(cipher: Cipher, sealed: Buffer): Promise<LoadedManifest> {
  let plain: Buffer;
  try {
    plain = await openManifest(cipher, sealed);
  } catch (e) {
    return { state: 'forged', message: `the manifest does not decrypt (${e instanceof Error ? e.message : String(e)})` };
  }
  try {
    return { state: 'ok', manifest: parseManifest(plain, manifestMacKey(cipher.keys)), head: headHash(plain), sealed };
  } catch (e) {
    return { state: 'forged', message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The catalog's manifest; when it is missing, this machine's copy of the one it wrote or verified
 * last (`fromCopy`), if that copy is authentic and is the head of the record.
 */
export async function loadManifestOrCopy(root: string, cipher: Cipher, home: string, record: ChainRecord | null): Promise<LoadedManifest & { fromCopy?: boolean }> {
  const loaded = await loadManifest(root, cipher);
  if (loaded.state !== 'missing' || !record) return loaded;
  const copy = await readSealedCopy(home, record.subject);
  if (copy === null) return loaded;
  const judged = await judgeSealed(cipher, copy);
  return judged.state === 'ok' && judged.head === record.head ? { ...judged, fromCopy: true } : loaded;
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
