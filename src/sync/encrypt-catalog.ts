// The encrypt step: makes an encrypted catalog match a plain folder (rclone sync semantics: new
// and changed files encrypted whole, extraneous files and folders deleted, empty folders kept,
// mtimes preserved to the nanosecond). Scan both sides, build a pure plan, apply it: folders,
// then files through the worker pool (atomic and durable), then deletions last and only when
// nothing failed; every folder whose entries changed is fsynced before the run returns.
// Guards (deletion-guard.ts) refuse a missing source always, an empty (or junk-only) source, a
// mass deletion and more than --max-delete; and a catalog inside its own source (or the reverse).
import { stat, mkdir, unlink, rmdir, readdir } from 'node:fs/promises';
import { CancelledError, CryptsyncError } from '../util/errors.js';
import { fsPath } from '../crypt/index.js';
import { scanCatalog, PathEncryptor, isStaleTemporary, syncFolders, type PlainScan, type PathFilter, type ScanIssue } from '../tree/index.js';
import { buildFilter, type FilterOptions } from './filter.js';
import { buildPlan, type SyncPlan, type CopyItem } from './plan.js';
import { checkCatalogKey } from './catalog-guards.js';
import { startPlainScan, type IssueFn, type PlainScanJob } from './plain-scan-thread.js';
import { assertNoOverlap } from './path-overlap.js';
import { deletionRefusal } from './deletion-guard.js';
import { isJunkPath } from '../util/junk-names.js';
import { isReservedName } from '../util/reserved-name.js';
import { unmountedMountPointOf } from '../util/mount-state.js';
import { TransferPool, WorkerWarmup } from './transfer-pool.js';
import type { EncryptJob, VerifyJob } from './transfer-job.js';
import { RunReporter, type CryptDest, type RunControl, type SyncSummary } from './events.js';

export interface EncryptOptions extends RunControl {
  source: string;
  /**
   * the catalog; a promise lets the caller derive the key (scrypt, in the libuv pool) while the
   * plain folder is already being scanned on this thread
   */
  dest: CryptDest | Promise<CryptDest>;
  dryRun?: boolean;
  /**
   * with dryRun: plan and judge the guards exactly as a real run would (a refusal throws), write
   * nothing. For engines that write the catalog with another program (rclone).
   */
  guardsOnly?: boolean;
  filter?: FilterOptions;
  maxDelete?: number;
  /** refuse to delete more than this share (percent) of the catalog's files; see deletion-guard.ts */
  maxDeletePercent?: number;
  /** worker threads doing the byte work; default: one per core */
  transfers?: number;
  copyLinks?: boolean;
  /**
   * also re-check files unchanged by size and mtime: re-encrypt each plain file with the nonce of
   * its encrypted twin and compare (cryptcheck); a twin that differs (bit rot, a torn write after
   * power loss) is encrypted again
   */
  checksum?: boolean;
  /** allow an empty source to empty a full catalog, and lift the share rule (never: a missing source) */
  force?: boolean;
}

/** A missing source is never a reason to delete (an unmounted disk, a typo): no --force lifts this. */
async function assertSourceFolder(source: string): Promise<void> {
  let st;
  try {
    st = await stat(source);
  } catch {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_FOUND', `source folder ${source} not found (is the disk mounted?); nothing was changed`, { subject: source });
  }
  if (!st.isDirectory()) throw new CryptsyncError('not-found', 'SOURCE_NOT_FOUND', `source ${source} is not a folder; nothing was changed`, { subject: source });
  const unmounted = unmountedMountPointOf(source);
  if (unmounted !== null) {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_MOUNTED', `source ${source} is on ${unmounted}, which /etc/fstab lists as a mount point but is not mounted; nothing was changed`, {
      subject: source,
    });
  }
}

/** a plain scan started before the checks that precede it; its issues wait until it is used */
interface EarlyScan extends PlainScanJob {
  stop: AbortController;
}

function startEarlyScan(o: EncryptOptions, filter: Promise<PathFilter | undefined>): EarlyScan {
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const job = startPlainScan({ source: o.source, copyLinks: o.copyLinks === true, filter: o.filter }, filter, stop.signal);
  const result = job.result.finally(() => o.signal?.removeEventListener('abort', onOuterAbort));
  result.catch(() => undefined);
  return { result, issues: job.issues, stop };
}

export async function encryptCatalog(o: EncryptOptions): Promise<SyncSummary> {
  const rep = new RunReporter(o.onEvent);
  const dryRun = o.dryRun === true;
  const destP = Promise.resolve(o.dest);
  destP.catch(() => undefined);
  const filterP = buildFilter(o.filter);
  filterP.catch(() => undefined);
  // read-only, so it may run before the checks below; they still decide, in the same order,
  // whether its result (and its issues) are used at all
  const early = startEarlyScan(o, filterP);
  let warm: WorkerWarmup | undefined;
  try {
    const dest = await destP;
    await assertSourceFolder(o.source);
    await assertNoOverlap(o.source, dest.root);
    const filter = await filterP;
    // a fresh catalog will need workers: boot them while scanning
    warm = !dryRun && (await isEmptyDir(dest.root)) ? new WorkerWarmup(dest.cipher, o.transfers) : undefined;
    return await runEncrypt({ ...o, dest }, dest, rep, filter, early, warm);
  } finally {
    early.stop.abort();
    await warm?.close();
  }
}

/** files that are the user's data: system junk (.DS_Store, lost+found/...) does not count */
function countUserFiles(files: ReadonlyArray<{ std: string }>): number {
  let n = 0;
  for (const f of files) if (!isJunkPath(f.std)) n++;
  return n;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

async function runEncrypt(
  o: EncryptOptions,
  dest: CryptDest,
  rep: RunReporter,
  filter: PathFilter | undefined,
  early: EarlyScan,
  warm: WorkerWarmup | undefined,
): Promise<SyncSummary> {
  const { cipher, root } = dest;
  const dryRun = o.dryRun === true;
  const issue = (fn: IssueFn) => (i: ScanIssue) => rep[fn](i.path, i.code, i.message);
  const plainScan = async (): Promise<PlainScan> => {
    try {
      return await early.result;
    } catch (e) {
      if (o.signal?.aborted) throw new CancelledError();
      throw e;
    } finally {
      for (const i of early.issues.splice(0)) issue(i.fn)(i.issue);
    }
  };
  const [src, dst] = await Promise.all([
    plainScan(),
    scanCatalog(root, cipher, { missingOk: true, ...(filter ? { filter } : {}), ...(o.signal ? { signal: o.signal } : {}), onWarning: issue('warn'), onError: issue('error') }),
  ]);
  await checkCatalogKey(dest, dst);
  // the manifest (util/reserved-name.ts) is cryptsync's, not a copy of a plain file: never planned
  dst.files = dst.files.filter((f) => !isReservedName(f.std));
  for (const f of src.files) if (isReservedName(f.std)) rep.warn(f.std, 'RESERVED_NAME', 'this name is reserved for the catalog manifest; not encrypted');
  src.files = src.files.filter((f) => !isReservedName(f.std));
  for (const u of dst.undecryptable) if (!isJunkPath(u)) rep.warn(u, 'UNDECRYPTABLE_NAME', 'name in the encrypted catalog does not decrypt; left alone');

  const plan = buildPlan(src, dst, new PathEncryptor(cipher), { keepSame: o.checksum === true });
  const filesScanned = src.files.length;
  const counts = { deletes: plan.deletes.length, total: dst.files.length, sourceFiles: countUserFiles(src.files) };
  const foreign = dst.undecryptable.filter((u) => !isJunkPath(u));
  const temporaries = dst.temporaries;
  // the plan holds what apply needs; let the scans go (100k entries per side add up)
  src.files = [];
  src.dirs = [];
  dst.files = [];
  dst.dirs = [];
  if (plan.same) await recheckContents(plan, o, dest, rep);
  for (const c of plan.conflicts) rep.error(c.path, 'TYPE_CONFLICT', c.message);
  for (const d of plan.duplicates) rep.error(d.path, 'DUPLICATE_NAME', d.message);
  rep.emit({
    type: 'plan',
    newFiles: plan.copies.filter((c) => c.action === 'new').length,
    changedFiles: plan.copies.filter((c) => c.action === 'update').length,
    deletedFiles: plan.deletes.length,
    newDirs: plan.mkdirs.length,
    deletedDirs: plan.rmdirs.length,
    bytes: plan.bytes,
    unchanged: plan.unchanged,
  });
  const refusal = deletionRefusal(
    counts,
    { force: o.force === true, ...(o.maxDelete !== undefined ? { maxDelete: o.maxDelete } : {}), ...(o.maxDeletePercent !== undefined ? { maxDeletePercent: o.maxDeletePercent } : {}) },
    { source: o.source, copy: `the encrypted catalog at ${root}`, dryRun: dryRun && o.guardsOnly !== true },
  );
  // a run stops here; an estimate reports the whole plan and says loudly that a run would refuse
  if (refusal && (!dryRun || o.guardsOnly === true)) throw refusal;
  if (refusal) rep.warn(undefined, refusal.code, refusal.message);

  const summary: SyncSummary = {
    dryRun,
    filesScanned,
    newFiles: 0,
    changedFiles: 0,
    deletedFiles: 0,
    newDirs: 0,
    deletedDirs: 0,
    unchanged: plan.unchanged,
    bytes: 0,
    errors: 0,
    warnings: 0,
    deletionsSkipped: false,
    durationMs: 0,
    catalogFiles: counts.total,
    foreign,
    ...(refusal ? { refusal: { code: refusal.code, message: refusal.message } } : {}),
  };
  if (dryRun) {
    reportPlan(plan, rep, summary);
  } else {
    // folders whose entries this run changes: made durable at the end, so a power loss after the
    // run reported success cannot bring back what it deleted or lose what it renamed into place
    const touched = new Set<string>();
    await applyPlan(plan, o, dest, rep, summary, temporaries, warm, (path) => touched.add(path.slice(0, path.lastIndexOf('/'))));
    await syncFolders(touched);
  }
  summary.errors = rep.errors;
  summary.warnings = rep.warnings;
  summary.durationMs = rep.elapsedMs();
  return summary;
}

function reportPlan(plan: SyncPlan, rep: RunReporter, s: SyncSummary): void {
  for (const d of plan.mkdirs) rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
  for (const c of plan.copies) rep.emit({ type: 'file', action: c.action, path: c.std, bytes: c.size });
  for (const d of plan.deletes) rep.emit({ type: 'file', action: 'delete', path: d.std, bytes: Math.max(0, d.size) });
  for (const d of plan.rmdirs) rep.emit({ type: 'file', action: 'rmdir', path: d.std, bytes: 0 });
  s.newDirs = plan.mkdirs.length;
  s.newFiles = plan.copies.filter((c) => c.action === 'new').length;
  s.changedFiles = plan.copies.length - s.newFiles;
  s.deletedFiles = plan.deletes.length;
  s.deletedDirs = plan.rmdirs.length;
  s.bytes = plan.bytes;
}

async function applyPlan(
  plan: SyncPlan,
  o: EncryptOptions,
  dest: CryptDest,
  rep: RunReporter,
  s: SyncSummary,
  temporaries: string[],
  warm: WorkerWarmup | undefined,
  touch: (path: string) => void,
): Promise<void> {
  const { root } = dest;
  const signal = o.signal;
  // leftovers of a killed run: never complete, never under a real name. A temporary whose
  // writer is still alive belongs to a concurrent run and must stay.
  for (const t of temporaries) {
    if (isStaleTemporary(t.slice(t.lastIndexOf('/') + 1))) await unlink(fsPath(t)).catch(() => undefined);
  }
  // a new catalog folder is a new entry in each folder up to the first one that existed
  const made = await mkdir(root, { recursive: true });
  for (let p = root; made !== undefined && p.length >= made.length; p = p.slice(0, p.lastIndexOf('/'))) touch(p);
  for (const d of plan.mkdirs) {
    if (signal?.aborted) throw new CancelledError();
    try {
      await mkdir(fsPath(`${root}/${d.encDisk}`));
      touch(`${root}/${d.encDisk}`);
      s.newDirs++;
      rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') rep.error(d.std, 'MKDIR_FAILED', `cannot create encrypted folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }

  if (plan.copies.length > 0) {
    const copies = plan.copies;
    const pool = new TransferPool(dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes: plan.bytes, files: copies.length }, warm);
    let files = 0;
    let bytes = 0;
    try {
      await pool.runIndexed(
        copies.length,
        (i) => (copies[i] as CopyItem).size,
        (i): EncryptJob => {
          const c = copies[i] as CopyItem;
          return { kind: 'encrypt', src: `${o.source}/${c.srcDisk}`, dst: `${root}/${c.encDisk}`, size: c.size, mtimeNs: c.mtimeNs.toString() };
        },
        (i, r) => {
          const c = copies[i] as CopyItem;
          files++;
          if (r.ok) {
            touch(`${root}/${c.encDisk}`);
            bytes += c.size;
            s.bytes += c.size;
            if (c.action === 'new') s.newFiles++;
            else s.changedFiles++;
            rep.emit({ type: 'file', action: c.action, path: c.std, bytes: c.size });
          } else {
            rep.error(c.std, r.code, r.message);
          }
          rep.progress(files, copies.length, bytes, plan.bytes);
        },
        signal,
      );
    } finally {
      await pool.close();
    }
    rep.progress(files, copies.length, bytes, plan.bytes, true);
  }
  if (signal?.aborted) throw new CancelledError();

  if (plan.deletes.length + plan.rmdirs.length === 0) return;
  if (rep.errors > 0) {
    s.deletionsSkipped = true;
    rep.warn(undefined, 'DELETIONS_SKIPPED', `not deleting ${plan.deletes.length} files and ${plan.rmdirs.length} folders because of errors`);
    return;
  }
  for (const d of plan.deletes) {
    if (signal?.aborted) throw new CancelledError();
    try {
      await unlink(fsPath(`${root}/${d.encDisk}`));
      touch(`${root}/${d.encDisk}`);
      s.deletedFiles++;
      rep.emit({ type: 'file', action: 'delete', path: d.std, bytes: Math.max(0, d.size) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') rep.error(d.std, 'DELETE_FAILED', `cannot delete: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  for (const d of plan.rmdirs) {
    try {
      await rmdir(fsPath(`${root}/${d.encDisk}`));
      touch(`${root}/${d.encDisk}`);
      s.deletedDirs++;
      rep.emit({ type: 'file', action: 'rmdir', path: d.std, bytes: 0 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY') rep.warn(d.std, 'DIR_NOT_EMPTY', 'encrypted folder still holds undecryptable entries; kept');
      else if (code !== 'ENOENT') rep.error(d.std, 'RMDIR_FAILED', `cannot remove folder: ${code ?? String(e)}`);
    }
  }
}

/** --checksum: twins that no longer match their plain file become updates (see EncryptOptions.checksum). */
async function recheckContents(plan: SyncPlan, o: EncryptOptions, dest: CryptDest, rep: RunReporter): Promise<void> {
  const same = plan.same ?? [];
  delete plan.same;
  if (same.length === 0) return;
  const bytes = same.reduce((a, c) => a + c.size, 0);
  const pool = new TransferPool(dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes, files: same.length });
  try {
    await pool.runIndexed(
      same.length,
      (i) => (same[i] as CopyItem).size,
      (i): VerifyJob => {
        const c = same[i] as CopyItem;
        return { kind: 'verify', plain: `${o.source}/${c.srcDisk}`, enc: `${dest.root}/${c.encDisk}`, name: c.std };
      },
      (i, r) => {
        const c = same[i] as CopyItem;
        if (!r.ok) {
          // an unreadable or damaged twin is encrypted again too; the plain file decides
          rep.warn(c.std, 'CONTENT_DIFFERS', `the encrypted copy cannot be checked (${r.message}); encrypted again`);
        } else if (r.same) return;
        else rep.warn(c.std, 'CONTENT_DIFFERS', 'content differs: the encrypted copy no longer matches the plain file (damaged?); encrypted again');
        plan.copies.push(c);
        plan.bytes += c.size;
        plan.unchanged--;
      },
      o.signal,
    );
  } finally {
    await pool.close();
  }
}
