// Verify (cryptcheck): compares an encrypt task's plain folder with its encrypted catalog and
// shows what matches, what differs and what is missing on either side.
import { useEffect, useState } from 'react';
import { errorText, post } from '../api';

type VerifyResult = Record<string, unknown>;

function asList(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x && 'path' in x ? String((x as { path: unknown }).path) : JSON.stringify(x)));
}

export function VerifyView({ encryptTasks }: { encryptTasks: string[] }) {
  const [task, setTask] = useState(encryptTasks[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!task && encryptTasks[0]) setTask(encryptTasks[0]);
  }, [encryptTasks, task]);

  async function go() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await post<VerifyResult>('/api/verify', { task }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const entries = result ? Object.entries(result) : [];
  const numbers = entries.filter(([, v]) => typeof v === 'number');
  const lists = entries.filter(([, v]) => Array.isArray(v));
  const problems = lists.filter(([k]) => k !== 'matching' && k !== 'matched').reduce((a, [, v]) => a + (v as unknown[]).length, 0);

  return (
    <div className="pane full">
      <div className="toolbar">
        <label>
          Encrypt task{' '}
          <select value={task} onChange={(e) => setTask(e.target.value)} aria-label="encrypt task">
            {encryptTasks.length === 0 && <option value="">(no encrypt task)</option>}
            {encryptTasks.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <button className="primary" onClick={go} disabled={!task || busy}>
          {busy ? 'Verifying…' : 'Verify'}
        </button>
        <span className="muted">like rclone cryptcheck: checks every plain file against its encrypted copy</span>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className="verify-result" data-testid="verify-result" data-problems={problems}>
          <div className={problems === 0 ? 'verdict ok' : 'verdict bad'}>{problems === 0 ? '✔ The catalog matches the plain folder' : `✖ ${problems} difference${problems === 1 ? '' : 's'} found`}</div>
          <div className="cards">
            {lists.map(([k, v]) => (
              <div className="card" key={k} data-key={k}>
                <div className="card-num">{(v as unknown[]).length}</div>
                <div className="card-label">{k}</div>
              </div>
            ))}
            {numbers.map(([k, v]) => (
              <div className="card" key={k} data-key={k}>
                <div className="card-num">{String(v)}</div>
                <div className="card-label">{k}</div>
              </div>
            ))}
          </div>
          {lists
            .filter(([k, v]) => k !== 'matching' && k !== 'matched' && (v as unknown[]).length > 0)
            .map(([k, v]) => (
              <section key={k}>
                <h3>{k}</h3>
                <ul className="paths">
                  {(asList(v) ?? []).slice(0, 500).map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </section>
            ))}
        </div>
      )}
    </div>
  );
}
