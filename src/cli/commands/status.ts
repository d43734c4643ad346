// `cryptsync status`: "is my data safe?" in one line per task (last good backup, last attempt and
// its result, next run), and an exit code a monitoring system or cron's MAILTO can use as is:
// 0 every scheduled task (every task with --all) has a good backup within its thresholdDays,
// 5 (OVERDUE) one has none, or an older one, 6 (LAST_RUN_FAILED) none is overdue but one's last
// attempt did not succeed. The codes are EXIT in util/vocabulary.ts and in the README.
import type { Command } from 'commander';
import type { TaskView } from '../../run/index.js';
import { EXIT } from '../../util/vocabulary.js';
import { relativeWords } from '../../util/relative-time.js';
import { ExitCode } from '../exit-code.js';
import { table } from '../format.js';
import { type CliIo, out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';

const LEVEL_WORD = { ok: 'OK', warning: 'WARNING', overdue: 'OVERDUE' } as const;

/** The exit code for these tasks' safety (see the file comment). */
export function statusExitCode(tasks: readonly TaskView[]): number {
  if (tasks.some((t) => t.safety.overdue || t.safety.neverGood)) return EXIT.OVERDUE;
  if (tasks.some((t) => t.safety.lastResult !== null && t.safety.lastResult !== 'ok' && t.safety.lastResult !== 'running')) return EXIT.LAST_RUN_FAILED;
  return EXIT.OK;
}

function statusRow(t: TaskView): string[] {
  const s = t.safety;
  const good = s.lastGoodAt ? `last good backup ${relativeWords(s.lastGoodAt)}` : 'no good backup yet';
  const attempt = s.lastAttemptAt ? `last attempt ${relativeWords(s.lastAttemptAt)}: ${s.lastResult}${s.lastStartedBy && s.lastStartedBy !== 'manual' ? ` (${s.lastStartedBy})` : ''}` : 'never run';
  const next = s.retryAt ? `retry ${relativeWords(s.retryAt)}` : s.nextRunAt ? `next run ${relativeWords(s.nextRunAt)}` : s.scheduled ? 'no next run' : 'not scheduled';
  const failed = s.failedStep ? `${s.failedStep.step}: ${s.failedStep.message}` : '';
  return [t.name, LEVEL_WORD[s.level], good, attempt, next, failed];
}

export function registerStatus(program: Command, io: CliIo): void {
  program
    .command('status')
    .description(`is my data safe? one line per task; exit code ${EXIT.OK} ok, ${EXIT.OVERDUE} a task is overdue (no good backup within thresholdDays), ${EXIT.LAST_RUN_FAILED} a last run failed`)
    .option('--all', 'judge every task, not only the scheduled ones')
    .option('--profile <name>', 'profile (default: "default")')
    .option('--json', 'JSON output')
    .action(async (o: { all?: boolean; profile?: string; json?: boolean }) => {
      const code = await withEngine(io, o, async (e) => {
        const tasks = e.listTasks();
        const judged = o.all ? tasks : tasks.filter((t) => t.safety.scheduled);
        const exitCode = statusExitCode(judged);
        if (o.json) {
          jsonLine(io, { type: 'status', exitCode, judged: judged.map((t) => t.name), tasks: tasks.map((t) => ({ name: t.name, ...t.safety })) });
        } else if (tasks.length === 0) out(io, 'no tasks yet');
        else {
          out(io, table(tasks.map(statusRow)));
          if (judged.length === 0) out(io, 'no scheduled task: nothing to judge (give tasks a schedule, or use --all)');
        }
        return exitCode;
      });
      if (code !== EXIT.OK) throw new ExitCode(code);
    });
}
