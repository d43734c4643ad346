// Lists a plain folder recursively: files and folders with size and nanosecond mtime, names
// converted to rclone's Standard encoding. Symlinks are skipped with a warning unless followed
// (copyLinks); special files are always skipped with a warning; unreadable folders are reported
// and counted. Names that are not valid UTF-8 are kept byte for byte as raw-byte strings
// (crypt/names-on-disk.ts) and reached through Buffer paths, as rclone keeps them.
// Never reads file contents, never writes.
import { isReservedName } from '../util/reserved-name.js';
import { statSync, lstatSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { diskToStandard, hasRawBytes, nameToBytes } from '../crypt/names-on-disk.js';
import type { DirEntry } from './read-dir.js';
import { walkTree, type DirJob } from './walk.js';
import { type TreeEntry, joinRel } from './tree-entry.js';
import { FileTable, FILE_TABLE_CHUNK, type PackedFileTable } from './file-table.js';


export interface ScanIssue {
  path: string;
  code: string;
  message: string;
}

export interface PathFilter {
  /** std path of a file; false = leave it out of the sync on both sides */
  file(std: string): boolean;
  /** std path of a folder; false = do not descend */
  dir(std: string): boolean;
}

export interface PlainScanOptions {
  copyLinks?: boolean;
  filter?: PathFilter;
  signal?: AbortSignal;
  onWarning?: (w: ScanIssue) => void;
  onError?: (e: ScanIssue) => void;
  /**
   * hand the files over in parts of this many rows (a multiple of FILE_TABLE_CHUNK) as they are
   * found; the returned table then holds only the rows after the last part
   */
  parts?: { rows: number; take: (part: PackedFileTable) => void };
}

export interface PlainScan {
  files: TreeEntry[];
  dirs: TreeEntry[];
  errors: number;
}

/** A plain scan with its files in columns (file-table.ts): what the sync engine works on. */
export interface PlainTableScan {
  files: FileTable;
  dirs: TreeEntry[];
  errors: number;
}

/** The scan as one object per entry (for small trees and tests). */
export async function scanPlainTree(root: string, opts: PlainScanOptions = {}): Promise<PlainScan> {
  const scan = await scanPlainTable(root, opts);
  return { files: Array.from({ length: scan.files.count }, (_, i) => scan.files.entry(i)), dirs: scan.dirs, errors: scan.errors };
}

export async function scanPlainTable(root: string, opts: PlainScanOptions = {}): Promise<PlainTableScan> {
  if (opts.parts && (opts.parts.rows <= 0 || opts.parts.rows % FILE_TABLE_CHUNK !== 0)) throw new Error(`parts of ${opts.parts.rows} rows: not a multiple of ${FILE_TABLE_CHUNK}`);
  const files = new FileTable();
  const dirs: TreeEntry[] = [];
  let errors = 0;
  const seenDirs = new Set<string>();
  const warn = (path: string, code: string, message: string) => opts.onWarning?.({ path, code, message });
  const fail = (path: string, code: string, message: string) => {
    errors++;
    opts.onError?.({ path, code, message });
  };

  if (opts.copyLinks) {
    const st = statSync(root, { bigint: true });
    seenDirs.add(`${st.dev}:${st.ino}`);
  }

  const visit = (job: DirJob, d: DirEntry, found: DirJob[]): void => {
    const disk = joinRel(job.disk, d.name);
    const abs = `${job.abs}/${d.name}`;
    const raw = job.raw || hasRawBytes(d.name);
    const path = raw ? nameToBytes(abs) : abs;
    let st: BigIntStats;
    try {
      if (d.isSymbolicLink()) {
        if (!opts.copyLinks) {
          warn(disk, 'SYMLINK_SKIPPED', 'symlink skipped (use --copy-links to follow)');
          return;
        }
        st = statSync(path, { bigint: true });
      } else if (d.isFile() || d.isDirectory()) {
        st = d.isDirectory() ? lstatSync(path, { bigint: true }) : statSync(path, { bigint: true });
      } else {
        warn(disk, 'SPECIAL_SKIPPED', 'special file skipped');
        return;
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // vanished since readdir: nothing to sync
      fail(disk, 'STAT_FAILED', `cannot stat: ${code ?? String(e)}`);
      return;
    }
    const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    if (kind === 'other') {
      warn(disk, 'SPECIAL_SKIPPED', 'special file skipped');
      return;
    }
    const name = diskToStandard(d.name);
    const std = joinRel(job.std, name);
    if (kind === 'dir') {
      if (opts.filter && !opts.filter.dir(std)) return;
      if (opts.copyLinks) {
        const id = `${st.dev}:${st.ino}`;
        if (seenDirs.has(id)) {
          warn(disk, 'SYMLINK_LOOP', 'folder already visited through another link; skipped');
          return;
        }
        seenDirs.add(id);
      }
      dirs.push({ kind: 'dir', std, disk, size: 0, mtimeNs: st.mtimeNs });
      found.push({ abs, disk, std, raw, folder: files.addFolder(std, disk) });
    } else {
      if (isReservedName(std)) {
        warn(disk, 'RESERVED_NAME', 'this name is reserved for the catalog manifest; not encrypted');
        return;
      }
      if (opts.filter && !opts.filter.file(std)) return;
      files.add(job.folder, name, d.name, Number(st.size), st.mtimeNs);
      if (opts.parts && files.count >= opts.parts.rows) opts.parts.take(files.takePart());
    }
  };

  await walkTree(root, {
    signal: opts.signal,
    visit,
    onListError: (job, e) => fail(job.disk || '.', 'READ_DIR_FAILED', `cannot list folder: ${e.code ?? String(e)}`),
  });
  files.seal();
  return { files, dirs, errors };
}
