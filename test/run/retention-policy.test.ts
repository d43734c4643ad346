// The retention policy on tables: each case is a listing, a clock and rules, with the names that
// must be kept (everything else must be removed). Pure: no server, no clock of the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policy } from '../../src/run/snapshots/policy.js';
import { datedName } from '../../src/run/snapshots/naming.js';
import type { RetentionRules } from '../../src/tasks/index.js';

interface Entry { name: string; time: Date | null }

const at = (iso: string): Entry => {
  const time = new Date(iso);
  return { name: datedName(time), time };
};
const numbered = (n: number): Entry => ({ name: String(n), time: null });

/** one snapshot per day at `hourZ` UTC, from `from` to `to` inclusive (YYYY-MM-DD) */
function daily(from: string, to: string, hourZ = '03:00'): Entry[] {
  const out: Entry[] = [];
  for (let t = new Date(`${from}T${hourZ}:00Z`); t <= new Date(`${to}T${hourZ}:00Z`); t = new Date(t.getTime() + 86_400_000)) out.push(at(t.toISOString()));
  return out;
}

interface Case {
  name: string;
  list: Entry[];
  now: string;
  rules: RetentionRules;
  kept: string[];
  /** a reason some kept entry must carry */
  reason?: [string, RegExp];
}

const CASES: Case[] = [
  {
    name: 'fewer snapshots than the rules ask for: all kept',
    list: daily('2026-12-01', '2026-12-03'),
    now: '2026-12-03T12:00:00Z',
    rules: { keepDaily: 7, keepWeekly: 4, timeZone: 'UTC' },
    kept: ['2026-12-01T030000Z', '2026-12-02T030000Z', '2026-12-03T030000Z'],
  },
  {
    name: 'the same day twice: keepDaily keeps the later one of that day',
    list: [at('2026-12-01T08:00:00Z'), at('2026-12-01T20:00:00Z'), at('2026-12-02T08:00:00Z')],
    now: '2026-12-02T12:00:00Z',
    rules: { keepDaily: 2, timeZone: 'UTC' },
    kept: ['2026-12-01T200000Z', '2026-12-02T080000Z'],
    reason: ['2026-12-01T200000Z', /^daily 2026-12-01 \(2 of 2\)$/],
  },
  {
    name: 'two snapshots in the same second (suffix -2): keepLast counts both',
    list: [at('2026-12-01T08:00:00Z'), { name: '2026-12-01T080000Z-2', time: new Date('2026-12-01T08:00:00Z') }, at('2026-12-02T08:00:00Z')],
    now: '2026-12-02T12:00:00Z',
    rules: { keepLast: 2 },
    kept: ['2026-12-01T080000Z-2', '2026-12-02T080000Z'],
  },
  {
    name: 'DST fall back in Europe/Berlin: the two local 02:30 hours are two hourly buckets, one day',
    list: [at('2026-10-24T23:30:00Z'), at('2026-10-25T00:30:00Z'), at('2026-10-25T01:30:00Z')],
    now: '2026-10-25T02:00:00Z',
    rules: { keepHourly: 2, timeZone: 'Europe/Berlin' },
    kept: ['2026-10-25T003000Z', '2026-10-25T013000Z'],
    reason: ['2026-10-25T003000Z', /^hourly 2026-10-25 02:00 \+02:00/],
  },
  {
    name: 'DST fall back in Europe/Berlin: keepDaily sees one 25-hour day',
    list: [at('2026-10-24T21:30:00Z'), at('2026-10-24T22:30:00Z'), at('2026-10-25T22:30:00Z')],
    now: '2026-10-26T12:00:00Z',
    rules: { keepDaily: 2, timeZone: 'Europe/Berlin' },
    // 21:30Z is 23:30 on the 24th (+02); 22:30Z is 00:30 on the 25th (+02); 22:30Z on the 25th is 23:30 (+01)
    kept: ['2026-10-24T213000Z', '2026-10-25T223000Z'],
  },
  {
    name: 'DST spring forward in America/New_York: 01:30 EST and 03:30 EDT are one day',
    list: [at('2026-03-08T04:30:00Z'), at('2026-03-08T06:30:00Z'), at('2026-03-08T07:30:00Z'), at('2026-03-09T12:00:00Z')],
    now: '2026-03-09T13:00:00Z',
    rules: { keepDaily: 2, timeZone: 'America/New_York' },
    // 04:30Z = 23:30 on the 7th (EST); 06:30Z = 01:30 EST and 07:30Z = 03:30 EDT on the 8th
    kept: ['2026-03-08T073000Z', '2026-03-09T120000Z'],
  },
  {
    name: 'the time zone decides the day: 23:30 and 00:30 in New York are two days, in UTC one',
    list: [at('2026-11-02T04:30:00Z'), at('2026-11-02T05:30:00Z')],
    now: '2026-11-02T12:00:00Z',
    rules: { keepDaily: 2, timeZone: 'America/New_York' },
    kept: ['2026-11-02T043000Z', '2026-11-02T053000Z'],
  },
  {
    name: 'the same listing judged in UTC: one day, the earlier one goes',
    list: [at('2026-11-02T04:30:00Z'), at('2026-11-02T05:30:00Z')],
    now: '2026-11-02T12:00:00Z',
    rules: { keepDaily: 2, timeZone: 'UTC' },
    kept: ['2026-11-02T053000Z'],
  },
  {
    name: 'a snapshot dated in the future is kept and does not shift keepWithin',
    list: [...daily('2026-11-20', '2026-12-02'), at('2027-06-01T00:00:00Z')],
    now: '2026-12-02T12:00:00Z',
    rules: { keepWithin: '2d' },
    kept: ['2026-11-30T030000Z', '2026-12-01T030000Z', '2026-12-02T030000Z', '2027-06-01T000000Z'],
    reason: ['2027-06-01T000000Z', /dated in the future/],
  },
  {
    name: 'old numbered snapshots have no date: kept, while dated ones follow the rules',
    list: [numbered(1), numbered(2), numbered(3), ...daily('2026-12-01', '2026-12-04')],
    now: '2026-12-04T12:00:00Z',
    rules: { keepLast: 2 },
    kept: ['1', '2', '3', '2026-12-03T030000Z', '2026-12-04T030000Z'],
    reason: ['2', /numbered snapshot without a date/],
  },
  {
    name: 'only numbered snapshots: nothing can be judged, nothing goes',
    list: [numbered(1), numbered(2), numbered(10)],
    now: '2026-12-04T12:00:00Z',
    rules: { keepLast: 1 },
    kept: ['1', '2', '10'],
    reason: ['10', /newest snapshot/],
  },
  {
    name: 'the newest snapshot is kept even when no rule would keep it',
    list: daily('2026-12-01', '2026-12-04'),
    now: '2026-12-04T12:00:00Z',
    rules: { keepYearly: 0, keepWithin: '1h' },
    kept: ['2026-12-04T030000Z'],
    reason: ['2026-12-04T030000Z', /newest snapshot \(never removed\)/],
  },
  {
    name: 'keepWithin counts from the newest snapshot, not from now (a stopped backup keeps its history)',
    list: daily('2026-01-01', '2026-01-10'),
    now: '2026-12-04T12:00:00Z',
    rules: { keepWithin: '3d' },
    kept: ['2026-01-07T030000Z', '2026-01-08T030000Z', '2026-01-09T030000Z', '2026-01-10T030000Z'],
  },
  {
    name: 'weekly, monthly and yearly buckets together, restic style',
    list: [...daily('2025-12-20', '2026-01-14')],
    now: '2026-01-14T12:00:00Z',
    rules: { keepDaily: 3, keepWeekly: 2, keepMonthly: 2, keepYearly: 2, timeZone: 'UTC' },
    // daily: 14, 13, 12; weekly: 2026-W03 (14), 2026-W02 (11); monthly: 2026-01 (14), 2025-12 (31);
    // yearly: 2026 (14), 2025 (31)
    kept: ['2025-12-31T030000Z', '2026-01-11T030000Z', '2026-01-12T030000Z', '2026-01-13T030000Z', '2026-01-14T030000Z'],
  },
  {
    name: 'RsyncOSX plan: all of this week, the last of each earlier week this month, the last of each earlier month',
    list: daily('2026-10-25', '2026-12-16'),
    now: '2026-12-16T12:00:00Z',
    rules: { preset: 'rsyncosx', timeZone: 'UTC' },
    // this week (2026-W51): 14, 15, 16; earlier weeks of December: W49 -> Dec 6, W50 -> Dec 13;
    // earlier months: November -> 30, October -> 31
    kept: ['2026-10-31T030000Z', '2026-11-30T030000Z', '2026-12-06T030000Z', '2026-12-13T030000Z', '2026-12-14T030000Z', '2026-12-15T030000Z', '2026-12-16T030000Z'],
    reason: ['2026-12-06T030000Z', /^rsyncosx: last of week 2026-W49 this month$/],
  },
  {
    name: 'an empty listing gives no decisions',
    list: [],
    now: '2026-12-16T12:00:00Z',
    rules: { keepLast: 3 },
    kept: [],
  },
];

for (const c of CASES) {
  test(`policy: ${c.name}`, () => {
    const decisions = policy(c.list, new Date(c.now), c.rules);
    assert.deepEqual(decisions.map((d) => d.entry.name), c.list.map((e) => e.name), 'decisions in the order of the listing');
    assert.deepEqual(decisions.filter((d) => d.keep).map((d) => d.entry.name), c.kept);
    for (const d of decisions) {
      assert.ok(d.reasons.length > 0, `${d.entry.name} has a reason`);
      if (!d.keep) assert.deepEqual(d.reasons, ['no rule keeps it']);
    }
    if (c.reason) {
      const [name, re] = c.reason;
      const d = decisions.find((x) => x.entry.name === name);
      assert.ok(d?.reasons.some((r) => re.test(r)), `${name}: ${JSON.stringify(d?.reasons)} matches ${re}`);
    }
  });
}

test('policy is pure: the same input gives the same output, the input is not changed', () => {
  const list = daily('2026-11-01', '2026-12-02');
  const copy = JSON.stringify(list);
  const rules: RetentionRules = { keepDaily: 5, keepWeekly: 3, timeZone: 'Europe/Berlin' };
  const a = policy(list, new Date('2026-12-02T12:00:00Z'), rules);
  const b = policy(list, new Date('2026-12-02T12:00:00Z'), rules);
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(list), copy);
});
