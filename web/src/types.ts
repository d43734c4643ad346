// Shapes of the JSON API (/api/...) as the browser sees them. The browser knows only HTTP:
// nothing here is imported from the server.
export type StepKind = 'encrypt' | 'rsync';
export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'aborted';
export type TaskType = 'encrypt' | 'synchronize' | 'snapshot' | 'syncremote';

export interface StepCounts {
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  files: number;
  bytes: number;
}
export interface Estimate {
  at: string;
  steps: Array<{ step: StepKind; counts: StepCounts }>;
  hasChanges: boolean;
}
export interface TaskView {
  name: string;
  type: TaskType;
  combined: boolean;
  connectedTo?: string;
  source: string;
  destination: string;
  server?: string;
  user?: string;
  snapshotNum?: number;
  lastRunAt: string | null;
  lastStatus: RunStatus | null;
  daysSince: number | null;
  thresholdDays: number;
  overdue: boolean;
  estimate: Estimate | null;
  running: number | null;
  task: Record<string, unknown>;
}
export interface RemoteView {
  name: string;
  path: string;
  filenameEncryption: string;
  filenameEncoding: string;
  directoryNameEncryption: boolean;
  hasPassword2: boolean;
}
export interface StepRecord {
  id: number;
  seq: number;
  kind: string;
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
  /** stable code of the error that ended the step */
  errorCode: string | null;
  /** a forced run ("run anyway") would get past what stopped this step */
  forcible: boolean;
  outputTail: string;
  command: string | null;
}
export interface RunRecord {
  id: number;
  task: string;
  dryRun: boolean;
  combined: boolean;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  durationMs: number | null;
  steps: StepRecord[];
}
export interface BrowseEntry {
  name: string;
  path: string;
  type: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  encrypted: string;
}
export type EngineEvent =
  | { type: 'run-start'; runId: number; task: string; dryRun: boolean; steps: StepKind[]; startedAt: string; external?: boolean }
  | { type: 'step-start'; runId: number; step: StepKind; command?: string }
  | { type: 'progress'; runId: number; step: StepKind; files: number; filesTotal: number; bytes: number; bytesTotal: number; rateBps: number; etaSec: number | null }
  | { type: 'log'; runId: number; step: StepKind; level: 'info' | 'warning' | 'error'; message: string; path?: string }
  | { type: 'step-end'; runId: number; step: StepKind; status: RunStatus; exitCode: number | null; counts: StepCounts; message?: string }
  | { type: 'run-end'; runId: number; task: string; status: RunStatus; exitCode: number; durationMs: number; estimate?: Estimate }
  | { type: 'tasks-changed' }
  | { type: 'batch'; state: BatchState | null }
  | { type: 'batch-skip'; task: string; message: string }
  | { type: 'restore-start'; restoreId: number; ref: string }
  | { type: 'restore-event'; restoreId: number; ref: string; event: Record<string, unknown> }
  | { type: 'restore-end'; restoreId: number; ref: string; ok: boolean };

export interface BatchState {
  mode: 'estimate' | 'run-changed';
  tasks: string[];
  done: string[];
  current: string | null;
  currentRunId: number | null;
  aborted: boolean;
}

/** Live state of one step of a run, built from events. */
export interface LiveStep {
  step: StepKind;
  status: RunStatus | 'waiting';
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
  rateBps: number;
  etaSec: number | null;
  counts?: StepCounts;
  message?: string;
}
export interface LiveRun {
  runId: number;
  task: string;
  dryRun: boolean;
  status: RunStatus;
  steps: LiveStep[];
  lastLog?: string;
  exitCode?: number;
  durationMs?: number;
}
