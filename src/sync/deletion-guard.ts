// The deletion guards every step that mirrors a source onto a copy (the encrypt step of either
// engine onto the catalog, the rsync step onto the server) must pass before it deletes anything.
// Deleting on the user's behalf needs a reason that survives "the disk was not mounted" (an empty
// folder), "only .DS_Store is left" (junk counts as empty) and "90 % of the files vanished" (a
// share of the copy). Pure: the caller counts, this decides. `force` overrides "empty" and the
// share rule, never an explicit absolute limit (`maxDelete`), and a missing source is never a
// reason to delete (callers refuse it before counting).
import { CryptsyncError } from '../util/errors.js';

/** refuse a run that deletes more than this share of the copy's files, unless forced */
export const DEFAULT_MAX_DELETE_PERCENT = 50;
/** the default share rule applies from this many deletions on (pruning 3 of 4 files is normal) */
export const MASS_DELETE_MIN_FILES = 10;

export interface DeletionLimits {
  force?: boolean;
  /** absolute limit set by the user (task field or --max-delete); force does not lift it */
  maxDelete?: number;
  /** share limit in percent (0..100) set by the user; default DEFAULT_MAX_DELETE_PERCENT */
  maxDeletePercent?: number;
}

export interface DeletionCounts {
  /** files the run would delete from the copy */
  deletes: number;
  /** files the copy holds now */
  total: number;
  /** files in the source that are the user's data (junk not counted) */
  sourceFiles: number;
}

export interface DeletionContext {
  source: string;
  /** what is deleted from, in words: "the encrypted catalog at /x", "the server copy at host:/y" */
  copy: string;
  /** a dry run: the message says what a run would do */
  dryRun: boolean;
}

function pct(n: number, total: number): string {
  return `${Math.round((n * 1000) / Math.max(1, total)) / 10} %`;
}

/** The refusal for these counts, or null when the deletions may go ahead. */
export function deletionRefusal(c: DeletionCounts, l: DeletionLimits, ctx: DeletionContext): CryptsyncError | null {
  const would = ctx.dryRun ? 'a run would refuse' : 'refused';
  if (c.total > 0 && c.sourceFiles === 0 && c.deletes > 0 && l.force !== true) {
    return new CryptsyncError(
      'guard',
      'EMPTY_SOURCE',
      `source ${ctx.source} holds no files (at most empty folders and system junk such as .DS_Store or lost+found: is the disk mounted?) ` +
        `but ${ctx.copy} holds ${c.total}; deleting them all is ${would === 'refused' ? 'refused, nothing was deleted' : 'what a run would do, and it would refuse'}. ` +
        'If the source really is meant to be empty, run again with --force',
      { subject: ctx.source },
    );
  }
  if (l.maxDelete !== undefined && c.deletes > l.maxDelete) {
    return new CryptsyncError(
      'guard',
      'MAX_DELETE',
      `the run ${ctx.dryRun ? 'would delete' : 'deletes'} ${c.deletes} files from ${ctx.copy}, more than --max-delete ${l.maxDelete}; ${ctx.dryRun ? 'a run would refuse' : 'nothing was changed'}`,
      { subject: ctx.source },
    );
  }
  if (l.force === true) return null;
  const limit = l.maxDeletePercent ?? DEFAULT_MAX_DELETE_PERCENT;
  const applies = l.maxDeletePercent !== undefined || c.deletes >= MASS_DELETE_MIN_FILES;
  if (applies && c.total > 0 && c.deletes * 100 > limit * c.total) {
    return new CryptsyncError(
      'guard',
      'MASS_DELETE',
      `the run ${ctx.dryRun ? 'would delete' : 'deletes'} ${c.deletes} of the ${c.total} files in ${ctx.copy} (${pct(c.deletes, c.total)}, more than ${limit} %); ` +
        `${would}, nothing was changed. Did files vanish from ${ctx.source}? If the deletions are meant, run again with --force ` +
        '(or raise the task\'s maxDeletePercent)',
      { subject: ctx.source },
    );
  }
  return null;
}
