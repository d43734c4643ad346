// Restore: decrypts an encrypted catalog (or the part matching --include) into a plain folder,
// preserving mtimes, atomically and durably per file (every folder it wrote into is fsynced
// before it returns). Names that do not decrypt, or decrypt to something that
// could escape the target ("..", "/", NUL, absolute), are reported and skipped, never guessed.
// A damaged file is reported with its typed error and the rest still restored. Refuses a
// non-empty target unless overwrite; with overwrite, files equal in size and mtime are skipped.
// Names that are not UTF-8 are restored byte for byte (raw-byte strings, crypt/names-on-disk.ts);
// two catalog entries that land on one target name are an error each, never an overwrite.
import { isJunkPath } from '../util/junk-names.js';
import { readdir, mkdir, lstat } from 'node:fs/promises';
import { CancelledError, CryptsyncError } from '../util/errors.js';
import { scanCatalog, safeRestorePath, isStaleTemporary, removeStaleTemporaries, parentOf, syncFolders, type PathFilter } from '../tree/index.js';
import { displayName, fsPath } from '../crypt/index.js';
import { buildFilter } from './filter.js';
import { checkCatalogKey } from './catalog-guards.js';
import { TransferPool, WorkerWarmup } from './transfer-pool.js';
import type { DecryptJob, TransferJob } from './transfer-job.js';
import { RunReporter, type CryptDest, type RunControl, type SyncSummary } from './events.js';

export interface RestoreOptions extends RunControl {
  source: CryptDest;
  target: string;
  include?: string[];
  dryRun?: boolean;
  overwrite?: boolean;
  transfers?: number;
}

async function targetEntries(target: string): Promise<number> {
  try {
    // leftovers of a killed restore do not make the target "not empty"
    return (await readdir(target)).filter((n) => !isStaleTemporary(n)).length;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new CryptsyncError('io', 'TARGET_UNREADABLE', `cannot read restore target ${target}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { subject: target });
  }
}

/** TARGET_NOT_EMPTY unless the target is missing or empty (a killed restore's leftovers do not count). */
export async function assertEmptyTarget(target: string): Promise<void> {
  if ((await targetEntries(target)) > 0) {
    throw new CryptsyncError('conflict', 'TARGET_NOT_EMPTY', `restore target ${target} is not empty (use --overwrite to restore into it)`, { subject: target });
  }
}

/** one entry to restore: plain Standard path, relative target path, encrypted path in the catalog */
interface Target {
  std: string;
  disk: string;
  enc: string;
  kind: 'file' | 'dir';
}

/**
 * Reports every target path claimed by more than one catalog entry (a file and anything else, or
 * two folders) and returns those paths: no file on them is restored, so nothing is overwritten by
 * a twin. Folders that collide are still created (their files are judged one by one).
 */
function reportCollisions(entries: Target[], rep: RunReporter): Set<string> {
  const byDisk = new Map<string, Target[]>();
  for (const e of entries) {
    const list = byDisk.get(e.disk);
    if (list) list.push(e);
    else byDisk.set(e.disk, [e]);
  }
  const out = new Set<string>();
  for (const [disk, list] of byDisk) {
    if (list.length < 2) continue;
    out.add(disk);
    for (const e of list) {
      const others = list.filter((x) => x !== e).map((x) => displayName(x.enc));
      rep.error(
        e.enc,
        'RESTORE_COLLISION',
        `decrypts to ${displayName(disk)}, as ${others.join(', ')} does; ${e.kind === 'file' ? 'not restored (one would overwrite the other)' : 'their contents are merged'}`,
      );
    }
  }
  return out;
}

export async function restoreCatalog(o: RestoreOptions): Promise<SyncSummary> {
  const rep = new RunReporter(o.onEvent);
  const { cipher } = o.source;
  const dryRun = o.dryRun === true;
  const filter = await buildFilter(o.include && o.include.length > 0 ? { include: o.include } : undefined);
  // a restore nearly always has work: boot the workers while the catalog is scanned
  const warm = dryRun ? undefined : new WorkerWarmup(cipher, o.transfers);
  try {
    return await runRestore(o, rep, filter, warm);
  } finally {
    await warm?.close();
  }
}

async function runRestore(o: RestoreOptions, rep: RunReporter, filter: PathFilter | undefined, warm: WorkerWarmup | undefined): Promise<SyncSummary> {
  const { cipher, root } = o.source;
  const dryRun = o.dryRun === true;
  const scan = await scanCatalog(root, cipher, {
    ...(filter ? { filter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onWarning: (i) => rep.warn(i.path, i.code, i.message),
    onError: (i) => rep.error(i.path, i.code, i.message),
  });
  await checkCatalogKey(o.source, scan);
  if (!o.overwrite) await assertEmptyTarget(o.target);
  // system junk (lost+found of a fresh disk, .DS_Store) holds none of the user's data
  for (const u of scan.undecryptable) if (!isJunkPath(u)) rep.error(u, 'UNDECRYPTABLE_NAME', 'name does not decrypt; not restored');

  const summary: SyncSummary = {
    dryRun,
    filesScanned: scan.files.length,
    newFiles: 0,
    changedFiles: 0,
    deletedFiles: 0,
    newDirs: 0,
    deletedDirs: 0,
    unchanged: 0,
    bytes: 0,
    errors: 0,
    warnings: 0,
    deletionsSkipped: false,
    durationMs: 0,
  };

  const dirs: Target[] = [];
  for (const d of scan.dirs) {
    const disk = safeRestorePath(d.std);
    if (disk === null) rep.error(d.disk, 'UNSAFE_NAME', 'decrypted folder name would escape the target; not restored');
    else dirs.push({ std: d.std, disk, enc: d.disk, kind: 'dir' });
  }
  const safeFiles: { f: (typeof scan.files)[number]; disk: string }[] = [];
  for (const f of scan.files) {
    const disk = safeRestorePath(f.std);
    if (disk === null) rep.error(f.disk, 'UNSAFE_NAME', 'decrypted file name would escape the target; not restored');
    else safeFiles.push({ f, disk });
  }
  // two entries on one target path (names that decrypt alike, e.g. an obfuscated name and its
  // `!.` twin) would overwrite each other
  const collided = reportCollisions([...dirs, ...safeFiles.map(({ f, disk }): Target => ({ std: f.std, disk, enc: f.disk, kind: 'file' }))], rep);
  const jobs: DecryptJob[] = [];
  const stdOf = new Map<TransferJob, string>();
  let bytesTotal = 0;
  for (const { f, disk } of safeFiles) {
    if (collided.has(disk)) continue;
    if (f.size < 0) {
      rep.error(f.std, 'TRUNCATED_BLOCK_HEADER', `${f.std}: file has truncated block header (encrypted size ${f.encSize} is impossible)`);
      continue;
    }
    if (o.overwrite) {
      try {
        const st = await lstat(fsPath(`${o.target}/${disk}`), { bigint: true });
        if (st.isFile() && Number(st.size) === f.size && st.mtimeNs === f.mtimeNs) {
          summary.unchanged++;
          continue;
        }
      } catch {
        // not there yet
      }
    }
    const job: DecryptJob = { kind: 'decrypt', src: `${root}/${f.disk}`, dst: `${o.target}/${disk}`, name: f.std, size: f.size, mtimeNs: f.mtimeNs.toString() };
    jobs.push(job);
    stdOf.set(job, f.std);
    bytesTotal += f.size;
  }
  // a picked restore makes only the folders on the way to what was picked; a whole restore also
  // makes the empty folders
  if (filter) {
    const onTheWay = new Set<string>();
    for (const j of jobs) for (let p = parentOf(j.name); p !== '' && !onTheWay.has(p); p = parentOf(p)) onTheWay.add(p);
    for (const d of scan.dirs) if (filter.file(d.std)) onTheWay.add(d.std);
    const kept = dirs.filter((d) => onTheWay.has(d.std));
    dirs.length = 0;
    dirs.push(...kept);
  }
  dirs.sort((a, b) => a.disk.length - b.disk.length);
  rep.emit({ type: 'plan', newFiles: jobs.length, changedFiles: 0, deletedFiles: 0, newDirs: dirs.length, deletedDirs: 0, bytes: bytesTotal, unchanged: summary.unchanged });

  if (dryRun) {
    for (const d of dirs) rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
    for (const j of jobs) rep.emit({ type: 'file', action: 'restore', path: j.name, bytes: j.size });
    summary.newDirs = dirs.length;
    summary.newFiles = jobs.length;
    summary.bytes = bytesTotal;
  } else {
    // folders whose entries this restore creates, fsynced before it returns
    const touched = new Set<string>();
    const touch = (path: string) => touched.add(path.slice(0, path.lastIndexOf('/')));
    const made = await mkdir(o.target, { recursive: true });
    for (let p = o.target; made !== undefined && p.length >= made.length; p = p.slice(0, p.lastIndexOf('/'))) touch(p);
    // leftovers of a killed restore (never complete, never under a real name) in the folders this
    // restore writes into; a live writer's temporaries stay (isStaleTemporary checks its pid)
    for (const rel of ['', ...dirs.map((d) => d.disk)]) removeStaleTemporaries(rel === '' ? o.target : `${o.target}/${rel}`);
    for (const d of dirs) {
      try {
        const first = await mkdir(fsPath(`${o.target}/${d.disk}`), { recursive: true });
        if (first !== undefined) touch(`${o.target}/${d.disk}`);
        summary.newDirs++;
        rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
      } catch (e) {
        rep.error(d.std, 'MKDIR_FAILED', `cannot create folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
    if (jobs.length > 0) {
      const pool = new TransferPool(cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes: bytesTotal, files: jobs.length }, warm);
      let files = 0;
      try {
        await pool.run(
          jobs,
          (j) => (j as DecryptJob).size,
          (j, r) => {
            const std = stdOf.get(j) ?? '';
            files++;
            if (r.ok) {
              touch((j as DecryptJob).dst);
              summary.newFiles++;
              summary.bytes += r.bytes;
              rep.emit({ type: 'file', action: 'restore', path: std, bytes: r.bytes });
            } else {
              rep.error(std, r.code, r.message);
            }
            rep.progress(files, jobs.length, summary.bytes, bytesTotal);
          },
          o.signal,
        );
      } finally {
        await pool.close();
      }
      rep.progress(files, jobs.length, summary.bytes, bytesTotal, true);
    }
    if (o.signal?.aborted) throw new CancelledError();
    await syncFolders(touched);
  }
  summary.errors = rep.errors;
  summary.warnings = rep.warnings;
  summary.durationMs = rep.elapsedMs();
  return summary;
}
