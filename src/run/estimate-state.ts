// Whether a task's newest estimate still holds. An estimate is a dry run; it stops describing the
// next run when something it depended on happened after it: a real run of the task itself (then
// there is no estimate any more), a real run of a task that writes the catalog it reads (the
// connected encrypt task, or another combined task on the same catalog), or an edit of its
// settings. A failed estimate is an estimate too: it is shown with its first error line, never
// as "no changes". Pure functions over run records; the engine supplies the facts.
import type { RunRecord, StepRecord } from '../store/index.js';
import type { Task } from '../tasks/index.js';
import { STEP_KINDS } from '../util/vocabulary.js';
import type { Estimate, StepCounts, StepKind } from './events.js';

/** a step of a driver, not a pre/post command */
export function isMainStep(s: { kind: string }): boolean {
  return (STEP_KINDS as readonly string[]).includes(s.kind);
}

/** the first line that says what went wrong in a step that did not end ok */
function firstErrorLine(s: StepRecord): string {
  const text = s.message ?? s.outputTail.split('\n').find((l) => /error|failed|refused|denied/i.test(l)) ?? s.errorCode ?? `${s.kind} step ${s.status}`;
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

export function estimateFromRun(r: RunRecord): Estimate {
  const steps = r.steps.filter(isMainStep).map((s) => {
    const counts: StepCounts = { newFiles: s.filesNew, changedFiles: s.filesChanged, deletedFiles: s.filesDeleted, files: s.files, bytes: s.bytes };
    return { step: s.kind as StepKind, counts, ...(s.message && s.status === 'ok' ? { note: s.message } : {}) };
  });
  const est: Estimate = {
    at: r.startedAt,
    steps,
    hasChanges: steps.some((s) => s.counts.newFiles + s.counts.changedFiles + s.counts.deletedFiles > 0),
  };
  if (r.status !== 'ok') {
    const bad = r.steps.find((s) => s.status !== 'ok');
    est.error = bad ? firstErrorLine(bad) : `the estimate ended ${r.status}`;
    est.hasChanges = false;
  }
  return est;
}

/**
 * The tasks whose real runs change what `t` would do: an encrypt task's catalog is also written
 * by every combined task connected to it; a combined task reads the catalog of its encrypt task,
 * which that task and its other combined tasks write.
 */
export function catalogWritersFor(t: Task, all: readonly Task[]): string[] {
  const catalog = t.type === 'encrypt' ? t.name : t.connectedTo;
  if (!catalog) return [];
  const writers = [catalog, ...all.filter((x) => x.type !== 'encrypt' && x.connectedTo === catalog).map((x) => x.name)];
  return writers.filter((n) => n !== t.name);
}

export interface StaleFacts {
  /** newest real run (any status) of each task, by name */
  lastRealRunAt: (task: string) => string | undefined;
  /** when this server process saw the task's settings (or its encrypt task's) change, if it did */
  editedAt?: string | undefined;
}

/** why `est` of task `t` may be out of date, or undefined while it still holds */
export function staleReason(est: Estimate, t: Task, all: readonly Task[], f: StaleFacts): string | undefined {
  if (f.editedAt && f.editedAt > est.at) return 'the task settings changed after this estimate';
  for (const w of catalogWritersFor(t, all)) {
    const at = f.lastRealRunAt(w);
    if (at && at > est.at) return `${w} ran after this estimate and changed the encrypted catalog`;
  }
  return undefined;
}

/** "Run all with changes" runs a task whose estimate found changes, or whose estimate is stale (it may have some now) */
export function mayHaveChanges(est: Estimate | null): boolean {
  if (!est || est.error !== undefined) return false;
  return est.hasChanges || est.stale !== undefined;
}
