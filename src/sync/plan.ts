// Builds the sync plan from a plain scan and a catalog scan: pure (no I/O), so a dry run and the
// tests see exactly what apply would do. Change rules are rclone's for crypt over local: a file is
// unchanged when its plain size equals the decrypted size and the mtimes are equal to the
// nanosecond; otherwise it is re-encrypted whole. Names are paired by NFC form, like rclone's march.
// Two names on one side with the same NFC form (NFC and NFD spellings) would overwrite each
// other's encrypted file: such names, and everything under such folders, are reported as
// duplicates and left out of the plan entirely (no copy, update or delete).
import { type TreeEntry, type CatalogEntry, matchKey, depthOf } from '../target/index.js';

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
}

export interface NameEncryptor {
  file(std: string): string;
  dir(std: string): string;
}

export function isUnchanged(src: TreeEntry, dst: CatalogEntry): boolean {
  return dst.size >= 0 && src.size === dst.size && src.mtimeNs === dst.mtimeNs;
}

/** match keys that more than one entry of `entries` maps to */
function duplicateKeys(entries: Iterable<TreeEntry>): Map<string, string> {
  const first = new Map<string, string>();
  const dup = new Map<string, string>();
  for (const e of entries) {
    const key = matchKey(e.std);
    const prev = first.get(key);
    if (prev === undefined) first.set(key, e.std);
    else if (!dup.has(key)) dup.set(key, prev);
  }
  return dup;
}

function* both<T>(a: T[], b: T[]): Iterable<T> {
  yield* a;
  yield* b;
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
): SyncPlan {
  const plan: SyncPlan = { mkdirs: [], copies: [], deletes: [], rmdirs: [], unchanged: 0, bytes: 0, conflicts: [], duplicates: [] };
  const srcDup = duplicateKeys(both(src.dirs, src.files));
  const dstDup = duplicateKeys(both(dst.dirs, dst.files));
  for (const std of srcDup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the source: several names differ only in Unicode normalisation (NFC/NFD); none of them is synced' });
  }
  for (const std of dstDup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the encrypted catalog: several names decrypt to the same text up to Unicode normalisation (NFC/NFD); left alone' });
  }
  const blocked = new Set([...srcDup.keys(), ...dstDup.keys()]);
  const dstFiles = new Map<string, CatalogEntry>();
  for (const f of dst.files) dstFiles.set(matchKey(f.std), f);
  const dstDirs = new Map<string, CatalogEntry>();
  for (const d of dst.dirs) dstDirs.set(matchKey(d.std), d);
  const srcKeys = new Set<string>();

  for (const d of src.dirs) {
    const key = matchKey(d.std);
    srcKeys.add(key);
    if (isBlocked(key, blocked)) continue;
    if (dstDirs.has(key)) continue;
    if (dstFiles.has(key)) {
      plan.conflicts.push({ path: d.std, message: 'is a folder in the source but a file in the encrypted catalog' });
      continue;
    }
    plan.mkdirs.push({ std: d.std, encDisk: names.dir(d.std) });
  }
  for (const f of src.files) {
    const key = matchKey(f.std);
    srcKeys.add(key);
    if (isBlocked(key, blocked)) continue;
    const have = dstFiles.get(key);
    if (have === undefined && dstDirs.has(key)) {
      plan.conflicts.push({ path: f.std, message: 'is a file in the source but a folder in the encrypted catalog' });
      continue;
    }
    if (have !== undefined && isUnchanged(f, have)) {
      plan.unchanged++;
      continue;
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
  }
  for (const f of dst.files) {
    const key = matchKey(f.std);
    if (!srcKeys.has(key) && !isBlocked(key, blocked)) plan.deletes.push({ std: f.std, encDisk: f.disk, size: f.size });
  }
  for (const d of dst.dirs) {
    const key = matchKey(d.std);
    if (!srcKeys.has(key) && !isBlocked(key, blocked)) plan.rmdirs.push({ std: d.std, encDisk: d.disk });
  }
  plan.mkdirs.sort((a, b) => depthOf(a.std) - depthOf(b.std));
  plan.rmdirs.sort((a, b) => depthOf(b.std) - depthOf(a.std));
  return plan;
}
