// Runs one task: the encrypt step and/or the rsync step, with pre/post commands, a lock, the run
// log and events. A combined task (a synchronize/snapshot task connected to an encrypt task)
// runs the rsync step ONLY if the encrypt step succeeded, and both steps are logged.
// Never prints, never exits the process.
import type { RunLog, RunStatus } from '../store/index.js';
import { isCombined, isPushTask, type Task, type TaskStore } from '../tasks/index.js';
import { EXIT, EXIT_FOR_STATUS, type RunTrigger } from '../util/vocabulary.js';
import { DEFAULT_STALL_MINUTES } from '../tasks/index.js';
import { acquireTaskLock, type TaskLock } from './lock.js';
import { ZERO_COUNTS, type EngineEvent, type Estimate } from './events.js';
import { formatShellCommand } from '../rsync/index.js';
import { driverOf, planSteps, type PlannedStep } from './steps/index.js';
import { runHookStep } from './hooks.js';
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

export interface PreparedRun {
  runId: number;
  startedBy: RunTrigger;
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

/** Takes the locks and opens the run in the log; synchronous so a caller gets the run id at once. */
export function prepareRun(re: RunEnv, taskName: string, o: { dryRun: boolean; startedBy?: RunTrigger }): PreparedRun {
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
  const startedBy = o.startedBy ?? 'manual';
  const runId = re.log.startRun({ task: task.name, profile: re.profile, dryRun: o.dryRun, combined: isCombined(task), pid: process.pid, startedBy });
  return { runId, startedBy, task, dryRun: o.dryRun, steps, startedAt: new Date().toISOString(), locks };
}

export async function executeRun(
  re: RunEnv,
  run: PreparedRun,
  o: { signal: AbortSignal; onEvent: (e: EngineEvent) => void; force?: boolean },
): Promise<RunOutcome> {
  const t0 = Date.now();
  const { runId, task, dryRun } = run;
  const emit = o.onEvent;
  emit({ type: 'run-start', runId, task: task.name, dryRun, steps: run.steps.map((s) => s.kind), startedAt: run.startedAt, startedBy: run.startedBy });
  let status: RunStatus = 'ok';
  let exitCode = 0;
  const estimate: Estimate = { at: new Date().toISOString(), steps: [], hasChanges: false };
  try {
    if (!dryRun && task.preCommand?.length) {
      const { failure } = await runHookStep('pre', task.preCommand, { runId, log: re.log, signal: o.signal, env: re.env });
      if (failure !== null && task.haltOnPreError !== false) {
        status = 'failed';
        exitCode = EXIT.FATAL;
        emit({ type: 'log', runId, step: run.steps[0]!.kind, level: 'error', message: `pre-command failed (${failure}); run stopped` });
      }
    }
    let previous: StepResult | undefined;
    for (const step of status === 'ok' ? run.steps : []) {
      const r = await runStep(re, run, step, { ...o, ...(previous ? { previous } : {}) });
      previous = r;
      estimate.steps.push({ step: step.kind, counts: r.counts });
      if (r.counts.newFiles + r.counts.changedFiles + r.counts.deletedFiles > 0) estimate.hasChanges = true;
      if (r.status !== 'ok') {
        status = r.status;
        exitCode = r.errorCode === 'WRONG_PASSWORD' ? EXIT.WRONG_PASSWORD : EXIT_FOR_STATUS[r.status];
        const rest = run.steps.slice(run.steps.indexOf(step) + 1);
        for (const skipped of rest) {
          emit({ type: 'log', runId, step: skipped.kind, level: 'error', message: `${skipped.kind} step not run: the ${step.kind} step did not succeed (${r.status})` });
        }
        break;
      }
    }
    if (!dryRun && status === 'ok') {
      const own = run.steps[run.steps.length - 1];
      if (own && (await driverOf(own.kind).afterSuccess?.(own.task, re.tasks))) emit({ type: 'tasks-changed' });
    }
    if (!dryRun && task.postCommand?.length && status !== 'aborted') {
      const { failure } = await runHookStep('post', task.postCommand, { runId, log: re.log, signal: o.signal, env: re.env });
      if (failure !== null && task.haltOnPostError && status === 'ok') {
        status = 'failed';
        exitCode = EXIT.FATAL;
      }
    }
  } catch (e) {
    status = 'failed';
    exitCode = EXIT.FATAL;
    emit({ type: 'log', runId, step: run.steps[0]?.kind ?? 'encrypt', level: 'error', message: e instanceof Error ? e.message : String(e) });
  } finally {
    re.log.finishRun(runId, { status, exitCode });
    for (const l of run.locks) l.release();
  }
  const durationMs = Date.now() - t0;
  emit({ type: 'run-end', runId, task: task.name, status, exitCode, durationMs, ...(dryRun ? { estimate } : {}) });
  return { runId, status, exitCode, durationMs, ...(dryRun ? { estimate } : {}) };
}


/**
 * One step through its driver: logged, announced, and for a push with no encrypt step before it,
 * the catalog it pushes (if it is one) checked for plaintext first.
 */
async function runStep(
  re: RunEnv,
  run: PreparedRun,
  step: PlannedStep,
  o: { signal: AbortSignal; onEvent: (e: EngineEvent) => void; force?: boolean; previous?: StepResult },
): Promise<StepResult> {
  const { runId, dryRun } = run;
  const emit = o.onEvent;
  const driver = driverOf(step.kind);
  const c = driver.command(step.task, { dryRun, defaultConfig: defaultRcloneConfigPath(re.env, re.home) });
  const command = driver.logsCommand ? formatShellCommand(c.program, c.args) : undefined;
  const stepId = re.log.startStep(runId, { kind: step.kind, ...(command ? { command } : {}) });
  emit({ type: 'step-start', runId, step: step.kind, ...(command ? { command } : {}) });
  const stall = watchStall(step.task.stallMinutes ?? DEFAULT_STALL_MINUTES, o.signal);
  const ctx: StepContext = {
    runId,
    step: step.kind,
    dryRun,
    force: o.force ?? false,
    home: re.home,
    profile: re.profile,
    signal: stall.signal,
    env: re.env,
    emit: (e) => {
      stall.alive();
      emit(e);
    },
    ...(o.previous ? { previous: o.previous } : {}),
  };
  if (isPushTask(step.task) && !o.previous) {
    const catalog = await catalogNamesOf(step.task.source, re.tasks.list(), defaultRcloneConfigPath(re.env, re.home), o.signal, re.env).catch((e: unknown) => {
      emit({ type: 'log', runId, step: step.kind, level: 'warning', message: `could not check the names in the catalog ${step.task.source}: ${e instanceof Error ? e.message : String(e)}` });
      return undefined;
    });
    if (catalog) ctx.catalog = catalog;
  }
  const t1 = Date.now();
  const pending = o.previous && o.previous.status === 'ok' && dryRun ? o.previous.counts : undefined;
  let r: StepResult;
  try {
    r = pending ? await driver.estimateAfter(step.task, ctx, pending) : await driver.run(step.task, ctx);
  } finally {
    stall.stop();
  }
  if (stall.stalled() && r.status !== 'ok') {
    const message = `${step.kind} step stopped: no progress for ${formatMinutes(stall.minutes)} (the task's stallMinutes)`;
    emit({ type: 'log', runId, step: step.kind, level: 'error', message });
    r = { ...r, status: 'failed', message: r.message && r.message !== 'aborted' ? `${message}; ${r.message}` : message, errorCode: 'STALLED' };
  }
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
  return r;
}

/** how often the stall watch looks at the step's last sign of life */
const STALL_CHECK_MS = 1000;

/**
 * Stops a step that shows no sign of life (no event) for `minutes`: its signal is aborted, and
 * `stalled()` tells the caller why. Measured on the monotonic clock, so a laptop's sleep (when
 * nothing runs) does not count as a stall.
 */
function watchStall(minutes: number, parent: AbortSignal): { signal: AbortSignal; alive(): void; stop(): void; stalled(): boolean; minutes: number } {
  const ctl = new AbortController();
  const limitMs = minutes * 60_000;
  let last = performance.now();
  let stalled = false;
  const timer = setInterval(() => {
    if (performance.now() - last < limitMs) return;
    stalled = true;
    clearInterval(timer);
    ctl.abort();
  }, Math.min(STALL_CHECK_MS, limitMs));
  timer.unref();
  return {
    signal: AbortSignal.any([parent, ctl.signal]),
    alive: () => void (last = performance.now()),
    stop: () => clearInterval(timer),
    stalled: () => stalled && !parent.aborted,
    minutes,
  };
}

function formatMinutes(m: number): string {
  return m >= 1 && Number.isInteger(m) ? `${m} min` : `${Math.round(m * 60)} s`;
}

export { ZERO_COUNTS, planSteps, isCombined, type PlannedStep };
