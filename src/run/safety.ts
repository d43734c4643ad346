// "Is my data safe?" for one task, judged from the run log: the last good backup (the last real
// run whose steps all succeeded, not the last attempt), the last attempt and its result, the
// next scheduled run, and overdue (no good backup for more than thresholdDays). Pure.
// An encrypt task also runs as the first step of the combined tasks connected to it: its own
// step's result there counts for it (ok even when that combined run then failed at the push).
import type { RunRecord } from '../store/records.js';
import type { LoggedStepKind, RunStatus, RunTrigger } from '../util/vocabulary.js';
import { daysSince } from '../store/days-since.js';

/** green, amber, red */
export type SafetyLevel = 'ok' | 'warning' | 'overdue';

export interface TaskSafety {
  level: SafetyLevel;
  lastGoodAt: string | null;
  daysSinceGood: number | null;
  lastAttemptAt: string | null;
  lastResult: RunStatus | null;
  lastStartedBy: RunTrigger | null;
  /** the step of the last attempt that did not succeed, and the first line of its error */
  failedStep: { step: LoggedStepKind; message: string } | null;
  thresholdDays: number;
  /** past thresholdDays since the last good backup */
  overdue: boolean;
  /** no good backup at all (yet) */
  neverGood: boolean;
  scheduled: boolean;
  nextRunAt: string | null;
  /** the scheduler of this process will try a failed run again then */
  retryAt: string | null;
}

export interface Attempt {
  at: string;
  status: RunStatus;
  startedBy: RunTrigger | null;
  failedStep: { step: LoggedStepKind; message: string } | null;
}

/** The first step of a run that did not succeed, with the first line of what it said. */
export function failedStepOf(r: RunRecord, only?: LoggedStepKind): Attempt['failedStep'] {
  const s = r.steps.find((x) => x.status !== 'ok' && x.status !== 'running' && (only === undefined || x.kind === only));
  if (!s) return null;
  const line = (s.message ?? '').split('\n').find((l) => l.trim() !== '') ?? `${s.status}${s.exitCode !== null ? ` (exit code ${s.exitCode})` : ''}`;
  return { step: s.kind, message: line.trim() };
}

export function judgeSafety(i: {
  attempt: Attempt | null;
  lastGoodAt: string | null;
  thresholdDays: number;
  scheduled: boolean;
  nextRunAt: string | null;
  retryAt?: string | null;
  now?: Date;
}): TaskSafety {
  const days = i.lastGoodAt ? daysSince(i.lastGoodAt, i.now) : null;
  const overdue = days !== null && days > i.thresholdDays;
  const result = i.attempt?.status ?? null;
  const failed = result !== null && result !== 'ok' && result !== 'running';
  const level: SafetyLevel = overdue ? 'overdue' : failed || i.lastGoodAt === null ? 'warning' : 'ok';
  return {
    level,
    lastGoodAt: i.lastGoodAt,
    daysSinceGood: days,
    lastAttemptAt: i.attempt?.at ?? null,
    lastResult: result,
    lastStartedBy: i.attempt?.startedBy ?? null,
    failedStep: failed ? (i.attempt?.failedStep ?? null) : null,
    thresholdDays: i.thresholdDays,
    overdue,
    neverGood: i.lastGoodAt === null,
    scheduled: i.scheduled,
    nextRunAt: i.nextRunAt,
    retryAt: i.retryAt ?? null,
  };
}
