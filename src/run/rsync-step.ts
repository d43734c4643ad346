// The rsync step of a run: argv from the task (pure), the real rsync spawned without a shell,
// progress and stats parsed from its output, success judged by its exit code.
import { mkdir, stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError, CryptsyncError } from '../util/errors.js';
import { isJunkName } from '../util/junk-names.js';
import { unmountedMountPointOf } from '../util/mount-state.js';
import { deletionRefusal } from '../sync/index.js';
import { unfinishedWrites } from './catalog-marks.js';
import { buildRsyncArgs, runRsync, describeRsyncExit, formatShellCommand, type RsyncOptions } from '../rsync/index.js';
import { rsyncOptionsFor, parseRemoteSide, type SynchronizeTask, type SnapshotTask, type SyncremoteTask } from '../tasks/index.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';

export type RsyncTask = SynchronizeTask | SnapshotTask | SyncremoteTask;

/** Exit codes after which rsync did part of the work (some files failed or vanished). */
const PARTIAL_EXIT_CODES = new Set([23, 24, 25]);

export interface SnapshotPlan {
  /** the snapshot number this run writes */
  num: number;
  destOverride: string;
  linkDest?: string;
}

/** Snapshot tasks write to <dest>/<n> with --link-dest=../<n-1> (relative to the new snapshot). */
export function snapshotPlan(task: SnapshotTask): SnapshotPlan {
  const num = task.snapshotNum ?? 1;
  const dest = task.dest.replace(/\/+$/, '');
  return { num, destOverride: `${dest}/${num}`, ...(num > 1 ? { linkDest: `../${num - 1}` } : {}) };
}

export function rsyncArgsFor(task: RsyncTask, dryRun: boolean): string[] {
  const p = task.type === 'snapshot' ? snapshotPlan(task) : undefined;
  const o = rsyncOptionsFor(task, {
    dryRun,
    ...(p ? { destOverride: p.destOverride, ...(p.linkDest ? { linkDest: p.linkDest } : {}) } : {}),
  });
  return buildRsyncArgs(unattended(o));
}

/**
 * Runs have no terminal to answer a password or host-key prompt (cron, the web UI): ssh must
 * fail fast instead of hanging, unless the task sets BatchMode itself. Keys and ssh-agent still work.
 */
function unattended(o: RsyncOptions): RsyncOptions {
  if (!o.remote || o.remote.daemon) return o;
  const opts = o.sshOptions ?? [];
  if (opts.some((x) => /^batchmode=/i.test(x))) return o;
  return { ...o, sshOptions: [...opts, 'BatchMode=yes'] };
}

export function rsyncCommandLine(task: RsyncTask, dryRun: boolean): string {
  return formatShellCommand('rsync', rsyncArgsFor(task, dryRun));
}

/**
 * The rsync step of a combined estimate: the encrypt step has not written its changes yet, so
 * rsync's dry run of the catalog as it is now is added to what the encrypt step will write.
 * Before the first run the catalog may not exist at all; then the encrypt plan is the estimate.
 */
export async function estimateCombinedRsyncStep(task: RsyncTask, ctx: StepContext, pending: StepCounts): Promise<StepResult> {
  if (!(await isDirectory(task.source))) {
    return {
      status: 'ok',
      exitCode: 0,
      counts: { ...pending },
      message: `the encrypted catalog ${task.source} is not written yet: the rsync step will send what the encrypt step writes`,
      tail: `catalog ${task.source} does not exist yet; estimate taken from the encrypt step\n`,
    };
  }
  const r = await runRsyncStep(task, ctx);
  if (r.status !== 'ok') return r;
  const c = r.counts;
  return {
    ...r,
    counts: {
      newFiles: c.newFiles + pending.newFiles,
      changedFiles: c.changedFiles + pending.changedFiles,
      deletedFiles: c.deletedFiles + pending.deletedFiles,
      files: c.files,
      bytes: c.bytes + pending.bytes,
    },
    message: 'includes the files the encrypt step will write',
  };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** true when `dir` holds at least one file that is not system junk; walks only until it finds one */
async function holdsUserFiles(dir: string): Promise<boolean> {
  const ents = await readdir(dir, { withFileTypes: true });
  const sub: string[] = [];
  for (const d of ents) {
    if (isJunkName(d.name)) continue;
    if (d.isDirectory()) sub.push(d.name);
    else return true;
  }
  for (const name of sub) {
    try {
      if (await holdsUserFiles(join(dir, name))) return true;
    } catch {
      return true; // unreadable: rsync will report it; not evidence of an empty source
    }
  }
  return false;
}

/** Refuses in a run, warns in an estimate (so the user sees what would be deleted). */
function refuseOrWarn(ctx: StepContext, e: CryptsyncError): void {
  if (!ctx.dryRun) throw e;
  ctx.emit({ type: 'log', runId: ctx.runId, step: 'rsync', level: 'warning', message: `${e.message} (a run will refuse unless forced)` });
}

/**
 * Guards a push must pass before rsync runs. An unmounted disk looks like an empty folder:
 * mirroring it with --delete would wipe the server copy, so a missing source is always refused
 * and an empty one (junk does not count) unless forced. A catalog whose last encrypt did not
 * finish (torn files under real names) is not pushed unless forced. A catalog entry that is not an
 * encrypted name (plaintext dropped into it) is never pushed.
 */
async function guardPush(task: RsyncTask, ctx: StepContext): Promise<void> {
  if (task.type === 'syncremote') return;
  let isDir = false;
  try {
    isDir = (await stat(task.source)).isDirectory();
  } catch {
    /* missing */
  }
  if (!isDir) {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_FOUND', `source folder ${task.source} does not exist or is not a folder (is its disk mounted?); nothing was sent`, {
      subject: task.source,
    });
  }
  const unmounted = unmountedMountPointOf(task.source);
  if (unmounted !== null) {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_MOUNTED', `source ${task.source} is on ${unmounted}, which /etc/fstab lists as a mount point but is not mounted; nothing was sent`, {
      subject: task.source,
    });
  }
  const foreign = (ctx.previous?.catalog ?? ctx.catalog)?.foreign ?? [];
  if (foreign.length > 0) {
    const e = new CryptsyncError(
      'guard',
      'PLAINTEXT_IN_CATALOG',
      `the encrypted catalog ${task.source} holds ${foreign.length} entr${foreign.length === 1 ? 'y' : 'ies'} that ${foreign.length === 1 ? 'is' : 'are'} not encrypted for its remote, ` +
        `first: ${foreign[0]}; pushing could send plaintext to ${task.dest}, so nothing is sent (move ${foreign.length === 1 ? 'it' : 'them'} out of the catalog; --force does not lift this)`,
      { subject: `${task.source}/${foreign[0]}` },
    );
    if (!ctx.dryRun) throw e;
    ctx.emit({ type: 'log', runId: ctx.runId, step: 'rsync', level: 'error', message: `${e.message} (a run will refuse)` });
  }
  if (!ctx.force) {
    const unfinished = unfinishedWrites(ctx.home, task.source);
    const m = unfinished.find((x) => x.alive) ?? unfinished[0];
    if (m) {
      refuseOrWarn(
        ctx,
        new CryptsyncError(
          'guard',
          'ENCRYPT_UNFINISHED',
          m.alive
            ? `the encrypted catalog ${m.catalog} is being written right now by ${m.by} (process ${m.pid}); pushing it now could send a half-written state. Nothing was sent; run again when it has finished`
            : `the last encrypt of the catalog ${m.catalog} (by ${m.by}, started ${m.startedAt}) did not finish: it may hold torn files under their real names. ` +
                'Nothing was sent; run the encrypt task (or the combined task) again so it completes, or use --force to push anyway',
          { subject: m.catalog },
        ),
      );
    }
  }
  if (task.type !== 'synchronize' || task.delete === false || ctx.force || !isDir) return;
  if (await holdsUserFiles(task.source)) return;
  refuseOrWarn(
    ctx,
    new CryptsyncError(
      'guard',
      'EMPTY_SOURCE',
      `source folder ${task.source} holds no files (at most empty folders and system junk such as .DS_Store or lost+found): mirroring it with --delete would delete everything at ${task.dest}. ` +
        'Refused; if that is really what you want, run again with --force',
      { subject: task.source },
    ),
  );
}

/**
 * The share rule for a push with --delete: judged from rsync's own dry run (what it would delete,
 * against what the destination holds). A combined run is judged by the encrypt step's plan
 * instead (the catalog is what the server mirrors), so it costs no second listing.
 */
async function guardMassDeletion(task: RsyncTask, ctx: StepContext, tail: TailBuffer): Promise<void> {
  if (task.type !== 'synchronize' || task.delete === false || ctx.force || ctx.dryRun || ctx.previous?.catalog) return;
  const args = rsyncArgsFor(task, true);
  const res = await runRsync(args, { signal: ctx.signal, env: ctx.env });
  if (res.aborted) throw new CancelledError();
  if (res.exitCode !== 0) return; // the real run reports the failure itself
  const refusal = deletionRefusalOf(task, res.itemized, res.stats?.filesByType?.reg ?? res.stats?.filesTotal ?? 0, false);
  if (refusal) {
    tail.line(`$ ${formatShellCommand('rsync', args)}`);
    throw refusal;
  }
}

function deletionRefusalOf(task: RsyncTask, it: { newFiles: number; deletedFiles: number }, sourceFiles: number, dryRun: boolean): CryptsyncError | null {
  const total = Math.max(0, sourceFiles - it.newFiles) + it.deletedFiles;
  return deletionRefusal(
    { deletes: it.deletedFiles, total, sourceFiles: Math.max(1, sourceFiles) },
    { ...(task.maxDeletePercent !== undefined ? { maxDeletePercent: task.maxDeletePercent } : {}) },
    { source: task.source, copy: `the copy at ${task.dest}`, dryRun },
  );
}

export async function runRsyncStep(task: RsyncTask, ctx: StepContext): Promise<StepResult> {
  const tail = new TailBuffer();
  let counts: StepCounts = { ...ZERO_COUNTS };
  try {
    await guardPush(task, ctx);
    await guardMassDeletion(task, ctx, tail);
    if (task.type === 'snapshot' && parseRemoteSide(task.dest) === null && !ctx.dryRun) {
      await mkdir(task.dest, { recursive: true }); // the snapshot root; rsync makes only <root>/<n>
    }
    const args = rsyncArgsFor(task, ctx.dryRun);
    tail.line(`$ ${formatShellCommand('rsync', args)}`);
    const res = await runRsync(args, {
      signal: ctx.signal,
      env: ctx.env,
      onProgress: (p) =>
        ctx.emit({
          type: 'progress',
          runId: ctx.runId,
          step: 'rsync',
          files: p.filesDone ?? 0,
          filesTotal: p.filesTotal ?? 0,
          bytes: p.bytes,
          bytesTotal: p.percent > 0 ? Math.round((p.bytes * 100) / p.percent) : 0,
          rateBps: p.rateBps,
          etaSec: p.etaSec,
        }),
    });
    tail.push(res.tail);
    counts = {
      newFiles: res.itemized.newFiles,
      changedFiles: res.itemized.changedFiles,
      deletedFiles: res.itemized.deletedFiles,
      files: res.stats?.filesTotal ?? 0,
      bytes: res.stats?.totalTransferredFileSize ?? 0,
    };
    if (res.aborted) return { status: 'aborted', exitCode: res.exitCode, counts, message: 'aborted', errorCode: 'CANCELLED', tail: tail.toString() };
    const code = res.exitCode ?? -1;
    if (code === 0) {
      const refusal = ctx.dryRun && !ctx.force && task.type === 'synchronize' && task.delete !== false && !ctx.previous?.catalog
        ? deletionRefusalOf(task, res.itemized, res.stats?.filesByType?.reg ?? res.stats?.filesTotal ?? 0, true)
        : null;
      if (refusal) ctx.emit({ type: 'log', runId: ctx.runId, step: 'rsync', level: 'warning', message: refusal.message });
      return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), ...(refusal ? { message: `WARNING: ${refusal.message}` } : {}) };
    }
    const message = `${res.message || `rsync exit code ${code}: ${describeRsyncExit(code)}`}${serverHint(task, code)}`;
    ctx.emit({ type: 'log', runId: ctx.runId, step: 'rsync', level: 'error', message });
    return { status: PARTIAL_EXIT_CODES.has(code) ? 'partial' : 'failed', exitCode: code, counts, message, tail: tail.toString() };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}

/** For connection failures, name the server and port the user has to check. */
function serverHint(task: RsyncTask, code: number): string {
  if (code !== 255 && code !== 12 && code !== 5 && code !== 10) return '';
  const side = parseRemoteSide(task.type === 'syncremote' ? task.source : task.dest);
  if (!side) return '';
  const port = task.sshPort ?? (side.daemon ? 873 : 22);
  return ` (server ${side.user ? `${side.user}@` : ''}${side.host}, port ${port})`;
}
