// Restore: browse an encrypted catalog by decrypted names (folders expand on demand), pick files
// and folders, dry run or restore into a chosen folder (a fresh temporary folder by default),
// with live progress and the result summary. "Restore from" switches to a push task's server
// copy (server-restore.tsx), which reuses the folder tree below.
import { ErrorAlert } from './form-bits';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, errorText, get, post, q } from '../api';
import { bytes, duration, eta, pct, rate, when } from '../format';
import type { BrowseEntry, EngineEvent } from '../types';
import { SourcePicker } from './source-picker';
import { FromPicker, ServerRestore, type ServerCopyTask } from './server-restore';

interface Summary {
  filesScanned: number;
  newFiles: number;
  changedFiles: number;
  unchanged: number;
  newDirs: number;
  bytes: number;
  errors: number;
  warnings: number;
  durationMs: number;
}
interface Result {
  restoreId: number;
  target: string;
  summary: Summary;
}

/** The picked set with `p` added or removed. */
export function toggled(s: Set<string>, p: string): Set<string> {
  const n = new Set(s);
  if (n.has(p)) n.delete(p);
  else n.add(p);
  return n;
}

/** The page's own id for one restore, echoed in its progress events. */
export const newRef = (): string => Math.random().toString(36).slice(2);

/** The encrypted name of the entry itself (the API gives the whole encrypted path). */
function lastSegment(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

/** One folder of a listing by decrypted names; `base` is the browse URL without the path (it has a query already). */
export function Folder({
  base,
  path,
  picked,
  toggle,
  depth,
  emptyText = 'The catalog is empty (run the encrypt task first).',
  filter = '',
}: {
  base: string;
  path: string;
  picked: Set<string>;
  toggle(p: string): void;
  depth: number;
  emptyText?: string;
  filter?: string;
}) {
  const [entries, setEntries] = useState<BrowseEntry[] | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let gone = false;
    setEntries(null);
    get<BrowseEntry[]>(path ? `${base}&path=${encodeURIComponent(path)}` : base).then(
      (e) => !gone && setEntries(e),
      (e) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [base, path]);
  if (error) return <div className="form-error">{error}</div>;
  if (!entries) return <div className="muted tree-row" style={{ paddingLeft: depth * 18 + 24 }}>loading…</div>;
  if (entries.length === 0 && depth === 0) return <div className="muted pad">{emptyText}</div>;
  const needle = filter.trim().toLowerCase();
  return (
    <>
      {entries
        .filter((e) => needle === '' || e.type === 'dir' || e.name.toLowerCase().includes(needle))
        .map((e) => (
        <div key={e.path}>
          <div className={picked.has(e.path) ? 'tree-row picked' : 'tree-row'} style={{ paddingLeft: depth * 18 + 4 }} data-path={e.path}>
            {e.type === 'dir' ? (
              <button
                className="twisty"
                aria-label={`${open.has(e.path) ? 'collapse' : 'expand'} folder ${e.name}`}
                aria-expanded={open.has(e.path)}
                onClick={() =>
                  setOpen((o) => {
                    const n = new Set(o);
                    if (n.has(e.path)) n.delete(e.path);
                    else n.add(e.path);
                    return n;
                  })
                }
              >
                {open.has(e.path) ? '▾' : '▸'}
              </button>
            ) : (
              <span className="twisty" />
            )}
            <label>
              <input type="checkbox" checked={picked.has(e.path)} onChange={() => toggle(e.path)} aria-label={`pick ${e.path}`} />{' '}
              <span className={e.type === 'dir' ? 'icon-dir dir-name' : 'icon-file file-name'}>
                {e.name}
              </span>
            </label>
            <span className="grow" />
            <span className="muted enc" title={`encrypted: ${e.encrypted}`}>
              {lastSegment(e.encrypted)}
            </span>
            <span className="num size">{e.type === 'file' ? bytes(e.size) : ''}</span>
            <span className="muted when">{e.mtimeMs ? when(new Date(e.mtimeMs).toISOString()) : ''}</span>
          </div>
          {e.type === 'dir' && open.has(e.path) && <Folder base={base} path={e.path} picked={picked} toggle={toggle} depth={depth + 1} emptyText={emptyText} filter={filter} />}
        </div>
      ))}
    </>
  );
}

/** Restore from: the local catalog, or the server copy of a push task (server-restore.tsx). */
export function RestoreView({ sources, events }: { sources: string[]; events: EngineEvent[] }) {
  const [from, setFrom] = useState('');
  const [copies, setCopies] = useState<ServerCopyTask[]>([]);
  useEffect(() => {
    get<ServerCopyTask[]>('/api/server-copies').then(setCopies, () => setCopies([]));
  }, []);
  const server = copies.find((c) => c.name === from);
  const picker = <FromPicker copies={copies} value={server ? from : ''} onChange={setFrom} />;
  return server ? <ServerRestore key={server.name} task={server} events={events} fromPicker={picker} /> : <CatalogRestore sources={sources} events={events} fromPicker={picker} />;
}

function CatalogRestore({ sources, events, fromPicker }: { sources: string[]; events: EngineEvent[]; fromPicker: ReactNode }) {
  const [source, setSource] = useState(sources[0] ?? '');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [confirmTarget, setConfirmTarget] = useState('');
  const [busy, setBusy] = useState<null | 'dry' | 'real'>(null);
  const [result, setResult] = useState<(Result & { dryRun: boolean }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ref, setRef] = useState<string | null>(null);

  useEffect(() => {
    if (!source && sources[0]) setSource(sources[0]);
  }, [sources, source]);

  const toggle = (p: string) => setPicked((s) => toggled(s, p));

  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
  async function go(dryRun: boolean) {
    setBusy(dryRun ? 'dry' : 'real');
    setError(null);
    setResult(null);
    const myRef = newRef();
    setRef(myRef);
    try {
      const t = target.trim();
      const r = await post<Result>('/api/restore', {
        source,
        paths: [...picked],
        ...(t ? { target: t } : {}),
        dryRun,
        overwrite,
        ...(overwrite && t ? { confirmTarget: confirmTarget.trim() } : {}),
        ref: myRef,
      });
      setResult({ ...r, dryRun });
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CANCELLED' ? 'Restore aborted. The files finished before the abort are in the target; none is left half-written under its name.' : errorText(e));
    } finally {
      setBusy(null);
    }
  }

  const mine = events.filter((e) => e.type === 'restore-event' && e.ref === ref) as Array<{ event: Record<string, unknown> }>;
  const last = mine[mine.length - 1]?.event;
  const started = events.find((e) => e.type === 'restore-start' && e.ref === ref) as { restoreId: number } | undefined;
  const abort = () => {
    if (started) void post(`/api/restore/${started.restoreId}/abort`).catch((e: unknown) => setError(errorText(e)));
  };

  return (
    <div className="split">
      <div className="pane list-pane">
        <div className="toolbar">
          {fromPicker}
          <SourcePicker
            sources={sources}
            value={source}
            onChange={(s) => {
              setSource(s);
              setPicked(new Set());
            }}
          />
          <span className="muted">{picked.size ? `${picked.size} picked` : 'nothing picked = everything'}</span>
          {picked.size > 0 && (
            <button className="link" onClick={() => setPicked(new Set())}>
              clear
            </button>
          )}
        </div>
        <div className="tree" data-testid="restore-tree">
          {source ? <Folder key={source} base={`/api/browse${q({ source })}`} path="" picked={picked} toggle={toggle} depth={0} /> : <p className="muted pad">Add an encrypt task or a crypt remote first.</p>}
        </div>
      </div>
      <div className="pane detail-pane">
        <h2>Restore</h2>
        <div className="form">
          <label className="field">
            <span className="label">Restore into</span>
            <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder="a fresh temporary folder (default)" aria-label="restore target" />
            <span className="hint">
              Leave empty to restore into a new temporary folder, so nothing existing is touched. Otherwise give an absolute path outside every encrypted catalog and every folder a task pushes.
            </span>
          </label>
          <label className="check">
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> overwrite files that exist in the target
          </label>
          {overwrite && target.trim() !== '' && (
            <label className="field">
              <span className="label">Type the target path again to confirm the overwrite</span>
              <input value={confirmTarget} onChange={(e) => setConfirmTarget(e.target.value)} aria-label="confirm restore target" autoComplete="off" spellCheck={false} />
              <span className="hint">Files in {target.trim()} with the same names are replaced.</span>
            </label>
          )}
          <footer className="left">
            <button onClick={() => void go(true)} disabled={!source || busy !== null}>
              {busy === 'dry' ? 'Checking…' : 'Dry run'}
            </button>
            <button className="primary" onClick={() => void go(false)} disabled={!source || busy !== null || (overwrite && target.trim() !== '' && confirmTarget.trim() !== target.trim())}>
              {busy === 'real' ? 'Restoring…' : 'Restore'}
            </button>
          </footer>
        </div>
        {busy && (
          <div className="progress-block" data-testid="restore-progress">
            <div className="bar" role="progressbar" aria-label="restore progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={last?.type === 'progress' ? pct(Number(last.bytes), Number(last.bytesTotal)) : 0}>
              <div className="fill running" style={{ width: `${last?.type === 'progress' ? pct(Number(last.bytes), Number(last.bytesTotal)) : 0}%` }} />
            </div>
            {last?.type === 'progress' ? (
            <div className="progress-text">
              {String(last.files)} / {String(last.filesTotal)} files · {bytes(Number(last.bytes))} / {bytes(Number(last.bytesTotal))} · {rate(Number(last.rateBps))} · ETA{' '}
              {eta(last.etaSec === null ? null : Number(last.etaSec))}
            </div>
            ) : (
              <div className="progress-text">starting…</div>
            )}
            <button type="button" className="danger" onClick={abort} disabled={!started} data-testid="restore-abort">
              Abort restore
            </button>
          </div>
        )}
        <ErrorAlert text={error} />
        {result && (
          <div className="result" data-testid="restore-result">
            <h3>{result.dryRun ? 'Dry run: nothing was written' : 'Restored'}</h3>
            <p>
              Target: <code data-testid="restore-target">{result.target}</code>
            </p>
            <table className="kv">
              <tbody>
                <tr>
                  <th>files {result.dryRun ? 'to restore' : 'restored'}</th>
                  <td data-testid="restore-files">{result.summary.newFiles + result.summary.changedFiles}</td>
                </tr>
                <tr>
                  <th>already there, unchanged</th>
                  <td>{result.summary.unchanged}</td>
                </tr>
                <tr>
                  <th>folders created</th>
                  <td>{result.summary.newDirs}</td>
                </tr>
                <tr>
                  <th>bytes</th>
                  <td>{bytes(result.summary.bytes)}</td>
                </tr>
                <tr>
                  <th>errors / warnings</th>
                  <td className={result.summary.errors ? 'overdue' : ''}>
                    {result.summary.errors} / {result.summary.warnings}
                  </td>
                </tr>
                <tr>
                  <th>time</th>
                  <td>{duration(result.summary.durationMs)}</td>
                </tr>
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
