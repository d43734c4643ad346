// A snapshot task's retention fields: validation names the field, the CLI flags build the object
// (an edit keeps the rules it does not name), `task show` says what is kept, and the fields only
// exist on snapshot tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTask } from '../../src/tasks/index.js';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';

const base = { name: 's', type: 'snapshot', source: '/data', dest: 'me@host:/srv/snaps', thresholdDays: 1 };
const errorsOf = (retention: unknown, extra: Record<string, unknown> = {}) => validateTask({ ...base, ...extra, retention }).errors.map((e) => `${e.path}: ${e.message}`);

test('retention values are validated with messages that name the field', () => {
  assert.deepEqual(errorsOf({ keepDaily: 7, keepWeekly: 4, keepWithin: '1y2m', timeZone: 'Europe/Berlin', preset: 'rsyncosx', pruneAfterRun: true, maxRemovePercent: 30 }), []);
  assert.match(errorsOf({ keepDaily: -1 })[0]!, /^retention\.keepDaily: must be 0 or more/);
  assert.match(errorsOf({ keepDaily: 1.5 })[0]!, /^retention\.keepDaily: must be a whole number/);
  assert.match(errorsOf({ keepDaily: '7' })[0]!, /^retention\.keepDaily: must be a number/);
  assert.match(errorsOf({ keepWithin: '30 days' })[0]!, /^retention\.keepWithin: must be a duration such as "30d"/);
  assert.match(errorsOf({ keepWithin: '0d' })[0]!, /^retention\.keepWithin: must be a duration/);
  assert.match(errorsOf({ timeZone: 'Mars/Olympus' })[0]!, /^retention\.timeZone: must be an IANA time zone/);
  assert.match(errorsOf({ preset: 'gfs' })[0]!, /^retention\.preset: must be one of "rsyncosx"/);
  assert.match(errorsOf({ keepDialy: 7 })[0]!, /^retention\.keepDialy: unknown field in retention \(known: keepLast, /);
  assert.match(errorsOf({ maxRemovePercent: 101 })[0]!, /^retention\.maxRemovePercent: must be 0\.\.100/);
  assert.match(errorsOf({ pruneAfterRun: true })[0]!, /^retention\.pruneAfterRun: needs a keep rule or a preset/);
  assert.match(errorsOf({ pruneAfterRun: true, keepLast: 0 })[0]!, /^retention\.pruneAfterRun: needs a keep rule/);
  // only snapshot tasks have retention
  const sync = validateTask({ ...base, type: 'synchronize', retention: { keepDaily: 7 } }).errors.map((e) => e.path);
  assert.deepEqual(sync, ['retention']);
});

test('task add/edit flags build retention; edit keeps the other rules; show says what is kept', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-retention-'));
  try {
    const env = cliEnv(join(work, 'home'));
    await makeTree(join(work, 'src'), { 'a.txt': 'a\n' });
    const add = await cryptsync(['task', 'add', 's', '--type', 'snapshot', '--source', join(work, 'src'), '--dest', join(work, 'snaps'),
      '--keep-daily', '7', '--keep-weekly', '4', '--keep-within', '30d', '--time-zone', 'Europe/Berlin', '--prune-after-run'], { env });
    assert.equal(add.code, 0, add.stderr);
    const saved = async () => {
      const file = JSON.parse(await readFile(join(work, 'home', 'profiles', 'default', 'tasks.json'), 'utf8')) as { tasks: Array<Record<string, unknown>> };
      return file.tasks[0]!.retention;
    };
    assert.deepEqual(await saved(), { keepDaily: 7, keepWeekly: 4, keepWithin: '30d', timeZone: 'Europe/Berlin', pruneAfterRun: true });
    let r = await cryptsync(['task', 'edit', 's', '--keep-daily', '14', '--no-prune-after-run', '--retention-preset', 'rsyncosx'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await saved(), { keepDaily: 14, keepWeekly: 4, keepWithin: '30d', timeZone: 'Europe/Berlin', pruneAfterRun: false, preset: 'rsyncosx' });
    r = await cryptsync(['task', 'show', 's'], { env });
    assert.match(r.stdout, /retention: keep daily 14, weekly 4, within 30d, preset rsyncosx; time zone Europe\/Berlin; prune by hand/);
    const shown = jsonLines((await cryptsync(['task', 'show', 's', '--json'], { env })).stdout)[0]!;
    assert.equal((shown.task as { retention: { keepDaily: number } }).retention.keepDaily, 14);

    r = await cryptsync(['task', 'edit', 's', '--keep-within', '30 days'], { env });
    assert.equal(r.code, 2, 'an invalid value is a usage error');
    assert.match(r.stderr, /retention\.keepWithin: must be a duration/);
    r = await cryptsync(['task', 'edit', 's', '--keep-daily', 'seven'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--keep-daily: expected a whole number/);
    assert.equal((await saved() as { keepDaily: number }).keepDaily, 14, 'a refused edit changes nothing');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
