// One scheduler per home: `locks/scheduler.lock` (util/pid-lock.ts: atomic, its owner named by
// pid and start time, so a killed daemon's lock is taken over), and beside it a small record of
// who holds it (`cryptsync daemon` or `cryptsync serve`, the profile, since when) so a second
// one can say who it yields to.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CryptsyncError, isCryptsyncError } from '../util/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../util/home.js';
import { pidLockHolder, tryPidLock, type PidLock } from '../util/pid-lock.js';

export interface SchedulerHolder {
  pid: number;
  /** the command that holds it: "daemon" or "serve" */
  command: string;
  profile: string;
  since: string;
}

function paths(home: string): { lock: string; owner: string } {
  return { lock: join(home, 'locks', 'scheduler.lock'), owner: join(home, 'locks', 'scheduler.owner.json') };
}

function readHolder(path: string, pid: number): SchedulerHolder {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as SchedulerHolder;
    if (h.pid === pid) return h;
  } catch {
    /* written just after the lock: a holder that is starting up has none yet */
  }
  return { pid, command: 'cryptsync', profile: '?', since: '?' };
}

export function describeHolder(h: SchedulerHolder): string {
  return `cryptsync ${h.command} (pid ${h.pid}, profile "${h.profile}", since ${h.since})`;
}

/** Takes the home's scheduler lock, or throws SCHEDULER_HELD (exit code 4) naming the holder. */
export function acquireSchedulerLock(home: string, who: { command: string; profile: string }): PidLock {
  const p = paths(home);
  ensurePrivateDir(join(home, 'locks'));
  let attempt;
  try {
    attempt = tryPidLock(p.lock);
  } catch (e) {
    if (isCryptsyncError(e) && e.code === 'LOCK_STUCK') throw new CryptsyncError('conflict', 'SCHEDULER_HELD', `could not take the scheduler lock ${p.lock}`, { subject: p.lock, cause: e });
    throw e;
  }
  if ('busy' in attempt) {
    const h = readHolder(p.owner, attempt.busy.pid);
    throw new CryptsyncError('conflict', 'SCHEDULER_HELD', `the scheduler of ${home} is already running: ${describeHolder(h)}; stop it first, or use it`, { subject: home });
  }
  const held = attempt.held;
  const holder: SchedulerHolder = { pid: process.pid, command: who.command, profile: who.profile, since: new Date().toISOString() };
  writeFileSync(p.owner, `${JSON.stringify(holder)}\n`, { mode: PRIVATE_FILE_MODE });
  return {
    path: held.path,
    release() {
      try {
        if (readHolder(p.owner, process.pid).command === who.command) unlinkSync(p.owner);
      } catch {
        /* already gone */
      }
      held.release();
    },
  };
}

/** Who schedules this home now, or null. */
export function schedulerHolder(home: string): SchedulerHolder | null {
  const p = paths(home);
  const owner = pidLockHolder(p.lock);
  return owner ? readHolder(p.owner, owner.pid) : null;
}
