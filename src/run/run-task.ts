// Runs one task: the encrypt step and/or the rsync step, with pre/post commands, a lock, the run
// log and events. A combined task (a synchronize/snapshot task connected to an encrypt task)
// runs the rsync step ONLY if the encrypt step succeeded, and both steps are logged.
// Never prints, never exits the process.
import type { RunLog, RunStatus } from '../store/index.js';
import type { Task, TaskStore, EncryptTask } from '../tasks/index.js';
import { CryptsyncError } from '../util/errors.js';
import { acquireTaskLock, type TaskLock } from './lock.js';
import { ZERO_COUNTS, type EngineEvent, type Estimate, type StepKind, type StepCounts } from './events.js';
import { runEncryptStep } from './encrypt-step.js';
import { runRsyncStep, estimateCombinedRsyncStep, rsyncCommandLine, snapshotPlan, type RsyncTask } from './rsync-step.js';
import { runHook } from './hooks.js';
import { catalogNamesOf } from './catalog-check.js';
import { defaultRcloneConfigPath } from '../util/home.js';
import type { StepContext, StepResult } from './step-result.js';

export interface RunEnv {
  home: string;
  profile: string;
  env: NodeJS.ProcessEnv;
  tasks: TaskStore;
  log: RunLog;
}

export interface PlannedStep {
  kind: StepKind;
  task: Task;
}

export interface PreparedRun {
  runId: number;
  task: Task;
  dryRun: boolean;
  steps: PlannedStep[];
  startedAt: string;
  locks: TaskLock[];
}

export interface RunOutcome {
  runId: number;
  status: RunStatus;
  exitCode: number;
  durationMs: number;
  estimate?: Estimate;
}

/** The steps a task runs: encrypt, rsync, or (combined) encrypt then rsync. */
export function planSteps(task: Task, tasks: TaskStore): PlannedStep[] {
  if (task.type === 'encrypt') return [{ kind: 'encrypt', task }];
  if ((task.type === 'synchronize' || task.type === 'snapshot') && task.connectedTo) {
    const enc = tasks.get(task.connectedTo);
    if (enc.type !== 'encrypt') {
      throw new CryptsyncError('config', 'BAD_CONNECTION', `task "${task.name}" is connected to "${enc.name}", which is not an encrypt task`, { subject: task.name });
    }
    return [
      { kind: 'encrypt', task: enc },
      { kind: 'rsync', task },
    ];
  }
  return [{ kind: 'rsync', task }];
}

export function isCombined(task: Task): boolean {
  return (task.type === 'synchronize' || task.type === 'snapshot') && Boolean(task.connectedTo);
}

/** Takes the locks and opens the run in the log; synchronous so a caller gets the run id at once. */
export function prepareRun(re: RunEnv, taskName: string, o: { dryRun: boolean }): PreparedRun {
  const task = re.tasks.get(taskName);
  const steps = planSteps(task, re.tasks);
  const names = [...new Set(steps.map((s) => s.task.name))];
  const locks: TaskLock[] = [];
  try {
    for (const n of names) locks.push(acquireTaskLock(re.home, re.profile, n));
  } catch (e) {
    for (const l of locks) l.release();
    throw e;
  }
  const runId = re.log.startRun({ task: task.name, profile: re.profile, dryRun: o.dryRun, combined: isCombined(task), pid: process.pid });
  return { runId, task, dryRun: o.dryRun, steps, startedAt: new Date().toISOString(), locks };
}

const EXIT_FOR_STATUS: Record<RunStatus, number> = { ok: 0, partial: 3, failed: 1, aborted: 130, running: 1 };

export async function executeRun(
  re: RunEnv,
  run: PreparedRun,
  o: { signal: AbortSignal; onEvent: (e: EngineEvent) => void; force?: boolean },
): Promise<RunOutcome> {
  const t0 = Date.now();
  const { runId, task, dryRun } = run;
  const emit = o.onEvent;
  emit({ type: 'run-start', runId, task: task.name, dryRun, steps: run.steps.map((s) => s.kind), startedAt: run.startedAt });
  let status: RunStatus = 'ok';
  let exitCode = 0;
  const estimate: Estimate = { at: new Date().toISOString(), steps: [], hasChanges: false };
  try {
    if (!dryRun && task.preCommand?.length) {
      const hook = await runHook(task.preCommand, { signal: o.signal, env: re.env });
      const stepId = re.log.startStep(runId, { kind: 'pre', command: task.preCommand.join(' ') });
      const ok = hook.exitCode === 0;
      re.log.finishStep(stepId, {
        status: ok ? 'ok' : 'failed',
        exitCode: hook.exitCode,
        message: ok ? null : `pre-command failed: ${hook.error ?? `exit code ${hook.exitCode}`}`,
        outputTail: hook.tail,
      });
      if (!ok && task.haltOnPreError !== false) {
        status = 'failed';
        exitCode = 1;
        emit({ type: 'log', runId, step: run.steps[0]!.kind, level: 'error', message: `pre-command failed (${hook.error ?? `exit code ${hook.exitCode}`}); run stopped` });
      }
    }
    let pendingFromEncrypt: StepCounts | undefined;
    let previous: StepResult | undefined;
    for (const step of status === 'ok' ? run.steps : []) {
      const command = step.kind === 'rsync' ? rsyncCommandLine(step.task as RsyncTask, dryRun) : undefined;
      const stepId = re.log.startStep(runId, { kind: step.kind, ...(command ? { command } : {}) });
      emit({ type: 'step-start', runId, step: step.kind, ...(command ? { command } : {}) });
      const ctx: StepContext = {
        runId,
        step: step.kind,
        dryRun,
        force: o.force ?? false,
        home: re.home,
        profile: re.profile,
        signal: o.signal,
        env: re.env,
        emit,
        ...(previous ? { previous } : {}),
      };
      if (step.kind === 'rsync' && !previous) {
        const catalog = await catalogNamesOf(step.task as RsyncTask, re.tasks.list(), defaultRcloneConfigPath(re.env), o.signal, re.env).catch((e: unknown) => {
          emit({ type: 'log', runId, step: 'rsync', level: 'warning', message: `could not check the names in the catalog ${step.task.source}: ${e instanceof Error ? e.message : String(e)}` });
          return undefined;
        });
        if (catalog) ctx.catalog = catalog;
      }
      const t1 = Date.now();
      let r: StepResult;
      if (step.kind === 'encrypt') r = await runEncryptStep(step.task as EncryptTask, ctx);
      else if (dryRun && pendingFromEncrypt) r = await estimateCombinedRsyncStep(step.task as RsyncTask, ctx, pendingFromEncrypt);
      else r = await runRsyncStep(step.task as RsyncTask, ctx);
      if (step.kind === 'encrypt') pendingFromEncrypt = r.counts;
      previous = r;
      re.log.finishStep(stepId, {
        status: r.status,
        exitCode: r.exitCode,
        files: r.counts.files,
        filesNew: r.counts.newFiles,
        filesChanged: r.counts.changedFiles,
        filesDeleted: r.counts.deletedFiles,
        bytes: r.counts.bytes,
        durationMs: Date.now() - t1,
        message: r.message ?? null,
        errorCode: r.errorCode ?? null,
        outputTail: r.tail,
      });
      emit({
        type: 'step-end',
        runId,
        step: step.kind,
        status: r.status,
        exitCode: r.exitCode,
        counts: r.counts,
        ...(r.message ? { message: r.message } : {}),
        ...(r.errorCode ? { errorCode: r.errorCode } : {}),
      });
      estimate.steps.push({ step: step.kind, counts: r.counts });
      if (r.counts.newFiles + r.counts.changedFiles + r.counts.deletedFiles > 0) estimate.hasChanges = true;
      if (r.status !== 'ok') {
        status = r.status;
        exitCode = r.errorCode === 'WRONG_PASSWORD' ? 12 : EXIT_FOR_STATUS[r.status];
        const rest = run.steps.slice(run.steps.indexOf(step) + 1);
        for (const skipped of rest) {
          emit({ type: 'log', runId, step: skipped.kind, level: 'error', message: `${skipped.kind} step not run: the ${step.kind} step did not succeed (${r.status})` });
        }
        break;
      }
    }
    if (!dryRun && task.type === 'snapshot' && status === 'ok') {
      await re.tasks.setSnapshotNum(task.name, snapshotPlan(task).num + 1);
      emit({ type: 'tasks-changed' });
    }
    if (!dryRun && task.postCommand?.length && status !== 'aborted') {
      const hook = await runHook(task.postCommand, { signal: o.signal, env: re.env });
      const stepId = re.log.startStep(runId, { kind: 'post', command: task.postCommand.join(' ') });
      const ok = hook.exitCode === 0;
      re.log.finishStep(stepId, {
        status: ok ? 'ok' : 'failed',
        exitCode: hook.exitCode,
        message: ok ? null : `post-command failed: ${hook.error ?? `exit code ${hook.exitCode}`}`,
        outputTail: hook.tail,
      });
      if (!ok && task.haltOnPostError && status === 'ok') {
        status = 'failed';
        exitCode = 1;
      }
    }
  } catch (e) {
    status = 'failed';
    exitCode = 1;
    emit({ type: 'log', runId, step: run.steps[0]?.kind ?? 'encrypt', level: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    re.log.finishRun(runId, { status, exitCode });
    for (const l of run.locks) l.release();
  }
  const durationMs = Date.now() - t0;
  emit({ type: 'run-end', runId, task: task.name, status, exitCode, durationMs, ...(dryRun ? { estimate } : {}) });
  return { runId, status, exitCode, durationMs, ...(dryRun ? { estimate } : {}) };
}

export { ZERO_COUNTS };
