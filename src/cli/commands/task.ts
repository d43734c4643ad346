// `cryptsync task ...`: add, edit, remove, show, list, connect, disconnect, command.
import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { table } from '../format.js';
import type { TaskView } from '../../run/index.js';
import { UsageError } from '../../util/errors.js';
import { TASK_TYPES, TASK_TYPE_INFO, SCHEDULE_FORMS } from '../../tasks/index.js';
import { relativeWords } from '../../util/relative-time.js';
import { parseTargets } from '../notify-targets.js';
import { addRetentionOptions, retentionFrom, retentionText } from './retention-options.js';
import { PROFILE_HELP, JSON_HELP } from '../option-help.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function intArg(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new UsageError(`${name}: expected a whole number, got "${v}"`, name);
    return Number(v);
  };
}

function numberArg(name: string) {
  return (v: string): number => {
    if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${name}: expected a number, got "${v}"`, name);
    return Number(v);
  };
}

/** Splits a pre/post command into argv on whitespace; it never goes through a shell. */
function argvOf(cmd: string): string[] {
  return cmd.trim().split(/\s+/).filter(Boolean);
}

function addTaskOptions(c: Command): Command {
  return addRetentionOptions(c)
    .addOption(new Option('--type <type>', `task type: ${TASK_TYPES.map((t) => `${t} (${TASK_TYPE_INFO[t].summary})`).join('; ')}`).choices([...TASK_TYPES]))
    .option('--source <path>', 'source: a plain folder (encrypt), a local folder (synchronize/snapshot/cloud) or [user@]host:path (syncremote)')
    .option('--dest <path>', 'destination: [user@]host:path, host::module/path, or a local folder; for cloud, REMOTE:path of your rclone config')
    .option('--remote <remote>', 'crypt remote of an encrypt task, REMOTE:[path]')
    .option('--config <file>', 'rclone.conf holding the crypt remote, or the cloud remote (default: cryptsync\'s own)')
    .addOption(new Option('--encrypt-with <who>', 'encrypt with the built-in engine or the real rclone binary').choices(['native', 'rclone']))
    .addOption(new Option('--engine <who>', 'old name of --encrypt-with').choices(['native', 'rclone']).hideHelp())
    .option('--ssh-port <n>', 'ssh port', intArg('--ssh-port'))
    .option('--ssh-key <file>', 'ssh identity file')
    .option('--ssh-option <KEY=VALUE>', 'ssh -o option (repeatable)', collect)
    .option('--delete', 'delete files on the destination that the source no longer has (default)')
    .option('--no-delete', 'never delete on the destination')
    .option('--compress', 'compress on the wire (off by default: ciphertext does not compress)')
    .option('--no-compress', 'do not compress')
    .option('--protect-args', 'send paths with spaces safely (rsync --protect-args)')
    .option('--rsync-flag <flag>', 'extra rsync flag, e.g. --rsync-flag=--backup (repeatable)', collect)
    .option('--exclude <pattern>', 'exclude pattern (repeatable)', collect)
    .option('--include <pattern>', 'include pattern, encrypt tasks (repeatable)', collect)
    .option('--exclude-from <file>', 'read exclude patterns from a file (repeatable)', collect)
    .option('--max-delete <n>', 'refuse to delete more than N files', intArg('--max-delete'))
    .option('--max-delete-percent <n>', 'refuse a run that deletes more than N % of the copy (default 50, from 10 deletions on)', intArg('--max-delete-percent'))
    .option('--transfers <n>', 'parallel file transfers (encrypt and cloud tasks)', intArg('--transfers'))
    .option('--copy-links', 'follow symlinks (encrypt tasks)')
    .option('--checksum', 'encrypt tasks: re-check unchanged files against their encrypted copy on every run')
    .option('--no-checksum', 'encrypt tasks: trust size and mtime (default)')
    .option('--threshold-days <n>', 'days after which the task is shown overdue', intArg('--threshold-days'))
    .option('--pre-command <cmd>', 'command run before (split on spaces, no shell)')
    .option('--post-command <cmd>', 'command run after (split on spaces, no shell)')
    .option('--halt-on-pre-error', 'stop the run when the pre-command fails (default)')
    .option('--no-halt-on-pre-error', 'go on when the pre-command fails')
    .option('--halt-on-post-error', 'mark the run failed when the post-command fails')
    .option('--notes <text>', 'free text')
    .option('--schedule <expr>', `run it unattended (cryptsync daemon / serve): ${SCHEDULE_FORMS}`)
    .option('--no-schedule', 'remove the schedule')
    .option('--schedule-time-zone <tz>', 'time zone of the schedule, e.g. Europe/Berlin (default: this machine\'s)')
    .option('--stall-minutes <n>', 'stop a step that shows no progress for N minutes (default 30)', numberArg('--stall-minutes'))
    .option('--notify <json>', 'a notification target as JSON, e.g. \'{"type":"webhook","url":"https://…"}\' (repeatable; replaces the list)', collect)
    .option('--no-notify', 'remove every notification target')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', 'JSON output');
}

type TaskOpts = Record<string, unknown>;

/** Only the fields the user gave: an edit patches exactly those. */
function taskFields(c: Command, o: TaskOpts): Record<string, unknown> {
  const given = (k: string) => c.getOptionValueSource(k) === 'cli';
  const f: Record<string, unknown> = {};
  const map: Array<[string, string]> = [
    ['type', 'type'],
    ['source', 'source'],
    ['dest', 'dest'],
    ['remote', 'remote'],
    ['config', 'config'],
    ['engine', 'encryptWith'],
    ['encryptWith', 'encryptWith'],
    ['sshPort', 'sshPort'],
    ['sshKey', 'sshKey'],
    ['sshOption', 'sshOptions'],
    ['delete', 'delete'],
    ['compress', 'compress'],
    ['protectArgs', 'protectArgs'],
    ['rsyncFlag', 'extraFlags'],
    ['exclude', 'excludes'],
    ['include', 'includes'],
    ['excludeFrom', 'excludeFrom'],
    ['maxDelete', 'maxDelete'],
    ['maxDeletePercent', 'maxDeletePercent'],
    ['transfers', 'transfers'],
    ['copyLinks', 'copyLinks'],
    ['checksum', 'checksum'],
    ['thresholdDays', 'thresholdDays'],
    ['haltOnPreError', 'haltOnPreError'],
    ['haltOnPostError', 'haltOnPostError'],
    ['notes', 'notes'],
    ['scheduleTimeZone', 'scheduleTimeZone'],
    ['stallMinutes', 'stallMinutes'],
  ];
  for (const [opt, field] of map) if (given(opt)) f[field] = o[opt];
  // --no-schedule / --no-notify remove the field (an edit patches it with null)
  if (given('schedule')) f.schedule = o.schedule === false ? null : o.schedule;
  if (given('notify')) f.notify = o.notify === false ? null : parseTargets(o.notify as string[], '--notify');
  if (given('preCommand')) f.preCommand = argvOf(String(o.preCommand));
  if (given('postCommand')) f.postCommand = argvOf(String(o.postCommand));
  return f;
}

export function taskRow(t: TaskView): string[] {
  const type = t.combined ? `combined (encrypt ${t.connectedTo} -> ${t.type})` : t.type;
  const last = t.lastRunAt ? `${t.lastRunAt.slice(0, 16).replace('T', ' ')} ${t.lastStatus}` : 'not verified (dry run)';
  const days = t.daysSince === null ? '-' : `${t.daysSince.toFixed(1)}${t.overdue ? ' (overdue)' : ''}`;
  const est = t.estimate ? (t.estimate.error !== undefined ? 'estimate failed' : `${t.estimate.hasChanges ? 'changes' : 'up to date'}${t.estimate.stale ? ' (stale)' : ''}`) : '';
  return [t.name, type, t.source, t.destination, t.server ?? '', days, last, nextRunWords(t), est];
}

/** "in 3 h 12 min", "retry in 4 min", "-" when not scheduled */
export function nextRunWords(t: TaskView): string {
  if (t.safety.retryAt) return `retry ${relativeWords(t.safety.retryAt)}`;
  if (t.safety.nextRunAt) return relativeWords(t.safety.nextRunAt);
  return t.safety.scheduled ? 'no next run' : '-';
}

function printTask(io: CliIo, t: TaskView): void {
  out(io, `${t.name}  (${t.combined ? `combined: encrypt "${t.connectedTo}" then ${t.type}` : t.type})`);
  const s = t.safety;
  if (s.scheduled) out(io, `schedule: ${t.task.schedule}${t.task.scheduleTimeZone ? ` (${t.task.scheduleTimeZone})` : ''}; next run ${s.nextRunAt ? `${s.nextRunAt} (${relativeWords(s.nextRunAt)})` : 'none'}`);
  else out(io, 'schedule: none (runs only when started)');
  out(io, `last good backup: ${s.lastGoodAt ? `${s.lastGoodAt} (${relativeWords(s.lastGoodAt)})` : 'none yet'}${s.overdue ? ` OVERDUE (threshold ${s.thresholdDays} days)` : ''}`);
  if (s.lastAttemptAt) out(io, `last attempt: ${s.lastAttemptAt}: ${s.lastResult}${s.failedStep ? ` (${s.failedStep.step}: ${s.failedStep.message})` : ''}`);
  if (t.task.type === 'snapshot') out(io, `retention: ${retentionText(t.task.retention)}`);
  out(io, JSON.stringify(t.task, null, 2));
}

export function registerTask(program: Command, io: CliIo): void {
  const task = program.command('task').description('manage saved tasks (encrypt, synchronize, snapshot, syncremote)');

  const add = addTaskOptions(task.command('add').argument('<name>', 'task name').description('add a task')).option(
    '--connect <encrypt-task>',
    'connect the new synchronize/snapshot task to this encrypt task (combined)',
  );
  add.action(async (name: string, o: TaskOpts) => {
    const fields = taskFields(add, o);
    const retention = retentionFrom(add, o, undefined);
    if (retention) fields.retention = retention;
    const connectTo = typeof o.connect === 'string' ? o.connect : undefined;
    await withEngine(io, o, async (e) => {
      const v = await e.addTask({ name, ...fields });
      if (connectTo) await e.connect(name, connectTo);
      if (o.json) jsonLine(io, { type: 'task', task: v });
      else out(io, `added task "${v.name}" (${v.type})`);
    });
  });

  const edit = addTaskOptions(task.command('edit').argument('<name>', 'task name').description('change fields of a task'));
  edit.action(async (name: string, o: TaskOpts) => {
    const fields = taskFields(edit, o);
    await withEngine(io, o, async (e) => {
      const current = e.getTask(name).task;
      const retention = retentionFrom(edit, o, current.type === 'snapshot' ? current.retention : undefined);
      if (retention) fields.retention = retention;
      if (Object.keys(fields).length === 0) throw new UsageError('task edit: give at least one field to change (see --help)');
      const v = await e.editTask(name, fields);
      if (o.json) jsonLine(io, { type: 'task', task: v });
      else out(io, `updated task "${v.name}"`);
    });
  });

  task
    .command('remove')
    .argument('<name>')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('remove a task (never touches its folders)')
    .action(async (name: string, o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        await e.removeTask(name);
        if (o.json) jsonLine(io, { type: 'removed', task: name });
        else out(io, `removed task "${name}"`);
      });
    });

  task
    .command('show')
    .argument('<name>')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('show one task')
    .action(async (name: string, o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        const v = e.getTask(name);
        if (o.json) jsonLine(io, v);
        else printTask(io, v);
      });
    });

  task
    .command('list')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('list the tasks of a profile')
    .action(async (o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        const tasks = e.listTasks();
        if (o.json) {
          // one line per task, the shape of `task add --json`
          for (const t of tasks) jsonLine(io, { type: 'task', task: { ...t, type: t.combined ? 'combined' : t.type, taskType: t.type } });
          return;
        }
        if (tasks.length === 0) {
          out(io, 'no tasks yet: add one with "cryptsync task add NAME --type ..." (see --help)');
          return;
        }
        out(io, table([['NAME', 'TYPE', 'SOURCE', 'DESTINATION', 'SERVER', 'DAYS', 'LAST RUN', 'NEXT RUN', 'ESTIMATE'], ...tasks.map(taskRow)]));
      });
    });

  task
    .command('connect')
    .argument('<sync-task>', 'a synchronize or snapshot task whose source is the encrypted catalog')
    .argument('<encrypt-task>', 'the encrypt task that writes that catalog')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('connect a synchronize/snapshot task to an encrypt task: running it encrypts first (combined task)')
    .action(async (sync: string, enc: string, o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        await e.connect(sync, enc);
        if (o.json) jsonLine(io, { type: 'connected', task: sync, encrypt: enc });
        else out(io, `connected: running "${sync}" now encrypts with "${enc}" first, then pushes only if that succeeded`);
      });
    });

  task
    .command('disconnect')
    .argument('<sync-task>')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('disconnect a combined task into two plain tasks')
    .action(async (sync: string, o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        await e.disconnect(sync);
        if (o.json) jsonLine(io, { type: 'disconnected', task: sync });
        else out(io, `disconnected "${sync}"`);
      });
    });

  task
    .command('command')
    .argument('<name>')
    .option('--dry-run', 'the estimate\'s command lines')
    .option('--profile <name>', PROFILE_HELP)
    .option('--json', JSON_HELP)
    .description('print the command line(s) a task runs, ready to copy')
    .action(async (name: string, o: TaskOpts) => {
      await withEngine(io, o, async (e) => {
        const lines = e.taskCommand(name, { dryRun: Boolean(o.dryRun) });
        if (o.json) jsonLine(io, { type: 'commands', task: name, steps: lines });
        else for (const l of lines) out(io, lines.length > 1 ? `# ${l.step}\n${l.shell}` : l.shell);
      });
    });
}
