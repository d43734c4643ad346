// The pure parts of unattended runs: schedule expressions (simple forms and cron, errors naming
// the bad part, time zones, next slots), validation messages of the schedule fields, the ssh
// defaults every run gets (and a task's own options winning), the scrubbing of names from
// notification text, the "is my data safe?" judgement, and the relative times in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule, nextSlot, validateTask } from '../../src/tasks/index.js';
import { scrubNames, noticePayload } from '../../src/run/notify-message.js';
import { judgeSafety } from '../../src/run/safety.js';
import { rsyncArgsFor } from '../../src/run/rsync-step.js';
import { spanWords, relativeWords } from '../../src/util/relative-time.js';
import { seededRandom } from '../helpers/seeded-random.js';

test('simple forms become cron patterns', () => {
  const cases: Array<[string, string]> = [
    ['hourly', '0 * * * *'],
    ['daily 02:30', '30 2 * * *'],
    ['Daily 2:05', '5 2 * * *'],
    ['daily', '0 0 * * *'],
    ['weekly sun 03:00', '0 3 * * 0'],
    ['weekly friday 23:59', '59 23 * * 5'],
    ['every 6h', '0 */6 * * *'],
    ['every 15m', '*/15 * * * *'],
    ['every 24h', '0 0 * * *'],
    ['0 3 * * 1-5', '0 3 * * 1-5'],
    ['*/2 * * * * *', '*/2 * * * * *'],
  ];
  for (const [expr, cron] of cases) assert.deepEqual(parseSchedule(expr), { cron }, expr);
});

test('a bad schedule is refused with its bad part named', () => {
  const cases: Array<[string, RegExp]> = [
    ['daily 25:00', /"25:00" is not a time of day/],
    ['weekly xyz 03:00', /"xyz" is not a day of the week/],
    ['every 5h', /hours must divide a day \(1, 2, 3, 4, 6, 8, 12\)/],
    ['every 7m', /minutes must divide an hour/],
    ['61 * * * *', /minute: 61/i],
    ['* * * *', /is not a schedule/],
    ['sometimes', /"sometimes" is not a schedule: use hourly, daily HH:MM/],
    ['', /is empty/],
  ];
  for (const [expr, re] of cases) {
    const p = parseSchedule(expr);
    assert.ok('error' in p, `${expr} must be refused`);
    assert.match(p.error, re, expr);
  }
});

test('validation names the field: schedule, scheduleTimeZone, notify', () => {
  const base = { name: 't', type: 'synchronize', source: '/a', dest: '/b', thresholdDays: 1 };
  const msgs = (extra: Record<string, unknown>) => validateTask({ ...base, ...extra }).errors.map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(msgs({ schedule: 'daily 24:00' }), ['schedule: "24:00" is not a time of day (HH:MM, 00:00 to 23:59)']);
  assert.match(msgs({ schedule: 'daily 02:00', scheduleTimeZone: 'Mars/Olympus' })[0] ?? '', /^scheduleTimeZone: "Mars\/Olympus" is not a time zone/);
  assert.deepEqual(msgs({ schedule: 'daily 02:00', scheduleTimeZone: 'Europe/Berlin', stallMinutes: 0.5 }), []);
  assert.match(msgs({ notify: [{ type: 'webhook', url: 'ftp://x' }] })[0] ?? '', /^notify\[0\]\.url: must be an http/);
  assert.match(msgs({ notify: [{ type: 'email', to: ['a@b.c'], host: 'smtp.example.org', user: 'u', password: 'plain text!' }] })[0] ?? '', /^notify\[0\]\.password: must be obscured/);
  assert.match(msgs({ stallMinutes: 0 })[0] ?? '', /^stallMinutes: must be more than 0/);
});

test('next slots in the task time zone', () => {
  const after = new Date('2026-03-28T12:00:00Z');
  assert.equal(nextSlot('daily 02:30', 'UTC', after)?.toISOString(), '2026-03-29T02:30:00.000Z');
  // Berlin is UTC+1 before the switch to summer time on 29 March 2026, UTC+2 after
  assert.equal(nextSlot('daily 04:00', 'Europe/Berlin', after)?.toISOString(), '2026-03-29T02:00:00.000Z');
  assert.equal(nextSlot('daily 04:00', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'))?.toISOString(), '2026-03-28T03:00:00.000Z');
  assert.equal(nextSlot('weekly sun 03:00', 'America/New_York', after)?.toISOString(), '2026-03-29T07:00:00.000Z');
  assert.equal(nextSlot('every 6h', 'UTC', new Date('2026-01-01T06:00:00Z'))?.toISOString(), '2026-01-01T12:00:00.000Z', 'strictly after');
});

test('every ssh gets BatchMode, ConnectTimeout and keep-alives; the task can override each', () => {
  const task = { name: 't', type: 'synchronize' as const, source: '/a/', dest: 'me@nas:/b', sshOptions: ['ConnectTimeout=5'] };
  const e = rsyncArgsFor(task, false)[rsyncArgsFor(task, false).indexOf('-e') + 1] ?? '';
  assert.match(e, /-o ConnectTimeout=5\b/);
  assert.doesNotMatch(e, /ConnectTimeout=30/, 'the task\'s own ConnectTimeout wins');
  for (const o of ['BatchMode=yes', 'ServerAliveInterval=15', 'ServerAliveCountMax=4']) assert.ok(e.includes(`-o ${o}`), e);
  const local = rsyncArgsFor({ ...task, dest: '/c', sshOptions: [] }, false);
  assert.ok(!local.includes('-e'), 'a local copy has no ssh');
});

test('names and paths are scrubbed from notification text unless names are on', () => {
  const seed = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
  console.log(`scrub seed: ${seed} (TEST_SEED=${seed} to replay)`);
  const rand = seededRandom(seed);
  const word = () => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rand() * 26)]).join('');
  for (let i = 0; i < 50; i++) {
    const path = `/${word()}/${word()} ${word()}/${word()}.pdf`.replace(' ', '-');
    const quoted = `"${word()} ${word()}.txt"`;
    const line = `cannot read ${path}: permission denied; skipped ${quoted}; pushed to nas:/srv/${word()}`;
    const s = scrubNames(line);
    assert.ok(!s.includes(path) && !s.includes(quoted) && !s.includes('/srv/'), `${line} -> ${s}`);
    assert.match(s, /cannot read …: permission denied; skipped "…"; pushed to nas:…/);
  }
  assert.equal(scrubNames('rsync exit code 255 (server backup@127.0.0.1, port 2222)'), 'rsync exit code 255 (server backup@127.0.0.1, port 2222)');
  assert.equal(scrubNames('source /home/me/My Documents/tax does not exist'), 'source … … does not exist');
  const n = { event: 'failure' as const, task: 't', host: 'h', firstError: 'source /home/me/Tax does not exist', source: '/home/me/Tax', destination: 'nas:/x' };
  assert.deepEqual(noticePayload(n, false), { source: 'cryptsync', event: 'failure', task: 't', host: 'h', firstError: 'source … does not exist' });
  assert.equal(noticePayload(n, true).sourcePath, '/home/me/Tax');
});

test('is my data safe: the last good backup, not the last attempt, decides overdue', () => {
  const now = new Date('2026-06-10T12:00:00Z');
  const failed = { at: '2026-06-10T11:00:00Z', status: 'failed' as const, startedBy: 'schedule' as const, failedStep: { step: 'rsync' as const, message: 'ssh: connect timed out' } };
  const base = { thresholdDays: 2, scheduled: true, nextRunAt: '2026-06-11T02:00:00Z', now };
  const amber = judgeSafety({ ...base, attempt: failed, lastGoodAt: '2026-06-09T12:00:00Z' });
  assert.equal(amber.level, 'warning');
  assert.equal(amber.overdue, false);
  assert.deepEqual(amber.failedStep, failed.failedStep);
  const red = judgeSafety({ ...base, attempt: failed, lastGoodAt: '2026-06-07T12:00:00Z' });
  assert.equal(red.level, 'overdue');
  assert.equal(red.daysSinceGood, 3);
  const green = judgeSafety({ ...base, attempt: { ...failed, status: 'ok', failedStep: null }, lastGoodAt: '2026-06-10T11:00:00Z' });
  assert.equal(green.level, 'ok');
  assert.equal(green.failedStep, null);
  const never = judgeSafety({ ...base, attempt: null, lastGoodAt: null });
  assert.equal(never.level, 'warning');
  assert.equal(never.neverGood, true);
});

test('time spans in words', () => {
  assert.equal(spanWords(3 * 3_600_000 + 12 * 60_000 + 59_000), '3 h 12 min');
  assert.equal(spanWords(2 * 86_400_000 + 4 * 3_600_000), '2 d 4 h');
  assert.equal(spanWords(40_000), '40 s');
  assert.equal(spanWords(61_000), '1 min');
  const now = new Date('2026-01-01T00:00:00Z');
  assert.equal(relativeWords('2026-01-01T05:00:00Z', now), 'in 5 h');
  assert.equal(relativeWords('2025-12-31T21:00:00Z', now), '3 h ago');
});
