// The run log's public surface: SQLite history of runs and their steps.
export { RunLog, RUN_STATUSES, BUSY_TIMEOUT_MS } from './run-log.js';
export type { RunStatus, StepKind, StepRecord, RunRecord, StepFinish, RunFilter, LastRun } from './run-log.js';
export { daysSince } from './days-since.js';
export { boundTail, OUTPUT_TAIL_MAX_BYTES } from './output-tail.js';
export { SCHEMA_VERSION } from './migrations.js';
