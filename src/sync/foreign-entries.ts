// Entries of an encrypted catalog that are not encrypted names for its remote: plaintext dropped
// into the catalog (a restore into it, a copied folder), or another remote's files. Such a catalog
// must never be pushed. System junk (.DS_Store, an empty lost+found) is not counted: it holds
// none of the user's data. Lists names only (no contents read); never writes.
import { scanCatalogTable } from '../tree/index.js';
import { isJunkPath } from '../util/junk-names.js';
import type { CryptDest } from './events.js';

export async function listForeignEntries(dest: CryptDest, signal?: AbortSignal): Promise<string[]> {
  const scan = await scanCatalogTable(dest.root, dest.cipher, { missingOk: true, ...(signal ? { signal } : {}) });
  return scan.undecryptable.filter((u) => !isJunkPath(u));
}
