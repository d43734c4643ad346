// A task's schedule: the simple forms ("hourly", "daily 02:30", "weekly sun 03:00", "every 6h")
// and cron expressions, all turned into one cron pattern that croner reads (5 fields; a 6th in
// front for seconds), in the task's time zone (default: the machine's). Pure: no timers, no I/O.
// The scheduler (run/scheduler.ts) asks `nextSlot`; validation asks `scheduleProblem`.
import { Cron } from 'croner';
import { isKnownTimeZone } from './retention.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MINUTES_PER_HOUR = 60;
const HOURS_PER_DAY = 24;

export const SCHEDULE_FORMS = 'hourly, daily HH:MM, weekly DAY HH:MM, every Nm, every Nh, or a cron expression "MIN HOUR DAY MONTH WEEKDAY"';

type Parsed = { cron: string } | { error: string };

function timeOfDay(s: string | undefined): { h: number; m: number } | string {
  if (s === undefined) return { h: 0, m: 0 };
  const t = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59) return `"${s}" is not a time of day (HH:MM, 00:00 to 23:59)`;
  return { h: Number(t[1]), m: Number(t[2]) };
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0 && d < n);
}

function every(n: number, unit: string): Parsed {
  const minutes = unit.startsWith('m');
  const whole = minutes ? MINUTES_PER_HOUR : HOURS_PER_DAY;
  if (n === whole) return { cron: minutes ? '0 * * * *' : '0 0 * * *' };
  if (!divisors(whole).includes(n)) {
    return { error: `"every ${n}${minutes ? 'm' : 'h'}": ${minutes ? 'minutes' : 'hours'} must divide ${minutes ? 'an hour' : 'a day'} (${divisors(whole).join(', ')}), so the runs fall on the same clock times every ${minutes ? 'hour' : 'day'}` };
  }
  return { cron: minutes ? `*/${n} * * * *` : `0 */${n} * * *` };
}

function simpleForm(words: string[]): Parsed | null {
  const [head, a, b] = words;
  switch (head) {
    case 'hourly':
      return words.length === 1 ? { cron: '0 * * * *' } : { error: `"hourly" takes nothing after it, got "${words.slice(1).join(' ')}"` };
    case 'daily': {
      if (words.length > 2) return { error: `"daily" takes one time of day (HH:MM), got "${words.slice(1).join(' ')}"` };
      const t = timeOfDay(a);
      return typeof t === 'string' ? { error: t } : { cron: `${t.m} ${t.h} * * *` };
    }
    case 'weekly': {
      if (a === undefined || words.length > 3) return { error: '"weekly" takes a day and a time of day, e.g. "weekly sun 03:00"' };
      const day = DAYS.findIndex((d, i) => a === d || a === DAY_NAMES[i]);
      if (day < 0) return { error: `"${a}" is not a day of the week (${DAYS.join(', ')})` };
      const t = timeOfDay(b);
      return typeof t === 'string' ? { error: t } : { cron: `${t.m} ${t.h} * * ${day}` };
    }
    case 'every': {
      const m = /^(\d+)\s*(m|min|minutes?|h|hours?)$/.exec(words.slice(1).join(''));
      if (!m) return { error: `"${words.join(' ')}": write every Nm or every Nh, e.g. "every 30m" or "every 6h"` };
      return every(Number(m[1]), m[2] as string);
    }
    default:
      return null;
  }
}

function cronProblem(pattern: string): string | null {
  try {
    new Cron(pattern, { paused: true, mode: '5-or-6-parts' }).stop();
    return null;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^Cron\w*:\s*/, '');
  }
}

/** The cron pattern of a schedule, or what is wrong with it (naming the bad part). */
export function parseSchedule(expr: string): Parsed {
  const words = expr.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { error: `is empty: use ${SCHEDULE_FORMS}` };
  const simple = simpleForm(words);
  if (simple) return simple;
  if (!/^[\d*]/.test(words[0] as string) || (words.length !== 5 && words.length !== 6)) {
    return { error: `"${expr.trim()}" is not a schedule: use ${SCHEDULE_FORMS}` };
  }
  const problem = cronProblem(words.join(' '));
  return problem === null ? { cron: words.join(' ') } : { error: `"${expr.trim()}": ${problem}` };
}

/** What is wrong with a time zone name, or null (an IANA name such as "Europe/Berlin", or "UTC"). */
export function timeZoneProblem(tz: string): string | null {
  return isKnownTimeZone(tz) ? null : `"${tz}" is not a time zone: use an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"`;
}

/** What is wrong with a schedule and its time zone, or null. */
export function scheduleProblem(expr: string): string | null {
  const p = parseSchedule(expr);
  return 'error' in p ? p.error : null;
}

/** The first slot strictly after `after`, or null when the schedule is bad or has no more slots. */
export function nextSlot(expr: string, timeZone: string | undefined, after: Date): Date | null {
  const p = parseSchedule(expr);
  if ('error' in p) return null;
  const job = new Cron(p.cron, { paused: true, mode: '5-or-6-parts', ...(timeZone ? { timezone: timeZone } : {}) });
  try {
    return job.nextRun(after);
  } finally {
    job.stop();
  }
}
