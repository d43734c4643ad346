// The command lines a task's steps stand for, as copyable shell lines: the rsync argv exactly as
// it is spawned; for the encrypt step, the rclone command (engine "rclone") or the cryptsync one.
import { formatShellCommand } from '../rsync/index.js';
import type { EncryptTask } from '../tasks/index.js';
import type { StepKind } from './events.js';
import type { PlannedStep } from './run-task.js';
import { rsyncArgsFor, type RsyncTask } from './rsync-step.js';
import { encryptRcloneArgs } from './rclone-engine.js';
import { syncFlags } from './sync-flags.js';

export function encryptCommandArgs(task: EncryptTask, configPath: string, dryRun: boolean): string[] {
  return ['encrypt', task.source, task.remote, '--config', configPath, ...syncFlags(task, dryRun)];
}

export function commandLinesFor(steps: PlannedStep[], o: { dryRun: boolean; defaultConfig: string }): Array<{ step: StepKind; shell: string }> {
  return steps.map((s) => {
    if (s.kind === 'rsync') return { step: s.kind, shell: formatShellCommand('rsync', rsyncArgsFor(s.task as RsyncTask, o.dryRun)) };
    const t = s.task as EncryptTask;
    const conf = t.config ?? o.defaultConfig;
    if (t.engine === 'rclone') return { step: s.kind, shell: formatShellCommand('rclone', encryptRcloneArgs(t, conf, o.dryRun)) };
    return { step: s.kind, shell: formatShellCommand('cryptsync', encryptCommandArgs(t, conf, o.dryRun)) };
  });
}
