// `cryptsync prune TASK`: the task's retention policy applied to the snapshots on its server.
// Prints every snapshot with keep/remove and why; `--dry-run` stops there. Holds the task's lock
// (no run may write a snapshot meanwhile). Refusals (no rule, an empty listing, more than the
// allowed share) end with exit 1 before anything is removed; `--force` lifts only the share rule.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { table } from '../format.js';
import { acquireTaskLock } from '../../run/lock.js';
import { applyPrune, planPrune } from '../../run/snapshots/index.js';
import { snapshotTaskOf } from './snapshots.js';
import { retentionText } from './retention-options.js';
import { PROFILE_HELP } from '../option-help.js';

type Opts = Record<string, unknown>;

export function registerPrune(program: Command, io: CliIo): void {
  program
    .command('prune')
    .argument('<task>', 'a snapshot task with retention rules')
    .option('--dry-run', 'show what would be kept and removed; remove nothing')
    .option('--force', 'remove even when more than the allowed share of the snapshots would go')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', 'one JSON object per snapshot, then a summary')
    .description('remove the snapshots the task\'s retention rules do not keep (the newest is never removed)')
    .action(async (name: string, o: Opts) => {
      await withAbortOnSignal((signal) =>
        withEngine(io, o, async (e) => {
          const task = snapshotTaskOf(e, name);
          const dryRun = Boolean(o.dryRun);
          const lock = dryRun ? undefined : acquireTaskLock(e.home, e.profile, name);
          try {
            const plan = await planPrune(task, { env: e.env, signal: signal, force: Boolean(o.force) });
            if (o.json) {
              for (const d of plan.decisions) {
                jsonLine(io, { type: 'prune-decision', task: name, name: d.entry.name, time: d.entry.time?.toISOString() ?? null, keep: d.keep, reasons: d.reasons });
              }
            } else {
              out(io, `${name}: ${retentionText(task.retention)}`);
              out(io, table(plan.decisions.map((d) => [d.keep ? 'keep' : 'remove', d.entry.name, d.reasons.join('; ')])));
            }
            const removing = plan.remove.map((s) => s.name);
            const summary = { type: 'prune', task: name, dryRun, snapshots: plan.decisions.length, remove: removing };
            if (plan.refusal) {
              if (o.json) jsonLine(io, { ...summary, removed: [], refused: plan.refusal.code, message: plan.refusal.message });
              throw plan.refusal;
            }
            if (dryRun) {
              if (o.json) jsonLine(io, { ...summary, removed: [] });
              else out(io, `dry run: would remove ${removing.length} of ${plan.decisions.length} snapshots${removing.length ? ` (${removing.join(', ')})` : ''}; nothing was removed`);
              return;
            }
            const { removed } = await applyPrune(plan, { env: e.env, signal: signal });
            if (o.json) jsonLine(io, { ...summary, removed });
            else out(io, `removed ${removed.length} of ${plan.decisions.length} snapshots${removed.length ? ` (${removed.join(', ')})` : ''}`);
          } finally {
            lock?.release();
          }
        }),
      );
    });
}
