// Lists one folder for the tree scans, names as strings that keep every byte: a name that is
// not valid UTF-8 comes back as a raw-byte string (crypt/names-on-disk.ts), never with U+FFFD in
// place of its bytes (two such names would otherwise look alike and overwrite each other). The
// common case (every name UTF-8) costs one string listing; only a folder where a name shows
// U+FFFD, or whose own path holds raw bytes, is listed as bytes. Never writes.
import { readdirSync } from 'node:fs';
import { bytesToName, nameToBytes } from '../crypt/names-on-disk.js';

/** what readdir puts in place of bytes that are not UTF-8 */
const REPLACEMENT_CHAR = '\uFFFD';

/** the part of a Dirent the scans use; a Dirent is one */
export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * The entries of the folder `abs`; `raw` says that `abs` itself holds raw bytes (then it is
 * passed to fs as a Buffer). Throws what readdir throws.
 */
export function readDirEntries(abs: string, raw: boolean): DirEntry[] {
  if (!raw) {
    const ents = readdirSync(abs, { withFileTypes: true });
    if (!ents.some((d) => d.name.includes(REPLACEMENT_CHAR))) return ents;
  }
  return readdirSync(nameToBytes(abs), { withFileTypes: true, encoding: 'buffer' }).map((d) => ({
    name: bytesToName(d.name),
    isFile: () => d.isFile(),
    isDirectory: () => d.isDirectory(),
    isSymbolicLink: () => d.isSymbolicLink(),
  }));
}
