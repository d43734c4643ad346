// A server's copy of an encrypted catalog, read by decrypted names: turns one recursive
// `rsync --list-only` listing (server-listing.ts) into plain paths with their encrypted paths,
// plain sizes and mtimes, using the same name decryption as a local catalog scan. A name that does
// not decrypt is collected (and its folder not descended into), never guessed and never fatal;
// only when no name of a standard-mode listing decrypts is the key judged wrong, before anything
// is fetched. rsync's partial folders (an interrupted push) hold no finished file and are left out.
// Pure: no I/O.
import type { Cipher } from '../crypt/index.js';
import type { ListedEntry } from '../rsync/list-only.js';
import { decryptCatalogName, joinRel, parentOf, TEMP_PATTERN } from '../tree/index.js';
import { isJunkPath } from '../util/junk-names.js';
import { CryptsyncError } from '../util/errors.js';
import { RSYNC_PARTIAL_DIR } from '../tasks/index.js';

/** One file or folder of the server copy. */
export interface ServerEntry {
  kind: 'file' | 'dir';
  /** plain Standard path, '/'-separated */
  std: string;
  /** the encrypted path as listed on the server, relative to the catalog's folder there */
  enc: string;
  /** plain size (-1 when the encrypted size is impossible); 0 for folders */
  size: number;
  /** encrypted size on the server */
  encSize: number;
  /** UTC epoch seconds, as the listing gives them */
  mtimeSec: number;
}

export interface ServerCatalog {
  files: ServerEntry[];
  dirs: ServerEntry[];
  /** encrypted paths whose names did not decrypt (junk such as lost+found left out) */
  undecryptable: string[];
  /** symlinks and special files: a catalog holds none, so they are reported and left alone */
  skipped: string[];
}

function depth(p: string): number {
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === 0x2f) n++;
  return n;
}

export function decryptServerListing(listing: ListedEntry[], cipher: Cipher): ServerCatalog {
  const out: ServerCatalog = { files: [], dirs: [], undecryptable: [], skipped: [] };
  // encrypted folder path -> its plain path; a folder missing here was undecryptable (or skipped)
  const plainDirs = new Map<string, string>([['', '']]);
  const sorted = [...listing].sort((a, b) => depth(a.path) - depth(b.path));
  for (const e of sorted) {
    const parent = parentOf(e.path);
    const parentStd = plainDirs.get(parent);
    if (parentStd === undefined) continue; // inside an undecryptable folder
    const name = e.path.slice(parent === '' ? 0 : parent.length + 1);
    if (e.kind !== 'file' && e.kind !== 'dir') {
      out.skipped.push(e.path);
      continue;
    }
    if (e.kind === 'file' && TEMP_PATTERN.test(name)) continue; // a killed writer's leftover
    if (e.kind === 'dir' && name === RSYNC_PARTIAL_DIR) continue; // an interrupted push's half-sent files, resumed by the next run
    const plain = decryptCatalogName(cipher, parentStd, name, e.kind === 'dir');
    if (plain === null) {
      if (!isJunkPath(e.path)) out.undecryptable.push(e.path);
      continue;
    }
    const std = joinRel(parentStd, plain);
    if (e.kind === 'dir') {
      plainDirs.set(e.path, std);
      out.dirs.push({ kind: 'dir', std, enc: e.path, size: 0, encSize: 0, mtimeSec: e.mtimeSec });
      continue;
    }
    let size = -1;
    try {
      size = cipher.decryptedSize(e.size);
    } catch {
      size = -1;
    }
    out.files.push({ kind: 'file', std, enc: e.path, size, encSize: e.size, mtimeSec: e.mtimeSec });
  }
  out.files.sort((a, b) => (a.std < b.std ? -1 : a.std > b.std ? 1 : 0));
  out.dirs.sort((a, b) => (a.std < b.std ? -1 : a.std > b.std ? 1 : 0));
  return out;
}

/**
 * WRONG_PASSWORD (exit 12) when the names prove the key wrong: standard name encryption, names
 * listed, and not one of them decrypts. Other modes carry no key check in their names; the
 * contents fetched later are authenticated chunk by chunk instead.
 */
export function assertServerKey(cat: ServerCatalog, cipher: Cipher, where: string): void {
  if (cipher.options.filenameEncryption !== 'standard') return;
  if (cat.files.length + cat.dirs.length > 0 || cat.undecryptable.length === 0) return;
  throw new CryptsyncError(
    'crypto',
    'WRONG_PASSWORD',
    `wrong password for the encrypted copy at ${where} (none of its ${cat.undecryptable.length} names decrypt with these keys); nothing was fetched`,
    { subject: where },
  );
}
