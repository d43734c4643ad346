// The prune step: after a successful snapshot run of a task with `retention.pruneAfterRun`, the
// retention policy applied to the server's snapshots (run/snapshots/prune.ts), logged as its own
// step. Its refusals (empty listing, too large a share) fail the step and are not lifted by
// `run --force`, which is meant for the push guards: a prune is forced only by `cryptsync prune --force`.
import type { SnapshotTask, Task } from '../../tasks/index.js';
import { ZERO_COUNTS, type StepCounts } from '../events.js';
import { failedStep, type StepContext, type StepResult } from '../step-result.js';
import { applyPrune, planPrune, type PrunePlan } from '../snapshots/index.js';
import { taskOfType, type StepDriver } from './driver.js';
import { TailBuffer } from '../../util/tail-buffer.js';

const isSnapshot = (t: Task): t is SnapshotTask => t.type === 'snapshot';
const snapshotTask = (t: Task): SnapshotTask => taskOfType(t, 'prune', isSnapshot);

/** One line per snapshot: keep/remove and why (the step's output tail, `cryptsync log --run`). */
export function pruneLines(plan: PrunePlan): string[] {
  return plan.decisions.map((d) => `${d.keep ? 'keep  ' : 'remove'} ${d.entry.name}  ${d.reasons.join('; ')}`);
}

async function runPrune(task: SnapshotTask, ctx: StepContext): Promise<StepResult> {
  const tail = new TailBuffer();
  let counts: StepCounts = { ...ZERO_COUNTS };
  try {
    const plan = await planPrune(task, { env: ctx.env, signal: ctx.signal });
    for (const l of pruneLines(plan)) tail.line(l);
    counts = { ...ZERO_COUNTS, files: plan.decisions.length, deletedFiles: plan.remove.length };
    if (plan.refusal) throw plan.refusal;
    const names = plan.remove.map((e) => e.name).join(', ');
    if (ctx.dryRun) {
      const message = plan.remove.length === 0 ? 'prune would remove no snapshot' : `prune would remove ${plan.remove.length} snapshot(s): ${names} (judged before this run's snapshot)`;
      return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), message };
    }
    const { removed } = await applyPrune(plan, { env: ctx.env, signal: ctx.signal });
    const message = removed.length === 0 ? `kept all ${plan.decisions.length} snapshots` : `removed ${removed.length} snapshot(s): ${names}; kept ${plan.decisions.length - removed.length}`;
    tail.line(message);
    return { status: 'ok', exitCode: 0, counts, tail: tail.toString(), message };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}

export const pruneDriver: StepDriver = {
  kind: 'prune',
  logsCommand: false,
  run: (task, ctx) => runPrune(snapshotTask(task), ctx),
  // the listing is the server's as it is now, before the new snapshot
  estimateAfter: (task, ctx) => runPrune(snapshotTask(task), ctx),
  command: (task, o) => ({ program: 'cryptsync', args: ['prune', snapshotTask(task).name, ...(o.dryRun ? ['--dry-run'] : [])] }),
  // the rsync step's checks (server reachable, login) cover the prune step's needs
  doctor: async () => [],
};
