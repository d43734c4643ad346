// Builds the sync plan from a plain scan and a catalog scan: pure (no I/O), so a dry run and the
// tests see exactly what apply would do. Change rules are rclone's for crypt over local: a file is
// unchanged when its plain size equals the decrypted size and the mtimes are equal to the
// nanosecond; otherwise it is re-encrypted whole. Names are paired by NFC form, like rclone's march.
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
}

export interface NameEncryptor {
  file(std: string): string;
  dir(std: string): string;
}

export function isUnchanged(src: TreeEntry, dst: CatalogEntry): boolean {
  return dst.size >= 0 && src.size === dst.size && src.mtimeNs === dst.mtimeNs;
}

export function buildPlan(
  src: { files: TreeEntry[]; dirs: TreeEntry[] },
  dst: { files: CatalogEntry[]; dirs: CatalogEntry[] },
  names: NameEncryptor,
): SyncPlan {
  const plan: SyncPlan = { mkdirs: [], copies: [], deletes: [], rmdirs: [], unchanged: 0, bytes: 0, conflicts: [] };
  const dstFiles = new Map<string, CatalogEntry>();
  for (const f of dst.files) dstFiles.set(matchKey(f.std), f);
  const dstDirs = new Map<string, CatalogEntry>();
  for (const d of dst.dirs) dstDirs.set(matchKey(d.std), d);
  const srcKeys = new Set<string>();

  for (const d of src.dirs) {
    const key = matchKey(d.std);
    srcKeys.add(key);
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
    if (!srcKeys.has(matchKey(f.std))) plan.deletes.push({ std: f.std, encDisk: f.disk, size: f.size });
  }
  for (const d of dst.dirs) {
    if (!srcKeys.has(matchKey(d.std))) plan.rmdirs.push({ std: d.std, encDisk: d.disk });
  }
  plan.mkdirs.sort((a, b) => depthOf(a.std) - depthOf(b.std));
  plan.rmdirs.sort((a, b) => depthOf(b.std) - depthOf(a.std));
  return plan;
}
