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
import { scanCatalogTable, safeRestorePath, isStaleTemporary, removeStaleTemporaries, parentOf, joinRel, syncFolders, IndexList, FolderGroups, type CatalogFileTable, type PathFilter } from '../tree/index.js';
import { displayName, fsPath } from '../crypt/index.js';
import { buildFilter } from './filter.js';
import { checkCatalogKey } from './catalog-guards.js';
import { TransferPool, WorkerWarmup } from './transfer-pool.js';
import type { DecryptJob } from './transfer-job.js';
import { RunReporter, type CryptDest, type RunControl, type SyncSummary } from './events.js';

export interface RestoreOptions extends RunControl {
  source: CryptDest;
  target: string;
  include?: string[];
  dryRun?: boolean;
  overwrite?: boolean;
  transfers?: number;
  /** files not to restore, by encrypted path in the catalog, with the reason reported for each (the manifest check) */
  withhold?: ReadonlyMap<string, string>;
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

/** one folder to restore: plain Standard path, relative target path, encrypted path in the catalog */
interface DirTarget {
  std: string;
  disk: string;
  enc: string;
}

/** Where each file of the catalog scan lands: its relative target path, or null when unsafe. */
class FileTargets {
  /** target path of each scanned folder (index as in the file table), null when unsafe */
  readonly folder: (string | null)[];
  constructor(readonly files: CatalogFileTable) {
    this.folder = files.folderStd.map((std) => (std === '' ? '' : safeRestorePath(std)));
  }
  /** the target path of file i, or null when its name (or a folder above it) would escape the target */
  of(i: number): string | null {
    const dir = this.folder[this.files.parent[i] as number] as string | null;
    const seg = dir === null ? null : safeRestorePath(this.files.name(i));
    return dir === null || seg === null ? null : joinRel(dir, seg);
  }
}

/**
 * Reports every target path claimed by more than one catalog entry (a file and anything else, or
 * two folders) and returns those paths: no file on them is restored, so nothing is overwritten by
 * a twin. Folders that collide are still created (their files are judged one by one). Files can
 * only collide within one target folder, so names are compared folder by folder.
 */
function reportCollisions(dirs: DirTarget[], t: FileTargets, rep: RunReporter): Set<string> {
  type Claim = { enc: string; kind: 'file' | 'dir' };
  const dirsAt = new Map<string, Claim[]>();
  for (const d of dirs) {
    const list = dirsAt.get(d.disk);
    if (list) list.push({ enc: d.enc, kind: 'dir' });
    else dirsAt.set(d.disk, [{ enc: d.enc, kind: 'dir' }]);
  }
  const out = new Set<string>();
  const report = (disk: string, list: Claim[]) => {
    out.add(disk);
    for (const e of list) {
      const others = list.filter((x) => x !== e).map((x) => displayName(x.enc));
      rep.error(
        e.enc,
        'RESTORE_COLLISION',
        `decrypts to ${displayName(disk)}, as ${others.join(', ')} does; ${e.kind === 'file' ? 'not restored (one would overwrite the other)' : 'their contents are merged'}`,
      );
    }
  };
  for (const [disk, list] of dirsAt) if (list.length > 1) report(disk, list);
  // the scanned folders landing on each target folder (twins that decrypt alike share one)
  const byTarget = new Map<string, number[]>();
  t.folder.forEach((disk, f) => {
    if (disk === null) return;
    const list = byTarget.get(disk);
    if (list) list.push(f);
    else byTarget.set(disk, [f]);
  });
  const files = t.files;
  const groups = new FolderGroups(files);
  for (const folders of byTarget.values()) {
    const claims = new Map<string, Claim[]>();
    for (const f of folders) {
      for (const i of groups.files(f)) {
        const disk = t.of(i);
        if (disk === null) continue;
        const claim: Claim = { enc: files.disk(i), kind: 'file' };
        const list = claims.get(disk);
        if (list) list.push(claim);
        else claims.set(disk, [claim]);
      }
    }
    for (const [disk, list] of claims) {
      const all = [...(dirsAt.get(disk) ?? []), ...list];
      if (all.length > 1) report(disk, all);
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
  const scan = await scanCatalogTable(root, cipher, {
    ...(filter ? { filter } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    onWarning: (i) => rep.warn(i.path, i.code, i.message),
    onError: (i) => rep.error(i.path, i.code, i.message),
  });
  await checkCatalogKey(o.source, scan);
  if (!o.overwrite) await assertEmptyTarget(o.target);
  // system junk (lost+found of a fresh disk, .DS_Store) holds none of the user's data
  for (const u of scan.undecryptable) if (!isJunkPath(u)) rep.error(u, 'UNDECRYPTABLE_NAME', 'name does not decrypt; not restored');
  const files = scan.files;

  const summary: SyncSummary = {
    dryRun,
    filesScanned: files.count,
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

  const dirs: DirTarget[] = [];
  for (const d of scan.dirs) {
    const disk = safeRestorePath(d.std);
    if (disk === null) rep.error(d.disk, 'UNSAFE_NAME', 'decrypted folder name would escape the target; not restored');
    else dirs.push({ std: d.std, disk, enc: d.disk });
  }
  const targets = new FileTargets(files);
  for (let i = 0; i < files.count; i++) {
    if (targets.of(i) === null) rep.error(files.disk(i), 'UNSAFE_NAME', 'decrypted file name would escape the target; not restored');
  }
  // two entries on one target path (names that decrypt alike, e.g. an obfuscated name and its
  // `!.` twin) would overwrite each other
  const collided = reportCollisions(dirs, targets, rep);
  // the files to restore, by index into the scan; their jobs are made as they are dispatched
  const jobs = new IndexList();
  let bytesTotal = 0;
  for (let i = 0; i < files.count; i++) {
    const disk = targets.of(i);
    if (disk === null || collided.has(disk)) continue;
    const why = o.withhold?.get(files.disk(i));
    if (why !== undefined) {
      rep.error(files.std(i), 'MANIFEST_MISMATCH', `not restored: ${why}`);
      continue;
    }
    const size = files.size[i] as number;
    if (size < 0) {
      const std = files.std(i);
      rep.error(std, 'TRUNCATED_BLOCK_HEADER', `${std}: file has truncated block header (encrypted size ${files.encSize[i]} is impossible)`);
      continue;
    }
    if (o.overwrite) {
      try {
        const st = await lstat(fsPath(`${o.target}/${disk}`), { bigint: true });
        if (st.isFile() && Number(st.size) === size && st.mtimeNs === files.mtimeNs(i)) {
          summary.unchanged++;
          continue;
        }
      } catch {
        // not there yet
      }
    }
    jobs.push(i);
    bytesTotal += size;
  }
  // a picked restore makes only the folders on the way to what was picked; a whole restore also
  // makes the empty folders
  if (filter) {
    const onTheWay = new Set<string>();
    const folderDone = new Set<number>();
    for (let k = 0; k < jobs.length; k++) {
      const f = files.parent[jobs.at(k)] as number;
      if (folderDone.has(f)) continue;
      folderDone.add(f);
      for (let p = files.folderStd[f] as string; p !== '' && !onTheWay.has(p); p = parentOf(p)) onTheWay.add(p);
    }
    for (const d of scan.dirs) if (filter.file(d.std)) onTheWay.add(d.std);
    const kept = dirs.filter((d) => onTheWay.has(d.std));
    dirs.length = 0;
    dirs.push(...kept);
  }
  dirs.sort((a, b) => a.disk.length - b.disk.length);
  rep.emit({ type: 'plan', newFiles: jobs.length, changedFiles: 0, deletedFiles: 0, newDirs: dirs.length, deletedDirs: 0, bytes: bytesTotal, unchanged: summary.unchanged });

  const jobAt = (k: number): DecryptJob => {
    const i = jobs.at(k);
    return { kind: 'decrypt', src: `${root}/${files.disk(i)}`, dst: `${o.target}/${targets.of(i) ?? ''}`, name: files.std(i), size: files.size[i] as number, mtimeNs: files.mtimeNs(i).toString() };
  };
  if (dryRun) {
    for (const d of dirs) rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
    for (let k = 0; k < jobs.length; k++) rep.emit({ type: 'file', action: 'restore', path: files.std(jobs.at(k)), bytes: files.size[jobs.at(k)] as number });
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
      let done = 0;
      try {
        await pool.runIndexed(
          jobs.length,
          (k) => files.size[jobs.at(k)] as number,
          jobAt,
          (k, r) => {
            const i = jobs.at(k);
            done++;
            if (r.ok) {
              touch(`${o.target}/${targets.of(i) ?? ''}`);
              summary.newFiles++;
              summary.bytes += r.bytes;
              rep.emit({ type: 'file', action: 'restore', path: files.std(i), bytes: r.bytes });
            } else {
              rep.error(files.std(i), r.code, r.message);
            }
            rep.progress(done, jobs.length, summary.bytes, bytesTotal);
          },
          o.signal,
        );
      } finally {
        await pool.close();
      }
      rep.progress(done, jobs.length, summary.bytes, bytesTotal, true);
    }
    if (o.signal?.aborted) throw new CancelledError();
    await syncFolders(touched);
  }
  summary.errors = rep.errors;
  summary.warnings = rep.warnings;
  summary.durationMs = rep.elapsedMs();
  return summary;
}
