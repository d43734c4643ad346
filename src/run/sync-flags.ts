// The filter and limit flags of an encrypt task, spelled as both `cryptsync encrypt` and
// `rclone sync` spell them (cryptsync takes rclone's flag names on purpose).
import type { EncryptTask } from '../tasks/index.js';

export function syncFlags(task: EncryptTask, dryRun: boolean): string[] {
  const args: string[] = [];
  for (const p of task.excludes ?? []) args.push('--exclude', p);
  for (const p of task.includes ?? []) args.push('--include', p);
  for (const f of task.excludeFrom ?? []) args.push('--exclude-from', f);
  if (task.maxDelete !== undefined) args.push('--max-delete', String(task.maxDelete));
  if (task.transfers !== undefined) args.push('--transfers', String(task.transfers));
  if (task.copyLinks) args.push('--copy-links');
  if (dryRun) args.push('--dry-run');
  return args;
}
