// Calendar facts of an instant in a time zone (IANA name, e.g. Europe/Berlin), for the retention
// policy's buckets: local date and hour, the UTC offset in force, and the ISO week. Pure.

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  /** e.g. "+01:00": tells apart the two local 02:00 hours of a fall-back night */
  offset: string;
  /** ISO 8601 week-numbering year and week (weeks start on Monday) */
  isoYear: number;
  isoWeek: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone the machine runs in (TZ, else the system's). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function zonedParts(at: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const gmt = parts.timeZoneName ?? 'GMT';
  const offset = gmt === 'GMT' ? '+00:00' : gmt.slice(3);
  const { isoYear, isoWeek } = isoWeekOf(year, month, day);
  return { year, month, day, hour, offset, isoYear, isoWeek };
}

/** ISO 8601 week of a calendar date: the week (Monday..Sunday) holding that year's first Thursday is week 1. */
export function isoWeekOf(year: number, month: number, day: number): { isoYear: number; isoWeek: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7; // Monday 1 .. Sunday 7
  const thursday = new Date(date.getTime() + (4 - weekday) * 86_400_000);
  const isoYear = thursday.getUTCFullYear();
  const jan1 = Date.UTC(isoYear, 0, 1);
  const isoWeek = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { isoYear, isoWeek };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function dayLabel(p: ZonedParts): string {
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export function weekLabel(p: ZonedParts): string {
  return `${p.isoYear}-W${pad(p.isoWeek)}`;
}

export function monthLabel(p: ZonedParts): string {
  return `${p.year}-${pad(p.month)}`;
}

export function hourLabel(p: ZonedParts): string {
  return `${dayLabel(p)} ${pad(p.hour)}:00 ${p.offset}`;
}
