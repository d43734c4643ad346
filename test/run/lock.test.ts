// The pid lock (util/pid-lock.ts) behind the task run lock and the tasks.json edit lock, with real
// processes: N contenders racing for one stale lock get exactly one winner every round; a lock
// whose pid now belongs to another process (different start time) is taken over; a live lock
// still refuses; the files are private.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/rclone.js';
import { acquireTaskLock, lockHolder } from '../../src/run/lock.js';
import { withTasksFileLock } from '../../src/tasks/tasks-file.js';
import { processStartTime, tryPidLock } from '../../src/util/pid-lock.js';
import { isCryptsyncError } from '../../src/util/errors.js';
import { seededRandom as rng } from '../helpers/seeded-random.js';

const CONTENDER = join(dirname(fileURLToPath(import.meta.url)), 'lock-contender.js');
const PID_MAX = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));

function sleeper(): ChildProcess {
  return spawn('sleep', ['600'], { stdio: 'ignore' });
}

async function deadPid(): Promise<number> {
  const c = spawn('true', { stdio: 'ignore' });
  await new Promise((r) => c.on('exit', r));
  return c.pid as number;
}

interface Contender {
  child: ChildProcess;
  next(): Promise<string>;
  lines: Interface;
}

function contender(home: string): Contender {
  const child = spawn(process.execPath, [CONTENDER, home, 'default', 'race'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  lines.on('line', (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return { child, lines, next: () => (queue.length ? Promise.resolve(queue.shift() as string) : new Promise((r) => waiters.push(r))) };
}

test('8 processes racing for one stale lock: exactly one winner in each of 30 rounds', { timeout: 240_000 }, async () => {
  const seed = Number(process.env.LOCK_RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`lock race seed: ${seed} (rerun with LOCK_RACE_SEED=${seed})`);
  const rand = rng(seed);
  const t = await tempDir('cryptsync-lock-');
  const live = sleeper();
  const cs = Array.from({ length: 8 }, () => contender(t.dir));
  try {
    for (const c of cs) assert.equal(await c.next(), 'ready');
    const lockFile = join(t.dir, 'locks', 'default--race.lock');
    mkdirSync(dirname(lockFile), { recursive: true });
    const gone = await deadPid();
    for (let round = 0; round < 30; round++) {
      // the stale lock: a dead pid (old one-field format or with a start time), or a live pid
      // that started at another time (reused by another process)
      const kind = Math.floor(rand() * 3);
      const stale =
        kind === 0 ? `${gone}\n` : kind === 1 ? `${gone} 12345 feedface\n` : `${live.pid} ${Number(processStartTime(live.pid!)) + 1} 0123abcd\n`;
      writeFileSync(lockFile, stale);
      const go = join(t.dir, `go-${round}`);
      for (const c of cs) c.child.stdin!.write(`try ${go} ${Math.floor(rand() * 300)}\n`);
      await new Promise((r) => setTimeout(r, 30));
      writeFileSync(go, '');
      const results = await Promise.all(cs.map((c) => c.next()));
      const winners = results.filter((r) => r === 'won').length;
      assert.equal(winners, 1, `round ${round} (seed ${seed}, stale kind ${kind}): ${results.join(', ')}`);
      assert.equal(results.filter((r) => r === 'busy').length, cs.length - 1, `round ${round}: ${results.join(', ')}`);
      for (const c of cs) c.child.stdin!.write('release\n');
      for (const c of cs) assert.equal(await c.next(), 'released');
      assert.ok(!existsSync(lockFile), 'the winner released the lock');
    }
    // no temp or takeover files are left behind
    assert.deepEqual(readdirSync(dirname(lockFile)), []);
  } finally {
    for (const c of cs) c.child.stdin!.end();
    await Promise.all(cs.map((c) => new Promise((r) => (c.child.exitCode !== null ? r(null) : c.child.on('exit', r)))));
    live.kill();
    await t.cleanup();
  }
});

test('a lock naming a live pid with another start time is taken over; a live lock refuses', async () => {
  const t = await tempDir('cryptsync-lock-');
  const live = sleeper();
  try {
    await new Promise((r) => live.on('spawn', r));
    const pid = live.pid as number;
    const start = processStartTime(pid);
    assert.ok(start !== null, 'Linux /proc gives the start time');
    const lockFile = join(t.dir, 'locks', 'default--t.lock');
    mkdirSync(dirname(lockFile), { mode: 0o755 }); // as older versions left it: tightened on use

    // pid reused: the live process started at another time than the one that wrote the lock
    writeFileSync(lockFile, `${pid} ${Number(start) - 7} 00ff00ff\n`);
    assert.equal(lockHolder(t.dir, 'default', 't'), null);
    const taken = acquireTaskLock(t.dir, 'default', 't');
    assert.match(readFileSync(lockFile, 'utf8'), new RegExp(`^${process.pid} ${processStartTime(process.pid)} [0-9a-f]+\\n$`));
    assert.equal(statSync(lockFile).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(lockFile)).mode & 0o777, 0o700);
    taken.release();
    assert.ok(!existsSync(lockFile));

    // the same process, right start time: still running, so the lock holds (exit code 4 in the CLI)
    for (const line of [`${pid} ${start} 00ff00ff\n`, `${pid}\n`]) {
      writeFileSync(lockFile, line);
      assert.equal(lockHolder(t.dir, 'default', 't'), pid);
      assert.throws(
        () => acquireTaskLock(t.dir, 'default', 't'),
        (e: unknown) => isCryptsyncError(e) && e.code === 'TASK_RUNNING' && e.kind === 'conflict' && e.message.includes(`process ${pid}`),
      );
      assert.equal(readFileSync(lockFile, 'utf8'), line, 'a live lock is left alone');
    }
    // a pid above pid_max cannot be running
    writeFileSync(lockFile, `${PID_MAX + 1}\n`);
    acquireTaskLock(t.dir, 'default', 't').release();
  } finally {
    live.kill();
    await t.cleanup();
  }
});

test('tasks.json edit lock: a reused pid does not make edits wait; a live one does', async () => {
  const t = await tempDir('cryptsync-lock-');
  const live = sleeper();
  try {
    await new Promise((r) => live.on('spawn', r));
    const pid = live.pid as number;
    const lockFile = join(t.dir, 'tasks.json.lock');
    writeFileSync(lockFile, `${pid} ${Number(processStartTime(pid)) + 3} 1234\n`);
    const t0 = Date.now();
    assert.equal(await withTasksFileLock(join(t.dir, 'tasks.json'), async () => 'edited'), 'edited');
    assert.ok(Date.now() - t0 < 1000, 'taken over at once, not after a wait');
    assert.ok(!existsSync(lockFile));

    writeFileSync(lockFile, `${pid} ${processStartTime(pid)} 1234\n`);
    const attempt = tryPidLock(lockFile);
    assert.ok('busy' in attempt && attempt.busy.pid === pid);
  } finally {
    live.kill();
    await t.cleanup();
  }
});
