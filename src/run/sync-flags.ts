// The filter and limit flags of an encrypt task, spelled as both `cryptsync encrypt` and
// `rclone sync` spell them (cryptsync takes rclone's flag names on purpose; the spelling lives
// once, in the rclone layer).
import type { EncryptTask } from '../tasks/index.js';
import { rcloneFilterFlags } from '../rclone/index.js';

export function syncFlags(task: EncryptTask, dryRun: boolean): string[] {
  return rcloneFilterFlags({ ...task, dryRun });
}
