// A restore or verify straight from a server, written to the run log as a run of its own kind
// (server-restore, server-verify) with one step per phase (fetch, restore, verify): the `log`
// command and the web UI's logs show it next to task runs, while "days since the last backup"
// ignores it. The outcome decides the status; a thrown error ends the run failed (aborted on
// cancel, exit 12 for a wrong password) and is rethrown for the front end to report.
import type { RunLog } from '../store/index.js';
import { EXIT, EXIT_FOR_STATUS, type RunKind, type RunStatus, type ServerStepKind } from '../util/vocabulary.js';
import { CryptsyncError } from '../util/errors.js';

export interface ServerRunMeta {
  log: RunLog;
  profile: string;
  kind: Exclude<RunKind, 'task'>;
  /** the task's name, else the server location */
  label: string;
  dryRun: boolean;
}

export interface StepTally {
  files?: number;
  filesNew?: number;
  filesChanged?: number;
  filesDeleted?: number;
  bytes?: number;
  message?: string;
  outputTail?: string;
  command?: string;
  /** counted problems (files that failed): the step ends partial */
  problems?: number;
}

export interface LoggedServerRun {
  runId: number;
  /** runs one phase as a logged step; its tally is what `fn` returns */
  step<T>(kind: ServerStepKind, fn: () => Promise<{ value: T; tally: StepTally }>): Promise<T>;
}

function failure(e: unknown): { status: RunStatus; exitCode: number; code: string | null } {
  const code = e instanceof CryptsyncError ? e.code : null;
  if (e instanceof CryptsyncError && e.kind === 'cancelled') return { status: 'aborted', exitCode: EXIT.CANCELLED, code };
  if (code === 'WRONG_PASSWORD') return { status: 'failed', exitCode: EXIT.WRONG_PASSWORD, code };
  return { status: 'failed', exitCode: EXIT.FATAL, code };
}

/** Runs `body` as one logged run; `statusOf` judges its result (ok, or partial with problems). */
export async function loggedServerRun<T>(m: ServerRunMeta, body: (run: LoggedServerRun) => Promise<T>, statusOf: (value: T) => RunStatus): Promise<T & { runId: number }> {
  const runId = m.log.startRun({ kind: m.kind, task: m.label, profile: m.profile, dryRun: m.dryRun, combined: false });
  const run: LoggedServerRun = {
    runId,
    async step(kind, fn) {
      const stepId = m.log.startStep(runId, { kind });
      try {
        const { value, tally } = await fn();
        const { problems, ...rest } = tally;
        m.log.finishStep(stepId, { ...rest, status: problems ? 'partial' : 'ok', exitCode: problems ? EXIT.PARTIAL : EXIT.OK });
        return value;
      } catch (e) {
        const f = failure(e);
        m.log.finishStep(stepId, { status: f.status, exitCode: f.exitCode, message: e instanceof Error ? e.message : String(e), errorCode: f.code });
        throw e;
      }
    },
  };
  try {
    const value = await body(run);
    const status = statusOf(value);
    m.log.finishRun(runId, { status, exitCode: EXIT_FOR_STATUS[status] });
    return { ...value, runId };
  } catch (e) {
    const f = failure(e);
    m.log.finishRun(runId, { status: f.status, exitCode: f.exitCode });
    throw e;
  }
}
