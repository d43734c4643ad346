// The shape of a saved task, as zod schemas (the types are inferred from them, so the file format
// and the TypeScript types cannot drift apart). Shape only: checks that need other tasks or the
// file system live in validate.ts. Unknown fields are refused, so a typo such as "exclude" for
// "excludes" is reported instead of silently ignored.
import { z } from 'zod';
import { MAX_TRANSFERS } from '../util/limits.js';
import { retentionSchema } from './retention.js';

import { TASK_TYPES, type TaskType } from '../util/vocabulary.js';
import { notifyTargetSchema } from './notify-schema.js';

export { TASK_TYPES, type TaskType };

export const TASK_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const DEFAULT_THRESHOLD_DAYS = 7;
export const MAX_THRESHOLD_DAYS = 3650;
export const MAX_TCP_PORT = 65535;
export { MAX_TRANSFERS };
export const TASKS_FILE_VERSION = 1;
/** a step that reports no progress for this long is stopped (stallMinutes) */
export const DEFAULT_STALL_MINUTES = 30;
export const MAX_STALL_MINUTES = 7 * 24 * 60;

const noLineBreak = (s: string): boolean => !/[\n\r\0]/.test(s);

const name = z
  .string()
  .regex(TASK_NAME_PATTERN, 'use 1 to 64 letters, digits, ".", "_" or "-"')
  .refine((s) => s !== '.' && s !== '..', 'cannot be "." or ".."');
const path = z.string().min(1, 'must not be empty').refine(noLineBreak, 'must not contain line breaks');
const pattern = z.string().min(1, 'must not be empty').refine(noLineBreak, 'must not contain line breaks');
const argv = z
  .array(z.string().refine((s) => !s.includes('\0'), 'must not contain NUL'))
  .min(1, 'give the program and its arguments as a list, e.g. ["/usr/local/bin/mount-disk", "backup"]')
  .refine((a) => (a[0] ?? '') !== '', 'the program (first item) must not be empty');
const count = z.number().int('must be a whole number').min(0, 'must be 0 or more');
/** a run that would delete more than this share (percent) of the copy's files is refused unless forced */
const percent = z.number().min(0, 'must be 0..100').max(100, 'must be 0..100');

/** fields every task has after name, type and its source/destination (kept in this order on disk) */
const common = {
  thresholdDays: z.number().positive('must be more than 0').max(MAX_THRESHOLD_DAYS, `must be at most ${MAX_THRESHOLD_DAYS}`).optional(),
  preCommand: argv.optional(),
  postCommand: argv.optional(),
  haltOnPreError: z.boolean().optional(),
  haltOnPostError: z.boolean().optional(),
  notes: z.string().optional(),
  /** when the scheduler runs it (tasks/schedule.ts: simple forms or cron), in scheduleTimeZone */
  schedule: z.string().optional(),
  /** IANA time zone of the schedule; default: the machine's */
  scheduleTimeZone: z.string().optional(),
  /** minutes without progress after which a step is stopped (fractions allowed) */
  stallMinutes: z.number().positive('must be more than 0').max(MAX_STALL_MINUTES, `must be at most ${MAX_STALL_MINUTES}`).optional(),
  notify: z.array(notifyTargetSchema).optional(),
};

export const encryptTaskSchema = z.strictObject({
  name,
  type: z.literal('encrypt'),
  source: path,
  remote: z.string().min(1, 'must not be empty'),
  ...common,
  config: path.optional(),
  /** who does the encryption: the built-in engine (default) or the real rclone binary; was `engine` */
  encryptWith: z.enum(['native', 'rclone']).optional(),
  excludes: z.array(pattern).optional(),
  includes: z.array(pattern).optional(),
  excludeFrom: z.array(path).optional(),
  maxDelete: count.optional(),
  maxDeletePercent: percent.optional(),
  transfers: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(MAX_TRANSFERS, `must be at most ${MAX_TRANSFERS}`).optional(),
  copyLinks: z.boolean().optional(),
  /** re-check unchanged files' contents on every run (bit rot, torn writes after power loss) */
  checksum: z.boolean().optional(),
});

const rsyncFields = {
  source: path,
  dest: path,
  ...common,
  sshPort: z.number().int('must be a whole number').min(1, `must be 1..${MAX_TCP_PORT}`).max(MAX_TCP_PORT, `must be 1..${MAX_TCP_PORT}`).optional(),
  sshKey: path.optional(),
  sshOptions: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*=[^\n\r\0]*$/, 'must look like KEY=VALUE (passed to ssh as -o KEY=VALUE)')).optional(),
  delete: z.boolean().optional(),
  compress: z.boolean().optional(),
  protectArgs: z.boolean().optional(),
  extraFlags: z.array(z.string()).optional(),
  excludes: z.array(pattern).optional(),
  maxDelete: count.optional(),
  maxDeletePercent: percent.optional(),
};

export const synchronizeTaskSchema = z.strictObject({
  name,
  type: z.literal('synchronize'),
  ...rsyncFields,
  connectedTo: name.optional(),
});

export const snapshotTaskSchema = z.strictObject({
  name,
  type: z.literal('snapshot'),
  ...rsyncFields,
  connectedTo: name.optional(),
  /** RsyncOSX's next snapshot number: still read from old files, no longer written (snapshots are dated) */
  snapshotNum: z.number().int('must be a whole number').min(1, 'must be 1 or more').optional(),
  /** which snapshots prune keeps (tasks/retention.ts) */
  retention: retentionSchema.optional(),
});

export const syncremoteTaskSchema = z.strictObject({
  name,
  type: z.literal('syncremote'),
  ...rsyncFields,
  /** in the type for symmetry with the other rsync tasks; validation refuses it (pulls are never combined) */
  connectedTo: name.optional(),
});

/** Push a local folder (normally an encrypted catalog) to any rclone remote with `rclone sync`. */
export const cloudTaskSchema = z.strictObject({
  name,
  type: z.literal('cloud'),
  source: path,
  /** REMOTE:path of a remote in the rclone config (S3, B2, WebDAV, SFTP, ...) */
  dest: z.string().min(1, 'must not be empty').refine(noLineBreak, 'must not contain line breaks'),
  ...common,
  config: path.optional(),
  /** false: `rclone copy` (never deletes at the remote) instead of `rclone sync` */
  delete: z.boolean().optional(),
  excludes: z.array(pattern).optional(),
  maxDelete: count.optional(),
  maxDeletePercent: percent.optional(),
  transfers: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(MAX_TRANSFERS, `must be at most ${MAX_TRANSFERS}`).optional(),
  connectedTo: name.optional(),
});

export const SCHEMA_BY_TYPE = {
  encrypt: encryptTaskSchema,
  synchronize: synchronizeTaskSchema,
  snapshot: snapshotTaskSchema,
  syncremote: syncremoteTaskSchema,
  cloud: cloudTaskSchema,
} as const;

export type EncryptTask = z.infer<typeof encryptTaskSchema>;
export type SynchronizeTask = z.infer<typeof synchronizeTaskSchema>;
export type SnapshotTask = z.infer<typeof snapshotTaskSchema>;
export type SyncremoteTask = z.infer<typeof syncremoteTaskSchema>;
export type CloudTask = z.infer<typeof cloudTaskSchema>;
export type RsyncTask = SynchronizeTask | SnapshotTask | SyncremoteTask;
export type Task = EncryptTask | RsyncTask | CloudTask;
/** the tasks that push a local folder somewhere and can be connected to an encrypt task */
export type PushTask = SynchronizeTask | SnapshotTask | CloudTask;

export function isRsyncTask(t: Task): t is RsyncTask {
  return t.type === 'synchronize' || t.type === 'snapshot' || t.type === 'syncremote';
}
