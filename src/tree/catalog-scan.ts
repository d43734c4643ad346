// Lists an encrypted catalog (a local folder written by rclone crypt or cryptsync) recursively and
// decrypts its names: each entry carries the plain Standard path, the encrypted path on disk, the
// decrypted size and the mtime. Undecryptable names are reported, never guessed, and not descended
// into (like rclone). Names that are not UTF-8 (obfuscate `!.` names, off mode) are kept byte for
// byte (raw-byte strings). Leftover temporaries of a killed run are collected for cleanup. A missing
// catalog folder is an error unless the caller is about to create it (encrypt): a restore from a
// typo'd path must not look like a successful restore of nothing. Never reads file contents,
// never writes.
import { isReservedName } from '../util/reserved-name.js';
import { statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { diskToStandard, hasRawBytes, nameToBytes, type Cipher } from '../crypt/index.js';
import type { DirEntry } from './read-dir.js';
import { CryptsyncError } from '../util/errors.js';
import { walkTree, type DirJob } from './walk.js';
import { type CatalogEntry, TEMP_PATTERN, joinRel } from './tree-entry.js';
import type { PathFilter, ScanIssue } from './plain-scan.js';
import { CatalogFileTable } from './file-table.js';


export interface CatalogScanOptions {
  filter?: PathFilter;
  signal?: AbortSignal;
  onWarning?: (w: ScanIssue) => void;
  onError?: (e: ScanIssue) => void;
  /** a missing catalog folder scans as empty instead of throwing CATALOG_NOT_FOUND */
  missingOk?: boolean;
}

export interface CatalogScan {
  files: CatalogEntry[];
  dirs: CatalogEntry[];
  /** encrypted disk paths whose names did not decrypt */
  undecryptable: string[];
  /** absolute paths of leftover temporary files */
  temporaries: string[];
  errors: number;
}

/** A catalog scan with its files in columns (file-table.ts): what the sync engine works on. */
export interface CatalogTableScan extends Omit<CatalogScan, 'files'> {
  files: CatalogFileTable;
}

/**
 * The plain Standard name of one catalog entry, or null when it does not decrypt. `parentStd` is
 * the plain Standard path of its folder ('' at the root), `diskName` the name as listed on disk
 * (locally or by a server listing).
 */
export function decryptCatalogName(cipher: Cipher, parentStd: string, diskName: string, isDir: boolean): string | null {
  try {
    const encStd = diskToStandard(diskName);
    if (isDir) return cipher.decryptDirName(encStd);
    if (cipher.options.filenameEncryption === 'off' && parentStd !== '') {
      // rclone applies the off mode's bare-version-tag rule to the whole path: `sub/-v2024-…`
      // is a file named like a tag inside a folder, not a tag alone (folder names are plain here)
      const full = cipher.decryptFileName(`${parentStd}/${encStd}`);
      return full.slice(full.lastIndexOf('/') + 1);
    }
    return cipher.decryptFileName(encStd);
  } catch {
    return null;
  }
}

/** The scan as one object per entry (for small trees and tests). */
export async function scanCatalog(root: string, cipher: Cipher, opts: CatalogScanOptions = {}): Promise<CatalogScan> {
  const scan = await scanCatalogTable(root, cipher, opts);
  return { ...scan, files: Array.from({ length: scan.files.count }, (_, i) => scan.files.entry(i)) };
}

export async function scanCatalogTable(root: string, cipher: Cipher, opts: CatalogScanOptions = {}): Promise<CatalogTableScan> {
  const out: CatalogTableScan = { files: new CatalogFileTable(), dirs: [], undecryptable: [], temporaries: [], errors: 0 };
  const fail = (path: string, code: string, message: string) => {
    out.errors++;
    opts.onError?.({ path, code, message });
  };
  const visit = (job: DirJob, d: DirEntry, found: DirJob[]): void => {
    const disk = joinRel(job.disk, d.name);
    const abs = `${job.abs}/${d.name}`;
    const raw = job.raw || hasRawBytes(d.name);
    if (d.isFile() && TEMP_PATTERN.test(d.name)) {
      out.temporaries.push(abs);
      return;
    }
    if (!d.isFile() && !d.isDirectory()) {
      opts.onWarning?.({ path: disk, code: 'SPECIAL_SKIPPED', message: 'not a regular file or folder in the encrypted catalog; skipped' });
      return;
    }
    const isDir = d.isDirectory();
    const plainSeg = decryptCatalogName(cipher, job.std, d.name, isDir);
    if (plainSeg === null) {
      out.undecryptable.push(disk);
      return;
    }
    const std = joinRel(job.std, plainSeg);
    // the catalog's manifest (util/reserved-name.ts) is cryptsync's own file, not user data
    if (!isDir && isReservedName(std)) return;
    if (opts.filter && !(isDir ? opts.filter.dir(std) : opts.filter.file(std))) return;
    let st: BigIntStats;
    try {
      st = statSync(raw ? nameToBytes(abs) : abs, { bigint: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      fail(disk, 'STAT_FAILED', `cannot stat encrypted file: ${code ?? String(e)}`);
      return;
    }
    if (isDir) {
      out.dirs.push({ kind: 'dir', std, disk, size: 0, encSize: 0, mtimeNs: st.mtimeNs });
      found.push({ abs, disk, std, raw, folder: out.files.addFolder(std, disk) });
      return;
    }
    const encSize = Number(st.size);
    let size = -1;
    try {
      size = cipher.decryptedSize(encSize);
    } catch {
      size = -1;
    }
    out.files.addCatalogFile(job.folder, plainSeg, d.name, size, encSize, st.mtimeNs);
  };

  await walkTree(root, {
    signal: opts.signal,
    visit,
    onListError(job, e) {
      const code = e.code;
      if (job.disk === '' && code === 'ENOENT') {
        if (opts.missingOk) return; // no catalog yet: empty
        throw new CryptsyncError('not-found', 'CATALOG_NOT_FOUND', `encrypted catalog folder ${root} not found (is the disk mounted?)`, { subject: root });
      }
      if (job.disk === '' && code === 'ENOTDIR') {
        throw new CryptsyncError('not-found', 'CATALOG_NOT_FOUND', `encrypted catalog ${root} is not a folder`, { subject: root });
      }
      fail(job.disk || '.', 'READ_DIR_FAILED', `cannot list encrypted folder: ${code ?? String(e)}`);
    },
  });
  out.files.seal();
  return out;
}
