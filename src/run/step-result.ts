// What one step of a run produced: the record the run log stores and the events report.
import type { RunStatus } from '../store/index.js';
import type { StepCounts, StepKind, EngineEvent } from './events.js';
import { CancelledError, CryptsyncError, describeError } from '../util/errors.js';

/** The guards `--force` (and the web UI's "run anyway") lift; every other refusal stands. */
export const FORCIBLE_GUARDS: readonly string[] = ['EMPTY_SOURCE', 'MASS_DELETE', 'ENCRYPT_UNFINISHED'];

export function isForcibleGuard(code: string | null | undefined): boolean {
  return code != null && FORCIBLE_GUARDS.includes(code);
}

export interface StepResult {
  status: RunStatus;
  exitCode: number | null;
  counts: StepCounts;
  message?: string;
  /** stable code of the error that ended the step, if any (WRONG_PASSWORD, EMPTY_SOURCE, ...) */
  errorCode?: string;
  tail: string;
  /** an encrypt step's catalog as it left it: the rsync step after it pushes only if `foreign` is empty */
  catalog?: { root: string; foreign: string[] };
}

export interface StepContext {
  runId: number;
  step: StepKind;
  dryRun: boolean;
  /** the user overrode the overridable guards (empty source, mass deletion, unfinished encrypt) */
  force: boolean;
  home: string;
  profile: string;
  /** the step before this one in the same run, when it succeeded (a combined run's encrypt step) */
  previous?: StepResult;
  /** a standalone push of an encrypt task's catalog: the catalog's non-encrypted entries */
  catalog?: { root: string; foreign: string[] };
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
