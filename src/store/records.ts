// The run log's records as its readers get them (the CLI, the engine, the JSON API). Types only,
// importing only the shared vocabulary, so the web UI can import them too.
import type { LoggedStepKind as StepKind, RunKind, RunStatus, RunTrigger } from '../util/vocabulary.js';

export interface StepRecord {
  id: number;
  runId: number;
  seq: number;
  kind: StepKind;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  files: number;
  filesNew: number;
  filesChanged: number;
  filesDeleted: number;
  bytes: number;
  durationMs: number | null;
  message: string | null;
  /** stable code of the error that ended the step (MASS_DELETE, WRONG_PASSWORD, ...) */
  errorCode: string | null;
  /** bounded to the run log's output tail limit (OUTPUT_TAIL_MAX_BYTES) */
  outputTail: string;
  command: string | null;
}

export interface RunRecord {
  id: number;
  /** a task's run, or a restore / verify from a server (whose `task` names the task or the server location) */
  kind: RunKind;
  task: string;
  profile: string;
  dryRun: boolean;
  combined: boolean;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  durationMs: number | null;
  pid: number;
  /** who started it: a person ('manual') or the scheduler */
  startedBy: RunTrigger;
  steps: StepRecord[];
}

