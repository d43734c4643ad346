// An exclusive lock file across processes on one machine, naming its owner by pid AND process
// start time, so a lock left by a killed process is recognised as stale even after the kernel
// has given its pid to another process. Used for the per-task run lock and the tasks.json edit lock.
//
// Contracts:
// - Creation is atomic: the full owner line is written to a private temp file which is then
//   link()ed to the lock name; link fails with EEXIST if the lock exists, so a lock file is never
//   seen half-written and exactly one creator wins.
// - A stale lock is cleared only under a second lock (`<lock>.takeover`, taken the same way) and
//   only after re-reading it and finding the very same owner line (each line carries a random
//   nonce): a contender can never remove a lock another contender has just taken. The takeover
//   lock is held for a few file operations; one left by a process killed inside them is cleared
//   by rename + compare, the only step that could race, and only when its holder is dead.
// - tryPidLock is synchronous on purpose: starting a run must return its id at once, after the
//   lock is held. waitForPidLock retries it for locks that guard a short edit.
// - Never deletes a lock it does not own: release() removes the file only if it still holds this
//   owner's line.
import { linkSync, openSync, writeSync, closeSync, readFileSync, renameSync, unlinkSync, statSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CryptsyncError, isCryptsyncError } from './errors.js';

export interface LockOwner {
  pid: number;
  /** Linux: field 22 of /proc/PID/stat (clock ticks since boot); null where it cannot be read */
  startTime: string | null;
}

export interface PidLock {
  readonly path: string;
  /** removes the lock if it is still ours; safe to call twice */
  release(): void;
}

export type PidLockAttempt = { held: PidLock } | { busy: LockOwner };

export interface PidLockOptions {
  /** also treat a lock older than this (by mtime) as stale; for locks that only guard short edits */
  staleAfterMs?: number;
}

export interface PidLockWaitOptions extends PidLockOptions {
  /** give up after this long while a live process holds the lock */
  waitMs: number;
}

/** how long one attempt may wait for another process's takeover of a stale lock */
const TAKEOVER_WAIT_MS = 3000;
const TAKEOVER_POLL_MS = 2;
/** how often waitForPidLock tries again while the lock is busy */
const WAIT_POLL_MS = 15;
/** an owner line that does not parse (a file from an older version, cut short by a crash) */
const UNPARSEABLE_STALE_MS = 5000;
/** lock files are private: they name processes of this user */
const LOCK_FILE_MODE = 0o600;
const LOCK_DIR_MODE = 0o700;

interface ProcStat {
  state: string;
  startTime: string;
}

/** /proc/PID/stat fields 3 (state) and 22 (starttime); null off Linux or when the pid is gone. */
function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // field 2 (comm) is in parentheses and may hold spaces or ')': split after the last ')'
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const start = rest[22 - 3];
  if (state === undefined || start === undefined || !/^\d+$/.test(start)) return null;
  return { state, startTime: start };
}

export function processStartTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // a zombie has exited: it holds nothing
  return procStat(pid)?.state !== 'Z';
}

/** The owner still runs: its pid is alive and, where both are known, started at the recorded time. */
export function isOwnerAlive(owner: LockOwner): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  if (owner.startTime === null) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime;
}

let selfStart: string | null | undefined;

function ownerLine(): string {
  if (selfStart === undefined) selfStart = processStartTime(process.pid);
  return `${process.pid} ${selfStart ?? '-'} ${randomBytes(8).toString('hex')}\n`;
}

/** Parses "PID START NONCE" (this version) or "PID" (older versions); null if it does not parse. */
export function parseOwnerLine(text: string): LockOwner | null {
  const m = /^(\d+)(?:\s+(\d+|-)(?:\s+\S+)?)?\s*$/.exec(text);
  if (!m) return null;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  return { pid, startTime: m[2] === undefined || m[2] === '-' ? null : m[2] };
}

interface Seen {
  text: string;
  mtimeMs: number;
}

function readLock(path: string): Seen | undefined {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    return { text: readFileSync(path, 'utf8'), mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(seen: Seen, o: PidLockOptions): boolean {
  const age = Date.now() - seen.mtimeMs;
  const owner = parseOwnerLine(seen.text);
  if (owner === null) return age > UNPARSEABLE_STALE_MS;
  if (o.staleAfterMs !== undefined && age > o.staleAfterMs) return true;
  return !isOwnerAlive(owner);
}

function tempNameFor(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.${what}`);
}

/** Creates `path` holding `line` if it does not exist; false if it does. */
function createExclusive(path: string, line: string): boolean {
  const tmp = tempNameFor(path, 'new');
  const fd = openSync(tmp, 'wx', LOCK_FILE_MODE);
  try {
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

function unlinkIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Clears a takeover lock whose holder died: rename it aside, and if what was moved is not the
 * dead holder's line (a live contender took it in between), put it back.
 */
function clearDeadTakeover(guard: string, seen: Seen): void {
  const aside = tempNameFor(guard, 'stale');
  try {
    renameSync(guard, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (readFileSync(aside, 'utf8') !== seen.text) linkSync(aside, guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkIfExists(aside);
  }
}

/** Removes the lock at `path` if it still holds `seen`; false if the takeover lock could not be had in time. */
function removeStale(path: string, seen: Seen, deadline: number): boolean {
  const guard = `${path}.takeover`;
  const line = ownerLine();
  while (!createExclusive(guard, line)) {
    const g = readLock(guard);
    if (g && isStale(g, {})) clearDeadTakeover(guard, g);
    else if (Date.now() > deadline) return false;
    else sleepSync(TAKEOVER_POLL_MS);
  }
  try {
    // under the takeover lock nobody else removes `path`, and its dead owner cannot: if it still
    // holds the same line, it is the stale lock we judged
    if (readLock(path)?.text === seen.text) unlinkIfExists(path);
  } finally {
    if (readLock(guard)?.text === line) unlinkIfExists(guard);
  }
  return true;
}

/**
 * One attempt to take the lock at `path`: held, or busy with the live owner. A stale lock is
 * taken over. Throws LOCK_STUCK (with the path) only when the lock can be neither taken nor attributed to a
 * live owner within a few seconds, or on file system errors.
 */
export function tryPidLock(path: string, o: PidLockOptions = {}): PidLockAttempt {
  mkdirSync(dirname(path), { recursive: true, mode: LOCK_DIR_MODE });
  const deadline = Date.now() + TAKEOVER_WAIT_MS;
  const line = ownerLine();
  for (;;) {
    if (createExclusive(path, line)) return { held: heldLock(path, line) };
    const seen = readLock(path);
    if (seen !== undefined && !isStale(seen, o)) return { busy: parseOwnerLine(seen.text) ?? { pid: 0, startTime: null } };
    // released in between, or stale: try again (after clearing it)
    const cleared = seen === undefined || removeStale(path, seen, deadline);
    if (!cleared || Date.now() > deadline) {
      throw new CryptsyncError('conflict', 'LOCK_STUCK', `${path}: could not take the lock in time`, { subject: path });
    }
  }
}

/**
 * Takes the lock at `path`, waiting up to `o.waitMs` while a live process holds it or another
 * process is taking a stale one over; null if it is still busy then. File system errors throw.
 */
export async function waitForPidLock(path: string, o: PidLockWaitOptions): Promise<PidLock | null> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    const attempt = tryOrStuck(path, o);
    if (attempt && 'held' in attempt) return attempt.held;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
  }
}

/** undefined: a stale lock is being taken over by another process; wait like for a busy one */
function tryOrStuck(path: string, o: PidLockOptions): PidLockAttempt | undefined {
  try {
    return tryPidLock(path, o);
  } catch (e) {
    if (isCryptsyncError(e) && e.code === 'LOCK_STUCK') return undefined;
    throw e;
  }
}

/** The live owner of the lock at `path`, or null (no lock, or a stale one). */
export function pidLockHolder(path: string, o: PidLockOptions = {}): LockOwner | null {
  const seen = readLock(path);
  if (seen === undefined || isStale(seen, o)) return null;
  return parseOwnerLine(seen.text) ?? { pid: 0, startTime: null };
}

function heldLock(path: string, line: string): PidLock {
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      if (readLock(path)?.text === line) unlinkIfExists(path);
    },
  };
}
