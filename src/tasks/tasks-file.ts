// Reading and writing one profile's tasks.json: `{ "version": 1, "tasks": [ ... ] }`, pretty-printed,
// written atomically. A file that is not valid JSON, or not that shape, is CORRUPT: it is reported
// with its path (and line/column for JSON errors) and never overwritten; the user fixes it by hand.
// A read-modify-write holds `tasks.json.lock` (withTasksFileLock).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ConfigError, CryptsyncError } from '../util/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenMode } from '../util/home.js';
import { waitForPidLock, type PidLockWaitOptions } from '../util/pid-lock.js';
import { TASKS_FILE_VERSION, type Task } from './task-schema.js';
import { validateProfile, ValidationError } from './validate.js';

export const TASKS_FILE_NAME = 'tasks.json';

/**
 * The lock around a read-modify-write of tasks.json (util/pid-lock.ts), so the CLI, the web
 * server and a finishing run (snapshot number) cannot lose each other's edits. It guards only the
 * short edit, never a whole run: a lock older than staleAfterMs is from a killed process and is
 * taken over, as is one whose owner is gone.
 */
export const TASKS_FILE_LOCK: PidLockWaitOptions = { waitMs: 5000, staleAfterMs: 30_000 };

export async function withTasksFileLock<T>(tasksPath: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${tasksPath}.lock`;
  const lock = await waitForPidLock(lockPath, TASKS_FILE_LOCK);
  if (!lock) {
    throw new CryptsyncError('conflict', 'TASKS_LOCKED', `${lockPath}: another cryptsync is editing the tasks; try again (remove the file if no cryptsync is running)`, {
      subject: lockPath,
    });
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** Reads and validates (shape only: no file system checks) a tasks.json. Missing file = no tasks. */
export function readTasksFile(path: string): Task[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError('TASKS_UNREADABLE', `${path}: cannot be read: ${(e as Error).message}`, path);
  }
  return parseTasksText(text, path);
}

export function parseTasksText(text: string, path: string): Task[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('TASKS_CORRUPT', `${path}: not valid JSON${jsonPosition(text, (e as Error).message)}; fix or move the file (cryptsync will not overwrite it)`, path);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw corrupt(path, 'must be a JSON object { "version": 1, "tasks": [ ... ] }');
  }
  const { version, tasks } = doc as { version?: unknown; tasks?: unknown };
  if (typeof version !== 'number') throw corrupt(path, 'version: is required (1)');
  if (version > TASKS_FILE_VERSION) throw corrupt(path, `version: ${version} was written by a newer cryptsync (this one reads ${TASKS_FILE_VERSION})`);
  if (version !== TASKS_FILE_VERSION) throw corrupt(path, `version: must be ${TASKS_FILE_VERSION}`);
  if (!Array.isArray(tasks)) throw corrupt(path, 'tasks: must be a list');
  const { errors, warnings } = validateProfile(tasks);
  if (errors.length > 0) throw new ValidationError(path, errors, warnings);
  return tasks as Task[];
}

function corrupt(path: string, detail: string): ConfigError {
  return new ConfigError('TASKS_CORRUPT', `${path}: ${detail}; fix or move the file (cryptsync will not overwrite it)`, path);
}

/** ' at line L column C (position P)' from V8's JSON.parse message, when it names a position. */
function jsonPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return text.trim() === '' ? ' (the file is empty)' : ` (${message})`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return ` at line ${line} column ${column} (position ${pos})`;
}

export function formatTasksFile(tasks: Task[]): string {
  return `${JSON.stringify({ version: TASKS_FILE_VERSION, tasks }, null, 2)}\n`;
}

export async function writeTasksFile(path: string, tasks: Task[]): Promise<void> {
  await writeFileAtomic(path, formatTasksFile(tasks), PRIVATE_FILE_MODE);
}

/**
 * Tightens a tasks.json (0600) and its profile folders (0700) left more open by an older version;
 * creates nothing. Tasks name hosts, paths and commands: only their owner may read them.
 */
export function tightenTasksFile(path: string): void {
  const profile = dirname(path);
  tightenMode(dirname(profile), PRIVATE_DIR_MODE);
  tightenMode(profile, PRIVATE_DIR_MODE);
  tightenMode(path, PRIVATE_FILE_MODE);
}
