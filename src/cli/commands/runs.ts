// `cryptsync estimate`, `cryptsync run` and `cryptsync log`: RsyncOSX's estimate (⌘T), execute
// (⌘R), estimate-then-run-what-changed (⌘B) and its log, over the same engine the web UI uses.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { createEngineRenderer, countsText } from '../engine-render.js';
import { humanBytes } from '../../util/human-bytes.js';
import { table, humanDuration } from '../format.js';
import { ExitCode } from '../exit-code.js';
import type { Engine, Estimate } from '../../run/index.js';
import { UsageError } from '../../util/errors.js';
import { PROFILE_HELP, JSON_HELP } from '../option-help.js';

type Opts = Record<string, unknown>;

/** The worst exit code wins: wrong password 12 and cancel 130 over fatal 1 over partial 3. */
function worse(a: number, b: number): number {
  const rank = (c: number) => (c === 0 ? 0 : c === 3 ? 1 : c === 1 ? 2 : 3);
  return rank(b) > rank(a) ? b : a;
}

function taskNames(e: Engine, name: string | undefined, all: boolean): string[] {
  if (all && name) throw new UsageError('give a task name or --all, not both');
  if (!all && !name) throw new UsageError('name a task, or use --all');
  if (name) return [name];
  // connected encrypt tasks run as part of their combined task
  const tasks = e.listTasks();
  const connected = new Set(tasks.map((t) => t.connectedTo).filter(Boolean));
  return tasks.filter((t) => !connected.has(t.name)).map((t) => t.name);
}

async function runOne(
  e: Engine,
  io: CliIo,
  name: string,
  o: { dryRun: boolean; json: boolean; force?: boolean },
): Promise<{ exitCode: number; estimate?: Estimate }> {
  const render = createEngineRenderer(io, { json: o.json });
  const { runId } = e.startRun(name, { dryRun: o.dryRun, force: o.force ?? false, onEvent: render });
  const onSignal = () => e.abortRun(runId);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await e.waitRun(runId);
    return { exitCode: r.exitCode, ...(r.estimate ? { estimate: r.estimate } : {}) };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** A task's run or estimate; a restore or verify from a server by its kind. */
function runKindText(r: { kind: string; dryRun: boolean }): string {
  if (r.kind === 'task') return r.dryRun ? 'estimate' : 'run';
  return r.dryRun ? `${r.kind} (dry run)` : r.kind;
}

export function registerRuns(program: Command, io: CliIo): void {
  program
    .command('estimate')
    .argument('[task]', 'task name')
    .option('--all', 'estimate every task')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', 'one JSON event per line')
    .description('dry run: what each step of a task would change (counts and bytes), nothing is written')
    .action(async (name: string | undefined, o: Opts) => {
      let code = 0;
      await withEngine(io, o, async (e) => {
        for (const n of taskNames(e, name, Boolean(o.all))) {
          const r = await runOne(e, io, n, { dryRun: true, json: Boolean(o.json) });
          code = worse(code, r.exitCode);
          if (!o.json && r.estimate) for (const s of r.estimate.steps) out(io, `  ${s.step}: ${countsText(s.counts)}`);
        }
      });
      if (code !== 0) throw new ExitCode(code);
    });

  program
    .command('run')
    .argument('[task]', 'task name')
    .option('--all', 'run every task')
    .option('--only-changed', 'with --all: estimate first, then run only the tasks with changes')
    .option('--force', 'lift the overridable guards: an empty source, a mass deletion (more than the share limit), a catalog whose last encrypt did not finish. Never lifted: a missing source, plaintext in a catalog, a shared catalog, maxDelete')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', 'one JSON event per line')
    .description('execute a task (a combined task encrypts, then pushes only if that succeeded)')
    .action(async (name: string | undefined, o: Opts) => {
      let code = 0;
      await withEngine(io, o, async (e) => {
        let names = taskNames(e, name, Boolean(o.all));
        if (o.onlyChanged) {
          const changed: string[] = [];
          for (const n of names) {
            const r = await runOne(e, io, n, { dryRun: true, json: Boolean(o.json) });
            code = worse(code, r.exitCode);
            if (r.exitCode === 0 && r.estimate?.hasChanges) changed.push(n);
          }
          names = changed;
          if (!o.json) out(io, names.length ? `tasks with changes: ${names.join(', ')}` : 'no task has changes');
        }
        for (const n of names) code = worse(code, (await runOne(e, io, n, { dryRun: false, json: Boolean(o.json), force: Boolean(o.force) })).exitCode);
      });
      if (code !== 0) throw new ExitCode(code);
    });

  program
    .command('log')
    .argument('[task]', 'only runs of this task')
    .option('--status <status>', 'only runs with this status (ok, partial, failed, aborted, running)')
    .option('--limit <n>', 'at most N runs (default 20)', (v) => Number(v))
    .option('--run <id>', 'one run with its steps and output tails', (v) => Number(v))
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('the run log: every run and each of its steps')
    .action(async (name: string | undefined, o: Opts) => {
      await withEngine(io, o, async (e) => {
        if (o.run !== undefined) {
          const r = e.getRun(o.run as number);
          if (!r) throw new UsageError(`--run: no run with id ${String(o.run)}`, '--run');
          if (o.json) {
            jsonLine(io, r);
            return;
          }
          out(io, `run ${r.id}: ${r.task} ${r.kind === 'task' ? '' : `${r.kind} `}${r.dryRun ? (r.kind === 'task' ? '(estimate) ' : '(dry run) ') : ''}${r.status}, started ${r.startedAt} (${r.startedBy}), exit ${r.exitCode ?? '-'}`);
          for (const s of r.steps) {
            out(io, `\n== step ${s.seq} ${s.kind}: ${s.status}, exit ${s.exitCode ?? '-'}, ${s.filesNew} new, ${s.filesChanged} changed, ${s.filesDeleted} deleted, ${humanBytes(s.bytes)}${s.message ? ` — ${s.message}` : ''}`);
            if (s.command) out(io, `$ ${s.command}`);
            if (s.outputTail) out(io, s.outputTail.trimEnd());
          }
          return;
        }
        const runs = e.listRuns({
          ...(name ? { task: name } : {}),
          ...(o.status ? { status: o.status as 'ok' } : {}),
          limit: (o.limit as number | undefined) ?? 20,
        });
        if (o.json) {
          for (const run of runs) jsonLine(io, { type: 'run', run });
          return;
        }
        if (runs.length === 0) {
          out(io, 'no runs logged yet');
          return;
        }
        const rows = [['ID', 'TASK', 'KIND', 'STATUS', 'STARTED', 'BY', 'DURATION', 'STEPS']];
        for (const r of runs) {
          const steps = r.steps
            .map((s) => `${s.kind}:${s.status}(${s.filesNew}+${s.filesChanged}~${s.filesDeleted}-,${humanBytes(s.bytes)})`)
            .join(' ');
          rows.push([String(r.id), r.task, runKindText(r), r.status, r.startedAt.slice(0, 19).replace('T', ' '), r.startedBy, r.durationMs === null ? '-' : humanDuration(r.durationMs), steps]);
        }
        out(io, table(rows));
        out(io, STEPS_LEGEND);
      });
    });
}

/** what the STEPS column's short notation means, printed under the table */
export const STEPS_LEGEND = 'STEPS: kind:status(N+C~D-,bytes) = N new, C changed and D deleted files, bytes written; e.g. rsync:ok(0+2~0-,1.2 KiB)';
