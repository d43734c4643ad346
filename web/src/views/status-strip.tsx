// The profile's last 30 days as a strip of day cells (green: all runs ok; amber: something failed
// and was run again fine; red: a task's last run of the day failed; grey: no run). Hover names the
// day's runs; a click (or Enter) opens the day's worst run in Logs.
import { useEffect, useState } from 'react';
import { get } from '../api';
import type { RunRecord } from '../types';
import { daysOf, type Day } from './run-history';

const LEVEL_TEXT = { ok: 'all runs ok', warn: 'a run failed, then ran fine', bad: 'a task is left failed', none: 'no runs' } as const;

function dayTitle(d: Day): string {
  const runs = d.runs.slice(-6).map((r) => `#${r.id} ${r.task} ${r.status}`);
  return `${d.date}: ${LEVEL_TEXT[d.level]}${runs.length ? ` — ${runs.join(', ')}${d.runs.length > 6 ? ', …' : ''}` : ''}`;
}

export function StatusStrip({ version, onOpenRun }: { version: number; onOpenRun(id: number): void }) {
  const [runs, setRuns] = useState<RunRecord[]>([]);
  useEffect(() => {
    let gone = false;
    get<RunRecord[]>('/api/runs?limit=2000').then(
      (r) => !gone && setRuns(r),
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [version]);
  const days = daysOf(runs, new Date());
  return (
    <div className="strip" data-testid="status-strip">
      <span className="strip-label">last 30 days</span>
      <ol className="strip-days" aria-label="runs of the last 30 days">
        {days.map((d) => (
          <li key={d.date}>
            <button
              type="button"
              className={`day day-${d.level}`}
              data-date={d.date}
              data-level={d.level}
              title={dayTitle(d)}
              aria-label={dayTitle(d)}
              disabled={!d.pick}
              onClick={() => d.pick && onOpenRun(d.pick.id)}
            />
          </li>
        ))}
      </ol>
    </div>
  );
}
