// The cloud step: push a local folder (normally the encrypted catalog) to any rclone remote of
// the user's rclone config (S3, B2, WebDAV, SFTP, ...) with the real `rclone sync` (`rclone copy`
// when the task does not delete). Credentials stay in rclone.conf: never on argv, in logs or in
// the UI. Every push guard holds (push-guards.ts); the share of deletions is judged from rclone's
// own dry run, or in a combined run from the encrypt step's plan.
import { classifyRcloneExit, loadRcloneConfig, parseRemoteSpec, rcloneSyncArgs, runRclone, type RcloneRunResult } from '../../rclone/index.js';
import { deletionRefusal } from '../../sync/index.js';
import type { CloudTask, Task } from '../../tasks/index.js';
import { CancelledError, CryptsyncError, describeError } from '../../util/errors.js';
import { defaultRcloneConfigPath } from '../../util/home.js';
import { TailBuffer } from '../../util/tail-buffer.js';
import { formatShellCommand } from '../../rsync/index.js';
import { ZERO_COUNTS, type StepCounts } from '../events.js';
import { failedStep, type StepContext, type StepResult } from '../step-result.js';
import { folderCheck, runProgram } from '../doctor-checks.js';
import { guardPush } from './push-guards.js';
import { estimateAfterEncrypt } from './combined-estimate.js';
import { rcloneTool } from './rclone-tool.js';
import { taskOfType, type DoctorCheck, type DriverEnv, type StepDriver } from './driver.js';

const isCloud = (t: Task): t is CloudTask => t.type === 'cloud';
const cloudTask = (t: Task): CloudTask => taskOfType(t, 'cloud', isCloud);

/** how long doctor waits for the remote to answer */
const DOCTOR_TIMEOUT = '10s';
/**
 * A remote that accepts the connection and never answers (an SFTP server stuck before its
 * banner) holds rclone for its IO idle timeout on every retry (5 min by default): a run gives up
 * on a connection after 30 s and on a silent one after 2 min, so the schedule is not blocked.
 */
const CLOUD_TIMEOUT_FLAGS: readonly string[] = ['--contimeout', '30s', '--timeout', '2m'];

function configOf(task: CloudTask, ctx: StepContext): string {
  return task.config ?? defaultRcloneConfigPath(ctx.env, ctx.home);
}

/** `judge`: the dry run the deletion guards read, without --max-delete (which would stop it short of the count) */
export function cloudArgs(task: CloudTask, configPath: string, dryRun: boolean, judge = false): string[] {
  const args = rcloneSyncArgs({
    source: task.source,
    dest: task.dest,
    configPath,
    dryRun,
    createEmptyDirs: true,
    ...(task.excludes ? { excludes: task.excludes } : {}),
    ...(task.maxDelete !== undefined && !judge ? { maxDelete: task.maxDelete } : {}),
    ...(task.transfers !== undefined ? { transfers: task.transfers } : {}),
    extra: [...CLOUD_TIMEOUT_FLAGS],
  });
  // `rclone copy` takes the same arguments as `rclone sync` and never deletes at the remote
  return task.delete === false ? ['copy', ...args.slice(1)] : args;
}

/** The remote must be in the config: rclone's own message for a missing one is hard to read. */
async function assertRemoteConfigured(task: CloudTask, configPath: string): Promise<void> {
  const { remote } = parseRemoteSpec(task.dest);
  const cfg = await loadRcloneConfig(configPath);
  if (!cfg.sections.has(remote)) {
    throw new CryptsyncError('config', 'REMOTE_NOT_FOUND', `remote "${remote}" (dest ${task.dest}) is not in the rclone config ${configPath}; add it with "rclone config --config ${configPath}"`, {
      subject: remote,
    });
  }
}

function countsOf(r: RcloneRunResult): StepCounts {
  return { newFiles: r.counts.newFiles, changedFiles: r.counts.changedFiles, deletedFiles: r.counts.deletedFiles, files: r.counts.files, bytes: r.counts.bytes };
}

function rclone(task: CloudTask, ctx: StepContext, args: string[], live: boolean): Promise<RcloneRunResult> {
  return runRclone(args, {
    env: ctx.env,
    signal: ctx.signal,
    ...(live
      ? {
          onProgress: (s) =>
            ctx.emit({ type: 'progress', runId: ctx.runId, step: 'cloud', files: s.transfers, filesTotal: s.totalTransfers, bytes: s.bytes, bytesTotal: s.totalBytes, rateBps: s.speed, etaSec: s.eta }),
        }
      : {}),
  });
}

/** The share rule, judged from rclone's dry run before the real push (a standalone push). */
async function guardMassDeletion(task: CloudTask, ctx: StepContext, configPath: string, tail: TailBuffer): Promise<void> {
  // the task's maxDelete is the user's own hard limit: judged before rclone deletes anything, even when forced
  if (task.delete === false || ctx.dryRun || ctx.previous?.catalog || (ctx.force && task.maxDelete === undefined)) return;
  const args = cloudArgs(task, configPath, true, true);
  const r = await rclone(task, ctx, args, false);
  if (r.aborted) throw new CancelledError();
  if (classifyRcloneExit(r.exitCode) !== 'ok') return; // the real run reports the failure itself
  const refusal = refusalOf(task, countsOf(r), false, ctx.force);
  if (refusal) {
    tail.line(`$ ${formatShellCommand('rclone', args)}`);
    throw refusal;
  }
}

function refusalOf(task: CloudTask, c: StepCounts, dryRun: boolean, force = false): CryptsyncError | null {
  // what the remote holds now: the files rclone compared (less the new ones) and those it deletes
  const sourceFiles = Math.max(0, c.files);
  const total = Math.max(0, sourceFiles - c.newFiles) + c.deletedFiles;
  return deletionRefusal(
    { deletes: c.deletedFiles, total, sourceFiles: Math.max(1, sourceFiles) },
    {
      ...(task.maxDeletePercent !== undefined ? { maxDeletePercent: task.maxDeletePercent } : {}),
      ...(task.maxDelete !== undefined ? { maxDelete: task.maxDelete } : {}),
      force,
    },
    { source: task.source, copy: `the copy at ${task.dest}`, dryRun },
  );
}

async function runCloudStep(task: CloudTask, ctx: StepContext): Promise<StepResult> {
  const tail = new TailBuffer();
  let counts: StepCounts = { ...ZERO_COUNTS };
  try {
    const configPath = configOf(task, ctx);
    await guardPush({ source: task.source, dest: task.dest, mirrors: task.delete !== false }, ctx);
    await assertRemoteConfigured(task, configPath);
    await guardMassDeletion(task, ctx, configPath, tail);
    const args = cloudArgs(task, configPath, ctx.dryRun);
    tail.line(`$ ${formatShellCommand('rclone', args)}`);
    const r = await rclone(task, ctx, args, true);
    tail.push(r.tail);
    counts = countsOf(r);
    if (r.aborted) return { status: 'aborted', exitCode: r.exitCode, counts, message: 'aborted', errorCode: 'CANCELLED', tail: tail.toString() };
    const outcome = classifyRcloneExit(r.exitCode);
    if (outcome === 'ok') {
      const refusal = ctx.dryRun && !ctx.force && task.delete !== false && !ctx.previous?.catalog ? refusalOf(task, counts, true) : null;
      if (refusal) ctx.emit({ type: 'log', runId: ctx.runId, step: 'cloud', level: 'warning', message: refusal.message });
      return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), ...(refusal ? { message: `WARNING: ${refusal.message}` } : {}) };
    }
    const message = `${task.dest}: ${r.message || `rclone exit code ${r.exitCode}`}`;
    ctx.emit({ type: 'log', runId: ctx.runId, step: 'cloud', level: 'error', message });
    return { status: outcome, exitCode: r.exitCode, counts, message, errorCode: 'RCLONE_FAILED', tail: tail.toString() };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}

async function doctorCloud(task: CloudTask, d: DriverEnv): Promise<DoctorCheck[]> {
  const n = task.name;
  const out = [await folderCheck(n, 'source folder', task.source)];
  const configPath = task.config ?? d.rcloneConfig;
  try {
    await assertRemoteConfigured(task, configPath);
  } catch (e) {
    out.push({ task: n, check: 'rclone remote', status: 'error', detail: describeError(e) });
    return out;
  }
  const { remote } = parseRemoteSpec(task.dest);
  const r = await runProgram(
    'rclone',
    ['lsf', '--max-depth', '1', '--config', configPath, '--contimeout', DOCTOR_TIMEOUT, '--timeout', DOCTOR_TIMEOUT, '--retries', '1', '--low-level-retries', '1', `${remote}:`],
    d.env,
  );
  const last = r.out.trim().split('\n').pop() ?? '';
  out.push(
    r.code === 0
      ? { task: n, check: 'rclone remote', status: 'ok', detail: `${remote}: answers (${configPath})` }
      : { task: n, check: 'rclone remote', status: 'error', detail: `${remote}: does not answer: ${last}` },
  );
  return out;
}

export const cloudDriver: StepDriver = {
  kind: 'cloud',
  logsCommand: true,
  run: (task, ctx) => runCloudStep(cloudTask(task), ctx),
  estimateAfter: (task, ctx, before) => {
    const t = cloudTask(task);
    return estimateAfterEncrypt(t.source, before, () => runCloudStep(t, ctx));
  },
  command: (task, o) => {
    const t = cloudTask(task);
    return { program: 'rclone', args: cloudArgs(t, t.config ?? o.defaultConfig, o.dryRun) };
  },
  tool: (d) => rcloneTool(d),
  doctor: (task, d) => doctorCloud(cloudTask(task), d),
};
