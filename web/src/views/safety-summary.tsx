// "Is my data safe?" at the top of the tasks view: one card per task, green (a good backup
// within its threshold), amber (the last attempt failed, or no good backup yet), red (no good
// backup for more than thresholdDays), with "last good backup 3 h ago", the next run, and the
// failed step's first error line. Relative times are redrawn every few seconds.
import { useEffect, useState } from 'react';
import { relative } from '../format';
import type { TaskView } from '../types';

const REDRAW_MS = 5000;
const LEVEL_TEXT = { ok: 'safe', warning: 'attention', overdue: 'overdue' } as const;

export function nextRunText(t: TaskView, now: number): string {
  const s = t.safety;
  if (t.running !== null) return 'running now';
  if (s.retryAt) return `retry ${relative(s.retryAt, now)}`;
  if (s.nextRunAt) return `next run ${relative(s.nextRunAt, now)}`;
  return s.scheduled ? 'no next run' : 'not scheduled';
}

export function SafetySummary({ tasks, onSelect }: { tasks: TaskView[]; onSelect(name: string): void }) {
  const [, redraw] = useState(0);
  useEffect(() => {
    const id = setInterval(() => redraw((n) => n + 1), REDRAW_MS);
    return () => clearInterval(id);
  }, []);
  if (tasks.length === 0) return null;
  const now = Date.now();
  // a backup the server logged a moment ago is never "in 1 s" (clocks of page and server differ a little)
  const ago = (iso: string): string => (Date.parse(iso) > now ? 'just now' : relative(iso, now));
  return (
    <section className="safety" aria-label="is my data safe?">
      {tasks.map((t) => {
        const s = t.safety;
        return (
          <button key={t.name} className={`safety-card safety-${s.level}`} data-testid={`safety-${t.name}`} data-level={s.level} onClick={() => onSelect(t.name)}>
            <span className="safety-head">
              <b>{t.name}</b> <span className="safety-level">{LEVEL_TEXT[s.level]}</span>
            </span>
            <span data-testid="last-good">
              {s.lastGoodAt ? `last good backup ${ago(s.lastGoodAt)}` : 'no good backup yet'}
              {s.overdue ? ` (threshold ${s.thresholdDays} d)` : ''}
            </span>
            <span data-testid="next-run">{nextRunText(t, now)}</span>
            {s.failedStep && (
              <span className="safety-error" data-testid="failed-step" title={s.failedStep.message}>
                {s.failedStep.step}: {s.failedStep.message}
              </span>
            )}
          </button>
        );
      })}
    </section>
  );
}
