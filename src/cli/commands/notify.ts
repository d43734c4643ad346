// `cryptsync notify test TASK`: sends a test message to every notification target of a task and
// says, per target, whether it arrived; exit code 1 when one failed. Targets are named by type
// and host only (their URLs may carry tokens).
import type { Command } from 'commander';
import { describeTarget } from '../../run/index.js';
import { EXIT } from '../../util/vocabulary.js';
import { CryptsyncError } from '../../util/errors.js';
import { ExitCode } from '../exit-code.js';
import { type CliIo, out, err, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';

export function registerNotify(program: Command, io: CliIo): void {
  const notify = program.command('notify').description('notifications of a task (its "notify" field)');
  notify
    .command('test')
    .argument('<task>')
    .option('--profile <name>', 'profile (default: "default")')
    .option('--json', 'JSON output')
    .description('send a test message to every notification target of TASK')
    .action(async (name: string, o: { profile?: string; json?: boolean }) => {
      const failed = await withEngine(io, o, async (e) => {
        const targets = e.getTask(name).task.notify ?? [];
        if (targets.length === 0) {
          throw new CryptsyncError('usage', 'NO_NOTIFY', `task "${name}" has no notification targets: add some with "cryptsync task edit ${name} --notify '{\"type\":\"webhook\",\"url\":\"https://…\"}'"`, { subject: 'notify' });
        }
        const failures = await e.notifyTask(name, 'test');
        for (const t of targets) {
          const d = describeTarget(t);
          const f = failures.find((x) => x.target === d);
          if (o.json) jsonLine(io, { type: 'notify-test', target: d, ok: !f, ...(f ? { message: f.message } : {}) });
          else if (f) err(io, `${d}: failed: ${f.message}`);
          else out(io, `${d}: sent`);
        }
        return failures.length;
      });
      if (failed > 0) throw new ExitCode(EXIT.FATAL);
    });
}
