// The retention flags of `task add/edit` for snapshot tasks (`--keep-daily 7` …), turned into the
// task's `retention` object. An edit changes only the rules given and keeps the others; a rule
// set to 0 is off. Validation of the values is the task schema's (messages name the field).
import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';
import { KEEP_RULES, RETENTION_PRESETS, type RetentionRules } from '../../tasks/index.js';

const FLAG_OF: Readonly<Record<(typeof KEEP_RULES)[number], string>> = {
  keepLast: '--keep-last',
  keepHourly: '--keep-hourly',
  keepDaily: '--keep-daily',
  keepWeekly: '--keep-weekly',
  keepMonthly: '--keep-monthly',
  keepYearly: '--keep-yearly',
};

const count = (flag: string) => (v: string): number => {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag}: expected a whole number, got "${v}"`, flag);
  return Number(v);
};

export function addRetentionOptions(c: Command): Command {
  for (const rule of KEEP_RULES) {
    const word = rule.slice(4).toLowerCase();
    c.option(`${FLAG_OF[rule]} <n>`, `snapshot tasks: keep the ${word === 'last' ? 'newest N snapshots' : `last snapshot of each of the newest N ${word === 'daily' ? 'days' : word.replace('ly', 's')}`} (0: off)`, count(FLAG_OF[rule]));
  }
  return c
    .option('--keep-within <duration>', 'snapshot tasks: keep every snapshot within this duration of the newest one, e.g. 30d, 2w, 1y2m')
    .option('--retention-preset <preset>', `snapshot tasks: a retention plan (${RETENTION_PRESETS.join(', ')}: all of this week, the last of each week this month, the last of each month); "none" removes it`)
    .option('--time-zone <zone>', 'snapshot tasks: IANA time zone of the retention buckets (default: this machine\'s)')
    .option('--prune-after-run', 'snapshot tasks: prune after each successful run (a logged step)')
    .option('--no-prune-after-run', 'snapshot tasks: prune only with `cryptsync prune`')
    .option('--max-remove-percent <n>', 'snapshot tasks: prune refuses to remove more than N % of the snapshots unless --force (default 50)', count('--max-remove-percent'));
}

/** The task's retention after the flags given on the command line, or undefined when none was given. */
export function retentionFrom(c: Command, o: Record<string, unknown>, current: RetentionRules | undefined): RetentionRules | undefined {
  const given = (k: string): boolean => c.getOptionValueSource(k) === 'cli';
  const r: Record<string, unknown> = { ...(current ?? {}) };
  let changed = false;
  const set = (field: string, value: unknown): void => {
    changed = true;
    if (value === undefined) delete r[field];
    else r[field] = value;
  };
  for (const rule of KEEP_RULES) if (given(rule)) set(rule, o[rule]);
  if (given('keepWithin')) set('keepWithin', String(o.keepWithin) === '0' ? undefined : o.keepWithin);
  if (given('retentionPreset')) set('preset', o.retentionPreset === 'none' ? undefined : o.retentionPreset);
  if (given('timeZone')) set('timeZone', o.timeZone);
  if (given('pruneAfterRun')) set('pruneAfterRun', o.pruneAfterRun);
  if (given('maxRemovePercent')) set('maxRemovePercent', o.maxRemovePercent);
  return changed ? (r as RetentionRules) : undefined;
}

/** One line for people: "keep daily 7, weekly 4, within 30d; time zone Europe/Berlin; prune after each run". */
export function retentionText(r: RetentionRules | undefined): string {
  if (!r) return 'no retention rules (prune refuses; snapshots are kept forever)';
  const rules = KEEP_RULES.filter((k) => (r[k] ?? 0) > 0).map((k) => `${k.slice(4).toLowerCase()} ${r[k]}`);
  if (r.keepWithin) rules.push(`within ${r.keepWithin}`);
  if (r.preset) rules.push(`preset ${r.preset}`);
  const parts = [rules.length ? `keep ${rules.join(', ')}` : 'no keep rule'];
  if (r.timeZone) parts.push(`time zone ${r.timeZone}`);
  parts.push(r.pruneAfterRun ? 'prune after each run' : 'prune by hand (cryptsync prune)');
  if (r.maxRemovePercent !== undefined) parts.push(`at most ${r.maxRemovePercent} % per prune`);
  return parts.join('; ');
}
