// The files of one tree scan in columns: a million files cost a few tens of bytes each (typed
// arrays for numbers, names kept as segments joined into chunk strings) instead of an object,
// two full-path strings and a bigint each (~1 KB per file once a plan was built on top). A file
// is an index; its folder is an index into the table's folder list (0 is the scanned root), and
// full paths are built only when asked for. Pure data, no I/O.
import type { CatalogEntry, TreeEntry } from './tree-entry.js';

const NS_PER_SEC = 1_000_000_000n;
const FIRST_CAPACITY = 256;
/** names per chunk string */
const CHUNK = 1024;
/** rows per part of a table sent between threads must be a multiple of this */
export const FILE_TABLE_CHUNK = CHUNK;

type Column = Float64Array | Uint32Array | Int32Array;

/** `a` with room for at least `n` elements (doubling), the first ones kept */
export function withRoom<T extends Column>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (len: number) => T)(Math.max(n, a.length * 2, FIRST_CAPACITY));
  b.set(a);
  return b;
}

/** Strings in order, stored as chunk strings of CHUNK names each plus one end offset per name. */
export class StringColumn {
  chunks: string[] = [];
  ends = new Uint32Array(0);
  count = 0;
  private pending: string[] = [];
  private pendingLength = 0;

  push(s: string): void {
    this.ends = withRoom(this.ends, this.count + 1);
    this.pending.push(s);
    this.pendingLength += s.length;
    this.ends[this.count++] = this.pendingLength;
    if (this.pending.length === CHUNK) this.flush();
  }

  get(i: number): string {
    const c = Math.floor(i / CHUNK);
    if (c === this.chunks.length) return this.pending[i % CHUNK] as string;
    const start = i % CHUNK === 0 ? 0 : (this.ends[i - 1] as number);
    return (this.chunks[c] as string).slice(start, this.ends[i]);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }

  /** joins the names not yet in a chunk (a partial last chunk) and trims; pushing on afterwards is not allowed */
  seal(): void {
    this.flush();
    this.ends = this.ends.slice(0, this.count);
  }

  /** appends `count` names taken from another column; this one must end on a whole chunk */
  append(p: { chunks: string[]; ends: Uint32Array<ArrayBuffer> }, count: number): void {
    if (this.pending.length > 0 || this.count % CHUNK !== 0) throw new Error('names appended after a partial chunk');
    this.ends = withRoom(this.ends, this.count + count);
    this.ends.set(p.ends.subarray(0, count), this.count);
    this.chunks.push(...p.chunks);
    this.count += count;
  }
}

/** The columns of a FileTable as plain data, for a postMessage (typed arrays transfer). */
export interface PackedFileTable {
  /** index of the first folder in folderStd and folderDisk (folder 0, the root, is in every table) */
  folderStart: number;
  count: number;
  folderStd: string[];
  folderDisk: string[];
  parent: Int32Array<ArrayBuffer>;
  size: Float64Array<ArrayBuffer>;
  mtimeSec: Float64Array<ArrayBuffer>;
  mtimeNsec: Uint32Array<ArrayBuffer>;
  names: { chunks: string[]; ends: Uint32Array<ArrayBuffer> };
  diskNames: [number, string][];
}

/** Files of a plain-folder scan. */
export class FileTable {
  count = 0;
  /** Standard path of each folder ('' for the root, folder 0) */
  folderStd: string[] = [''];
  /** the folder's path on disk, relative to the scanned root */
  folderDisk: string[] = [''];
  parent = new Int32Array(0);
  /** plain size; -1 when it cannot be known (a damaged encrypted file) */
  size = new Float64Array(0);
  /** mtime as whole seconds (floor) and nanoseconds 0..999999999: exact for any int64 of ns */
  mtimeSec = new Float64Array(0);
  mtimeNsec = new Uint32Array(0);
  /** Standard name of each file (last segment) */
  names = new StringColumn();
  /** on-disk names that differ from the Standard one (rare) */
  diskNames = new Map<number, string>();
  /** folders already handed over by takePart */
  private sentFolders = 1;

  addFolder(std: string, disk: string): number {
    this.folderStd.push(std);
    this.folderDisk.push(disk);
    return this.folderStd.length - 1;
  }

  protected addRow(folder: number, name: string, size: number, mtimeNs: bigint): number {
    const i = this.count++;
    this.parent = withRoom(this.parent, i + 1);
    this.size = withRoom(this.size, i + 1);
    this.mtimeSec = withRoom(this.mtimeSec, i + 1);
    this.mtimeNsec = withRoom(this.mtimeNsec, i + 1);
    this.parent[i] = folder;
    this.size[i] = size;
    const nsec = ((mtimeNs % NS_PER_SEC) + NS_PER_SEC) % NS_PER_SEC;
    this.mtimeSec[i] = Number((mtimeNs - nsec) / NS_PER_SEC);
    this.mtimeNsec[i] = Number(nsec);
    this.names.push(name);
    return i;
  }

  add(folder: number, name: string, diskName: string, size: number, mtimeNs: bigint): void {
    const i = this.addRow(folder, name, size, mtimeNs);
    if (diskName !== name) this.diskNames.set(i, diskName);
  }

  /** call once the scan is complete: joins the last names and gives back the columns' spare room */
  seal(): void {
    this.names.seal();
    const n = this.count;
    this.parent = this.parent.slice(0, n);
    this.size = this.size.slice(0, n);
    this.mtimeSec = this.mtimeSec.slice(0, n);
    this.mtimeNsec = this.mtimeNsec.slice(0, n);
  }

  name(i: number): string {
    return this.names.get(i);
  }
  diskName(i: number): string {
    return this.diskNames.get(i) ?? this.names.get(i);
  }
  std(i: number): string {
    const dir = this.folderStd[this.parent[i] as number] as string;
    return dir === '' ? this.name(i) : `${dir}/${this.name(i)}`;
  }
  disk(i: number): string {
    const dir = this.folderDisk[this.parent[i] as number] as string;
    return dir === '' ? this.diskName(i) : `${dir}/${this.diskName(i)}`;
  }
  mtimeNs(i: number): bigint {
    return BigInt(this.mtimeSec[i] as number) * NS_PER_SEC + BigInt(this.mtimeNsec[i] as number);
  }
  /** same size and mtime to the nanosecond as file j of `other` */
  sameSizeAndTime(i: number, other: FileTable, j: number): boolean {
    return this.size[i] === other.size[j] && this.mtimeSec[i] === other.mtimeSec[j] && this.mtimeNsec[i] === other.mtimeNsec[j];
  }
  entry(i: number): TreeEntry {
    return { kind: 'file', std: this.std(i), disk: this.disk(i), size: this.size[i] as number, mtimeNs: this.mtimeNs(i) };
  }

  /**
   * Hands over the rows added since the last call, with the folders added since then (a scan in
   * a worker sends its table in parts, so neither thread holds it twice). The table keeps its
   * folder numbering but holds no rows afterwards. Every part but the last must end on a
   * multiple of FILE_TABLE_CHUNK rows.
   */
  takePart(): PackedFileTable {
    this.seal();
    const p: PackedFileTable = {
      folderStart: this.sentFolders,
      count: this.count,
      folderStd: this.folderStd.slice(this.sentFolders),
      folderDisk: this.folderDisk.slice(this.sentFolders),
      parent: this.parent,
      size: this.size,
      mtimeSec: this.mtimeSec,
      mtimeNsec: this.mtimeNsec,
      names: { chunks: this.names.chunks, ends: this.names.ends },
      diskNames: [...this.diskNames],
    };
    this.sentFolders = this.folderStd.length;
    this.count = 0;
    this.parent = new Int32Array(0);
    this.size = new Float64Array(0);
    this.mtimeSec = new Float64Array(0);
    this.mtimeNsec = new Uint32Array(0);
    this.names = new StringColumn();
    this.diskNames = new Map();
    return p;
  }

  /** appends a part taken from another table (takePart), in order; seal once the last is in */
  appendPart(p: PackedFileTable): void {
    if (p.folderStart !== this.folderStd.length) throw new Error(`file table part starts at folder ${p.folderStart}, expected ${this.folderStd.length}`);
    this.folderStd.push(...p.folderStd);
    this.folderDisk.push(...p.folderDisk);
    const at = this.count;
    const n = at + p.count;
    this.parent = withRoom(this.parent, n);
    this.parent.set(p.parent, at);
    this.size = withRoom(this.size, n);
    this.size.set(p.size, at);
    this.mtimeSec = withRoom(this.mtimeSec, n);
    this.mtimeSec.set(p.mtimeSec, at);
    this.mtimeNsec = withRoom(this.mtimeNsec, n);
    this.mtimeNsec.set(p.mtimeNsec, at);
    this.names.append(p.names, p.count);
    for (const [i, d] of p.diskNames) this.diskNames.set(at + i, d);
    this.count = n;
  }

  /** the buffers of a packed table, to transfer instead of copy */
  static buffersOf(p: PackedFileTable): ArrayBuffer[] {
    return [p.parent, p.size, p.mtimeSec, p.mtimeNsec, p.names.ends].map((a) => a.buffer);
  }
}

/** Files of an encrypted-catalog scan: names are the decrypted ones, disk names the encrypted ones. */
export class CatalogFileTable extends FileTable {
  /** encrypted name on disk of each file */
  encNames = new StringColumn();
  /** size of the encrypted file on disk */
  encSize = new Float64Array(0);

  addCatalogFile(folder: number, name: string, encName: string, size: number, encSize: number, mtimeNs: bigint): void {
    const i = this.addRow(folder, name, size, mtimeNs);
    this.encNames.push(encName);
    this.encSize = withRoom(this.encSize, i + 1);
    this.encSize[i] = encSize;
  }

  override seal(): void {
    super.seal();
    this.encNames.seal();
    this.encSize = this.encSize.slice(0, this.count);
  }
  override diskName(i: number): string {
    return this.encNames.get(i);
  }
  override entry(i: number): CatalogEntry {
    return { ...super.entry(i), encSize: this.encSize[i] as number };
  }
}

/** A growable list of indexes (4 bytes each). */
export class IndexList {
  items = new Int32Array(0);
  length = 0;
  push(i: number): void {
    this.items = withRoom(this.items, this.length + 1);
    this.items[this.length++] = i;
  }
  at(k: number): number {
    return this.items[k] as number;
  }
}

/** The files of a table grouped by folder, in table order within each (a counting sort: 4 bytes per file). */
export class FolderGroups {
  /** file indexes ordered by folder; folder f's files are order[start[f]] .. order[start[f + 1] - 1] */
  private readonly order: Int32Array;
  private readonly start: Int32Array;

  constructor(t: FileTable) {
    const folders = t.folderStd.length;
    this.start = new Int32Array(folders + 1);
    for (let i = 0; i < t.count; i++) {
      const at = (t.parent[i] as number) + 1;
      this.start[at] = (this.start[at] as number) + 1;
    }
    for (let f = 0; f < folders; f++) this.start[f + 1] = (this.start[f + 1] as number) + (this.start[f] as number);
    const fill = this.start.slice(0, folders);
    this.order = new Int32Array(t.count);
    for (let i = 0; i < t.count; i++) {
      const f = t.parent[i] as number;
      this.order[fill[f] as number] = i;
      fill[f] = (fill[f] as number) + 1;
    }
  }

  /** how many files folder f holds */
  size(f: number): number {
    return (this.start[f + 1] as number) - (this.start[f] as number);
  }

  *files(f: number): Generator<number> {
    for (let p = this.start[f] as number; p < (this.start[f + 1] as number); p++) yield this.order[p] as number;
  }
}
