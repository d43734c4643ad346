// The step registry: one driver per step kind, and the plan of a task's steps read from the task
// type table (tasks/task-types.ts). Adding a kind of step = its driver file + one line here.
import { TASK_TYPE_INFO, isCombined, type Task, type TaskStore } from '../../tasks/index.js';
import { formatShellCommand } from '../../rsync/index.js';
import { CryptsyncError } from '../../util/errors.js';
import type { StepKind } from '../../util/vocabulary.js';
import type { StepDriver } from './driver.js';
import { encryptDriver } from './encrypt.js';
import { rsyncDriver } from './rsync.js';
import { cloudDriver } from './cloud.js';
import { pruneDriver } from './prune.js';

export const STEP_DRIVERS: Readonly<Record<StepKind, StepDriver>> = {
  encrypt: encryptDriver,
  rsync: rsyncDriver,
  cloud: cloudDriver,
  prune: pruneDriver,
};

export function driverOf(kind: StepKind): StepDriver {
  return STEP_DRIVERS[kind];
}

export interface PlannedStep {
  kind: StepKind;
  task: Task;
}

/** Steps that follow a task's own step: a snapshot task's prune when it asks for one after each run. */
function followingSteps(task: Task): StepKind[] {
  return task.type === 'snapshot' && task.retention?.pruneAfterRun === true ? ['prune'] : [];
}

/** The steps a task runs: its own, after its encrypt task's when it is combined, then any following ones. */
export function planSteps(task: Task, tasks: TaskStore): PlannedStep[] {
  const own: PlannedStep = { kind: TASK_TYPE_INFO[task.type].step, task };
  const after = followingSteps(task).map((kind) => ({ kind, task }));
  if (!isCombined(task) || task.type === 'encrypt' || task.connectedTo === undefined) return [own, ...after];
  const enc = tasks.get(task.connectedTo);
  if (enc.type !== 'encrypt') {
    throw new CryptsyncError('config', 'BAD_CONNECTION', `task "${task.name}" is connected to "${enc.name}", which is not an encrypt task`, { subject: task.name });
  }
  return [{ kind: 'encrypt', task: enc }, own, ...after];
}

/** The step kinds a task runs, in order (the web UI's step cards). */
export function stepKindsOf(task: Task): StepKind[] {
  const own = TASK_TYPE_INFO[task.type].step;
  return [...(isCombined(task) && own !== 'encrypt' ? ['encrypt' as const, own] : [own]), ...followingSteps(task)];
}

/** Copyable shell lines of a task's steps, exactly as they are spawned. */
export function commandLinesFor(steps: PlannedStep[], o: { dryRun: boolean; defaultConfig: string }): Array<{ step: StepKind; shell: string }> {
  return steps.map((s) => {
    const c = driverOf(s.kind).command(s.task, o);
    return { step: s.kind, shell: formatShellCommand(c.program, c.args) };
  });
}

export type { StepDriver, DoctorCheck, DriverEnv, CommandLine } from './driver.js';
