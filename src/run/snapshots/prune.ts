// Prune: the retention policy applied to the server's listing, then the snapshots it does not
// keep removed with one rsync (server-ops.ts). The plan is computed first and can be shown (dry
// run); applying it re-checks nothing it did not plan. Refused, before anything is removed, when
// the task has no rule, when the listing is empty (a wrong path or an unmounted disk looks like
// that), or when more than the task's share (default 50 %) would go, unless forced. Afterwards the
// root is listed again: a snapshot that should be gone and is not, or one that should stay and is
// gone, is an error.
import { DEFAULT_MAX_REMOVE_PERCENT, hasRetentionRule, type SnapshotTask } from '../../tasks/index.js';
import { CryptsyncError } from '../../util/errors.js';
import { describeLocation, locationOf, type ServerLocation } from '../server-listing.js';
import { entryOf, listSnapshotNames, type SnapshotEntry } from './list.js';
import { policy, type PolicyDecision } from './policy.js';
import { removeFromRoot, type ServerOpOptions } from './server-ops.js';

export interface PrunePlan {
  task: string;
  root: ServerLocation;
  now: Date;
  decisions: Array<PolicyDecision<SnapshotEntry>>;
  remove: SnapshotEntry[];
  /** why applying this plan is refused (null: it may be applied) */
  refusal: CryptsyncError | null;
}

export async function planPrune(task: SnapshotTask, o: ServerOpOptions & { now?: Date; force?: boolean }): Promise<PrunePlan> {
  if (!hasRetentionRule(task.retention)) {
    throw new CryptsyncError('config', 'NO_RETENTION', `task "${task.name}" has no retention rule: set one, e.g. \`cryptsync task edit ${task.name} --keep-daily 7 --keep-weekly 4\``, { subject: 'retention' });
  }
  const root = locationOf(task);
  const now = o.now ?? new Date();
  const list = (await listSnapshotNames(root, o)).map((n) => entryOf(root, n));
  const decisions = policy(list, now, task.retention ?? {});
  const remove = decisions.filter((d) => !d.keep).map((d) => d.entry);
  const newest = list[list.length - 1];
  if (newest && remove.includes(newest)) throw new CryptsyncError('internal', 'PRUNE_NEWEST', `refusing to remove the newest snapshot ${newest.name}`);
  return { task: task.name, root, now, decisions, remove, refusal: refusalOf(task, root, list.length, remove.length, o.force ?? false) };
}

function refusalOf(task: SnapshotTask, root: ServerLocation, total: number, removing: number, force: boolean): CryptsyncError | null {
  if (total === 0) {
    return new CryptsyncError('guard', 'PRUNE_EMPTY_LISTING', `the listing of ${describeLocation(root)} shows no snapshots: nothing to prune (check the task's dest)`, { subject: root.spec });
  }
  const max = task.retention?.maxRemovePercent ?? DEFAULT_MAX_REMOVE_PERCENT;
  if (!force && removing > 0 && (removing * 100) / total > max) {
    return new CryptsyncError('guard', 'PRUNE_SHARE',
      `prune would remove ${removing} of ${total} snapshots (${Math.round((removing * 100) / total)} %, more than ${max} %): check the rules, then run \`cryptsync prune ${task.name} --force\` (or set retention.maxRemovePercent)`,
      { subject: 'retention' });
  }
  return null;
}

/** Removes what the plan removes (refused plans throw), then checks the root again. */
export async function applyPrune(plan: PrunePlan, o: ServerOpOptions): Promise<{ removed: string[] }> {
  if (plan.refusal) throw plan.refusal;
  const names = plan.remove.map((e) => e.name);
  if (names.length === 0) return { removed: [] };
  await removeFromRoot(plan.root, names, o);
  const after = new Set((await listSnapshotNames(plan.root, o)).map((n) => n.name));
  const left = names.filter((n) => after.has(n));
  const lost = plan.decisions.filter((d) => d.keep && !after.has(d.entry.name)).map((d) => d.entry.name);
  if (left.length > 0 || lost.length > 0) {
    throw new CryptsyncError('external', 'PRUNE_CHECK_FAILED',
      `after prune, ${describeLocation(plan.root)} is not as planned:${left.length ? ` still there: ${left.join(', ')};` : ''}${lost.length ? ` gone although kept: ${lost.join(', ')}` : ''}`,
      { subject: plan.root.spec });
  }
  return { removed: names };
}
