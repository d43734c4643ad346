// Guards every push of a local folder must pass before its program (rsync, rclone) runs,
// whatever the step. An unmounted disk looks like an empty folder: mirroring it would wipe the
// copy, so a missing source is always refused and an empty one (junk does not count) unless
// forced. A catalog whose last encrypt did not finish (torn files under real names) is not pushed
// unless forced. A catalog entry that is not an encrypted name (plaintext dropped into it) is
// never pushed.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CryptsyncError } from '../../util/errors.js';
import { isJunkName } from '../../util/junk-names.js';
import { unmountedMountPointOf } from '../../util/mount-state.js';
import { unfinishedWrites } from '../catalog-marks.js';
import type { StepContext } from '../step-result.js';

export interface PushSide {
  /** the local folder pushed */
  source: string;
  /** where it goes, in the user's words (for messages) */
  dest: string;
  /** the push deletes at the destination what the source no longer holds */
  mirrors: boolean;
}

export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** true when `dir` holds at least one file that is not system junk; walks only until it finds one */
export async function holdsUserFiles(dir: string): Promise<boolean> {
  const ents = await readdir(dir, { withFileTypes: true });
  const sub: string[] = [];
  for (const d of ents) {
    if (isJunkName(d.name)) continue;
    if (d.isDirectory()) sub.push(d.name);
    else return true;
  }
  for (const name of sub) {
    try {
      if (await holdsUserFiles(join(dir, name))) return true;
    } catch {
      return true; // unreadable: rsync will report it; not evidence of an empty source
    }
  }
  return false;
}

/** Refuses in a run, warns in an estimate (so the user sees what would be deleted). */
export function refuseOrWarn(ctx: StepContext, e: CryptsyncError): void {
  if (!ctx.dryRun) throw e;
  ctx.emit({ type: 'log', runId: ctx.runId, step: ctx.step, level: 'warning', message: `${e.message} (a run will refuse unless forced)` });
}

/**
 * Guards a push must pass before rsync runs. An unmounted disk looks like an empty folder:
 * mirroring it with --delete would wipe the server copy, so a missing source is always refused
 * and an empty one (junk does not count) unless forced. A catalog whose last encrypt did not
 * finish (torn files under real names) is not pushed unless forced. A catalog entry that is not an
 * encrypted name (plaintext dropped into it) is never pushed.
 */
export async function guardPush(task: PushSide, ctx: StepContext): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(task.source)).isDirectory();
  } catch {
    /* missing */
  }
  if (!isDir) {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_FOUND', `source folder ${task.source} does not exist or is not a folder (is its disk mounted?); nothing was sent`, {
      subject: task.source,
    });
  }
  const unmounted = unmountedMountPointOf(task.source);
  if (unmounted !== null) {
    throw new CryptsyncError('not-found', 'SOURCE_NOT_MOUNTED', `source ${task.source} is on ${unmounted}, which /etc/fstab lists as a mount point but is not mounted; nothing was sent`, {
      subject: task.source,
    });
  }
  const foreign = (ctx.previous?.catalog ?? ctx.catalog)?.foreign ?? [];
  if (foreign.length > 0) {
    const e = new CryptsyncError(
      'guard',
      'PLAINTEXT_IN_CATALOG',
      `the encrypted catalog ${task.source} holds ${foreign.length} entr${foreign.length === 1 ? 'y' : 'ies'} that ${foreign.length === 1 ? 'is' : 'are'} not encrypted for its remote, ` +
        `first: ${foreign[0]}; pushing could send plaintext to ${task.dest}, so nothing is sent (move ${foreign.length === 1 ? 'it' : 'them'} out of the catalog; --force does not lift this)`,
      { subject: `${task.source}/${foreign[0]}` },
    );
    if (!ctx.dryRun) throw e;
    ctx.emit({ type: 'log', runId: ctx.runId, step: ctx.step, level: 'error', message: `${e.message} (a run will refuse)` });
  }
  if (!ctx.force) {
    const unfinished = unfinishedWrites(ctx.home, task.source);
    const m = unfinished.find((x) => x.alive) ?? unfinished[0];
    if (m) {
      refuseOrWarn(
        ctx,
        new CryptsyncError(
          'guard',
          'ENCRYPT_UNFINISHED',
          m.alive
            ? `the encrypted catalog ${m.catalog} is being written right now by ${m.by} (process ${m.pid}); pushing it now could send a half-written state. Nothing was sent; run again when it has finished`
            : `the last encrypt of the catalog ${m.catalog} (by ${m.by}, started ${m.startedAt}) did not finish: it may hold torn files under their real names. ` +
                'Nothing was sent; run the encrypt task (or the combined task) again so it completes, or use --force to push anyway',
          { subject: m.catalog },
        ),
      );
    }
  }
  if (!task.mirrors || ctx.force || !isDir) return;
  if (await holdsUserFiles(task.source)) return;
  refuseOrWarn(
    ctx,
    new CryptsyncError(
      'guard',
      'EMPTY_SOURCE',
      `source folder ${task.source} holds no files (at most empty folders and system junk such as .DS_Store or lost+found): mirroring it with --delete would delete everything at ${task.dest}. ` +
        'Refused; if that is really what you want, run again with --force',
      { subject: task.source },
    ),
  );
}

