// Task and profile validation: shape (zod) first, then meaning (paths, remotes, ports, flags,
// connections), as a list of `path: message` errors and warnings. Never mutates its input, never
// throws for bad input (ValidationError is for callers that must refuse), and touches the file
// system only with checkFs (stat calls, no writes).
import { statSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, normalize, relative, sep } from 'node:path';
import type { ZodError } from 'zod';
import { CryptsyncError } from '../util/errors.js';
import { validateExtraFlags } from '../rsync/index.js';
import {
  SCHEMA_BY_TYPE,
  TASK_TYPES,
  DEFAULT_THRESHOLD_DAYS,
  type CloudTask,
  type EncryptTask,
  type SnapshotTask,
  type RsyncTask,
  type Task,
  type TaskType,
} from './task-schema.js';
import { PUSH_TYPES, TASK_TYPE_INFO } from './task-types.js';
import { hasRetentionRule, retentionSchema } from './retention.js';
import { checkRcloneRemoteName, checkRemoteSide, parseRcloneSpec, parseRemoteSide } from './remote-side.js';
import { scheduleProblem, timeZoneProblem } from './schedule.js';
import type { NotifyTarget } from './notify-schema.js';
import { reveal } from '../crypt/index.js';

export interface ValidationIssue {
  /** e.g. 'tasks[2].source' or 'source' */
  path: string;
  message: string;
}

export interface ValidationResult {
  task?: Task;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface ValidateContext {
  /** the other tasks of the profile (for unique names and connections) */
  existing?: Task[];
  /** also check that folders, key files and programs exist */
  checkFs?: boolean;
  /** encrypted catalog folders of the profile's encrypt tasks (folder -> encrypt task name): a
   *  synchronize source that is one of them may not exist before that task's first run */
  catalogFolders?: Map<string, string>;
}

/** A refused task or tasks.json. The message lists every error, one `label: path: message` per line. */
export class ValidationError extends CryptsyncError {
  readonly issues: ValidationIssue[];
  readonly warnings: ValidationIssue[];
  constructor(label: string, issues: ValidationIssue[], warnings: ValidationIssue[] = []) {
    super('usage', 'VALIDATION', issues.map((i) => formatIssue(label, i)).join('\n'), {
      subject: issues[0]?.path ?? label,
    });
    this.name = 'ValidationError';
    this.issues = issues;
    this.warnings = warnings;
  }
}

export function formatIssue(label: string, i: ValidationIssue): string {
  return [label, i.path, i.message].filter((s) => s !== '').join(': ');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

function valueAt(input: unknown, parts: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = input;
  for (const p of parts) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function zodIssues(err: ZodError, input: unknown, type: TaskType): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of err.issues) {
    if (issue.code === 'unrecognized_keys') {
      const nested = issue.path[0] === 'retention' && issue.path.length === 1;
      const known = Object.keys(nested ? retentionSchema.shape : SCHEMA_BY_TYPE[type].shape).join(', ');
      for (const key of issue.keys) {
        out.push({ path: joinPath([...issue.path, key]), message: `unknown field ${nested ? 'in retention' : `for a ${type} task`} (known: ${known})` });
      }
      continue;
    }
    const path = joinPath(issue.path);
    if (issue.code === 'invalid_type') {
      const value = valueAt(input, issue.path);
      const expected = issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
      out.push({ path, message: value === undefined ? 'is required' : `must be ${expected}` });
      continue;
    }
    if (issue.code === 'invalid_value') {
      out.push({ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` });
      continue;
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

type StatKind = 'dir' | 'file' | 'other' | 'missing';

function statKind(p: string): StatKind {
  try {
    const st = statSync(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

function isEmptyDir(p: string): boolean {
  try {
    return readdirSync(p).length === 0;
  } catch {
    return true;
  }
}

function stripSlash(p: string): string {
  const n = normalize(p);
  return n.length > 1 && n.endsWith(sep) ? n.slice(0, -1) : n;
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(stripSlash(parent), stripSlash(child));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Validates one task. `existing` are the OTHER tasks of the profile. */
export function validateTask(input: unknown, ctx: ValidateContext = {}): ValidationResult {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  if (!isPlainObject(input)) {
    return { errors: [{ path: '', message: 'a task must be a JSON object' }], warnings };
  }
  const type = input.type;
  if (typeof type !== 'string' || !(TASK_TYPES as readonly string[]).includes(type)) {
    errors.push({
      path: 'type',
      message: `${type === undefined ? 'is required' : `${JSON.stringify(type)} is not a task type`}: use one of ${TASK_TYPES.join(', ')}`,
    });
    return { errors, warnings };
  }
  const parsed = SCHEMA_BY_TYPE[type as TaskType].safeParse(input);
  if (!parsed.success) {
    return { errors: zodIssues(parsed.error, input, type as TaskType), warnings };
  }
  const task = parsed.data as Task;
  const err = (path: string, message: string): void => void errors.push({ path, message });
  const warn = (path: string, message: string): void => void warnings.push({ path, message });

  if (ctx.existing?.some((t) => t.name === task.name)) err('name', `a task named "${task.name}" already exists`);
  if (task.thresholdDays === undefined) warn('thresholdDays', `not set: overdue after the default of ${DEFAULT_THRESHOLD_DAYS} days`);
  checkHooks(task, ctx, err, warn);
  checkSchedule(task, err, warn);
  if (task.type === 'encrypt') checkEncrypt(task, ctx, err, warn);
  else if (task.type === 'cloud') checkCloud(task, ctx, err, warn);
  else checkRsync(task, ctx, err, warn);
  return { ...(errors.length === 0 ? { task } : {}), errors, warnings };
}

type Report = (path: string, message: string) => void;

function checkHooks(task: Task, ctx: ValidateContext, err: Report, warn: Report): void {
  for (const [field, halt] of [
    ['preCommand', 'haltOnPreError'],
    ['postCommand', 'haltOnPostError'],
  ] as const) {
    const argv = task[field];
    if (argv === undefined) {
      if (task[halt] !== undefined) warn(halt, `has no effect without ${field}`);
      continue;
    }
    const program = argv[0] as string;
    if (program.includes('/') && !isAbsolute(program)) {
      err(`${field}[0]`, 'give the program as an absolute path or a bare name looked up on PATH (it runs without a shell)');
    } else if (ctx.checkFs && isAbsolute(program) && statKind(program) !== 'file') {
      err(`${field}[0]`, `program ${program} does not exist`);
    }
    if (argv.length === 1 && /\s/.test(program)) {
      warn(`${field}[0]`, 'contains spaces: commands run without a shell, so give each argument as its own list item');
    }
  }
}

function checkSchedule(task: Task, err: Report, warn: Report): void {
  if (task.schedule !== undefined) {
    const problem = scheduleProblem(task.schedule);
    if (problem) err('schedule', problem);
  }
  if (task.scheduleTimeZone !== undefined) {
    const problem = timeZoneProblem(task.scheduleTimeZone);
    if (problem) err('scheduleTimeZone', problem);
    else if (task.schedule === undefined) warn('scheduleTimeZone', 'has no effect without a schedule');
  }
  checkNotifyTargets(task.notify ?? [], 'notify', err);
}

/** What the schema cannot say about notification targets: an e-mail password must be obscured, and needs a user. */
export function checkNotifyTargets(targets: readonly NotifyTarget[], field: string, err: Report): void {
  targets.forEach((n, i) => {
    if (n.type !== 'email') return;
    if (n.password !== undefined) {
      try {
        reveal(n.password);
      } catch {
        err(`${field}[${i}].password`, 'must be obscured: store the output of "cryptsync obscure" (or use passwordEnv)');
      }
      if (n.passwordEnv !== undefined) err(`${field}[${i}].passwordEnv`, 'give either password or passwordEnv, not both');
    }
    if ((n.password !== undefined || n.passwordEnv !== undefined) && n.user === undefined) err(`${field}[${i}].user`, 'is required with a password');
  });
}

function checkEncrypt(task: EncryptTask, ctx: ValidateContext, err: Report, _warn: Report): void {
  if (!isAbsolute(task.source)) err('source', 'must be an absolute path');
  else if (ctx.checkFs) {
    const k = statKind(task.source);
    if (k === 'missing') err('source', 'folder does not exist');
    else if (k !== 'dir') err('source', 'is not a folder');
  }
  const spec = parseRcloneSpec(task.remote);
  if (!spec) err('remote', 'must be a crypt remote written REMOTE:[path], e.g. "secret:" or "secret:photos"');
  else {
    for (const m of checkRcloneRemoteName(spec.remote)) err('remote', m);
    const parts = spec.path.replace(/^\/+|\/+$/g, '');
    if (parts !== '' && parts.split('/').some((p) => p === '..' || p === '.' || p === '')) err('remote', 'the path after "REMOTE:" must not contain "." or ".." steps or empty parts');
  }
  if (task.config !== undefined) {
    if (!isAbsolute(task.config)) err('config', 'must be an absolute path');
    else if (ctx.checkFs && statKind(task.config) !== 'file') err('config', `rclone config file ${task.config} does not exist`);
  }
  if (task.checksum && task.encryptWith === 'rclone') err('checksum', 'needs the built-in engine (encryptWith "native"): rclone cannot compare crypt contents this way');
  (task.excludeFrom ?? []).forEach((f, i) => {
    if (!isAbsolute(f)) err(`excludeFrom[${i}]`, 'must be an absolute path');
    else if (ctx.checkFs && statKind(f) !== 'file') err(`excludeFrom[${i}]`, 'file does not exist');
  });
}

function checkRsync(task: RsyncTask, ctx: ValidateContext, err: Report, warn: Report): void {
  const src = parseRemoteSide(task.source);
  const dst = parseRemoteSide(task.dest);
  const pull = task.type === 'syncremote';
  if (pull) {
    if (!src) err('source', 'must be on a server ([user@]host:path or host::module/path): a syncremote task pulls from a server');
    if (dst) err('dest', 'must be a local folder: a syncremote task pulls into a local folder');
  } else {
    if (src) err('source', 'must be a local folder (to pull from a server, use a syncremote task)');
  }
  const remote = pull ? src : dst;
  const remoteField = pull ? 'source' : 'dest';
  if (remote) for (const m of checkRemoteSide(remote)) err(remoteField, m);

  const localFields: Array<'source' | 'dest'> = pull ? ['dest'] : dst ? ['source'] : ['source', 'dest'];
  for (const f of localFields) {
    if (parseRemoteSide(task[f]) === null && !isAbsolute(task[f])) err(f, 'must be an absolute path');
  }
  if (!pull && !dst && isAbsolute(task.source) && isAbsolute(task.dest)) {
    if (stripSlash(task.source) === stripSlash(task.dest)) err('dest', 'is the same folder as source');
    else if (isInside(task.dest, task.source)) err('dest', 'is inside source: rsync would copy its own copy');
  }
  if (task.type === 'snapshot') {
    const root = dst ? dst.path : task.dest;
    if (stripSlash(root) === '/' || root === '') err('dest', 'a snapshot root cannot be "/": name a folder to hold the dated snapshots');
    if (dst?.daemon) warn('dest', 'snapshot runs need ssh ([user@]host:path) or a local folder: the finished snapshot is renamed into place, which an rsync daemon cannot do');
    checkRetention(task, warn, err);
  }

  // ssh settings only make sense with an ssh remote
  const sshSet = task.sshPort !== undefined || task.sshKey !== undefined || (task.sshOptions ?? []).length > 0;
  if (remote?.daemon && sshSet) {
    for (const f of ['sshPort', 'sshKey', 'sshOptions'] as const) {
      if (task[f] !== undefined) err(f, `does not apply to an rsync daemon (${remoteField} uses "::"), which is reached without ssh`);
    }
  } else if (!remote && sshSet) {
    for (const f of ['sshPort', 'sshKey', 'sshOptions'] as const) {
      if (task[f] !== undefined) warn(f, 'has no effect: both sides are local');
    }
  }
  if (task.sshKey !== undefined) {
    if (task.sshKey.startsWith('~')) err('sshKey', 'write the full path: "~" is not expanded (nothing runs through a shell)');
    else if (!isAbsolute(task.sshKey)) err('sshKey', 'must be an absolute path');
    else if (ctx.checkFs && statKind(task.sshKey) !== 'file') err('sshKey', `key file ${task.sshKey} does not exist`);
  }
  (task.sshOptions ?? []).forEach((o, i) => {
    if (/^(ProxyCommand|LocalCommand|PermitLocalCommand|KnownHostsCommand)=/i.test(o)) {
      warn(`sshOptions[${i}]`, 'runs a local command through your shell when ssh connects');
    }
  });

  const flags = task.extraFlags ?? [];
  validateExtraFlags(flags).forEach((m) => err('extraFlags', m));
  if (task.delete === false) {
    flags.forEach((f, i) => {
      if (f.startsWith('--delete')) warn(`extraFlags[${i}]`, `${f} deletes although delete is false`);
    });
    if (task.maxDelete !== undefined) warn('maxDelete', 'has no effect: delete is false');
  }

  checkConnection(task, ctx, err);
  if (ctx.checkFs) checkRsyncFs(task, ctx, err, warn, { pull, remote: remote !== null });
}

/** Rules that cannot work together; the values themselves are the schema's (tasks/retention.ts). */
function checkRetention(task: SnapshotTask, warn: Report, err: Report): void {
  const r = task.retention;
  if (!r) return;
  if (r.pruneAfterRun && !hasRetentionRule(r)) err('retention.pruneAfterRun', 'needs a keep rule or a preset (e.g. "keepDaily": 7): prune refuses to run without one');
  if (!hasRetentionRule(r) && r.timeZone !== undefined) warn('retention.timeZone', 'has no effect without a keep rule or a preset');
}

function checkConnection(task: RsyncTask | CloudTask, ctx: ValidateContext, err: Report): void {
  if (task.connectedTo === undefined) return;
  if (!TASK_TYPE_INFO[task.type].push) {
    err('connectedTo', `only ${PUSH_TYPES.join(', ')} tasks can be connected to an encrypt task`);
  } else if (ctx.existing) {
    const target = ctx.existing.find((t) => t.name === task.connectedTo);
    if (!target) err('connectedTo', `there is no task "${task.connectedTo}"`);
    else if (target.type !== 'encrypt') err('connectedTo', `"${task.connectedTo}" is a ${target.type} task; connect to an encrypt task`);
  }
}

function checkCloud(task: CloudTask, ctx: ValidateContext, err: Report, warn: Report): void {
  if (parseRemoteSide(task.source) !== null || !isAbsolute(task.source)) err('source', 'must be an absolute path of a local folder');
  else if (ctx.checkFs) checkPushSource(task, ctx, err, warn);
  const spec = parseRcloneSpec(task.dest);
  if (!spec) err('dest', 'must be an rclone remote written REMOTE:path, e.g. "offsite:backups/docs" (a remote in your rclone config)');
  else for (const m of checkRcloneRemoteName(spec.remote)) err('dest', m);
  if (task.config !== undefined) {
    if (!isAbsolute(task.config)) err('config', 'must be an absolute path');
    else if (ctx.checkFs && statKind(task.config) !== 'file') err('config', `rclone config file ${task.config} does not exist`);
  }
  if (task.delete === false && task.maxDelete !== undefined) warn('maxDelete', 'has no effect: delete is false');
  checkConnection(task, ctx, err);
}

/** A push's local source: it may not exist yet when it is a catalog the first encrypt run makes. */
function checkPushSource(task: RsyncTask | CloudTask, ctx: ValidateContext, err: Report, warn: Report): void {
  const k = statKind(task.source);
  if (k === 'missing') {
    const owner = ctx.catalogFolders?.get(stripSlash(task.source));
    const connected = task.connectedTo;
    if (owner !== undefined || connected !== undefined) {
      warn('source', `folder does not exist yet: it is made by the first run of encrypt task "${owner ?? connected}"`);
    } else err('source', 'folder does not exist');
  } else if (k !== 'dir') err('source', 'is not a folder');
}

function checkRsyncFs(task: RsyncTask, ctx: ValidateContext, err: Report, warn: Report, o: { pull: boolean; remote: boolean }): void {
  if (!o.pull && isAbsolute(task.source) && parseRemoteSide(task.source) === null) checkPushSource(task, ctx, err, warn);
  const destLocal = o.pull || !o.remote;
  if (destLocal && isAbsolute(task.dest)) {
    const k = statKind(task.dest);
    if (k !== 'missing' && k !== 'dir') err('dest', 'exists and is not a folder');
    else if (k === 'missing' && task.type !== 'snapshot' && statKind(dirname(stripSlash(task.dest))) !== 'dir') {
      warn('dest', `parent folder ${dirname(stripSlash(task.dest))} does not exist: rsync creates only the last folder`);
    }
    if (o.pull && k === 'dir' && task.delete !== false && !isEmptyDir(task.dest)) {
      warn('dest', 'is not empty and delete is on: files in it that are not on the server will be deleted');
    }
  }
}

/** Validates a whole profile: every task, unique names, connections. Paths are 'tasks[i].field'. */
export function validateProfile(
  tasks: readonly unknown[],
  opts: { checkFs?: boolean; catalogFolders?: Map<string, string> } = {},
): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  tasks.forEach((t, i) => {
    // only .name and .type of the others are read, and validateTask copes with any shape
    const others = tasks.filter((o, j) => j !== i && isPlainObject(o)) as Task[];
    const r = validateTask(t, {
      existing: others,
      ...(opts.checkFs !== undefined ? { checkFs: opts.checkFs } : {}),
      ...(opts.catalogFolders ? { catalogFolders: opts.catalogFolders } : {}),
    });
    const prefix = (p: string): string => (p === '' ? `tasks[${i}]` : `tasks[${i}].${p}`);
    for (const e of r.errors) errors.push({ path: prefix(e.path), message: e.message });
    for (const w of r.warnings) warnings.push({ path: prefix(w.path), message: w.message });
  });
  return { errors, warnings };
}
