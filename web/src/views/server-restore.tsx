// Restore from a push task's server copy: for a snapshot task a snapshot picked from the server's
// own list (newest first, "latest" by default); browse by decrypted names, filter by name, pick,
// dry run (the file list), restore into a fresh folder by default, progress with phase and ETA,
// Abort, and the result summary. Only ciphertext of what was picked is fetched (by the engine).
import { ErrorAlert } from './form-bits';
import { useEffect, useState, type ReactNode } from 'react';
import { errorText, get, post, q } from '../api';
import { bytes, duration, eta, pct, when } from '../format';
import type { EngineEvent } from '../types';
import type { ServerCopyTask, ServerDryRunFile, ServerSnapshotView } from '../../../src/server/api-types';
import { Folder, newRef, toggled } from './restore-view';

export type { ServerCopyTask };

interface ServerResult {
  restoreId: number;
  runId: number;
  target: string;
  snapshot?: string;
  summary: { newFiles: number; changedFiles: number; bytes: number; errors: number; warnings: number; durationMs: number };
  picked: { files: number; bytes: number };
  files?: ServerDryRunFile[];
}

/** "Restore from": the local catalog, or "server — TASK" for each push task. */
export function FromPicker({ copies, value, onChange }: { copies: ServerCopyTask[]; value: string; onChange(v: string): void }) {
  return (
    <label>
      Restore from{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="restore from">
        <option value="">local catalog</option>
        {copies.map((c) => (
          <option key={c.name} value={c.name}>
            server — {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ServerRestore({ task, events, fromPicker }: { task: ServerCopyTask; events: EngineEvent[]; fromPicker: ReactNode }) {
  const [snapshots, setSnapshots] = useState<ServerSnapshotView[] | null>(task.type === 'snapshot' ? null : []);
  const [snapshot, setSnapshot] = useState('');
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState<null | 'dry' | 'real'>(null);
  const [ref, setRef] = useState<string | null>(null);
  const [result, setResult] = useState<(ServerResult & { dryRun: boolean }) | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (task.type !== 'snapshot') return;
    get<ServerSnapshotView[]>(`/api/server-copies/snapshots${q({ task: task.name })}`).then(setSnapshots, (e) => setError(errorText(e)));
  }, [task]);

  const toggle = (p: string) => setPicked((s) => toggled(s, p));

  async function go(dryRun: boolean) {
    setBusy(dryRun ? 'dry' : 'real');
    setError(null);
    setResult(null);
    const myRef = newRef();
    setRef(myRef);
    try {
      const t = target.trim();
      const r = await post<ServerResult>('/api/server-copies/restore', {
        task: task.name,
        ...(snapshot ? { snapshot } : {}),
        paths: [...picked],
        ...(t ? { target: t } : {}),
        dryRun,
        ref: myRef,
      });
      setResult({ ...r, dryRun });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  const mine = events.filter((e) => e.type.startsWith('restore-') && (e as { ref?: string }).ref === ref);
  const restoreId = (mine.find((e) => e.type === 'restore-start') as { restoreId?: number } | undefined)?.restoreId;
  const inner = mine.filter((e) => e.type === 'restore-event').map((e) => (e as { event: Record<string, unknown> }).event);
  const last = [...inner].reverse().find((e) => e.type === 'progress');
  const phase = [...inner].reverse().find((e) => e.type === 'phase')?.phase;
  const base = `/api/server-copies/browse${q({ task: task.name, snapshot })}`;

  return (
    <div className="split">
      <div className="pane list-pane">
        <div className="toolbar">
          {fromPicker}
          {task.type === 'snapshot' && (
            <label>
              Snapshot{' '}
              <select
                value={snapshot}
                onChange={(e) => {
                  setSnapshot(e.target.value);
                  setPicked(new Set());
                }}
                aria-label="snapshot"
              >
                <option value="">latest{snapshots?.[0] ? ` (${snapshots[0].name})` : ''}</option>
                {(snapshots ?? []).map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.time ? `${when(s.time)} — ${s.name}` : s.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="search by name" aria-label="search by name" />
          <span className="muted">{picked.size ? `${picked.size} picked` : 'nothing picked = everything'}</span>
        </div>
        <div className="tree" data-testid="restore-tree">
          {task.type === 'snapshot' && snapshots === null ? (
            <p className="muted pad">listing the snapshots on the server…</p>
          ) : task.type === 'snapshot' && snapshots?.length === 0 ? (
            <p className="muted pad">The server has no snapshot of {task.name} yet.</p>
          ) : (
            <Folder key={base} base={base} path="" picked={picked} toggle={toggle} depth={0} emptyText="The server copy is empty." filter={filter} />
          )}
        </div>
      </div>
      <div className="pane detail-pane">
        <h2>Restore from the server</h2>
        <div className="form">
          <label className="field">
            <span className="label">Restore into</span>
            <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="a fresh temporary folder (default)" aria-label="restore target" />
            <span className="hint">Leave empty for a new temporary folder. A folder you give must be empty, absolute, and outside every catalog and pushed folder.</span>
          </label>
          <footer className="left">
            <button onClick={() => void go(true)} disabled={busy !== null}>
              {busy === 'dry' ? 'Listing…' : 'Dry run'}
            </button>
            <button className="primary" onClick={() => void go(false)} disabled={busy !== null}>
              {busy === 'real' ? 'Restoring…' : 'Restore'}
            </button>
            {busy && restoreId !== undefined && (
              <button onClick={() => void post(`/api/server-copies/restore/${restoreId}/abort`).catch((e: unknown) => setError(errorText(e)))}>Abort</button>
            )}
          </footer>
        </div>
        {busy && (
          <div className="progress-block" data-testid="restore-progress">
            <div className="progress-text">phase: {String(phase ?? 'starting')}</div>
            {last && (
              <>
                <div className="bar">
                  <div className="fill running" style={{ width: `${pct(Number(last.bytes), Number(last.bytesTotal))}%` }} />
                </div>
                <div className="progress-text">
                  {String(last.files)} / {String(last.filesTotal)} files · {bytes(Number(last.bytes))} / {bytes(Number(last.bytesTotal))} · ETA {eta(last.etaSec == null ? null : Number(last.etaSec))}
                </div>
              </>
            )}
          </div>
        )}
        <ErrorAlert text={error} />
        {result && (
          <div className="result" data-testid="restore-result">
            <h3>{result.dryRun ? 'Dry run: nothing fetched, nothing written' : 'Restored'}</h3>
            <p>
              {result.snapshot ? `Snapshot ${result.snapshot}. ` : ''}
              {result.dryRun ? '' : <>Target: <code data-testid="restore-target">{result.target}</code> (run {result.runId})</>}
            </p>
            {result.files && (
              <table className="kv" data-testid="dry-run-files">
                <tbody>
                  {result.files.map((f) => (
                    <tr key={f.path}>
                      <th>{f.path}</th>
                      <td>{bytes(f.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p data-testid="restore-files">
              {result.dryRun ? result.picked.files : result.summary.newFiles + result.summary.changedFiles} files · {bytes(result.dryRun ? result.picked.bytes : result.summary.bytes)} · {result.summary.errors} errors ·{' '}
              {duration(result.summary.durationMs)}
            </p>
          </div>
        )}
      </div>
    </div>
  );
}
