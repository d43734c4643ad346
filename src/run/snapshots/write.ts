// Where one run of a snapshot task writes, decided from the server's listing when the step
// starts: rsync writes into the partial folder (PARTIAL_NAME, a leftover of an aborted run is
// simply brought up to date), hard-linking unchanged files to the newest complete snapshot, and
// only after rsync exited 0 is the partial folder renamed to the run's dated name. So a failed or
// aborted run never leaves a folder that looks like a finished snapshot. A dry run compares the
// source with the newest snapshot: its changes are the changes since that snapshot.
import type { SnapshotTask } from '../../tasks/index.js';
import { parseRemoteSide } from '../../tasks/index.js';
import { locationOf, rsyncSideOf, type ServerLocation } from '../server-listing.js';
import { listSnapshotNames } from './list.js';
import { PARTIAL_NAME, uniqueDatedName } from './naming.js';
import { daemonRefusal, renameInRoot, type ServerOpOptions } from './server-ops.js';

export interface SnapshotWrite {
  root: ServerLocation;
  /** the dated name the finished snapshot gets */
  name: string;
  /** the newest complete snapshot: this run's --link-dest, and what a dry run compares with */
  previous?: string;
}

/** The destination folder and --link-dest of the rsync call (relative to the task's dest). */
export interface SnapshotTarget {
  folder: string;
  /** relative to the folder rsync writes into */
  linkDest?: string;
}

/** Lists the root and picks this run's name (unique, from `at`) and its --link-dest. */
export async function planSnapshotWrite(task: SnapshotTask, at: Date, o: ServerOpOptions): Promise<SnapshotWrite> {
  const root = locationOf(task);
  if (parseRemoteSide(task.dest)?.daemon) throw daemonRefusal(root);
  const names = await listSnapshotNames(root, o);
  const previous = names[names.length - 1]?.name;
  const name = uniqueDatedName(at, new Set(names.map((n) => n.name)));
  return { root, name, ...(previous !== undefined ? { previous } : {}) };
}

/**
 * A real run writes into the partial folder with --link-dest to the previous snapshot; a dry run
 * compares with the previous snapshot itself (or with the not yet existing new folder before the
 * first). The link-dest is `<root>/<previous>` when the root is an absolute path — rrsync refuses
 * `..` in --link-dest and anchors absolute paths at its folder, as it anchors the dest itself — and
 * `../<previous>` (relative to the folder rsync writes into) for a root relative to the home.
 */
export function snapshotTarget(w: Pick<SnapshotWrite, 'name' | 'previous'> & { root?: ServerLocation }, dryRun: boolean): SnapshotTarget {
  if (dryRun) return { folder: w.previous ?? w.name };
  if (w.previous === undefined) return { folder: PARTIAL_NAME };
  const rootPath = w.root ? rsyncSideOf(w.root).path.replace(/\/+$/, '') : '';
  return { folder: PARTIAL_NAME, linkDest: rootPath.startsWith('/') ? `${rootPath}/${w.previous}` : `../${w.previous}` };
}

/** After rsync exited 0: the partial folder gets its dated name. */
export async function finishSnapshotWrite(w: SnapshotWrite, o: ServerOpOptions): Promise<void> {
  await renameInRoot(w.root, PARTIAL_NAME, w.name, o);
}
