// The run log: runs newest first, filtered by task and status; a selected run shows each step
// with its counts, command and output tail.
import { useEffect, useState } from 'react';
import { errorText, get, q } from '../api';
import { bytes, duration, when } from '../format';
import type { RunRecord, TaskView } from '../types';

const STATUSES = ['ok', 'partial', 'failed', 'aborted', 'running'];

export function LogsView({ tasks, version, focusRun }: { tasks: TaskView[]; version: number; focusRun?: number | null }) {
  const [task, setTask] = useState('');
  const [status, setStatus] = useState('');
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<number | null>(focusRun ?? null);
  useEffect(() => {
    if (focusRun === null || focusRun === undefined) return;
    setOpenId(focusRun);
    setTask('');
    setStatus('');
  }, [focusRun]);

  useEffect(() => {
    let gone = false;
    get<RunRecord[]>(`/api/runs${q({ task, status, limit: '300' })}`).then(
      (r) => {
        if (gone) return;
        setRuns(r);
        setError(null);
      },
      (e) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [task, status, version]);

  const open = runs?.find((r) => r.id === openId) ?? runs?.[0];

  return (
    <div className="split">
      <div className="pane list-pane">
        <div className="toolbar">
          <label>
            Task{' '}
            <select value={task} onChange={(e) => setTask(e.target.value)} aria-label="filter by task">
              <option value="">all</option>
              {tasks.map((t) => (
                <option key={t.name}>{t.name}</option>
              ))}
            </select>
          </label>
          <label>
            Status{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="filter by status">
              <option value="">all</option>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <span className="muted">{runs ? `${runs.length} runs` : ''}</span>
        </div>
        {error && <p className="form-error">{error}</p>}
        <div className="table-wrap">
          <table className="grid" aria-label="runs">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Task</th>
                <th>Started</th>
                <th>Kind</th>
                <th className="secondary">Steps</th>
                <th>Status</th>
                <th className="num secondary">Duration</th>
              </tr>
            </thead>
            <tbody>
              {(runs ?? []).map((r) => (
                <tr key={r.id} className={open?.id === r.id ? 'selected' : ''} onClick={() => setOpenId(r.id)} data-run={r.id}>
                  <td className="num">{r.id}</td>
                  <td className="name">
                    {r.task} {r.combined && <span className="badge badge-combined small">combined</span>}
                  </td>
                  <td>{when(r.startedAt)}</td>
                  <td>{r.dryRun ? 'estimate' : 'run'}</td>
                  <td className="secondary">{r.steps.map((s) => s.kind).join(' → ')}</td>
                  <td>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </td>
                  <td className="num secondary">{duration(r.durationMs)}</td>
                </tr>
              ))}
              {runs?.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No runs{task || status ? ' match the filter' : ' yet'}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
      <div className="pane detail-pane" data-testid="run-detail">
        {open ? (
          <>
            <h2>
              Run #{open.id}: {open.task} <span className={`status status-${open.status}`}>{open.status}</span>
            </h2>
            <p className="muted">
              {open.dryRun ? 'estimate (dry run)' : 'run'} · started {when(open.startedAt)} · {duration(open.durationMs)} · exit code {open.exitCode ?? '–'}
            </p>
            {open.steps.map((s) => (
              <section key={s.id} className="log-step" data-step={s.kind}>
                <h3>
                  <span className={`badge badge-${s.kind}`}>{s.kind}</span> <span className={`status status-${s.status}`}>{s.status}</span>{' '}
                  <span className="muted">
                    exit {s.exitCode ?? '–'} · {duration(s.durationMs)}
                  </span>
                </h3>
                <p className="step-counts">
                  {s.filesNew} new · {s.filesChanged} changed · {s.filesDeleted} deleted · {s.files} files · {bytes(s.bytes)}
                </p>
                {s.message && <p className={s.status === 'ok' ? 'step-note' : 'step-message'}>{s.message}</p>}
                {s.command && <pre className="cmd">{s.command}</pre>}
                {s.outputTail ? (
                  <details open={s.status !== 'ok'}>
                    <summary>Output tail</summary>
                    <pre className="tail">{s.outputTail}</pre>
                  </details>
                ) : null}
              </section>
            ))}
          </>
        ) : (
          <p className="muted">Select a run.</p>
        )}
      </div>
    </div>
  );
}
