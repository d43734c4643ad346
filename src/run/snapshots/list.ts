// The snapshots of a snapshot task, read from the server itself (one `rsync --list-only` of the
// snapshot root), never from the run log: what is on the server is what can be restored. Also
// picks one snapshot by a user's selector. Never writes anything.
import type { SnapshotTask } from '../../tasks/index.js';
import { CryptsyncError } from '../../util/errors.js';
import { childLocation, listServer, locationOf, type ServerLocation } from '../server-listing.js';
import { compareSnapshotNames, parseSnapshotName, type SnapshotName } from './naming.js';

export interface SnapshotEntry {
  name: string;
  /** the UTC time of a dated snapshot; null for an old numbered folder */
  time: Date | null;
  number?: number;
  /** the snapshot folder itself */
  location: ServerLocation;
}

export interface ListOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The snapshot root's folders that are snapshots, with their parsed names, oldest first. */
export async function listSnapshotNames(root: ServerLocation, o: ListOptions): Promise<SnapshotName[]> {
  let listed;
  try {
    listed = await listServer(root, { recursive: false, ...(o.signal ? { signal: o.signal } : {}), ...(o.env ? { env: o.env } : {}) });
  } catch (e) {
    // before the first run there is no snapshot root: no snapshots, not an error
    if (e instanceof CryptsyncError && e.code === 'NOT_FOUND') return [];
    throw e;
  }
  const names: SnapshotName[] = [];
  for (const l of listed) {
    if (l.kind !== 'dir' || l.path.includes('/')) continue;
    const n = parseSnapshotName(l.path);
    if (n) names.push(n);
  }
  return names.sort(compareSnapshotNames);
}

/** Every snapshot of the task on its server (or local disk), oldest first. */
export async function listSnapshots(task: SnapshotTask, o: ListOptions): Promise<SnapshotEntry[]> {
  const root = locationOf(task);
  return (await listSnapshotNames(root, o)).map((n) => entryOf(root, n));
}

export function entryOf(root: ServerLocation, n: SnapshotName): SnapshotEntry {
  return { name: n.name, time: n.time, ...(n.number !== undefined ? { number: n.number } : {}), location: childLocation(root, n.name) };
}

/**
 * One snapshot: 'latest' (the newest), an exact name (`2026-12-02T023000Z`, `3`), or a prefix of a
 * dated name (`2026-12-02`, `2026-12-02T02`: the newest snapshot that starts with it).
 */
export function pickSnapshot(list: readonly SnapshotEntry[], selector: string): SnapshotEntry {
  const sel = selector.trim();
  if (list.length === 0) throw new CryptsyncError('not-found', 'NO_SNAPSHOTS', 'there are no snapshots yet (a snapshot run writes the first one)', { subject: sel });
  if (sel === 'latest') return list[list.length - 1]!;
  const exact = list.find((s) => s.name === sel);
  if (exact) return exact;
  const byPrefix = sel.length >= 4 && /^\d{4}(-|$)/.test(sel) ? list.filter((s) => s.time !== null && s.name.startsWith(sel)) : [];
  const newest = byPrefix[byPrefix.length - 1];
  if (newest) return newest;
  const shown = list.length > 12 ? [...list.slice(0, 3).map((s) => s.name), '…', ...list.slice(-8).map((s) => s.name)] : list.map((s) => s.name);
  throw new CryptsyncError('not-found', 'NO_SUCH_SNAPSHOT', `no snapshot matches "${sel}"; there are ${list.length}: ${shown.join(', ')} (or use "latest")`, { subject: sel });
}
