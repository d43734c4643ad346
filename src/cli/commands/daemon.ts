// `cryptsync daemon`: the scheduler without the web UI, for machines without a browser (and for
// `cryptsync service install`). Runs the profile's scheduled tasks until SIGINT/SIGTERM, one
// line per run and scheduler notice on stdout. A second scheduler on the same home is refused
// with exit code 4, naming the process that holds it.
import type { Command } from 'commander';
import { Engine } from '../../run/index.js';
import { type CliIo, out, jsonLine } from '../io.js';
import { startScheduling, untilStopped } from '../scheduling.js';

export function registerDaemon(program: Command, io: CliIo): void {
  program
    .command('daemon')
    .description('run scheduled tasks (the "schedule" field) until stopped; no web UI')
    .option('--profile <name>', 'task profile (default: "default")')
    .option('--json', 'one JSON line per run start, run end and scheduler notice')
    .action(async (o: { profile?: string; json?: boolean }) => {
      const engine = Engine.open({ env: io.env, ...(o.profile ? { profile: o.profile } : {}) });
      try {
        const running = startScheduling(engine, io, { command: 'daemon', json: o.json === true });
        const plan = running.scheduler.plan();
        if (o.json) jsonLine(io, { type: 'daemon', pid: process.pid, home: engine.home, profile: engine.profile, tasks: plan });
        else {
          out(io, `cryptsync daemon: scheduling ${plan.length} task${plan.length === 1 ? '' : 's'} of profile "${engine.profile}" (home ${engine.home}, pid ${process.pid})`);
          for (const p of plan) out(io, `  ${p.task}: next run ${p.nextRunAt ?? 'now'}`);
        }
        await untilStopped();
        await running.stop();
        if (!o.json) out(io, 'cryptsync daemon stopped');
      } finally {
        engine.close();
      }
    });
}
