// `cryptsync snapshots TASK`: the snapshots of a snapshot task as its server has them (one
// listing; `--sizes` adds one recursive listing for file counts and sizes), with their age and
// the run that wrote each one (matched in the run log by time; "unknown" when none matches).
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { table } from '../format.js';
import { humanBytes } from '../../util/human-bytes.js';
import { UsageError } from '../../util/errors.js';
import type { Engine } from '../../run/index.js';
import type { SnapshotTask } from '../../tasks/index.js';
import type { RunRecord } from '../../store/index.js';
import { listSnapshots, snapshotSizes, type SnapshotEntry } from '../../run/snapshots/index.js';
import { PROFILE_HELP } from '../option-help.js';

type Opts = Record<string, unknown>;

/** The task, refused unless it is a snapshot task. */
export function snapshotTaskOf(e: Engine, name: string): SnapshotTask {
  const t = e.tasks.get(name);
  if (t.type !== 'snapshot') throw new UsageError(`task "${name}" is a ${t.type} task; snapshots belong to snapshot tasks`, name);
  return t;
}

/** "3 h ago", "2 d ago", "in 5 min" (a snapshot dated after this machine's clock) */
export function ageText(ms: number): string {
  const future = ms < 0;
  const s = Math.abs(ms) / 1000;
  const [n, unit] = s < 90 ? [s, 's'] : s < 5400 ? [s / 60, 'min'] : s < 129_600 ? [s / 3600, 'h'] : [s / 86_400, 'd'];
  const text = `${Math.round(n)} ${unit}`;
  return future ? `in ${text}` : `${text} ago`;
}

/** The real run of the task whose time span holds the snapshot's start (names are cut to the second). */
export function runOfSnapshot(s: SnapshotEntry, runs: readonly RunRecord[]): RunRecord | undefined {
  if (s.time === null) return undefined;
  const t = s.time.getTime();
  return runs.find((r) => {
    if (r.dryRun) return false;
    const start = Math.floor(Date.parse(r.startedAt) / 1000) * 1000;
    const end = r.endedAt ? Date.parse(r.endedAt) : Date.now();
    return start <= t && t <= end;
  });
}

export function registerSnapshots(program: Command, io: CliIo): void {
  program
    .command('snapshots')
    .argument('<task>', 'a snapshot task')
    .option('--sizes', 'also count files and bytes of each snapshot (one recursive listing of the server: slower)')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', 'one JSON object per snapshot')
    .description('list the snapshots of a snapshot task, read from its server: date, age, files, size, the run that wrote it')
    .action(async (name: string, o: Opts) => {
      await withAbortOnSignal((signal) =>
        withEngine(io, o, async (e) => {
          const task = snapshotTaskOf(e, name);
          const list = await listSnapshots(task, { env: e.env, signal: signal });
          const sizes = o.sizes ? await snapshotSizes(task, { env: e.env, signal: signal }) : undefined;
          const runs = e.listRuns({ task: name, limit: 10_000 });
          const now = Date.now();
          const rows = list.map((s) => {
            const run = runOfSnapshot(s, runs);
            const size = sizes ? (sizes.get(s.name) ?? { files: 0, bytes: 0 }) : undefined;
            return { s, run, size };
          });
          if (o.json) {
            for (const { s, run, size } of rows) {
              jsonLine(io, {
                type: 'snapshot', task: name, name: s.name, time: s.time?.toISOString() ?? null,
                ...(s.number !== undefined ? { number: s.number } : {}),
                location: s.location.spec,
                ageSec: s.time ? Math.round((now - s.time.getTime()) / 1000) : null,
                ...(size ? { files: size.files, bytes: size.bytes } : {}),
                runId: run?.id ?? null, runStatus: run?.status ?? null,
              });
            }
            return;
          }
          if (rows.length === 0) {
            out(io, `no snapshots of "${name}" yet at ${task.dest}`);
            return;
          }
          out(io, table([
            ['SNAPSHOT', 'DATE (UTC)', 'AGE', 'FILES', 'SIZE', 'WRITTEN BY'],
            ...rows.map(({ s, run, size }) => [
              s.name,
              s.time ? s.time.toISOString().slice(0, 19).replace('T', ' ') : '(numbered, no date)',
              s.time ? ageText(now - s.time.getTime()) : '-',
              size ? String(size.files) : '-',
              size ? humanBytes(size.bytes) : '-',
              run ? `run ${run.id} (${run.status})` : 'unknown',
            ]),
          ]));
          if (!sizes) out(io, '(files and size: --sizes)');
        }),
      );
    });
}
