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
import { scanCatalogTable, PathEncryptor, parentOf, isStaleTemporary, syncFolders, type PathFilter, type ScanIssue, type FileTable, type CatalogFileTable } from '../tree/index.js';
import { buildFilter, type FilterOptions } from './filter.js';
import { buildTablePlan, newPairs, type TablePlan } from './table-plan.js';
import { checkCatalogKey } from './catalog-guards.js';
import { startPlainScan, plainScanResult, type IssueFn, type PlainScanJob } from './plain-scan-thread.js';
import { assertNoOverlap } from './path-overlap.js';
import { deletionRefusal } from './deletion-guard.js';
import { isJunkName, isJunkPath } from '../util/junk-names.js';
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
function countUserFiles(files: FileTable): number {
  const junkFolder = files.folderStd.map((d) => d !== '' && isJunkPath(d));
  let n = 0;
  for (let i = 0; i < files.count; i++) if (!junkFolder[files.parent[i] as number] && !isJunkName(files.name(i))) n++;
  return n;
}

/** A plan and the two scans' file tables its indexes point into. */
interface Planned {
  plan: TablePlan;
  src: FileTable;
  dst: CatalogFileTable;
  names: PathEncryptor;
}

/** copy k of the plan, spelled out */
function copyAt(p: Planned, k: number): { i: number; action: 'new' | 'update'; std: string; encDisk: () => string; encDir: () => string } {
  const i = p.plan.copies.src.at(k);
  const j = p.plan.copies.dst.at(k);
  const std = p.src.std(i);
  return {
    i,
    action: j < 0 ? 'new' : 'update',
    std,
    encDisk: () => (j < 0 ? p.names.file(std) : p.dst.disk(j)),
    encDir: () => (j < 0 ? p.names.dir(p.src.folderStd[p.src.parent[i] as number] as string) : (p.dst.folderDisk[p.dst.parent[j] as number] as string)),
  };
}

function newCopies(plan: TablePlan): number {
  let n = 0;
  for (let k = 0; k < plan.copies.dst.length; k++) if (plan.copies.dst.at(k) < 0) n++;
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
  const [src, dst] = await Promise.all([
    plainScanResult(early, o.signal, (q) => issue(q.fn)(q.issue)),
    scanCatalogTable(root, cipher, { missingOk: true, ...(filter ? { filter } : {}), ...(o.signal ? { signal: o.signal } : {}), onWarning: issue('warn'), onError: issue('error') }),
  ]);
  await checkCatalogKey(dest, dst);
  // the manifest (util/reserved-name.ts) is left out by both scans: never planned, counted or deleted
  for (const u of dst.undecryptable) if (!isJunkPath(u)) rep.warn(u, 'UNDECRYPTABLE_NAME', 'name in the encrypted catalog does not decrypt; left alone');

  const names = new PathEncryptor(cipher);
  const plan = buildTablePlan(src, dst, names, { keepSame: o.checksum === true });
  const planned: Planned = { plan, src: src.files, dst: dst.files, names };
  const filesScanned = src.files.count;
  const counts = { deletes: plan.deletes.length, total: dst.files.count, sourceFiles: countUserFiles(src.files) };
  const foreign = dst.undecryptable.filter((u) => !isJunkPath(u));
  const temporaries = dst.temporaries;
  if (plan.same) await recheckContents(planned, o, dest, rep);
  for (const c of plan.conflicts) rep.error(c.path, 'TYPE_CONFLICT', c.message);
  for (const d of plan.duplicates) rep.error(d.path, 'DUPLICATE_NAME', d.message);
  const added = newCopies(plan);
  rep.emit({
    type: 'plan',
    newFiles: added,
    changedFiles: plan.copies.src.length - added,
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
    reportPlan(planned, rep, summary);
  } else {
    // folders whose entries this run changes: made durable at the end, so a power loss after the
    // run reported success cannot bring back what it deleted or lose what it renamed into place
    const touched = new Set<string>();
    await applyPlan(planned, o, dest, rep, summary, temporaries, warm, (dir) => touched.add(dir));
    await syncFolders(touched);
  }
  summary.errors = rep.errors;
  summary.warnings = rep.warnings;
  summary.durationMs = rep.elapsedMs();
  return summary;
}

function reportPlan(p: Planned, rep: RunReporter, s: SyncSummary): void {
  const { plan, src, dst } = p;
  for (const d of plan.mkdirs) rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
  for (let k = 0; k < plan.copies.src.length; k++) {
    const c = copyAt(p, k);
    rep.emit({ type: 'file', action: c.action, path: c.std, bytes: src.size[c.i] as number });
  }
  for (let k = 0; k < plan.deletes.length; k++) {
    const j = plan.deletes.at(k);
    rep.emit({ type: 'file', action: 'delete', path: dst.std(j), bytes: Math.max(0, dst.size[j] as number) });
  }
  for (const d of plan.rmdirs) rep.emit({ type: 'file', action: 'rmdir', path: d.std, bytes: 0 });
  s.newDirs = plan.mkdirs.length;
  s.newFiles = newCopies(plan);
  s.changedFiles = plan.copies.src.length - s.newFiles;
  s.deletedFiles = plan.deletes.length;
  s.deletedDirs = plan.rmdirs.length;
  s.bytes = plan.bytes;
}

async function applyPlan(
  p: Planned,
  o: EncryptOptions,
  dest: CryptDest,
  rep: RunReporter,
  s: SyncSummary,
  temporaries: string[],
  warm: WorkerWarmup | undefined,
  touchDir: (dir: string) => void,
): Promise<void> {
  const { plan, src, dst } = p;
  const { root } = dest;
  const signal = o.signal;
  const under = (rel: string) => (rel === '' ? root : `${root}/${rel}`);
  // leftovers of a killed run: never complete, never under a real name. A temporary whose
  // writer is still alive belongs to a concurrent run and must stay.
  for (const t of temporaries) {
    if (isStaleTemporary(t.slice(t.lastIndexOf('/') + 1))) await unlink(fsPath(t)).catch(() => undefined);
  }
  // a new catalog folder is a new entry in each folder up to the first one that existed
  const made = await mkdir(root, { recursive: true });
  for (let q = root; made !== undefined && q.length >= made.length; q = q.slice(0, q.lastIndexOf('/'))) touchDir(q.slice(0, q.lastIndexOf('/')));
  for (const d of plan.mkdirs) {
    if (signal?.aborted) throw new CancelledError();
    try {
      await mkdir(fsPath(`${root}/${d.encDisk}`));
      touchDir(under(parentOf(d.encDisk)));
      s.newDirs++;
      rep.emit({ type: 'file', action: 'mkdir', path: d.std, bytes: 0 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') rep.error(d.std, 'MKDIR_FAILED', `cannot create encrypted folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }

  const copies = plan.copies.src.length;
  if (copies > 0) {
    const pool = new TransferPool(dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes: plan.bytes, files: copies }, warm);
    let files = 0;
    let bytes = 0;
    try {
      await pool.runIndexed(
        copies,
        (k) => src.size[plan.copies.src.at(k)] as number,
        (k): EncryptJob => {
          const c = copyAt(p, k);
          return { kind: 'encrypt', src: `${o.source}/${src.disk(c.i)}`, dst: `${root}/${c.encDisk()}`, size: src.size[c.i] as number, mtimeNs: src.mtimeNs(c.i).toString() };
        },
        (k, r) => {
          const c = copyAt(p, k);
          const size = src.size[c.i] as number;
          files++;
          if (r.ok) {
            touchDir(under(c.encDir()));
            bytes += size;
            s.bytes += size;
            if (c.action === 'new') s.newFiles++;
            else s.changedFiles++;
            rep.emit({ type: 'file', action: c.action, path: c.std, bytes: size });
          } else {
            rep.error(c.std, r.code, r.message);
          }
          rep.progress(files, copies, bytes, plan.bytes);
        },
        signal,
      );
    } finally {
      await pool.close();
    }
    rep.progress(files, copies, bytes, plan.bytes, true);
  }
  if (signal?.aborted) throw new CancelledError();

  if (plan.deletes.length + plan.rmdirs.length === 0) return;
  if (rep.errors > 0) {
    s.deletionsSkipped = true;
    rep.warn(undefined, 'DELETIONS_SKIPPED', `not deleting ${plan.deletes.length} files and ${plan.rmdirs.length} folders because of errors`);
    return;
  }
  for (let k = 0; k < plan.deletes.length; k++) {
    if (signal?.aborted) throw new CancelledError();
    const j = plan.deletes.at(k);
    const std = dst.std(j);
    try {
      await unlink(fsPath(`${root}/${dst.disk(j)}`));
      touchDir(under(dst.folderDisk[dst.parent[j] as number] as string));
      s.deletedFiles++;
      rep.emit({ type: 'file', action: 'delete', path: std, bytes: Math.max(0, dst.size[j] as number) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') rep.error(std, 'DELETE_FAILED', `cannot delete: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  for (const d of plan.rmdirs) {
    try {
      await rmdir(fsPath(`${root}/${d.encDisk}`));
      touchDir(under(parentOf(d.encDisk)));
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
async function recheckContents(p: Planned, o: EncryptOptions, dest: CryptDest, rep: RunReporter): Promise<void> {
  const { plan, src, dst } = p;
  const same = plan.same ?? newPairs();
  delete plan.same;
  if (same.src.length === 0) return;
  let bytes = 0;
  for (let k = 0; k < same.src.length; k++) bytes += src.size[same.src.at(k)] as number;
  const pool = new TransferPool(dest.cipher, { ...(o.transfers ? { transfers: o.transfers } : {}), bytes, files: same.src.length });
  try {
    await pool.runIndexed(
      same.src.length,
      (k) => src.size[same.src.at(k)] as number,
      (k): VerifyJob => {
        const i = same.src.at(k);
        return { kind: 'verify', plain: `${o.source}/${src.disk(i)}`, enc: `${dest.root}/${dst.disk(same.dst.at(k))}`, name: src.std(i) };
      },
      (k, r) => {
        const i = same.src.at(k);
        if (!r.ok) {
          // an unreadable or damaged twin is encrypted again too; the plain file decides
          rep.warn(src.std(i), 'CONTENT_DIFFERS', `the encrypted copy cannot be checked (${r.message}); encrypted again`);
        } else if (r.same) return;
        else rep.warn(src.std(i), 'CONTENT_DIFFERS', 'content differs: the encrypted copy no longer matches the plain file (damaged?); encrypted again');
        plan.copies.src.push(i);
        plan.copies.dst.push(same.dst.at(k));
        plan.bytes += src.size[i] as number;
        plan.unchanged--;
      },
      o.signal,
    );
  } finally {
    await pool.close();
  }
}
