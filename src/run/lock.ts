// One run per task at a time, across processes (CLI, web server, cron): a pid lock file per task
// (util/pid-lock.ts: atomic, owner named by pid and process start time). A lock whose owner is
// gone (a killed run, even if its pid was reused since) is stale and is taken over.
// Synchronous on purpose: starting a run must return its id at once, after the lock is held.
import { join } from 'node:path';
import { CryptsyncError, isCryptsyncError } from '../util/errors.js';
import { pidLockHolder, tryPidLock } from '../util/pid-lock.js';
import { ensurePrivateDir } from '../util/home.js';

export { isProcessAlive } from '../util/pid-lock.js';

export interface TaskLock {
  release(): void;
}

function lockPath(home: string, profile: string, task: string): string {
  return join(home, 'locks', `${encodeURIComponent(profile)}--${encodeURIComponent(task)}.lock`);
}

/** The pid holding a task's lock, or null (a stale lock counts as free). */
export function lockHolder(home: string, profile: string, task: string): number | null {
  try {
    return pidLockHolder(lockPath(home, profile, task))?.pid ?? null;
  } catch {
    return null;
  }
}

export function acquireTaskLock(home: string, profile: string, task: string): TaskLock {
  const path = lockPath(home, profile, task);
  ensurePrivateDir(join(home, 'locks'));
  let attempt;
  try {
    attempt = tryPidLock(path);
  } catch (e) {
    if (isCryptsyncError(e) && e.code === 'LOCK_STUCK') {
      throw new CryptsyncError('conflict', 'TASK_LOCK', `could not take the lock of task "${task}" (${path})`, { subject: task, cause: e });
    }
    throw e;
  }
  if ('busy' in attempt) {
    const who = attempt.busy.pid > 0 ? `process ${attempt.busy.pid}` : 'another process';
    throw new CryptsyncError('conflict', 'TASK_RUNNING', `task "${task}" is already running (${who}); wait for it to finish or abort it`, {
      subject: task,
    });
  }
  return attempt.held;
}
