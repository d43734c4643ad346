// One run per task at a time, across processes (CLI, web server, cron): an exclusive lock file
// holding the owner's pid. A lock whose pid is gone (a killed run) is stale and is cleared.
// Synchronous on purpose: starting a run must return its id at once, after the lock is held.
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CryptsyncError } from '../util/errors.js';

export interface TaskLock {
  release(): void;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockPath(home: string, profile: string, task: string): string {
  return join(home, 'locks', `${encodeURIComponent(profile)}--${encodeURIComponent(task)}.lock`);
}

/** The pid holding a task's lock, or null (a stale lock counts as free). */
export function lockHolder(home: string, profile: string, task: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath(home, profile, task), 'utf8'), 10);
    return isProcessAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireTaskLock(home: string, profile: string, task: string): TaskLock {
  const path = lockPath(home, profile, task);
  mkdirSync(join(home, 'locks'), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = lockHolder(home, profile, task);
      if (holder !== null) {
        throw new CryptsyncError(
          'conflict',
          'TASK_RUNNING',
          `task "${task}" is already running (process ${holder}); wait for it to finish or abort it`,
          { subject: task },
        );
      }
      try {
        unlinkSync(path); // stale: the process that held it is gone
      } catch {
        /* someone else cleared it first */
      }
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      },
    };
  }
  throw new CryptsyncError('conflict', 'TASK_LOCK', `could not take the lock of task "${task}" (${path})`, { subject: task });
}
