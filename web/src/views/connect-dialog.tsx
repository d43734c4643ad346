// Connect a synchronize/snapshot task to an encrypt task: it then runs as one combined task
// (encrypt, then push the encrypted catalog). The server checks that the paths line up.
import { useState } from 'react';
import { errorText, post } from '../api';
import type { TaskView } from '../types';
import { Field, Modal } from './form-bits';

export function ConnectDialog({ task, encryptTasks, onClose, onDone }: { task: TaskView; encryptTasks: string[]; onClose(): void; onDone(): void }) {
  const [enc, setEnc] = useState(encryptTasks[0] ?? '');
  const [error, setError] = useState<string | null>(null);
  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
  async function go() {
    try {
      await post(`/api/tasks/${encodeURIComponent(task.name)}/connect`, { encrypt: enc });
      onDone();
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <Modal title={`Connect ${task.name}`} onClose={onClose}>
      <div className="form">
        <p className="muted">
          The encrypt task runs first; <b>{task.name}</b> then pushes its encrypted catalog (its source must be that catalog folder).
        </p>
        <Field label="Encrypt task" name="encrypt" error={error ?? undefined}>
          <select value={enc} onChange={(e) => setEnc(e.target.value)}>
            {encryptTasks.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
        <footer>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={() => void go()} disabled={!enc}>
            Connect
          </button>
        </footer>
      </div>
    </Modal>
  );
}
