// The words every layer shares, each defined once: task types, step kinds, run statuses and
// process exit codes. Pure data with no imports, so the web UI can import these types too.

/** Task types as saved in tasks.json (the step each runs: tasks/task-types.ts). */
export const TASK_TYPES = ['encrypt', 'synchronize', 'snapshot', 'syncremote', 'cloud'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** The steps a run is made of; each has a driver in run/steps/. */
export const STEP_KINDS = ['encrypt', 'rsync', 'cloud', 'prune'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The user's pre/post commands, logged as steps of their own. */
export const HOOK_KINDS = ['pre', 'post'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];
/** The steps of a restore or verify straight from a server (run/server-*.ts; not task drivers). */
export const SERVER_STEP_KINDS = ['fetch', 'restore', 'verify'] as const;
export type ServerStepKind = (typeof SERVER_STEP_KINDS)[number];
export type LoggedStepKind = StepKind | HookKind | ServerStepKind;

/** What a run in the run log is: a task's run (or estimate), or a restore / verify from a server. */
export const RUN_KINDS = ['task', 'server-restore', 'server-verify'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['running', 'ok', 'partial', 'failed', 'aborted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Who started a run, as the run log records it: a person (CLI, web UI) or the scheduler, at its
 * slot, late after the machine slept or was off (catch-up), or again after a failure (retry).
 */
export const RUN_TRIGGERS = ['manual', 'schedule', 'catch-up', 'retry'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Process exit codes of the CLI, and of each run in the run log. */
export const EXIT = {
  OK: 0,
  /** failed, or a safety guard refused */
  FATAL: 1,
  USAGE: 2,
  /** some files could not be processed */
  PARTIAL: 3,
  /** another run holds the task's lock */
  LOCKED: 4,
  /** `cryptsync status`: a task's last good backup is older than its thresholdDays */
  OVERDUE: 5,
  /** `cryptsync status`: none overdue, but a task's last attempt did not succeed */
  LAST_RUN_FAILED: 6,
  WRONG_PASSWORD: 12,
  /** aborted (Ctrl+C, the web UI's Abort) */
  CANCELLED: 130,
} as const;

export const EXIT_FOR_STATUS: Readonly<Record<RunStatus, number>> = {
  ok: EXIT.OK,
  partial: EXIT.PARTIAL,
  failed: EXIT.FATAL,
  aborted: EXIT.CANCELLED,
  running: EXIT.FATAL,
};
