// Shapes of the JSON API (/api/...) as the browser sees them: defined once in the server
// (src/server/api-types.ts) and imported here as types only, so the page still knows the server
// only through HTTP. Below them, the page's own live state.
import type { ApiRunRecord, ApiStepRecord, RunStatus, ServerEvent, StepCounts, StepKind } from '../../src/server/api-types';

export type {
  BatchState,
  BrowseEntry,
  Estimate,
  RemoteView,
  RunStatus,
  StepCounts,
  StepKind,
  TaskType,
  TaskView,
} from '../../src/server/api-types';
export type RunRecord = ApiRunRecord;
export type StepRecord = ApiStepRecord;
/** every event of the stream */
export type EngineEvent = ServerEvent;

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
  /** the file the step is working on */
  file?: string;
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
