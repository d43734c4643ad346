// Crypt remotes in cryptsync's rclone.conf: the list (never with passwords) and the add form.
// "Generate a strong password" runs here in the browser (Web Crypto); the password is shown
// once with a copy button, and the server never sends any password back.
import { useState, type FormEvent } from 'react';
import { ApiError, api, errorText, post } from '../api';
import type { RemoteView } from '../types';
import { Field, ErrorAlert } from './form-bits';

/** Random bytes in a generated password (base64url: 43 characters, 256 bits). */
const GENERATED_PASSWORD_BYTES = 32;

export function generatePassword(): string {
  const b = crypto.getRandomValues(new Uint8Array(GENERATED_PASSWORD_BYTES));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function RemotesView({ remotes, onAdded }: { remotes: RemoteView[]; onAdded(): void }) {
  const [v, setV] = useState({ name: '', path: '', filenameEncryption: 'standard', filenameEncoding: 'base32', directoryNameEncryption: true, password: '', password2: '' });
  const [generated, setGenerated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  // offered once the server called a password weak: the user may insist on keeping it
  const [weak, setWeak] = useState(false);
  const [allowWeak, setAllowWeak] = useState(false);
  const [listError, setListError] = useState<string | null>(null);

  async function remove(name: string) {
    setListError(null);
    if (!window.confirm(`Remove the crypt remote "${name}" from the rclone config?\nIts encrypted folder stays on disk, but without the password nothing in it can be read.`)) return;
    try {
      await api('DELETE', `/api/remotes/${encodeURIComponent(name)}`);
      onAdded();
    } catch (err) {
      setListError(errorText(err));
    }
  }

  const set = (k: string) => (e: { target: { value: string } }) => setV((o) => ({ ...o, [k]: e.target.value }));

  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    setAdded(null);
    try {
      const body = { ...v, ...(v.password2 ? {} : { password2: undefined }), ...(weak && allowWeak ? { allowWeakPassword: true } : {}) };
      await post('/api/remotes', body);
      setAdded(v.name);
      setV((o) => ({ ...o, name: '', path: '', password: '', password2: '' }));
      setGenerated(null);
      setWeak(false);
      setAllowWeak(false);
      onAdded();
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'WEAK_PASSWORD') setWeak(true);
        const fe = err.fieldErrors();
        setErrors(fe);
        if (Object.keys(fe).length === 0) setFormError(err.message);
      } else setFormError(errorText(err));
    }
  }

  function gen() {
    const p = generatePassword();
    setV((o) => ({ ...o, password: p }));
    setGenerated(p);
    setCopied(false);
  }

  return (
    <div className="split">
      <div className="pane list-pane">
        <div className="table-wrap">
          <table className="grid" aria-label="crypt remotes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Encrypted folder</th>
                <th>File names</th>
                <th className="secondary">Encoding</th>
                <th className="secondary">Folder names</th>
                <th className="secondary">Salt</th>
                <th>
                  <span className="sr-only">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {remotes.map((r) => (
                <tr key={r.name}>
                  <td className="name">{r.name}:</td>
                  <td className="path" title={r.path}>{r.path}</td>
                  <td>{r.filenameEncryption}</td>
                  <td className="secondary">{r.filenameEncoding}</td>
                  <td className="secondary">{r.directoryNameEncryption ? 'encrypted' : 'plain'}</td>
                  <td className="secondary">{r.hasPassword2 ? 'yes' : 'no'}</td>
                  <td>
                    <button type="button" className="danger" onClick={() => void remove(r.name)} aria-label={`remove ${r.name}`}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
              {remotes.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No crypt remotes yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <ErrorAlert text={listError} />
      </div>
      <div className="pane detail-pane">
        <h2>Add a crypt remote</h2>
        <form className="form" onSubmit={(e) => void submit(e)} noValidate data-testid="remote-form">
          <Field label="Name" name="name" error={errors.name}>
            <input value={v.name} onChange={set('name')} placeholder="secret" autoComplete="off" />
          </Field>
          <Field label="Encrypted folder" name="path" error={errors.path} hint="where the ciphertext lives (a local folder; rsync pushes it)">
            <input value={v.path} onChange={set('path')} placeholder="/home/me/encrypted" autoComplete="off" />
          </Field>
          <div className="row">
            <Field label="File name encryption" name="filenameEncryption" error={errors.filenameEncryption}>
              <select value={v.filenameEncryption} onChange={set('filenameEncryption')}>
                <option>standard</option>
                <option>obfuscate</option>
                <option>off</option>
              </select>
            </Field>
            <Field label="Encoding" name="filenameEncoding" error={errors.filenameEncoding}>
              <select value={v.filenameEncoding} onChange={set('filenameEncoding')}>
                <option>base32</option>
                <option>base64</option>
                <option>base32768</option>
              </select>
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" checked={v.directoryNameEncryption} onChange={(e) => setV((o) => ({ ...o, directoryNameEncryption: e.target.checked }))} /> encrypt folder names
          </label>
          <Field label="Password" name="password" error={errors.password}>
            <div className="inline">
              <input type="password" value={v.password} onChange={set('password')} autoComplete="new-password" data-testid="remote-password" />
              <button type="button" onClick={gen}>
                Generate a strong password
              </button>
            </div>
          </Field>
          {generated && (
            <div className="generated" role="status" data-testid="generated-password">
              <p className="warn-text">
                A generated {GENERATED_PASSWORD_BYTES * 8}-bit ({generated.length} characters) random password. Store it now (in a password manager). It is shown only once; without it the encrypted files cannot be read by anyone, you included.
              </p>
              <div className="inline">
                <code className="secret">{generated}</code>
                <button
                  type="button"
                  onClick={() =>
                    void navigator.clipboard?.writeText(generated).then(
                      () => setCopied(true),
                      () => setCopied(false),
                    )
                  }
                >
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          )}
          <Field label="Salt password (password2, optional)" name="password2" error={errors.password2}>
            <input type="password" value={v.password2} onChange={set('password2')} autoComplete="new-password" />
          </Field>
          {weak && (
            <label className="check">
              <input type="checkbox" checked={allowWeak} onChange={(e) => setAllowWeak(e.target.checked)} data-testid="allow-weak-password" /> keep this weak password anyway
            </label>
          )}
          <ErrorAlert text={formError} />
          {added && <p className="ok-text">Crypt remote {added}: added.</p>}
          <footer className="left">
            <button type="submit" className="primary">
              Add crypt remote
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}
