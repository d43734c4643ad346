// What every kind of step provides, so the run, the estimate, `task command`, `doctor` and the
// web UI's step list treat all steps alike. A driver gets the task of the step (the encrypt task
// for the encrypt step of a combined run) and never prints.
import type { Task, TaskStore } from '../../tasks/index.js';
import type { StepKind } from '../../util/vocabulary.js';
import type { StepCounts } from '../events.js';
import type { StepContext, StepResult } from '../step-result.js';

export interface CommandLine {
  program: string;
  args: string[];
}

export interface DoctorCheck {
  task?: string;
  check: string;
  status: 'ok' | 'warning' | 'error';
  detail: string;
}

export interface DriverEnv {
  env: NodeJS.ProcessEnv;
  /** the rclone config file used when a task names none */
  rcloneConfig: string;
}

export interface StepDriver {
  readonly kind: StepKind;
  /** Runs the step; with ctx.dryRun, estimates it without changing anything. */
  run(task: Task, ctx: StepContext): Promise<StepResult>;
  /**
   * The estimate of a step whose input the step before it (a combined run's encrypt step) has
   * only planned: `before` is what that step will write.
   */
  estimateAfter(task: Task, ctx: StepContext, before: StepCounts): Promise<StepResult>;
  /** The program and argv the step runs, exactly (`task command`, the run log). */
  command(task: Task, o: { dryRun: boolean; defaultConfig: string }): CommandLine;
  /** The command line goes into the run log (a program cryptsync spawns). */
  readonly logsCommand: boolean;
  /** `doctor`: the program every step of this kind needs, if any. */
  tool?(d: DriverEnv): Promise<DoctorCheck>;
  /** `doctor`: can this task's step run (folders, remote, server, login, free space)? */
  doctor(task: Task, d: DriverEnv): Promise<DoctorCheck[]>;
  /** After a successful real run of the task that owns this step; true when it changed the task. */
  afterSuccess?(task: Task, tasks: TaskStore): Promise<boolean>;
}

/** The task a driver was handed, narrowed to the types it serves (a wrong one is a bug). */
export function taskOfType<T extends Task>(task: Task, kind: StepKind, ok: (t: Task) => t is T): T {
  if (!ok(task)) throw new Error(`the ${kind} step cannot run a ${task.type} task`);
  return task;
}
