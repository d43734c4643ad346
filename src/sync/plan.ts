// The sync plan as one object per item, for callers holding scans as entry lists (small trees,
// tests): the same rules as the columnar plan the engine uses (table-plan.ts), which this
// builds and then spells out. Pure, no I/O.
import { type TreeEntry, type CatalogEntry, FileTable, CatalogFileTable, parentOf } from '../tree/index.js';
import { buildTablePlan, type DirItem, type PlanConflict, type NameEncryptor, type FilePairs } from './table-plan.js';

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

export interface DeleteItem extends DirItem {
  /** plain size when known, for the report */
  size: number;
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
  duplicates: PlanConflict[];
  same?: CopyItem[];
}

/** the entries' files in a table; each file's folder is its parent path (listed or not) */
function tableOf<T extends FileTable>(t: T, files: TreeEntry[], add: (t: T, folder: number, f: TreeEntry) => void): T {
  const folders = new Map<string, number>([['', 0]]);
  for (const f of files) {
    const dir = parentOf(f.std);
    let folder = folders.get(dir);
    if (folder === undefined) folders.set(dir, (folder = t.addFolder(dir, parentOf(f.disk))));
    add(t, folder, f);
  }
  t.seal();
  return t;
}

const lastSegment = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export function buildPlan(
  src: { files: TreeEntry[]; dirs: TreeEntry[] },
  dst: { files: CatalogEntry[]; dirs: CatalogEntry[] },
  names: NameEncryptor,
  opts: { keepSame?: boolean } = {},
): SyncPlan {
  const sf = tableOf(new FileTable(), src.files, (t, folder, f) => t.add(folder, lastSegment(f.std), lastSegment(f.disk), f.size, f.mtimeNs));
  const df = tableOf(new CatalogFileTable(), dst.files, (t, folder, f) =>
    t.addCatalogFile(folder, lastSegment(f.std), lastSegment(f.disk), f.size, (f as CatalogEntry).encSize, f.mtimeNs),
  );
  const p = buildTablePlan({ files: sf, dirs: src.dirs }, { files: df, dirs: dst.dirs }, names, opts);
  const items = (pairs: FilePairs): CopyItem[] =>
    Array.from({ length: pairs.src.length }, (_, k) => {
      const i = pairs.src.at(k);
      const j = pairs.dst.at(k);
      const std = sf.std(i);
      return { action: j < 0 ? 'new' : 'update', std, srcDisk: sf.disk(i), encDisk: j < 0 ? names.file(std) : df.disk(j), size: sf.size[i] as number, mtimeNs: sf.mtimeNs(i) };
    });
  return {
    mkdirs: p.mkdirs,
    copies: items(p.copies),
    deletes: Array.from({ length: p.deletes.length }, (_, k) => {
      const j = p.deletes.at(k);
      return { std: df.std(j), encDisk: df.disk(j), size: df.size[j] as number };
    }),
    rmdirs: p.rmdirs,
    unchanged: p.unchanged,
    bytes: p.bytes,
    conflicts: p.conflicts,
    duplicates: p.duplicates,
    ...(p.same ? { same: items(p.same).map((c) => ({ ...c, action: 'update' as const })) } : {}),
  };
}
