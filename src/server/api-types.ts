// The JSON API's request and response shapes, defined once. Types only, and importing only
// type-pure files (the shared vocabulary, the engine's views and events, the run log's records),
// so the web UI imports them with `import type` and still speaks to the server only over HTTP.
import type { StepRecord, RunRecord } from '../store/records.js';
import type { EngineEvent } from '../run/events.js';

export type { TaskType, StepKind, RunStatus } from '../util/vocabulary.js';
export type { StepCounts, Estimate, EngineEvent } from '../run/events.js';
export type { TaskView, BrowseEntry, RemoteView } from '../run/views.js';

/** A run log step as the API sends it. */
export interface ApiStepRecord extends StepRecord {
  /** a forced run ("run anyway") would get past what stopped this step */
  forcible: boolean;
}

/** A run as GET /api/runs and /api/runs/:id send it. */
export interface ApiRunRecord extends Omit<RunRecord, 'steps'> {
  steps: ApiStepRecord[];
}

export type BatchMode = 'estimate' | 'run-changed';

/** "Estimate all" / "Run all with changes" in progress. */
export interface BatchState {
  mode: BatchMode;
  tasks: string[];
  done: string[];
  current: string | null;
  currentRunId: number | null;
  aborted: boolean;
}

/** POST /api/tasks/:name/runs */
export interface RunRequest {
  dryRun?: boolean;
  /** lifts the overridable guards for this run; needs confirmTask equal to the task name */
  force?: boolean;
  confirmTask?: string;
}

/** Everything the event stream (GET /api/events) carries. */
export type ServerEvent =
  | EngineEvent
  | { type: 'batch'; state: BatchState | null; finished?: { mode: BatchMode; done: string[]; aborted: boolean } }
  | { type: 'batch-skip'; task: string; message: string }
  | { type: 'restore-start'; restoreId: number; ref: string; source?: string; dryRun?: boolean }
  | { type: 'restore-event'; restoreId: number; ref: string; event: Record<string, unknown> }
  | { type: 'restore-end'; restoreId: number; ref: string; ok: boolean };

/** GET /api/server-copies: a push task whose destination holds a server copy to restore from. */
export interface ServerCopyTask {
  name: string;
  type: 'synchronize' | 'snapshot';
  connectedTo?: string;
}

/** GET /api/server-copies/snapshots: one snapshot on the server (newest first). */
export interface ServerSnapshotView {
  name: string;
  /** ISO UTC time of a dated snapshot; null for an old numbered folder */
  time: string | null;
}

/** A file a server dry run would restore (plain path and size). */
export interface ServerDryRunFile {
  path: string;
  size: number;
}
