// The retention policy: which snapshots to keep and why, as a pure function over the listing
// (restic's ApplyPolicy semantics). Walking from the newest snapshot back, each keep rule keeps a
// snapshot when it is the first one seen in a new bucket (keepDaily: a new local calendar day,
// keepWeekly: a new ISO week …) until the rule has kept its count; keepLast keeps the newest N;
// keepWithin keeps everything within that duration of the newest snapshot (not of `now`, so a
// backup that stopped running does not age its history away). The "rsyncosx" preset is RsyncOSX's
// plan: all of the current week, the last of each earlier week of the current month, the last of
// each earlier month. Buckets are calendar buckets in the rules' time zone; an hourly bucket is a
// real hour (the local hour with its UTC offset), so the repeated hour of a fall-back night is two.
// Never removed: the newest snapshot, a snapshot dated after `now` (a wrong clock somewhere: no
// rule can judge it), and old numbered snapshots, which carry no date. Pure: no I/O, no clock.
import { KEEP_RULES, parseDuration, subtractDuration, type KeepRule, type RetentionRules } from '../../tasks/index.js';
import { dayLabel, hourLabel, monthLabel, systemTimeZone, weekLabel, zonedParts, type ZonedParts } from './calendar.js';

export interface PolicyDecision<E> {
  entry: E;
  keep: boolean;
  /** why it is kept (each rule that keeps it), or why it goes */
  reasons: string[];
}

/** a snapshot up to this far after `now` is a clock skew of the writer, not "the future" */
const FUTURE_SLACK_MS = 5 * 60 * 1000;

const BUCKET: Readonly<Record<KeepRule, { word: string; key: (p: ZonedParts, i: number) => string }>> = {
  keepLast: { word: 'last', key: (_p, i) => String(i) },
  keepHourly: { word: 'hourly', key: hourLabel },
  keepDaily: { word: 'daily', key: dayLabel },
  keepWeekly: { word: 'weekly', key: weekLabel },
  keepMonthly: { word: 'monthly', key: monthLabel },
  keepYearly: { word: 'yearly', key: (p) => String(p.year) },
};

/** Decisions in the order of `list` (oldest first, as listSnapshots returns it). */
export function policy<E extends { name: string; time: Date | null }>(list: readonly E[], now: Date, rules: RetentionRules): Array<PolicyDecision<E>> {
  const out = list.map((entry) => ({ entry, keep: false, reasons: [] as string[] }));
  const keep = (d: PolicyDecision<E>, why: string): void => {
    d.keep = true;
    d.reasons.push(why);
  };
  const tz = rules.timeZone ?? systemTimeZone();
  const newest = out[out.length - 1];
  if (newest) keep(newest, 'newest snapshot (never removed)');

  const dated: Array<{ d: PolicyDecision<E>; t: Date; p: ZonedParts }> = [];
  for (const d of out) {
    const t = d.entry.time;
    if (t === null) keep(d, 'numbered snapshot without a date: no rule can judge it (remove it by hand)');
    else if (t.getTime() > now.getTime() + FUTURE_SLACK_MS) keep(d, `dated in the future (after ${now.toISOString()}): a clock is wrong, kept`);
    else dated.push({ d, t, p: zonedParts(t, tz) });
  }
  // newest first, by time (the list may hold dated names with suffixes in the same second)
  dated.sort((a, b) => b.t.getTime() - a.t.getTime() || out.indexOf(b.d) - out.indexOf(a.d));

  for (const rule of KEEP_RULES) {
    let left = rules[rule] ?? 0;
    let last: string | undefined;
    const { word, key } = BUCKET[rule];
    dated.forEach(({ d, p }, i) => {
      if (left <= 0) return;
      const k = key(p, i);
      if (k === last) return;
      last = k;
      left--;
      keep(d, rule === 'keepLast' ? `last ${rules[rule]} (#${i + 1})` : `${word} ${k} (${rules[rule]! - left} of ${rules[rule]})`);
    });
  }

  const within = rules.keepWithin !== undefined ? parseDuration(rules.keepWithin) : null;
  const ref = dated[0]?.t;
  if (within && ref) {
    const from = subtractDuration(ref, within);
    for (const { d, t } of dated) if (t.getTime() >= from.getTime()) keep(d, `within ${rules.keepWithin} of the newest snapshot`);
  }

  if (rules.preset === 'rsyncosx') applyRsyncOsxPlan(dated, zonedParts(now, tz), keep);

  for (const d of out) if (!d.keep) d.reasons.push('no rule keeps it');
  return out;
}

/**
 * RsyncOSX's snapshot plan ("last" variant), in calendar terms of `now`: every snapshot of the
 * current ISO week; in the current month's earlier weeks the last snapshot of each week; in every
 * earlier month the last snapshot of that month. `dated` is newest first.
 */
function applyRsyncOsxPlan<E>(dated: ReadonlyArray<{ d: PolicyDecision<E>; p: ZonedParts }>, now: ZonedParts, keep: (d: PolicyDecision<E>, why: string) => void): void {
  const seenWeeks = new Set<string>();
  const seenMonths = new Set<string>();
  for (const { d, p } of dated) {
    const week = weekLabel(p);
    const month = monthLabel(p);
    if (week === weekLabel(now)) keep(d, `rsyncosx: this week (${week})`);
    else if (month === monthLabel(now)) {
      if (!seenWeeks.has(week)) keep(d, `rsyncosx: last of week ${week} this month`);
      seenWeeks.add(week);
    } else {
      if (!seenMonths.has(month)) keep(d, `rsyncosx: last of month ${month}`);
      seenMonths.add(month);
    }
  }
}
