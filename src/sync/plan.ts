// Builds the sync plan from a plain scan and a catalog scan: pure (no I/O), so a dry run and the
// tests see exactly what apply would do. Change rules are rclone's for crypt over local: a file is
// unchanged when its plain size equals the decrypted size and the mtimes are equal to the
// nanosecond; otherwise it is re-encrypted whole. Names are paired by NFC form, like rclone's march.
// Two names on one side with the same NFC form (NFC and NFD spellings) would overwrite each
// other's encrypted file: such names, and everything under such folders, are reported as
// duplicates and left out of the plan entirely (no copy, update or delete).
import { type TreeEntry, type CatalogEntry, matchKey, depthOf } from '../tree/index.js';

export interface CopyItem {
  action: 'new' | 'update';
  std: string;
  /** plain file, relative to the source root */
  srcDisk: string;
  /** final encrypted path, relative to the catalog root */
  encDisk: string;
  size: number;
  mtimeNs: bigint;
}

export interface DirItem {
  std: string;
  encDisk: string;
}

export interface DeleteItem extends DirItem {
  /** plain size when known, for the report */
  size: number;
}

export interface PlanConflict {
  path: string;
  message: string;
}

export interface SyncPlan {
  mkdirs: DirItem[];
  copies: CopyItem[];
  deletes: DeleteItem[];
  rmdirs: DirItem[];
  unchanged: number;
  /** plain bytes to encrypt */
  bytes: number;
  conflicts: PlanConflict[];
  /** names that occur more than once on one side under the same NFC form; each one is an error */
  duplicates: PlanConflict[];
  /** with keepSame: the pairs found unchanged by size and mtime (for a content check) */
  same?: CopyItem[];
}

export interface NameEncryptor {
  file(std: string): string;
  dir(std: string): string;
}

export function isUnchanged(src: TreeEntry, dst: CatalogEntry): boolean {
  return dst.size >= 0 && src.size === dst.size && src.mtimeNs === dst.mtimeNs;
}

/**
 * Adds each entry's match key to `seen` (key -> first plain name) and returns the keys in entry
 * order; a key seen before goes to `dup` (key -> first plain name). Each name is normalised once.
 */
function keysOf(entries: TreeEntry[], seen: Map<string, string>, dup: Map<string, string>): string[] {
  const keys = new Array<string>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const std = (entries[i] as TreeEntry).std;
    const key = matchKey(std);
    keys[i] = key;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, std);
    else if (!dup.has(key)) dup.set(key, first);
  }
  return keys;
}

/** true when `key` or one of its parent folders is in `blocked` */
function isBlocked(key: string, blocked: Set<string>): boolean {
  if (blocked.size === 0) return false;
  for (let i = key.length; i > 0; i = key.lastIndexOf('/', i - 1)) {
    if (blocked.has(key.slice(0, i))) return true;
  }
  return false;
}

export function buildPlan(
  src: { files: TreeEntry[]; dirs: TreeEntry[] },
  dst: { files: CatalogEntry[]; dirs: CatalogEntry[] },
  names: NameEncryptor,
  opts: { keepSame?: boolean } = {},
): SyncPlan {
  const plan: SyncPlan = { mkdirs: [], copies: [], deletes: [], rmdirs: [], unchanged: 0, bytes: 0, conflicts: [], duplicates: [] };
  const same: CopyItem[] | undefined = opts.keepSame ? (plan.same = []) : undefined;
  const srcSeen = new Map<string, string>();
  const srcDup = new Map<string, string>();
  const srcDirKeys = keysOf(src.dirs, srcSeen, srcDup);
  const srcFileKeys = keysOf(src.files, srcSeen, srcDup);
  const dstSeen = new Map<string, string>();
  const dstDup = new Map<string, string>();
  const dstDirKeys = keysOf(dst.dirs, dstSeen, dstDup);
  const dstFileKeys = keysOf(dst.files, dstSeen, dstDup);
  for (const std of srcDup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the source: several names differ only in Unicode normalisation (NFC/NFD); none of them is synced' });
  }
  for (const std of dstDup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the encrypted catalog: several names decrypt to the same text up to Unicode normalisation (NFC/NFD); left alone' });
  }
  const blocked = new Set([...srcDup.keys(), ...dstDup.keys()]);
  const dstFiles = new Map<string, CatalogEntry>();
  dst.files.forEach((f, i) => dstFiles.set(dstFileKeys[i] as string, f));
  const dstDirs = new Set(dstDirKeys);

  src.dirs.forEach((d, i) => {
    const key = srcDirKeys[i] as string;
    if (isBlocked(key, blocked) || dstDirs.has(key)) return;
    if (dstFiles.has(key)) {
      plan.conflicts.push({ path: d.std, message: 'is a folder in the source but a file in the encrypted catalog' });
      return;
    }
    plan.mkdirs.push({ std: d.std, encDisk: names.dir(d.std) });
  });
  src.files.forEach((f, i) => {
    const key = srcFileKeys[i] as string;
    if (isBlocked(key, blocked)) return;
    const have = dstFiles.get(key);
    if (have === undefined && dstDirs.has(key)) {
      plan.conflicts.push({ path: f.std, message: 'is a file in the source but a folder in the encrypted catalog' });
      return;
    }
    if (have !== undefined && isUnchanged(f, have)) {
      plan.unchanged++;
      same?.push({ action: 'update', std: f.std, srcDisk: f.disk, encDisk: have.disk, size: f.size, mtimeNs: f.mtimeNs });
      return;
    }
    plan.copies.push({
      action: have ? 'update' : 'new',
      std: f.std,
      srcDisk: f.disk,
      encDisk: have ? have.disk : names.file(f.std),
      size: f.size,
      mtimeNs: f.mtimeNs,
    });
    plan.bytes += f.size;
  });
  dst.files.forEach((f, i) => {
    const key = dstFileKeys[i] as string;
    if (!srcSeen.has(key) && !isBlocked(key, blocked)) plan.deletes.push({ std: f.std, encDisk: f.disk, size: f.size });
  });
  dst.dirs.forEach((d, i) => {
    const key = dstDirKeys[i] as string;
    if (!srcSeen.has(key) && !isBlocked(key, blocked)) plan.rmdirs.push({ std: d.std, encDisk: d.disk });
  });
  plan.mkdirs.sort((a, b) => depthOf(a.std) - depthOf(b.std));
  plan.rmdirs.sort((a, b) => depthOf(b.std) - depthOf(a.std));
  return plan;
}
