// The scheduler across a machine's sleep, in process on a real Engine with real runs: the one
// thing a test cannot do for real is suspend the machine, so the scheduler is given a clock whose
// wall time jumps two days ahead while its monotonic time moves one second (what a laptop sees
// when it wakes). The missed daily slot then runs once, logged as catch-up, the jump is
// announced, and the next slot is counted from the new time; a jump back is announced too and
// starts nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, Scheduler, type EngineEvent } from '../../src/run/index.js';
import { makeTree } from '../helpers/tree.js';
import { until } from '../helpers/until.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-sleep-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('a wall-clock jump (the machine slept) runs the missed slot once, as catch-up; a jump back starts nothing', async () => {
  const home = join(work, 'home');
  await makeTree(join(work, 'src'), { 'a.txt': 'alpha\n' });
  const engine = Engine.open({ home, env: { ...process.env, CRYPTSYNC_HOME: home } });
  let skew = 0;
  const clock = { now: () => Date.now() + skew, monotonic: () => performance.now() };
  const scheduler = new Scheduler(engine, { tickMs: 200, clock });
  const events: EngineEvent[] = [];
  const unsubscribe = engine.subscribe((e) => events.push(e));
  try {
    await engine.addTask({ name: 'nightly', type: 'synchronize', source: join(work, 'src'), dest: join(work, 'dst'), schedule: 'daily 00:00', scheduleTimeZone: 'UTC', thresholdDays: 3 });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(events.filter((e) => e.type === 'run-start').length, 0, 'the next midnight has not come');
    const due = Date.parse(String(scheduler.nextRunAt(engine.tasks.get('nightly'))));
    assert.ok(due > Date.now());

    skew = 2 * 86_400_000; // asleep for two days
    const start = await until(() => events.find((e) => e.type === 'run-start'), 'the catch-up run');
    assert.equal(start.type === 'run-start' && start.startedBy, 'catch-up');
    assert.ok(events.some((e) => e.type === 'notice' && /clock jumped forward by 17280\d s/.test(e.message)), JSON.stringify(events.filter((e) => e.type === 'notice')));
    const end = await until(() => events.find((e) => e.type === 'run-end'), 'its end');
    assert.equal(end.type === 'run-end' && end.status, 'ok');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(events.filter((e) => e.type === 'run-start').length, 1, 'two missed midnights, one run');
    const next = Date.parse(String(scheduler.nextRunAt(engine.tasks.get('nightly'))));
    assert.ok(next > clock.now() && next - clock.now() <= 86_400_000, 'the next slot is counted from the new time');

    skew -= 86_400_000; // the clock is set back a day
    await until(() => events.find((e) => e.type === 'notice' && /clock went back by 8640\d s/.test(e.message)), 'the jump back');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(events.filter((e) => e.type === 'run-start').length, 1, 'a jump back starts nothing');
    const again = Date.parse(String(scheduler.nextRunAt(engine.tasks.get('nightly'))));
    assert.ok(again > clock.now() && again - clock.now() <= 86_400_000, 'recounted from the new time');
    assert.equal(engine.listRuns({ task: 'nightly' })[0]?.startedBy, 'catch-up');
  } finally {
    scheduler.stop();
    unsubscribe();
    engine.close();
  }
});
