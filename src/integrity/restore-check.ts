// Before a restore: each selected ciphertext file is hashed and compared with the catalog's
// manifest; a file whose hash differs (or that the manifest does not list) is withheld from the
// restore and reported. A removed manifest is replaced by this machine's copy of the last one it
// wrote or verified; one that is missing while this machine knows its chain (and has no copy),
// not authentic, rolled back or forked makes the whole selection unusable. The caller may skip the
// check (the user said so). Reads only.
import type { Cipher } from '../crypt/index.js';
import { mapLimit } from '../util/map-limit.js';
import { hashCiphertext } from './hashing.js';
import { loadManifestOrCopy } from './load.js';
import { catalogSubject, readChainRecord } from './client-state.js';
import { chainFinding } from './verify.js';

const READ_CONCURRENCY = 8;

export type RestoreCheck =
  | { state: 'no-manifest' }
  | { state: 'unusable'; message: string }
  | { state: 'checked'; generation: number; /** by encrypted path: why the file is not to be restored */ withheld: Map<string, string> };

export async function checkRestoreSelection(o: { root: string; cipher: Cipher; home: string; files: ReadonlyArray<{ std: string; disk: string }> }): Promise<RestoreCheck> {
  const record = await readChainRecord(o.home, await catalogSubject(o.root));
  const loaded = await loadManifestOrCopy(o.root, o.cipher, o.home, record);
  if (loaded.state === 'missing') {
    return record ? { state: 'unusable', message: `the catalog has no manifest, but this machine wrote or verified generation ${record.generation}` } : { state: 'no-manifest' };
  }
  if (loaded.state === 'forged') return { state: 'unusable', message: `the manifest is not authentic: ${loaded.message}` };
  const chain = chainFinding(loaded.manifest, loaded.head, record, 'the catalog');
  if (chain) return { state: 'unusable', message: chain.detail };
  const hashes = new Map<string, string>();
  for (const e of loaded.manifest.entries) if (e.type === 'file') hashes.set(e.enc, e.hash);
  const withheld = new Map<string, string>();
  await mapLimit(o.files, READ_CONCURRENCY, async (f) => {
    const want = hashes.get(f.disk);
    if (want === undefined) {
      withheld.set(f.disk, `not in the manifest (generation ${loaded.manifest.generation})`);
      return;
    }
    const got = await hashCiphertext(`${o.root}/${f.disk}`);
    if (got.hash !== want) withheld.set(f.disk, `its ciphertext does not match the manifest (generation ${loaded.manifest.generation}): changed since, truncated or swapped`);
  });
  return { state: 'checked', generation: loaded.manifest.generation, withheld };
}
