// `cryptsync doctor [TASK]`: can the task(s) run? rsync, folders, crypt remote and password,
// server reachable, ssh login, free space.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { ExitCode } from '../exit-code.js';
import { runDoctor } from '../../run/index.js';
import { PROFILE_HELP, JSON_HELP } from '../option-help.js';

export function registerDoctor(program: Command, io: CliIo): void {
  program
    .command('doctor')
    .argument('[task]', 'check only this task')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('check that tasks can run: rsync, folders, crypt remote and password, ssh, free space')
    .action(async (name: string | undefined, o: Record<string, unknown>) => {
      const checks = await withEngine(io, o, (e) => runDoctor(e, name));
      if (o.json) for (const c of checks) jsonLine(io, { type: 'doctor-check', ...c });
      else {
        for (const c of checks) {
          const mark = c.status === 'ok' ? 'ok  ' : c.status === 'warning' ? 'warn' : 'FAIL';
          out(io, `${mark}  ${c.task ? `${c.task}: ` : ''}${c.check}: ${c.detail}`);
        }
      }
      if (checks.some((c) => c.status === 'error')) throw new ExitCode(1);
    });
}
