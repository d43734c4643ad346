// ssh set-up for the selected task's server, the way `cryptsync ssh setup --task` does it: read
// the server's host keys and show their fingerprints, trust the one the user confirms, then make
// and install a key (the account's password, if given, goes once in the POST body to ssh-copy-id
// and is never stored) and test a batch-mode login; the task then uses that key and known_hosts.
import { useEffect, useState, type FormEvent } from 'react';
import { errorText, post } from '../api';
import type { TaskView } from '../types';
import { Field, Modal } from './form-bits';

interface HostKey {
  type: string;
  fingerprint: string;
}
interface Scan {
  host: string;
  port: number;
  user?: string;
  keys: HostKey[];
}
interface Step {
  step: string;
  status: 'ok' | 'done' | 'failed';
  detail: string;
}

export function SshSetupDialog({ task, onClose, onDone }: { task: TaskView; onClose(): void; onDone(): void }) {
  const path = `/api/tasks/${encodeURIComponent(task.name)}/ssh`;
  const [scan, setScan] = useState<Scan | null>(null);
  const [picked, setPicked] = useState('');
  const [trusted, setTrusted] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [steps, setSteps] = useState<Step[] | null>(null);

  useEffect(() => {
    let gone = false;
    post<Scan>(`${path}/scan`).then(
      (s) => {
        if (gone) return;
        setScan(s);
        setPicked((s.keys.find((k) => k.type === 'ssh-ed25519') ?? s.keys[0])?.fingerprint ?? '');
      },
      (e) => !gone && setError(errorText(e)),
    );
    return () => {
      gone = true;
    };
  }, [path]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ steps: Step[] }>(`${path}/setup`, { trust: picked, ...(password ? { password } : {}) });
      setSteps(r.steps);
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setPassword('');
      setBusy(false);
    }
  }

  const login = scan ? `${scan.user ? `${scan.user}@` : ''}${scan.host} port ${scan.port}` : '';
  return (
    <Modal title={`Set up ssh for ${task.name}`} onClose={onClose}>
      <div className="form" data-testid="ssh-setup">
        {!scan && !error && <p className="muted">Reading the host key of the server…</p>}
        {scan && !trusted && (
          <>
            <p>
              The server <b>{login}</b> offers these host keys. Compare one with the server (on it: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>) before you trust it.
            </p>
            <fieldset className="retention">
              <legend>host key</legend>
              {scan.keys.map((k) => (
                <label key={k.fingerprint} className="check">
                  <input type="radio" name="hostkey" checked={picked === k.fingerprint} onChange={() => setPicked(k.fingerprint)} />
                  <span>
                    {k.type} <code data-testid="fingerprint">{k.fingerprint}</code>
                  </span>
                </label>
              ))}
            </fieldset>
            <footer>
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="button" className="primary" disabled={!picked} onClick={() => setTrusted(true)}>
                I compared it: trust this key
              </button>
            </footer>
          </>
        )}
        {scan && trusted && !steps && (
          <form className="form" onSubmit={(e) => void submit(e)}>
            <p>
              Trusting <code>{picked}</code> for {login}.
            </p>
            <Field label={`Password of ${scan.user ?? 'the account'} (optional)`} name="password" hint="used once to install the key with ssh-copy-id, never stored; leave empty when a key login works already">
              <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" data-testid="ssh-password" />
            </Field>
            <footer>
              <button type="button" onClick={() => setTrusted(false)} disabled={busy}>
                Back
              </button>
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Setting up…' : 'Set up ssh'}
              </button>
            </footer>
          </form>
        )}
        {steps && (
          <div className="result" data-testid="ssh-result">
            <h3>ssh is set up: {task.name} now uses this key and host key</h3>
            <ul className="paths">
              {steps.map((s, i) => (
                <li key={i} className={s.status === 'failed' ? 'step-message' : ''}>
                  {s.status === 'failed' ? 'FAIL' : s.status} · {s.step}: {s.detail}
                </li>
              ))}
            </ul>
            <footer>
              <button type="button" className="primary" onClick={onClose}>
                Close
              </button>
            </footer>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert" data-testid="ssh-error">
            {error}
          </p>
        )}
      </div>
    </Modal>
  );
}
