// The entries a tree scan yields, shared by the plain-folder scan and the encrypted-catalog scan.
// Paths are relative, '/'-separated, in rclone's Standard name encoding (see
// spec/rclone-names-on-disk.md) so both sides compare like rclone does. A name that is not valid
// UTF-8 is a raw-byte string (crypt/names-on-disk.ts): fs calls take it through fsPath. Pure data, no I/O.

export type EntryKind = 'file' | 'dir';

export interface TreeEntry {
  kind: EntryKind;
  /** plain path in Standard encoding (what crypt encrypts) */
  std: string;
  /** the path on disk, relative to the scanned root */
  disk: string;
  /** plain size in bytes; -1 when it cannot be known (a damaged encrypted file) */
  size: number;
  mtimeNs: bigint;
}

export interface CatalogEntry extends TreeEntry {
  /** size of the encrypted file on disk */
  encSize: number;
}

/** The key two entries are matched by: NFC, like rclone's march. ASCII skips the normalisation. */
export function matchKey(std: string): string {
  return /^[\x00-\x7f]*$/.test(std) ? std : std.normalize('NFC');
}

/** Prefix of every temporary file cryptsync writes; never a valid encrypted name in any mode. */
export const TEMP_PREFIX = '.cryptsync-';
export const TEMP_SUFFIX = '.tmp';
/**
 * `.cryptsync-<pid>-<16 hex>.tmp`; the writer's pid lets a cleanup spare a live concurrent run.
 * Names of older versions carry no pid (`.cryptsync-<16 hex>.tmp`) and still match.
 */
export const TEMP_PATTERN = /^\.cryptsync-(?:(\d{1,10})-)?[0-9a-f]{16}\.tmp$/;

export function joinRel(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function depthOf(rel: string): number {
  let n = 0;
  for (let i = 0; i < rel.length; i++) if (rel.charCodeAt(i) === 47) n++;
  return n;
}
