// What the task table says about a task's newest estimate: per step, never added across steps
// (the push of a combined task counts the encrypt step's writes again), with its age; a failed
// estimate in red with its first error line, a stale one (something it depends on changed since)
// in amber with the reason. Never a green "no changes" it cannot stand behind.
import type { Estimate, LiveRun, TaskView } from '../types';
import { relative, when } from '../format';

type StepEstimate = Estimate['steps'][number];

export function changesOf(s: StepEstimate): number {
  return s.counts.newFiles + s.counts.changedFiles + s.counts.deletedFiles;
}

/** "3 changes" for one step; "encrypt 8 · rsync 8 changes" for several */
export function changesText(e: Estimate): string {
  if (!e.hasChanges) return 'no changes';
  if (e.steps.length === 1 && e.steps[0]) {
    const n = changesOf(e.steps[0]);
    return `${n} change${n === 1 ? '' : 's'}`;
  }
  return `${e.steps.map((s) => `${s.step} ${changesOf(s)}`).join(' · ')} changes`;
}

export function estimateState(e: Estimate): 'failed' | 'stale' | 'fresh' {
  return e.error !== undefined ? 'failed' : e.stale !== undefined ? 'stale' : 'fresh';
}

export function EstimateCell({ t, run, now }: { t: TaskView; run?: LiveRun | undefined; now: number }) {
  if (run && run.status === 'running') {
    return <td className="est running">{run.dryRun ? 'estimating…' : 'running…'}</td>;
  }
  const e = t.estimate;
  if (!e) return <td className="est muted">–</td>;
  const state = estimateState(e);
  // never "in 0 s": the browser's clock may run a little behind the server's
  const age = relative(e.at, Math.max(now, Date.now(), Date.parse(e.at)));
  if (state === 'failed') {
    return (
      <td className="est est-failed" data-testid="estimated" data-state={state} title={`estimate of ${when(e.at)} failed: ${e.error ?? ''}`}>
        <span aria-hidden>✖</span> estimate failed: <span className="est-error">{e.error}</span>
      </td>
    );
  }
  return (
    <td className={`est est-${state}`} data-testid="estimated" data-state={state} title={`estimated ${when(e.at)}${e.stale ? `; stale: ${e.stale}` : ''}`}>
      <span className={state === 'stale' ? 'stale-mark' : 'estimated'} aria-hidden>
        ●
      </span>{' '}
      {changesText(e)} <span className="est-age">· {age}</span>
      {state === 'stale' && <span className="est-stale"> · stale, estimate again</span>}
    </td>
  );
}
