// Converts an RsyncOSX configurations.json (its per-profile task list) into cryptsync tasks.
// Field meanings are RsyncOSX's (see SYSTEM.md). Pure: it reads no files and checks no paths
// (the Mac paths may not exist here); whatever cannot be mapped is reported, never guessed at.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { validateExtraFlags } from '../rsync/index.js';
import { UsageError } from '../util/errors.js';
import { TASK_NAME_PATTERN, type Task } from './task-schema.js';
import { validateTask } from './validate.js';

export interface ImportResult {
  tasks: Task[];
  skipped: Array<{ hiddenID?: number; reason: string }>;
  notes: string[];
}

/** RsyncOSX's user flag slots (parameter7 does not exist) */
const USER_PARAMETERS = [8, 9, 10, 11, 12, 13, 14] as const;
const MAX_NAME_LENGTH = 64;
/** fields read below; anything else in a configuration is reported once as not imported */
const KNOWN_FIELDS = new Set([
  'hiddenID', 'task', 'localCatalog', 'offsiteCatalog', 'offsiteUsername', 'offsiteServer', 'backupID',
  'parameter1', 'parameter2', 'parameter3', 'parameter4', 'parameter5', 'parameter6',
  ...USER_PARAMETERS.map((n) => `parameter${n}`),
  'dateRun', 'snapshotnum', 'rsyncdaemon', 'sshport', 'sshkeypathandidentityfile',
  'pretask', 'executepretask', 'posttask', 'executeposttask', 'haltshelltasksonerror',
  // bookkeeping of RsyncOSX's own UI, meaningless here
  'dayssincelastbackup', 'markdays', 'lastruninseconds', 'profile',
]);

type Raw = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function on(v: unknown): boolean {
  return v === 1 || v === true || v === '1';
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

function withoutTrailingSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function nameFor(c: Raw, id: number | undefined, taken: Set<string>): string {
  const fromBackupId = str(c.backupID)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_NAME_LENGTH);
  let name = TASK_NAME_PATTERN.test(fromBackupId) ? fromBackupId : `rsyncosx-${id ?? taken.size + 1}`;
  if (taken.has(name)) {
    const suffix = `-${id ?? taken.size + 1}`;
    name = `${name.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
  }
  let n = 2;
  const base = name;
  while (taken.has(name)) name = `${base.slice(0, MAX_NAME_LENGTH - 3)}-${n++}`;
  return name;
}

export function importRsyncOSX(json: unknown, opts: { home?: string } = {}): ImportResult {
  const home = opts.home ?? homedir();
  const list = Array.isArray(json)
    ? json
    : typeof json === 'object' && json !== null && Array.isArray((json as Raw).configurations)
      ? ((json as Raw).configurations as unknown[])
      : undefined;
  if (!list) throw new UsageError('not an RsyncOSX configurations.json: expected a list of configurations');

  const result: ImportResult = { tasks: [], skipped: [], notes: [] };
  const taken = new Set<string>();
  const ignoredFields = new Set<string>();
  list.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      result.skipped.push({ reason: `entry ${index + 1} is not a configuration object` });
      return;
    }
    const c = entry as Raw;
    for (const k of Object.keys(c)) if (!KNOWN_FIELDS.has(k)) ignoredFields.add(k);
    const id = num(c.hiddenID);
    const skip = (reason: string): void => void result.skipped.push({ ...(id !== undefined ? { hiddenID: id } : {}), reason });
    const converted = convert(c, id, home, taken, result.notes);
    if (typeof converted === 'string') return skip(converted);
    const v = validateTask(converted, { existing: result.tasks });
    if (!v.task) return skip(`cannot be imported: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    taken.add(v.task.name);
    result.tasks.push(v.task);
  });
  if (ignoredFields.size > 0) result.notes.push(`fields not imported (no cryptsync equivalent): ${[...ignoredFields].sort().join(', ')}`);
  return result;
}

/** One configuration -> task input (validated by the caller), or the reason it cannot be mapped. */
function convert(c: Raw, id: number | undefined, home: string, taken: Set<string>, notes: string[]): Raw | string {
  const kind = str(c.task);
  const type = kind === 'backup' ? 'synchronize' : kind; // RsyncOSX before 6 called synchronize "backup"
  if (type === 'combined') return 'combined (rclone) tasks of RsyncOSX 5.x cannot be imported: add an encrypt task and connect it';
  if (type !== 'synchronize' && type !== 'snapshot' && type !== 'syncremote') return `task type "${kind || '(none)'}" is not supported`;
  const local = withoutTrailingSlash(expandHome(str(c.localCatalog), home));
  const offsite = withoutTrailingSlash(str(c.offsiteCatalog));
  const server = str(c.offsiteServer);
  const user = str(c.offsiteUsername);
  const daemon = on(c.rsyncdaemon);
  if (local === '') return 'localCatalog is empty';
  if (offsite === '') return 'offsiteCatalog is empty';
  const name = nameFor(c, id, taken);
  const label = `task "${name}"${id !== undefined ? ` (hiddenID ${id})` : ''}`;

  let offsideSpec: string;
  if (server === '') {
    if (type === 'syncremote') return 'syncremote needs offsiteServer (a syncremote task pulls from a server)';
    if (daemon) notes.push(`${label}: rsyncdaemon is on but offsiteServer is empty; imported as a local copy`);
    offsideSpec = expandHome(offsite, home);
  } else {
    offsideSpec = `${user !== '' ? `${user}@` : ''}${server}${daemon ? '::' : ':'}${offsite}`;
  }
  const task: Raw = {
    name,
    type,
    source: type === 'syncremote' ? offsideSpec : local,
    dest: type === 'syncremote' ? local : offsideSpec,
  };

  // parameters 1..6: RsyncOSX's fixed defaults; only a switched-off default changes anything here
  if (str(c.parameter4) !== '--delete') task.delete = false;
  if (server !== '' && str(c.parameter3) === '--compress') task.compress = true;
  if (str(c.parameter1) !== '' && str(c.parameter1) !== '--archive') notes.push(`${label}: parameter1 "${str(c.parameter1)}" ignored (cryptsync always uses --archive)`);
  if (str(c.parameter2) !== '' && str(c.parameter2) !== '--verbose') notes.push(`${label}: parameter2 "${str(c.parameter2)}" ignored (cryptsync always uses --verbose)`);

  const extraFlags: string[] = [];
  const excludes: string[] = [];
  for (const n of USER_PARAMETERS) {
    const flag = str(c[`parameter${n}`]);
    if (flag === '') continue;
    const exclude = /^--exclude=(.+)$/.exec(flag);
    const maxDelete = /^--max-delete=(\d+)$/.exec(flag);
    if (exclude) excludes.push(exclude[1] as string);
    else if (maxDelete) task.maxDelete = Number(maxDelete[1]);
    else if (flag === '--protect-args' || flag === '-s') task.protectArgs = true;
    else if (flag === '--delete' && task.delete === false) task.delete = true;
    else {
      const problems = validateExtraFlags([flag]);
      if (problems.length > 0) notes.push(`${label}: parameter${n} "${flag}" not imported: ${problems.join('; ')}`);
      else extraFlags.push(flag);
    }
  }
  if (extraFlags.length > 0) task.extraFlags = extraFlags;
  if (excludes.length > 0) task.excludes = excludes;

  if (server !== '' && !daemon) {
    const port = num(c.sshport);
    if (port !== undefined && port !== 0) task.sshPort = port;
    const key = str(c.sshkeypathandidentityfile);
    if (key !== '') {
      task.sshKey = expandHome(key, home);
      if (key.startsWith('~')) notes.push(`${label}: ssh key ${key} imported as ${task.sshKey as string}`);
    }
  } else if (num(c.sshport) || str(c.sshkeypathandidentityfile)) {
    notes.push(`${label}: sshport / ssh key ignored (${daemon ? 'rsync daemon' : 'local task'}: no ssh)`);
  }

  if (type === 'snapshot') {
    const snap = num(c.snapshotnum);
    if (snap !== undefined && snap >= 1) task.snapshotNum = snap;
  }

  const halt = on(c.haltshelltasksonerror);
  for (const [field, flagField, ours, haltField] of [
    ['pretask', 'executepretask', 'preCommand', 'haltOnPreError'],
    ['posttask', 'executeposttask', 'postCommand', 'haltOnPostError'],
  ] as const) {
    const script = expandHome(str(c[field]), home);
    if (script === '') continue;
    if (c[flagField] !== undefined && !on(c[flagField])) {
      notes.push(`${label}: ${field} ${script} is switched off in RsyncOSX and was not imported`);
      continue;
    }
    task[ours] = [script];
    if (halt) task[haltField] = true;
    notes.push(`${label}: ${field} ${script} imported as ${ours}; it now runs without a shell (a script with a #! line works as before)`);
  }

  const dateRun = str(c.dateRun);
  const backupId = str(c.backupID);
  const noteParts = ['imported from RsyncOSX'];
  if (id !== undefined) noteParts.push(`hiddenID ${id}`);
  if (backupId !== '' && backupId !== name) noteParts.push(`backupID "${backupId}"`);
  if (dateRun !== '') noteParts.push(`last run there ${dateRun}`);
  task.notes = noteParts.join(', ');
  if (dateRun !== '') notes.push(`${label}: last run in RsyncOSX on ${dateRun} (kept in notes; the run log starts empty)`);
  return task;
}
