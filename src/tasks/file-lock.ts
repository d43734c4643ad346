// A small cross-process lock around read-modify-write of tasks.json, so the CLI, the web server
// and a finishing run (snapshot number) cannot lose each other's edits. A pid lock file next to
// tasks.json (util/pid-lock.ts: atomic, owner named by pid and process start time); a lock whose
// owner is gone, or older than LOCK_STALE_MS, is from a killed process and is taken over. It
// guards only the short edit, never a whole run.
import { CryptsyncError, isCryptsyncError } from '../util/errors.js';
import { tryPidLock, type PidLockAttempt } from '../util/pid-lock.js';

export const LOCK_WAIT_MS = 5000;
export const LOCK_STALE_MS = 30_000;
const RETRY_MS = 15;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let lock;
  for (;;) {
    const attempt = tryOnce(lockPath);
    if (attempt && 'held' in attempt) {
      lock = attempt.held;
      break;
    }
    if (Date.now() > deadline) {
      throw new CryptsyncError('conflict', 'TASKS_LOCKED', `${lockPath}: another cryptsync is editing the tasks; try again (remove the file if no cryptsync is running)`, {
        subject: lockPath,
      });
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** undefined: a stale lock is being taken over by another process; wait like for a busy one */
function tryOnce(lockPath: string): PidLockAttempt | undefined {
  try {
    return tryPidLock(lockPath, { staleAfterMs: LOCK_STALE_MS });
  } catch (e) {
    if (isCryptsyncError(e) && e.code === 'LOCK_STUCK') return undefined;
    throw e;
  }
}
