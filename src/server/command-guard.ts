// Keeps the web API from being a command runner. The access token lets a page start runs, so a
// task field that makes cryptsync, rsync or ssh execute a program of the caller's choosing would
// turn the token into a shell: pre/post commands (and their halt switches), exec-capable ssh
// options and rsync flags that name a program. Through the API these can be neither set nor
// changed unless `serve` was started with --allow-commands; they stay editable from the CLI and
// tasks.json. An edit that leaves them exactly as they are passes (the page sends the whole task
// back). Pure: it looks at the request and the saved task, never at the file system.
import { RequestError } from './http-errors.js';

/** ssh options (case-insensitive, as ssh reads them) that run a program or load code locally. */
export const EXEC_SSH_OPTIONS = [
  'ProxyCommand',
  'LocalCommand',
  'PermitLocalCommand',
  'KnownHostsCommand',
  'Match',
  'Include',
  'PKCS11Provider',
  'SecurityKeyProvider',
  'XAuthLocation',
];
const EXEC_SSH = new Set(EXEC_SSH_OPTIONS.map((o) => o.toLowerCase()));

/** fields whose whole value is locked */
const LOCKED_FIELDS = ['preCommand', 'postCommand', 'haltOnPreError', 'haltOnPostError'] as const;

/** rsync accepts unique abbreviations of long options; extra-flags.ts uses the same minimum */
const MIN_ABBREVIATION = 5;

function longName(flag: string): string {
  const eq = flag.indexOf('=');
  return eq < 0 ? flag : flag.slice(0, eq);
}

function isAbbreviationOf(name: string, full: string): boolean {
  return name === full || (name.length >= MIN_ABBREVIATION && full.startsWith(name));
}

/** An rsync flag that names a program for rsync or ssh to execute (locally or on the server). */
export function isExecFlag(flag: string): boolean {
  const remote = /^(?:--remote-option=|--remote-o[a-z-]*=|-M)(.+)$/.exec(flag);
  if (remote) return isExecFlag(remote[1] as string);
  if (flag.startsWith('--')) {
    const name = longName(flag);
    return isAbbreviationOf(name, '--rsh') || isAbbreviationOf(name, '--rsync-path');
  }
  // a short cluster like -ae: 'e' (rsh) before any letter that takes a value
  if (flag.startsWith('-')) {
    for (const ch of flag.slice(1)) {
      if (ch === 'e') return true;
      if ('BTMf@'.includes(ch)) return false;
    }
  }
  return false;
}

export function isExecSshOption(option: string): boolean {
  const key = /^\s*([A-Za-z0-9]+)/.exec(option)?.[1] ?? '';
  return EXEC_SSH.has(key.toLowerCase());
}

/** field -> the command-running part of a task, as a comparable string ('' when there is none) */
function commandParts(task: Record<string, unknown>): Map<string, string> {
  const parts = new Map<string, string>();
  for (const f of LOCKED_FIELDS) parts.set(f, task[f] === undefined ? '' : JSON.stringify(task[f]));
  const list = (k: string): unknown[] => (Array.isArray(task[k]) ? (task[k] as unknown[]) : []);
  const ssh = list('sshOptions').filter((o) => typeof o === 'string' && isExecSshOption(o));
  const flags = list('extraFlags').filter((o) => typeof o === 'string' && isExecFlag(o));
  parts.set('sshOptions', ssh.length ? JSON.stringify(ssh) : '');
  parts.set('extraFlags', flags.length ? JSON.stringify(flags) : '');
  return parts;
}

function refuse(field: string): never {
  throw new RequestError(
    'COMMANDS_LOCKED',
    `${field}: programs a task runs (pre/post commands, ssh options such as ProxyCommand, rsync flags such as --rsync-path) cannot be set or changed from the web UI; ` +
      'change them with `cryptsync task edit` or in tasks.json, or start `cryptsync serve --allow-commands`',
    { field },
  );
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** For POST /api/tasks: a new task may not carry any command-running field. */
export function checkNewTask(input: unknown): void {
  for (const [field, part] of commandParts(asRecord(input))) if (part !== '') refuse(field);
}

/**
 * For PATCH /api/tasks/:name: applies the patch the way the task store does (null removes a
 * field) and refuses when any command-running part differs from the saved task's.
 */
export function checkTaskEdit(saved: unknown, patch: unknown): void {
  const old = asRecord(saved);
  const merged: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(asRecord(patch))) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  const before = commandParts(old);
  for (const [field, part] of commandParts(merged)) if (part !== before.get(field)) refuse(field);
}
