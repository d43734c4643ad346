// `cryptsync notify test TASK`: sends a test message to every notification target of a task (its
// own and the profile's) and says, per target, whether it arrived; exit code 1 when one failed.
// `cryptsync notify profile`: shows or replaces the profile-wide targets (notify.json). Targets
// are named by type and host only (their URLs may carry tokens).
import type { Command } from 'commander';
import { describeTarget } from '../../run/index.js';
import { EXIT } from '../../util/vocabulary.js';
import { CryptsyncError, UsageError } from '../../util/errors.js';
import { ExitCode } from '../exit-code.js';
import { type CliIo, out, err, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { parseTargets } from '../notify-targets.js';

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
        const targets = e.notifyTargetsOf(name);
        if (targets.length === 0) {
          throw new CryptsyncError('usage', 'NO_NOTIFY', `task "${name}" has no notification targets: add some with "cryptsync task edit ${name} --notify '{\"type\":\"webhook\",\"url\":\"https://…\"}'" or "cryptsync notify profile --set …"`, { subject: 'notify' });
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

  notify
    .command('profile')
    .option('--set <json>', 'a target as JSON (repeatable); replaces the profile-wide list', (v: string, prev: string[] = []) => [...prev, v])
    .option('--clear', 'remove every profile-wide target')
    .option('--profile <name>', 'profile (default: "default")')
    .option('--json', 'JSON output')
    .description('show or replace the notification targets told about every task of the profile')
    .action(async (o: { set?: string[]; clear?: boolean; profile?: string; json?: boolean }) => {
      if (o.set && o.clear) throw new UsageError('give --set or --clear, not both');
      await withEngine(io, o, async (e) => {
        const targets = o.set || o.clear ? await e.setProfileNotifyTargets(o.clear ? [] : parseTargets(o.set ?? [], '--set')) : e.profileNotifyTargets();
        if (o.json) jsonLine(io, { type: 'profile-notify', profile: e.profile, targets: targets.map((t) => ({ type: t.type, target: describeTarget(t), on: 'on' in t ? (t.on ?? ['failure']) : ['start', 'success', 'failure'] })) });
        else if (targets.length === 0) out(io, `profile "${e.profile}": no profile-wide notification targets`);
        else for (const t of targets) out(io, `${describeTarget(t)}${'on' in t ? ` (on ${(t.on ?? ['failure']).join(', ')})` : ''}`);
      });
    });
}
