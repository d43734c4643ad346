// Add / edit a task. The server validates with the same schema as the CLI; its issues appear
// inline under the fields they name. Only fields the user filled in are sent.
// Pre/post commands run programs, so unless `serve --allow-commands` they are shown read-only
// and an edit sends them back exactly as saved (the server refuses any change to them).
import { useState, type FormEvent } from 'react';
import { ApiError, api, errorText } from '../api';
import type { RemoteView, TaskType, TaskView } from '../types';
import { Field, Modal, lines } from './form-bits';
import { sendsPlain, serverOf } from '../plain-push';
import { RetentionFields, retentionInput, retentionValues } from './retention-fields';

type Values = Record<string, string | boolean>;

const TYPE_HELP: Record<TaskType, string> = {
  encrypt: 'plain folder → crypt remote (the encrypted catalog)',
  synchronize: 'rsync push: local folder → [user@]host:path or a local path',
  snapshot: 'rsync push into a new dated snapshot folder per run (hard links to the previous one)',
  syncremote: 'rsync pull: [user@]host:path → local folder',
  cloud: 'rclone push: local folder (normally the encrypted catalog) → any rclone remote, REMOTE:path',
};

const LIST_FIELDS = ['excludes', 'includes', 'sshOptions', 'extraFlags', 'preCommand', 'postCommand'];
const NUMBER_FIELDS = ['thresholdDays', 'sshPort', 'maxDelete', 'maxDeletePercent', 'transfers', 'stallMinutes'];
const BOOL_FIELDS = ['delete', 'compress', 'protectArgs', 'haltOnPreError', 'haltOnPostError', 'copyLinks', 'checksum'];
/** fields the form does not show; an edit leaves them as they are */
const HIDDEN_FIELDS = ['connectedTo', 'snapshotNum', 'excludeFrom', 'notify'];
/** fields that run programs: read-only here unless the server allows commands */
const COMMAND_FIELDS = ['preCommand', 'postCommand', 'haltOnPreError', 'haltOnPostError'];

function toValues(t?: Record<string, unknown>): Values {
  const v: Values = { type: 'synchronize', delete: true };
  if (!t) return v;
  for (const [k, x] of Object.entries(t)) {
    if (k === 'retention') Object.assign(v, retentionValues(x));
    else if (Array.isArray(x)) v[k] = x.join('\n');
    else if (typeof x === 'boolean') v[k] = x;
    else if (x !== undefined && x !== null) v[k] = String(x);
  }
  if (t.delete === undefined) v.delete = true;
  return v;
}

function toInput(v: Values, type: TaskType, original: Record<string, unknown> | undefined, commandsLocked: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const allowed = new Set(type === 'encrypt' ? ENCRYPT_KEYS : type === 'cloud' ? CLOUD_KEYS : RSYNC_KEYS);
  for (const [k, x] of Object.entries(v)) {
    if (!allowed.has(k)) continue;
    if (commandsLocked && COMMAND_FIELDS.includes(k)) {
      // sent back byte for byte as saved, so an unrelated edit is not taken for a change
      if (original?.[k] !== undefined) out[k] = original[k];
      continue;
    }
    if (BOOL_FIELDS.includes(k)) {
      if (k === 'delete' ? x === false : x === true) out[k] = x;
      continue;
    }
    const s = String(x).trim();
    if (s === '') continue;
    if (LIST_FIELDS.includes(k)) out[k] = lines(s);
    else if (NUMBER_FIELDS.includes(k)) out[k] = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
    else out[k] = s;
  }
  out.type = type;
  const retention = type === 'snapshot' ? retentionInput(v) : undefined;
  if (retention) out.retention = retention;
  if (original) {
    // an edit is a patch: fields the user emptied are removed with null
    for (const k of Object.keys(original)) if (!(k in out) && !HIDDEN_FIELDS.includes(k) && !(commandsLocked && COMMAND_FIELDS.includes(k))) out[k] = null;
  }
  return out;
}

const COMMON_KEYS = ['name', 'type', 'source', 'thresholdDays', 'preCommand', 'postCommand', 'haltOnPreError', 'haltOnPostError', 'notes', 'excludes', 'maxDelete', 'maxDeletePercent', 'schedule', 'scheduleTimeZone', 'stallMinutes'];
const ENCRYPT_KEYS = [...COMMON_KEYS, 'remote', 'encryptWith', 'includes', 'transfers', 'copyLinks', 'config', 'checksum'];
const CLOUD_KEYS = [...COMMON_KEYS, 'dest', 'config', 'delete', 'transfers'];
const RSYNC_KEYS = [...COMMON_KEYS, 'dest', 'sshPort', 'sshKey', 'sshOptions', 'delete', 'compress', 'protectArgs', 'extraFlags'];

interface Props {
  remotes: RemoteView[];
  /** the server was started with --allow-commands */
  allowCommands: boolean;
  existing?: TaskView;
  onClose(): void;
  onSaved(t: TaskView): void;
}

export function TaskForm({ remotes, allowCommands, existing, onClose, onSaved }: Props) {
  const locked = !allowCommands;
  const [v, setV] = useState<Values>(() => toValues(existing?.task));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const type = (v.type as TaskType) ?? 'synchronize';
  const isRsync = type === 'synchronize' || type === 'snapshot' || type === 'syncremote';

  const text = (k: string) => ({
    name: k,
    value: String(v[k] ?? ''),
    onChange: (e: { target: { value: string } }) => setV((o) => ({ ...o, [k]: e.target.value })),
    'aria-invalid': errors[k] ? true : undefined,
  });
  const check = (k: string) => ({
    name: k,
    type: 'checkbox',
    checked: v[k] === true,
    onChange: (e: { target: { checked: boolean } }) => setV((o) => ({ ...o, [k]: e.target.checked })),
  });

  /** never rejects: a failure is shown in the form (hence `void` at the handler) */
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    try {
      const input = toInput(v, type, existing?.task, locked);
      const saved = existing
        ? await api<TaskView>('PATCH', `/api/tasks/${encodeURIComponent(existing.name)}`, input)
        : await api<TaskView>('POST', '/api/tasks', input);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.fieldErrors();
        setErrors(fe);
        if (Object.keys(fe).length === 0 || err.issues.length === 0) setFormError(err.message);
      } else setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={existing ? `Edit task ${existing.name}` : 'Add task'} onClose={onClose} wide>
      <form onSubmit={(e) => void submit(e)} className="form" noValidate data-testid="task-form">
        <div className="row">
          <Field label="Name" name="name" error={errors.name}>
            <input {...text('name')} disabled={!!existing} placeholder="documents" autoComplete="off" />
          </Field>
          <Field label="Type" name="type" error={errors.type} hint={TYPE_HELP[type]}>
            <select {...text('type')} disabled={!!existing}>
              <option value="encrypt">encrypt</option>
              <option value="synchronize">synchronize</option>
              <option value="snapshot">snapshot</option>
              <option value="syncremote">syncremote</option>
              <option value="cloud">cloud</option>
            </select>
          </Field>
        </div>
        <Field label="Source" name="source" error={errors.source} hint={type === 'syncremote' ? '[user@]host:path' : 'a local folder'}>
          <input {...text('source')} placeholder={type === 'syncremote' ? 'backup@nas:/srv/backup/docs' : '/home/me/Documents'} autoComplete="off" />
        </Field>
        {type === 'encrypt' ? (
          <div className="row">
            <Field label="Crypt remote" name="remote" error={errors.remote} hint="REMOTE: or REMOTE:sub/path (see Crypt remotes)">
              <input {...text('remote')} list="remote-names" placeholder="secret:" autoComplete="off" />
              <datalist id="remote-names">
                {remotes.map((r) => (
                  <option key={r.name} value={`${r.name}:`} />
                ))}
              </datalist>
            </Field>
            <Field label="Encrypt with" name="encryptWith" error={errors.encryptWith}>
              <select {...text('encryptWith')}>
                <option value="">native (built in)</option>
                <option value="rclone">rclone (runs the rclone binary)</option>
              </select>
            </Field>
          </div>
        ) : type === 'cloud' ? (
          <>
            <div className="row">
              <Field label="rclone remote" name="dest" error={errors.dest} hint="REMOTE:path of a remote in your rclone config (S3, B2, WebDAV, SFTP, …)">
                <input {...text('dest')} placeholder="offsite:backups/docs" autoComplete="off" />
              </Field>
              <Field label="rclone config" name="config" error={errors.config} hint="the rclone.conf holding that remote (default: cryptsync's own)">
                <input {...text('config')} placeholder="/home/me/.config/rclone/rclone.conf" autoComplete="off" />
              </Field>
            </div>
            <div className="checks">
              <label>
                <input {...check('delete')} /> delete files gone from the source (rclone sync; off: rclone copy)
              </label>
            </div>
          </>
        ) : (
          <Field label="Destination" name="dest" error={errors.dest} hint={type === 'syncremote' ? 'a local folder' : '[user@]host:path or a local path'}>
            <input {...text('dest')} placeholder="backup@nas:/srv/backup/docs" autoComplete="off" />
          </Field>
        )}
        {sendsPlain({ type, source: String(v.source ?? ''), server: serverOf(String(v.dest ?? '')), connectedTo: existing?.connectedTo }, remotes) && (
          <p className="plain-warning" data-testid="form-sends-plain">
            This task sends <b>unencrypted files</b> to the server: the source is a plain folder, not an encrypted catalog. Connect it to an encrypt task (Connect… in the task
            table) to send ciphertext only.
          </p>
        )}
        {isRsync && (
          <>
            <div className="row">
              <Field label="ssh port" name="sshPort" error={errors.sshPort}>
                <input {...text('sshPort')} inputMode="numeric" placeholder="22" />
              </Field>
              <Field label="ssh identity file" name="sshKey" error={errors.sshKey}>
                <input {...text('sshKey')} placeholder="~/.ssh/id_ed25519" />
              </Field>
            </div>
            <div className="checks">
              <label>
                <input {...check('delete')} /> delete files gone from the source
              </label>
              <label>
                <input {...check('compress')} /> compress
              </label>
              <label>
                <input {...check('protectArgs')} /> --protect-args (paths with spaces)
              </label>
            </div>
          </>
        )}
        {type === 'snapshot' && <RetentionFields values={v} errors={errors} set={(k, x) => setV((o) => ({ ...o, [k]: x }))} />}
        <div className="row">
          <Field label="Schedule" name="schedule" error={errors.schedule} hint="runs by itself while cryptsync serve or cryptsync daemon runs: hourly, daily 02:30, weekly sun 03:00, every 6h, or cron (MIN HOUR DAY MONTH WEEKDAY); empty: only when started">
            <input {...text('schedule')} placeholder="daily 02:30" autoComplete="off" />
          </Field>
          <Field label="Time zone" name="scheduleTimeZone" error={errors.scheduleTimeZone} hint="of the schedule, e.g. Europe/Berlin (default: this machine's)">
            <input {...text('scheduleTimeZone')} placeholder="local" autoComplete="off" />
          </Field>
        </div>
        <details className="more" open={Object.keys(errors).some((k) => !['name', 'type', 'source', 'dest', 'remote', 'sshPort', 'sshKey', 'schedule', 'scheduleTimeZone'].includes(k))}>
          <summary>More options</summary>
          <div className="row">
            <Field label="Days-since threshold" name="thresholdDays" error={errors.thresholdDays} hint="highlight when not run for this many days (default 7)">
              <input {...text('thresholdDays')} inputMode="decimal" placeholder="7" />
            </Field>
            <Field label="Stall timeout (minutes)" name="stallMinutes" error={errors.stallMinutes} hint="stop a step that shows no progress for this long (default 30)">
              <input {...text('stallMinutes')} inputMode="decimal" placeholder="30" />
            </Field>
            <Field label="max delete" name="maxDelete" error={errors.maxDelete} hint="refuse to delete more files than this">
              <input {...text('maxDelete')} inputMode="numeric" />
            </Field>
            <Field label="max delete %" name="maxDeletePercent" error={errors.maxDeletePercent} hint="refuse a run deleting more than this share of the copy (default 50, from 10 deletions on)">
              <input {...text('maxDeletePercent')} inputMode="decimal" placeholder="50" />
            </Field>
          </div>
          {type === 'encrypt' && (
            <div className="checks">
              <label>
                <input {...check('checksum')} /> checksum: re-check unchanged files against their encrypted copy (slower; finds bit rot)
              </label>
            </div>
          )}
          <Field label="Excludes (one pattern a line)" name="excludes" error={errors.excludes}>
            <textarea {...text('excludes')} rows={2} />
          </Field>
          {isRsync && (
            <div className="row">
              <Field
                label="ssh options (KEY=VALUE a line)"
                name="sshOptions"
                error={errors.sshOptions}
                {...(locked ? { hint: 'options that run a program (ProxyCommand, LocalCommand, KnownHostsCommand, Match, …) can only be changed from the CLI' } : {})}
              >
                <textarea {...text('sshOptions')} rows={2} placeholder="UserKnownHostsFile=/home/me/.ssh/known_hosts" />
              </Field>
              <Field
                label="Extra rsync flags (one a line)"
                name="extraFlags"
                error={errors.extraFlags}
                {...(locked ? { hint: 'flags that name a program (--rsync-path, -e/--rsh) can only be changed from the CLI' } : {})}
              >
                <textarea {...text('extraFlags')} rows={2} placeholder="--numeric-ids" />
              </Field>
            </div>
          )}
          {locked && (
            <p className="hint" data-testid="commands-locked">
              Pre- and post-commands run programs, so they are read-only here. Change them with <code>cryptsync task edit {existing?.name ?? 'NAME'} --pre-command …</code> or in
              tasks.json, or start the server with <code>cryptsync serve --allow-commands</code>.
            </p>
          )}
          <div className="row">
            <Field label="Pre-command (program, then one argument a line)" name="preCommand" error={errors.preCommand}>
              <textarea {...text('preCommand')} rows={2} readOnly={locked} />
            </Field>
            <Field label="Post-command" name="postCommand" error={errors.postCommand}>
              <textarea {...text('postCommand')} rows={2} readOnly={locked} />
            </Field>
          </div>
          <div className="checks">
            <label>
              <input {...check('haltOnPreError')} disabled={locked} /> halt when the pre-command fails
            </label>
            <label>
              <input {...check('haltOnPostError')} disabled={locked} /> report a failing post-command as a failed run
            </label>
          </div>
        </details>
        {formError && (
          <p className="form-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        )}
        <footer>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {existing ? 'Save' : 'Add task'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}
