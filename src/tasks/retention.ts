// A snapshot task's retention policy as saved in tasks.json (`retention`): restic's keep rules,
// RsyncOSX's plan as a preset, the time zone of the calendar buckets, and when prune runs. Also
// keepWithin durations as restic writes them: number+unit pairs, units y (years), m (months),
// w (weeks), d (days), h (hours), e.g. "30d", "1y2m", "2w3d12h". Pure; the policy itself is
// run/snapshots/policy.ts.
import { z } from 'zod';

/** the share of snapshots one prune may remove unless forced */
export const DEFAULT_MAX_REMOVE_PERCENT = 50;
export const RETENTION_PRESETS = ['rsyncosx'] as const;
export const KEEP_RULES = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
export type KeepRule = (typeof KEEP_RULES)[number];

const keepCount = z.number().int('must be a whole number').min(0, 'must be 0 or more (0: rule off)').max(1_000_000, 'must be at most 1000000');

export const retentionSchema = z.strictObject({
  keepLast: keepCount.optional(),
  keepHourly: keepCount.optional(),
  keepDaily: keepCount.optional(),
  keepWeekly: keepCount.optional(),
  keepMonthly: keepCount.optional(),
  keepYearly: keepCount.optional(),
  /** keep every snapshot this close to the newest one, e.g. "30d", "1y2m" */
  keepWithin: z.string().refine((s) => parseDuration(s) !== null, 'must be a duration such as "30d", "2w", "1y2m" or "36h" (units y, m, w, d, h)').optional(),
  /** "rsyncosx": all of this week, the last of each earlier week of this month, the last of each earlier month */
  preset: z.enum(RETENTION_PRESETS).optional(),
  /** IANA zone of the calendar buckets (default: the machine's zone) */
  timeZone: z.string().refine(isKnownTimeZone, 'must be an IANA time zone such as "Europe/Berlin" or "UTC"').optional(),
  /** prune after each successful snapshot run, as its own logged step */
  pruneAfterRun: z.boolean().optional(),
  /** prune refuses to remove more than this share (percent) of the snapshots unless forced */
  maxRemovePercent: z.number().min(0, 'must be 0..100').max(100, 'must be 0..100').optional(),
});

export type RetentionRules = z.infer<typeof retentionSchema>;

/** true when at least one rule or the preset would keep something (else prune refuses) */
export function hasRetentionRule(r: RetentionRules | undefined): boolean {
  if (!r) return false;
  return r.preset !== undefined || r.keepWithin !== undefined || KEEP_RULES.some((k) => (r[k] ?? 0) > 0);
}

/** true when the runtime knows the zone (Intl throws RangeError for an unknown name) */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export interface CalendarDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

const PART = /(\d+)([ymwdh])/g;
const WHOLE = /^(?:\d+[ymwdh])+$/;

/** The duration, or null when the text is not one (the caller names the field). */
export function parseDuration(text: string): CalendarDuration | null {
  const t = text.trim();
  if (!WHOLE.test(t)) return null;
  const d: CalendarDuration = { years: 0, months: 0, days: 0, hours: 0 };
  for (const m of t.matchAll(PART)) {
    const n = Number(m[1]);
    if (m[2] === 'y') d.years += n;
    else if (m[2] === 'm') d.months += n;
    else if (m[2] === 'w') d.days += 7 * n;
    else if (m[2] === 'd') d.days += n;
    else d.hours += n;
  }
  return d.years + d.months + d.days + d.hours > 0 ? d : null;
}

/** `at` minus the duration, on the UTC calendar (a month back from 31 March is 3 March, as Date rolls over). */
export function subtractDuration(at: Date, d: CalendarDuration): Date {
  const r = new Date(at.getTime());
  r.setUTCFullYear(r.getUTCFullYear() - d.years, r.getUTCMonth() - d.months, r.getUTCDate() - d.days);
  r.setUTCHours(r.getUTCHours() - d.hours);
  return r;
}
