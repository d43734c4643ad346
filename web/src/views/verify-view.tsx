// Verify (cryptcheck): compares an encrypt task's plain folder with its encrypted catalog and
// shows what matches, what differs and what is missing on either side; then the catalog against
// its manifest (docs/manifest.md): the verdict and each finding by path.
import { ErrorAlert } from './form-bits';
import { useEffect, useState } from 'react';
import { errorText, post } from '../api';
import { duration } from '../format';

interface VerifyResult {
  matching: number;
  differing: string[];
  missingOnDest: string[];
  missingOnSource: string[];
  errors: number;
  durationMs: number;
  manifest?: ManifestCheck;
  /** the summary lines, the same the CLI prints */
  text?: string[];
}

interface ManifestCheck {
  verdict: 'clean' | 'changed-outside' | 'tampered' | 'none';
  findings: Array<{ kind: string; class: 'attack' | 'outside'; path: string; detail: string }>;
}

const LISTS: Array<[keyof VerifyResult, string, string]> = [
  ['differing', 'differing', 'content differs from its encrypted copy'],
  ['missingOnDest', 'missing in the catalog', 'in the plain folder, not (yet) encrypted'],
  ['missingOnSource', 'missing in the plain folder', 'in the catalog only (deleted since the last run?)'],
];

export function VerifyView({ encryptTasks }: { encryptTasks: string[] }) {
  const [task, setTask] = useState(encryptTasks[0] ?? '');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!task && encryptTasks[0]) setTask(encryptTasks[0]);
  }, [encryptTasks, task]);

  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
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

  const problems = result ? result.differing.length + result.missingOnDest.length + result.missingOnSource.length + result.errors : 0;
  const manifest = result?.manifest;
  // the manifest's headline is the last summary line that is not a finding
  const manifestLine = manifest ? result?.text?.find((l) => /^(no manifest|manifest generation|changed outside|TAMPERED)/.test(l)) : undefined;

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
        <button className="primary" onClick={() => void go()} disabled={!task || busy}>
          {busy ? 'Verifying…' : 'Verify'}
        </button>
        <span className="muted">like rclone cryptcheck: every plain file is checked against its encrypted copy</span>
      </div>
      <ErrorAlert text={error} />
      {result && (
        <div className="verify-result" data-testid="verify-result" data-problems={problems}>
          <div className={problems === 0 ? 'verdict ok' : 'verdict bad'}>
            {problems === 0 ? '✔ The catalog matches the plain folder' : `✖ ${problems} difference${problems === 1 ? '' : 's'} found`}
            <span className="muted small"> · checked in {duration(result.durationMs)}</span>
          </div>
          <div className="cards">
            <div className="card good" data-key="matching">
              <div className="card-num">{result.matching}</div>
              <div className="card-label">matching</div>
            </div>
            {LISTS.map(([k, label]) => (
              <div className={(result[k] as string[]).length ? 'card bad' : 'card'} key={k} data-key={k}>
                <div className="card-num">{(result[k] as string[]).length}</div>
                <div className="card-label">{label}</div>
              </div>
            ))}
            <div className={result.errors ? 'card bad' : 'card'} data-key="errors">
              <div className="card-num">{result.errors}</div>
              <div className="card-label">errors</div>
            </div>
          </div>
          {manifest && (
            <section data-testid="manifest-check" data-verdict={manifest.verdict}>
              <div className={manifest.verdict === 'tampered' ? 'verdict bad' : manifest.verdict === 'clean' ? 'verdict ok' : 'verdict'}>
                {manifest.verdict === 'tampered' ? '✖ ' : manifest.verdict === 'clean' ? '✔ ' : ''}
                {manifestLine ?? manifest.verdict}
              </div>
              {manifest.findings.length > 0 && (
                <ul className="paths">
                  {manifest.findings.slice(0, 1000).map((f) => (
                    <li key={`${f.kind} ${f.path}`}>
                      {f.class === 'attack' ? 'tampered' : 'changed'}: {f.kind}: {f.path} <span className="muted small">{f.detail}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {LISTS.filter(([k]) => (result[k] as string[]).length > 0).map(([k, label, help]) => (
            <section key={k}>
              <h3>
                {label} <span className="muted small">{help}</span>
              </h3>
              <ul className="paths">
                {(result[k] as string[]).slice(0, 1000).map((p) => (
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
