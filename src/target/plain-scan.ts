// Lists a plain folder recursively: files and folders with size and nanosecond mtime, names
// converted to rclone's Standard encoding. Symlinks are skipped with a warning unless followed
// (copyLinks); special files are always skipped with a warning; unreadable folders are reported
// and counted. Names that are not valid UTF-8 cannot be addressed through string paths: they are
// reported as errors (never dropped silently, so the run ends partial and deletes nothing).
// Never reads file contents, never writes.
import { readdirSync, statSync, lstatSync } from 'node:fs';
import type { Dirent, BigIntStats } from 'node:fs';
import { diskToStandard } from '../crypt/names-on-disk.js';
import { CancelledError } from '../util/errors.js';
import { yieldToLoop } from './yield.js';
import { type TreeEntry, joinRel } from './tree-entry.js';

/** entries handled between two yields to the event loop */
const YIELD_EVERY = 512;
/** what readdir puts in place of bytes that are not UTF-8 */
const REPLACEMENT_CHAR = '\uFFFD';

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
}

export interface PlainScan {
  files: TreeEntry[];
  dirs: TreeEntry[];
  errors: number;
}

interface DirJob {
  abs: string;
  disk: string;
  std: string;
}

/**
 * Names in `dirAbs` whose bytes are not valid UTF-8, as readdir shows them (each bad sequence
 * replaced by U+FFFD). Only called for folders where a name shows U+FFFD, so the common case
 * costs no second listing.
 */
function invalidNamesIn(dirAbs: string): Set<string> {
  const out = new Set<string>();
  try {
    for (const raw of readdirSync(dirAbs, { encoding: 'buffer' })) {
      const shown = raw.toString('utf8');
      if (!Buffer.from(shown, 'utf8').equals(raw)) out.add(shown);
    }
  } catch {
    // folder gone since the first listing: its entries vanish through stat below
  }
  return out;
}

export async function scanPlainTree(root: string, opts: PlainScanOptions = {}): Promise<PlainScan> {
  const files: TreeEntry[] = [];
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

  const visit = (job: DirJob, d: Dirent, found: DirJob[], invalid: Set<string> | null): void => {
    const disk = joinRel(job.disk, d.name);
    const abs = `${job.abs}/${d.name}`;
    if (invalid?.has(d.name)) {
      const what = d.isDirectory() ? 'folder (and everything in it)' : 'entry';
      fail(disk, 'INVALID_NAME', `folder ${job.abs} holds a name that is not valid UTF-8 (shown as "${d.name}"); this ${what} is not backed up: rename it`);
      return;
    }
    let st: BigIntStats;
    try {
      if (d.isSymbolicLink()) {
        if (!opts.copyLinks) {
          warn(disk, 'SYMLINK_SKIPPED', 'symlink skipped (use --copy-links to follow)');
          return;
        }
        st = statSync(abs, { bigint: true });
      } else if (d.isFile() || d.isDirectory()) {
        st = d.isDirectory() ? lstatSync(abs, { bigint: true }) : statSync(abs, { bigint: true });
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
    const std = joinRel(job.std, diskToStandard(d.name));
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
      found.push({ abs, disk, std });
    } else {
      if (opts.filter && !opts.filter.file(std)) return;
      files.push({ kind: 'file', std, disk, size: Number(st.size), mtimeNs: st.mtimeNs });
    }
  };

  // Synchronous syscalls in slices: on this kind of machine a threadpool hop per stat costs
  // several times the stat itself; yielding every YIELD_EVERY entries keeps the loop responsive.
  let sinceYield = 0;
  let queue: DirJob[] = [{ abs: root, disk: '', std: '' }];
  while (queue.length > 0) {
    if (opts.signal?.aborted) throw new CancelledError();
    const found: DirJob[] = [];
    for (const job of queue) {
      let ents: Dirent[];
      try {
        ents = readdirSync(job.abs, { withFileTypes: true });
      } catch (e) {
        fail(job.disk || '.', 'READ_DIR_FAILED', `cannot list folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        continue;
      }
      const invalid = ents.some((d) => d.name.includes(REPLACEMENT_CHAR)) ? invalidNamesIn(job.abs) : null;
      for (const d of ents) {
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await yieldToLoop();
          if (opts.signal?.aborted) throw new CancelledError();
        }
        visit(job, d, found, invalid);
      }
    }
    queue = found;
  }
  return { files, dirs, errors };
}
