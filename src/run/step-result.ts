// What one step of a run produced: the record the run log stores and the events report.
import type { RunStatus } from '../store/index.js';
import type { StepCounts, StepKind, EngineEvent } from './events.js';
import { CancelledError, CryptsyncError, describeError } from '../util/errors.js';

export interface StepResult {
  status: RunStatus;
  exitCode: number | null;
  counts: StepCounts;
  message?: string;
  /** stable code of the error that ended the step, if any (WRONG_PASSWORD, EMPTY_SOURCE, ...) */
  errorCode?: string;
  tail: string;
}

export interface StepContext {
  runId: number;
  step: StepKind;
  dryRun: boolean;
  /** the user overrode the safety guards (empty source) for this run */
  force: boolean;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  emit: (e: EngineEvent) => void;
}

/** A thrown error as a failed (or aborted) step result. */
export function failedStep(e: unknown, counts: StepCounts, tail: string): StepResult {
  const aborted = e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
  return {
    status: aborted ? 'aborted' : 'failed',
    exitCode: null,
    counts,
    message: aborted ? 'aborted' : describeError(e),
    ...(e instanceof CryptsyncError ? { errorCode: e.code } : aborted ? { errorCode: 'CANCELLED' } : {}),
    tail,
  };
}
