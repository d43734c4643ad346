// The rsync step of a run: argv from the task (pure), the real rsync spawned without a shell,
// progress and stats parsed from its output, success judged by its exit code.
import { mkdir, stat, readdir } from 'node:fs/promises';
import { CryptsyncError } from '../util/errors.js';
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

/**
 * An unmounted disk looks like an empty folder: mirroring it with --delete would wipe the
 * server copy. A push of a missing or empty source with delete on is refused unless forced
 * (an estimate only warns, so the user sees what would be deleted).
 */
async function guardEmptySource(task: RsyncTask, ctx: StepContext): Promise<void> {
  if (task.type !== 'synchronize' || task.delete === false || ctx.force) return;
  let entries: string[];
  try {
    entries = await readdir(task.source);
  } catch {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_FOUND', `source folder ${task.source} does not exist (is its disk mounted?); nothing was sent`, {
      subject: task.source,
    });
  }
  if (entries.length > 0) return;
  const message = `source folder ${task.source} is empty: mirroring it with --delete would delete everything at ${task.dest}`;
  if (ctx.dryRun) {
    ctx.emit({ type: 'log', runId: ctx.runId, step: 'rsync', level: 'warning', message: `${message}; a run will refuse unless forced` });
    return;
  }
  throw new CryptsyncError('guard', 'EMPTY_SOURCE', `${message}. Refused; if that is really what you want, run again with --force`, { subject: task.source });
}

export async function runRsyncStep(task: RsyncTask, ctx: StepContext): Promise<StepResult> {
  const tail = new TailBuffer();
  let counts: StepCounts = { ...ZERO_COUNTS };
  try {
    await guardEmptySource(task, ctx);
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
    if (code === 0) return { status: 'ok', exitCode: 0, counts, tail: tail.toString() };
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
