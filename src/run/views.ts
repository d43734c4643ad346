// What the engine shows of tasks, catalogs and crypt remotes: the shapes the CLI renders and the
// JSON API sends. Types only, importing only type-pure files, so the web UI can import them too.
import type { Task } from '../tasks/task-schema.js';
import type { RunStatus, StepKind, TaskType } from '../util/vocabulary.js';
import type { Estimate } from './events.js';
import type { TaskSafety } from './safety.js';

export type { TaskSafety };

export interface TaskView {
  name: string;
  type: TaskType;
  combined: boolean;
  /** the steps a run of it goes through, in order */
  steps: StepKind[];
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
  /** past thresholdDays since the last good backup (safety.overdue) */
  overdue: boolean;
  /** "is my data safe?": last good backup, last attempt, next run */
  safety: TaskSafety;
  estimate: Estimate | null;
  running: number | null;
  task: Task;
}

export interface BrowseEntry {
  name: string;
  path: string;
  type: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  encrypted: string;
}

export interface RemoteView {
  name: string;
  path: string;
  filenameEncryption: string;
  filenameEncoding: string;
  directoryNameEncryption: boolean;
  hasPassword2: boolean;
}
