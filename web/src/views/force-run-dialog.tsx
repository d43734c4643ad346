// "Run anyway": one run of a task with the overridable guards lifted (an empty source, a mass
// deletion, a catalog whose last encrypt did not finish), after the user has read why the last
// run was refused and typed the task name. The server checks the name again (confirmTask).
import { useState } from 'react';
import { errorText, post } from '../api';
import { Field, Modal } from './form-bits';

export function ForceRunDialog({ task, reason, onClose, onStarted }: { task: string; reason: string; onClose(): void; onStarted(): void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
  async function go() {
    setBusy(true);
    try {
      await post(`/api/tasks/${encodeURIComponent(task)}/runs`, { dryRun: false, force: true, confirmTask: typed });
      onStarted();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal title={`Run ${task} anyway`} onClose={onClose}>
      <div className="form" data-testid="force-dialog">
        <p>The last run was stopped to protect your backup:</p>
        <p className="form-error">{reason}</p>
        <p className="muted">
          Running anyway lifts this guard for one run only. A missing source, plaintext in the catalog, a shared catalog and the task&apos;s max delete are never lifted. Estimate first if you are not
          sure what it will delete.
        </p>
        <Field label={`Type the task name (${task}) to confirm`} name="confirmTask" error={error ?? undefined}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </Field>
        <footer>
          <button onClick={onClose}>Cancel</button>
          <button className="danger" onClick={() => void go()} disabled={busy || typed !== task}>
            Run anyway
          </button>
        </footer>
      </div>
    </Modal>
  );
}
