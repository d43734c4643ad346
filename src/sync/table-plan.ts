// Builds the sync plan from a plain scan and a catalog scan whose files are in columns
// (tree/file-table.ts): pure (no I/O), so a dry run and the tests see exactly what apply would do.
// Change rules are rclone's for crypt over local: a file is unchanged when its plain size equals
// the decrypted size and the mtimes are equal to the nanosecond; otherwise it is re-encrypted
// whole. Names are paired by NFC form, like rclone's march, folder by folder: only one folder's
// names are in a map at a time, so the plan of a million files is a few index arrays. Two names on
// one side with the same NFC form (NFC and NFD spellings) would overwrite each other's encrypted
// file: such names, and everything under such folders, are reported as duplicates and left out of
// the plan entirely (no copy, update or delete).
import { type TreeEntry, type FileTable, type CatalogFileTable, IndexList, FolderGroups, matchKey, depthOf, joinRel } from '../tree/index.js';

export interface DirItem {
  std: string;
  encDisk: string;
}

export interface PlanConflict {
  path: string;
  message: string;
}

export interface NameEncryptor {
  file(std: string): string;
  dir(std: string): string;
}

/** pairs of a plain file and its catalog twin (-1: none yet), by index into the two scans' tables */
export interface FilePairs {
  src: IndexList;
  dst: IndexList;
}

export interface TablePlan {
  mkdirs: DirItem[];
  /** files to encrypt: source index, and the catalog twin replaced (-1 for a new file) */
  copies: FilePairs;
  /** catalog file indexes to delete */
  deletes: IndexList;
  rmdirs: DirItem[];
  unchanged: number;
  /** plain bytes to encrypt */
  bytes: number;
  conflicts: PlanConflict[];
  /** names that occur more than once on one side under the same NFC form; each one is an error */
  duplicates: PlanConflict[];
  /** with keepSame: the pairs found unchanged by size and mtime (for a content check) */
  same?: FilePairs;
}

export interface TableSide<T extends FileTable> {
  files: T;
  dirs: TreeEntry[];
}

export function newPairs(): FilePairs {
  return { src: new IndexList(), dst: new IndexList() };
}

/** true when `key` or one of its parent folders is in `blocked` */
function isBlocked(key: string, blocked: Set<string>): boolean {
  if (blocked.size === 0) return false;
  for (let i = key.length; i > 0; i = key.lastIndexOf('/', i - 1)) {
    if (blocked.has(key.slice(0, i))) return true;
  }
  return false;
}

/** one side's names: folder keys (key -> first plain name), duplicates, files grouped by folder key */
class SideIndex {
  readonly seen = new Map<string, string>();
  readonly dup = new Map<string, string>();
  readonly dirKeys: string[];
  /** folder key -> the folders with that key (NFC/NFD twins share one key), in scan order */
  readonly foldersByKey = new Map<string, number[]>();
  private readonly groups: FolderGroups;

  constructor(
    readonly side: TableSide<FileTable>,
    blocked: Set<string>,
  ) {
    this.dirKeys = side.dirs.map((d) => {
      const key = matchKey(d.std);
      const first = this.seen.get(key);
      if (first === undefined) this.seen.set(key, d.std);
      else if (!this.dup.has(key)) this.dup.set(key, first);
      return key;
    });
    for (const k of this.dup.keys()) blocked.add(k);
    const t = side.files;
    this.groups = new FolderGroups(t);
    t.folderStd.forEach((std, f) => {
      if (this.groups.size(f) === 0) return;
      const key = matchKey(std);
      const have = this.foldersByKey.get(key);
      if (have) have.push(f);
      else this.foldersByKey.set(key, [f]);
    });
  }

  private *filesOf(k: string): Generator<number> {
    for (const f of this.foldersByKey.get(k) ?? []) {
      yield* this.groups.files(f);
    }
  }

  /**
   * The files of folder key `k` by name key (first one of a name wins); a name met twice, or
   * naming a folder too, is a duplicate (blocked).
   */
  names(k: string, blocked: Set<string>): Map<string, number> {
    const out = new Map<string, number>();
    const t = this.side.files;
    for (const i of this.filesOf(k)) {
      const nk = matchKey(t.name(i));
      const first = out.get(nk);
      const full = joinRel(k, nk);
      const firstStd = first !== undefined ? t.std(first) : this.seen.get(full);
      if (firstStd === undefined) out.set(nk, i);
      else {
        if (first === undefined) out.set(nk, i);
        if (!this.dup.has(full)) this.dup.set(full, firstStd);
        blocked.add(full);
      }
    }
    return out;
  }
}

export function buildTablePlan(src: TableSide<FileTable>, dst: TableSide<CatalogFileTable>, names: NameEncryptor, opts: { keepSame?: boolean } = {}): TablePlan {
  const plan: TablePlan = { mkdirs: [], copies: newPairs(), deletes: new IndexList(), rmdirs: [], unchanged: 0, bytes: 0, conflicts: [], duplicates: [] };
  const same = opts.keepSame ? (plan.same = newPairs()) : undefined;
  const blocked = new Set<string>();
  const s = new SideIndex(src, blocked);
  const d = new SideIndex(dst, blocked);
  // keys of the other side's kind: a file here where the other side has a folder
  const dstFileAtSrcDir = new Set<string>();
  const srcFileAtDstDir = new Set<string>();
  // parents before children, so a duplicate found in a folder blocks its sub-folders in time
  const keys = [...new Set([...s.foldersByKey.keys(), ...d.foldersByKey.keys()])].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : depthOf(a) - depthOf(b)));
  const sf = src.files;
  const df = dst.files;
  for (const k of keys) {
    const srcNames = s.names(k, blocked);
    const dstNames = d.names(k, blocked);
    const folderBlocked = isBlocked(k, blocked);
    for (const [nk, i] of srcNames) {
      const full = joinRel(k, nk);
      if (folderBlocked || blocked.has(full)) continue;
      const have = dstNames.get(nk);
      if (have === undefined && d.seen.has(full)) {
        srcFileAtDstDir.add(full);
        plan.conflicts.push({ path: sf.std(i), message: 'is a file in the source but a folder in the encrypted catalog' });
        continue;
      }
      if (have !== undefined && (df.size[have] as number) >= 0 && sf.sameSizeAndTime(i, df, have)) {
        plan.unchanged++;
        same?.src.push(i);
        same?.dst.push(have);
        continue;
      }
      plan.copies.src.push(i);
      plan.copies.dst.push(have ?? -1);
      plan.bytes += sf.size[i] as number;
    }
    for (const [nk, j] of dstNames) {
      const full = joinRel(k, nk);
      if (s.seen.has(full)) dstFileAtSrcDir.add(full);
      if (!srcNames.has(nk) && !s.seen.has(full) && !folderBlocked && !blocked.has(full)) plan.deletes.push(j);
    }
  }
  for (const std of s.dup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the source: several names differ only in Unicode normalisation (NFC/NFD); none of them is synced' });
  }
  for (const std of d.dup.values()) {
    plan.duplicates.push({ path: std, message: 'duplicate name in the encrypted catalog: several names decrypt to the same text up to Unicode normalisation (NFC/NFD); left alone' });
  }
  src.dirs.forEach((dir, i) => {
    const key = s.dirKeys[i] as string;
    if (isBlocked(key, blocked) || d.seen.has(key)) return;
    if (dstFileAtSrcDir.has(key)) {
      plan.conflicts.push({ path: dir.std, message: 'is a folder in the source but a file in the encrypted catalog' });
      return;
    }
    plan.mkdirs.push({ std: dir.std, encDisk: names.dir(dir.std) });
  });
  dst.dirs.forEach((dir, i) => {
    const key = d.dirKeys[i] as string;
    if (!s.seen.has(key) && !srcFileAtDstDir.has(key) && !isBlocked(key, blocked)) plan.rmdirs.push({ std: dir.std, encDisk: dir.disk });
  });
  plan.mkdirs.sort((a, b) => depthOf(a.std) - depthOf(b.std));
  plan.rmdirs.sort((a, b) => depthOf(b.std) - depthOf(a.std));
  return plan;
}

