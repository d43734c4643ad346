// The typed events the run engine emits. Front ends render them (CLI text/JSON lines, SSE to the
// web UI); the engine itself never prints.
import type { RunStatus, RunTrigger, StepKind } from '../util/vocabulary.js';

export type { StepKind };

export interface StepCounts {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  /** files the step looked at (scanned / rsync "Number of files") */
  files: number;
  /** bytes written (or, in a dry run, that would be written) */
  bytes: number;
}

export interface Estimate {
  at: string;
  /** counts per step, never to be added across steps (the push of a combined task counts the encrypt step's writes again) */
  steps: Array<{ step: StepKind; counts: StepCounts; note?: string }>;
  hasChanges: boolean;
  /** the estimate did not finish ok: the first line of its error (its counts are not to be trusted) */
  error?: string;
  /** why the estimate may no longer say what a run would do (absent while it still does) */
  stale?: string;
}

export type EngineEvent =
  | { type: 'run-start'; runId: number; task: string; dryRun: boolean; steps: StepKind[]; startedAt: string; external?: boolean; startedBy?: RunTrigger }
  | { type: 'step-start'; runId: number; step: StepKind; command?: string }
  | {
      type: 'progress';
      runId: number;
      step: StepKind;
      files: number;
      filesTotal: number;
      bytes: number;
      bytesTotal: number;
      rateBps: number;
      etaSec: number | null;
      /** the file being worked on, when the step knows it */
      file?: string;
    }
  | { type: 'log'; runId: number; step: StepKind; level: 'info' | 'warning' | 'error'; message: string; path?: string }
  | {
      type: 'step-end';
      runId: number;
      step: StepKind;
      status: RunStatus;
      exitCode: number | null;
      counts: StepCounts;
      message?: string;
      /** stable code of the error that ended the step; see FORCIBLE_GUARDS for those --force lifts */
      errorCode?: string;
    }
  | {
      type: 'run-end';
      runId: number;
      task: string;
      status: RunStatus;
      exitCode: number;
      durationMs: number;
      estimate?: Estimate;
      external?: boolean;
    }
  | { type: 'tasks-changed' }
  /** news outside a run's steps: the scheduler's (a retry, a skipped slot, a clock jump), a notification that failed */
  | { type: 'notice'; source: 'scheduler' | 'notify'; task?: string; level: 'info' | 'warning'; message: string; retryAt?: string };

export const ZERO_COUNTS: StepCounts = { newFiles: 0, changedFiles: 0, deletedFiles: 0, files: 0, bytes: 0 };
