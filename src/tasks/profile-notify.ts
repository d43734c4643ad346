// Profile-wide notification targets: `profiles/<name>/notify.json`, `{ "notify": [ ... ] }`, the
// same targets as a task's `notify` field, told about every task of the profile (in addition
// to the task's own). Validated on read and write; written atomically, 0600 (it may hold an
// obscured SMTP password or a URL with a token); an empty list removes the file.
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ConfigError } from '../util/errors.js';
import { PRIVATE_FILE_MODE } from '../util/home.js';
import { notifyTargetSchema, type NotifyTarget } from './notify-schema.js';
import { ValidationError, checkNotifyTargets, type ValidationIssue } from './validate.js';

export const PROFILE_NOTIFY_FILE = 'notify.json';

const fileSchema = z.strictObject({ notify: z.array(notifyTargetSchema) });

export function profileNotifyPath(home: string, profile: string): string {
  return join(home, 'profiles', profile, PROFILE_NOTIFY_FILE);
}

function validated(doc: unknown, label: string): NotifyTarget[] {
  const parsed = fileSchema.safeParse(doc);
  const issues: ValidationIssue[] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, ''), message: i.message });
    throw new ValidationError(label, issues);
  }
  checkNotifyTargets(parsed.data.notify, 'notify', (path, message) => void issues.push({ path, message }));
  if (issues.length > 0) throw new ValidationError(label, issues);
  return parsed.data.notify;
}

/** The profile's own targets; none when the file does not exist. */
export function readProfileNotify(path: string): NotifyTarget[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError('NOTIFY_UNREADABLE', `${path}: cannot be read: ${(e as Error).message}`, path);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConfigError('NOTIFY_CORRUPT', `${path}: not valid JSON; fix or remove the file`, path);
  }
  return validated(doc, path);
}

/** Replaces the profile's targets (validated first; nothing is written for a bad one). */
export async function writeProfileNotify(path: string, targets: unknown[]): Promise<NotifyTarget[]> {
  const checked = validated({ notify: targets }, PROFILE_NOTIFY_FILE);
  if (checked.length === 0) {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return checked;
  }
  await writeFileAtomic(path, `${JSON.stringify({ notify: checked }, null, 2)}\n`, PRIVATE_FILE_MODE);
  return checked;
}
