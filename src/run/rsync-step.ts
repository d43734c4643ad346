// The rsync step of a run: argv from the task (pure), the real rsync spawned without a shell,
// progress and stats parsed from its output, success judged by its exit code.
import { CancelledError, CryptsyncError } from '../util/errors.js';
import { deletionRefusal } from '../sync/index.js';
import { guardPush } from './steps/push-guards.js';
import { estimateAfterEncrypt } from './steps/combined-estimate.js';
import { buildRsyncArgs, runRsync, describeRsyncExit, formatShellCommand, itemizedPath, nextTotal, NO_TOTAL, type RsyncOptions, type RsyncProgress } from '../rsync/index.js';
import { rsyncOptionsFor, parseRemoteSide, type SynchronizeTask, type SnapshotTask, type SyncremoteTask } from '../tasks/index.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { finishSnapshotWrite, planSnapshotWrite, snapshotTarget, PARTIAL_NAME, type SnapshotTarget, type SnapshotWrite } from './snapshots/index.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';

export type RsyncTask = SynchronizeTask | SnapshotTask | SyncremoteTask;

/** Exit codes after which rsync did part of the work (some files failed or vanished). */
const PARTIAL_EXIT_CODES = new Set([23, 24, 25]);

/**
 * The argv of one rsync call. A snapshot task writes into the folder `snapshot` names (see
 * snapshots/write.ts; without one — `task command` — the partial folder of a first run), always
 * with --delete (a reused partial folder must end up exactly like the source) and --mkpath (the
 * first run makes the snapshot root, also on a server: rsync >= 3.2.3 on both sides).
 */
export function rsyncArgsFor(task: RsyncTask, dryRun: boolean, snapshot?: SnapshotTarget): string[] {
  if (task.type !== 'snapshot') return buildRsyncArgs(unattended(rsyncOptionsFor(task, { dryRun })));
  const t = snapshot ?? snapshotTarget({ name: PARTIAL_NAME }, false);
  const dest = task.dest.replace(/\/+$/, '');
  const o = rsyncOptionsFor({ ...task, delete: true }, {
    dryRun,
    destOverride: `${dest}/${t.folder}`,
    ...(t.linkDest !== undefined ? { linkDest: t.linkDest } : {}),
  });
  return buildRsyncArgs(unattended({ ...o, extraFlags: [...(o.extraFlags ?? []), '--mkpath'] }));
}

/**
 * Runs have no terminal to answer a password or host-key prompt (cron, the web UI, the scheduler):
 * ssh must fail fast instead of hanging, unless the task sets BatchMode itself. Keys and ssh-agent
 * still work. A server that accepts the connection and then says nothing must not hold a run
 * forever either: ConnectTimeout covers the TCP connect and the banner exchange, and keep-alives
 * end a connection that goes silent later. Each default yields to the task's own sshOptions.
 */
const UNATTENDED_SSH_DEFAULTS = ['BatchMode=yes', 'ConnectTimeout=30', 'ServerAliveInterval=15', 'ServerAliveCountMax=4'];

export function unattended(o: RsyncOptions): RsyncOptions {
  if (!o.remote || o.remote.daemon) return o;
  const opts = o.sshOptions ?? [];
  const keyOf = (x: string): string => x.slice(0, x.indexOf('=')).toLowerCase();
  const set = new Set(opts.map(keyOf));
  const added = UNATTENDED_SSH_DEFAULTS.filter((d) => !set.has(keyOf(d)));
  return added.length === 0 ? o : { ...o, sshOptions: [...opts, ...added] };
}

/** The rsync step of a combined estimate (see steps/combined-estimate.ts). */
export function estimateCombinedRsyncStep(task: RsyncTask, ctx: StepContext, pending: StepCounts): Promise<StepResult> {
  return estimateAfterEncrypt(task.source, pending, () => runRsyncStep(task, ctx));
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
    if (task.type !== 'syncremote') await guardPush({ source: task.source, dest: task.dest, mirrors: task.type === 'synchronize' && task.delete !== false }, ctx);
    await guardMassDeletion(task, ctx, tail);
    const snap = task.type === 'snapshot' ? await planSnapshotWrite(task, new Date(), { env: ctx.env, signal: ctx.signal }) : undefined;
    const args = rsyncArgsFor(task, ctx.dryRun, snap ? snapshotTarget(snap, ctx.dryRun) : undefined);
    tail.line(`$ ${formatShellCommand('rsync', args)}`);
    // progress2 totals that do not jump (rsync/progress-total.ts), the file rsync is on, and 100 % at a success
    let totals = NO_TOTAL;
    let file: string | undefined;
    let last: { p: RsyncProgress; total: number } | undefined;
    const emitProgress = (p: RsyncProgress, total: number): void =>
      ctx.emit({ type: 'progress', runId: ctx.runId, step: 'rsync', files: p.filesDone ?? 0, filesTotal: p.filesTotal ?? 0, bytes: p.bytes, bytesTotal: total, rateBps: p.rateBps, etaSec: p.etaSec, ...(file ? { file } : {}) });
    const res = await runRsync(args, {
      signal: ctx.signal,
      env: ctx.env,
      onLine: (line, stream) => {
        if (stream === 'stdout') file = itemizedPath(line) ?? file;
      },
      onProgress: (p) => {
        const t = nextTotal(totals, p);
        totals = t.state;
        last = { p, total: t.total };
        emitProgress(p, t.total);
      },
    });
    if (last && res.exitCode === 0 && !res.aborted) {
      const done = Math.max(last.p.bytes, last.total);
      const files = last.p.filesTotal ?? last.p.filesDone ?? 0;
      file = undefined;
      emitProgress({ ...last.p, bytes: done, percent: 100, etaSec: 0, filesDone: files, filesTotal: files }, done);
    }
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
      if (snap) return finishSnapshot(snap, ctx, counts, tail);
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

/** A snapshot run's last act: the finished partial folder gets its dated name (a dry run only says what it compared with). */
async function finishSnapshot(w: SnapshotWrite, ctx: StepContext, counts: StepCounts, tail: TailBuffer): Promise<StepResult> {
  if (ctx.dryRun) {
    const message = w.previous !== undefined ? `changes since snapshot ${w.previous}` : 'no snapshot yet: the first one sends everything';
    return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), message };
  }
  await finishSnapshotWrite(w, { env: ctx.env, signal: ctx.signal });
  tail.line(`snapshot ${w.name} written${w.previous !== undefined ? ` (unchanged files hard-linked to ${w.previous})` : ''}`);
  return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), message: `snapshot ${w.name}` };
}

/** For connection failures, name the server and port the user has to check. */
function serverHint(task: RsyncTask, code: number): string {
  if (code !== 255 && code !== 12 && code !== 5 && code !== 10) return '';
  const side = parseRemoteSide(task.type === 'syncremote' ? task.source : task.dest);
  if (!side) return '';
  const port = task.sshPort ?? (side.daemon ? 873 : 22);
  return ` (server ${side.user ? `${side.user}@` : ''}${side.host}, port ${port})`;
}
