// The run log turned into what the charts and the 30-day strip draw: real runs only (estimates
// change nothing), oldest first; per run its duration, the bytes its last step sent and the files
// each step changed (per step: the push counts the encrypt step's files again, so never summed).
import type { RunRecord, StepKind } from '../types';

const MAIN_STEPS: readonly string[] = ['encrypt', 'rsync', 'cloud', 'prune'];

export interface RunPoint {
  id: number;
  /** seconds since the epoch (uPlot's x unit) */
  t: number;
  status: RunRecord['status'];
  durationSec: number;
  /** bytes written by the last step: what went to the destination */
  bytesSent: number;
  /** files new + changed + deleted, by step */
  changed: Partial<Record<StepKind, number>>;
}

export function historyOf(runs: readonly RunRecord[]): RunPoint[] {
  return runs
    .filter((r) => !r.dryRun && r.status !== 'running')
    .map((r) => {
      const steps = r.steps.filter((s) => MAIN_STEPS.includes(s.kind));
      const changed: Partial<Record<StepKind, number>> = {};
      for (const s of steps) changed[s.kind as StepKind] = s.filesNew + s.filesChanged + s.filesDeleted;
      return { id: r.id, t: Date.parse(r.startedAt) / 1000, status: r.status, durationSec: (r.durationMs ?? 0) / 1000, bytesSent: steps[steps.length - 1]?.bytes ?? 0, changed };
    })
    .sort((a, b) => a.t - b.t);
}

export type DayLevel = 'ok' | 'warn' | 'bad' | 'none';
export interface Day {
  /** local date, YYYY-MM-DD */
  date: string;
  level: DayLevel;
  runs: RunRecord[];
  /** the run a click opens: the last failed one, else the last one */
  pick: RunRecord | undefined;
}

function localDate(d: Date): string {
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The last `days` days, oldest first: green when every real run of the day ended ok, red when the
 * day's last run of some task did not (still broken that evening), amber when something failed
 * but was run again successfully.
 */
export function daysOf(runs: readonly RunRecord[], now: Date, days = 30): Day[] {
  const real = runs.filter((r) => !r.dryRun && r.status !== 'running');
  const out: Day[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    const date = localDate(d);
    const mine = real.filter((r) => localDate(new Date(r.startedAt)) === date).sort((a, b) => a.id - b.id);
    const lastPerTask = new Map<string, RunRecord>();
    for (const r of mine) lastPerTask.set(r.task, r);
    const bad = mine.filter((r) => r.status !== 'ok');
    const level: DayLevel = mine.length === 0 ? 'none' : [...lastPerTask.values()].some((r) => r.status !== 'ok') ? 'bad' : bad.length > 0 ? 'warn' : 'ok';
    out.push({ date, level, runs: mine, pick: bad[bad.length - 1] ?? mine[mine.length - 1] });
  }
  return out;
}
