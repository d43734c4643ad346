// Names for temporary files written next to their final name (atomic writes). The pattern is
// fixed so a later run can find and remove leftovers of a killed run; it must never collide with
// a real encrypted or restored name the user could have. The writer's pid is part of the name so
// a cleanup never removes the temporaries of a run still writing (another process). A random
// per-thread prefix plus a counter keeps it unique without a random draw per file (that showed
// up in profiles).
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { fsPath, hasRawBytes } from '../crypt/names-on-disk.js';
import { readDirEntries, type DirEntry } from './read-dir.js';
import { TEMP_PREFIX, TEMP_SUFFIX, TEMP_PATTERN } from './tree-entry.js';

const PREFIX_BYTES = 4;
const COUNTER_HEX = 8;
const threadPrefix = randomBytes(PREFIX_BYTES).toString('hex');
let counter = 0;

export function tempNameFor(dirAbs: string): string {
  counter = (counter + 1) >>> 0;
  return `${dirAbs}/${TEMP_PREFIX}${process.pid}-${threadPrefix}${counter.toString(16).padStart(COUNTER_HEX, '0')}${TEMP_SUFFIX}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the temporary file `name` (a base name matching TEMP_PATTERN) may be removed: its
 * writer is gone, or the name predates pids in temporary names.
 */
export function isStaleTemporary(name: string): boolean {
  const m = TEMP_PATTERN.exec(name);
  if (!m) return false;
  if (m[1] === undefined) return true;
  const pid = Number(m[1]);
  return pid <= 0 || !pidAlive(pid);
}

/**
 * Removes the stale temporaries cryptsync left in the folder `dirAbs` (not below it): regular
 * files matching TEMP_PATTERN whose writer is gone. Anything else, and the temporaries of a live
 * writer, stay. A missing or unreadable folder removes nothing. Returns how many were removed.
 */
export function removeStaleTemporaries(dirAbs: string): number {
  let ents: DirEntry[];
  try {
    ents = readDirEntries(dirAbs, hasRawBytes(dirAbs));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const d of ents) {
    if (!d.isFile() || !isStaleTemporary(d.name)) continue;
    try {
      unlinkSync(fsPath(`${dirAbs}/${d.name}`));
      removed++;
    } catch {
      // gone already, or not ours to remove: left alone
    }
  }
  return removed;
}
