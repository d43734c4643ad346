// --transfers is capped at MAX_TRANSFERS on every command that takes it (real process): a huge
// value used to start that many worker threads and exhaust memory. The inputs are chosen so that
// the old code, which accepted the value, ran no worker threads at all (small plan into a
// non-empty catalog, restore as a dry run) and so fails the test safely instead of exhausting memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { cryptsync, cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/rclone.js';
import { makeDest } from '../sync/fixture.js';
import { MAX_TRANSFERS } from '../../src/util/limits.js';
import { MAX_TRANSFERS as TASK_MAX_TRANSFERS } from '../../src/tasks/task-schema.js';
import { workerCount } from '../../src/sync/transfer-pool.js';

test('encrypt, restore and verify refuse --transfers above the cap, naming the flag and the range', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'a.txt'), 'a');
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const env = cliEnv(join(t.dir, 'home'));
    const cs = (args: string[]) => cryptsync([args[0]!, '--config', dest.conf, ...args.slice(1)], { env });
    const first = await cs(['encrypt', plain, 'crypt:']);
    assert.equal(first.code, 0, first.stderr);
    await writeFile(join(plain, 'b.txt'), 'b');

    const range = new RegExp(`--transfers must be a whole number from 1 to ${MAX_TRANSFERS}`);
    for (const args of [
      ['encrypt', '--transfers', '99999', plain, 'crypt:'],
      ['restore', '--dry-run', '--transfers', '99999', 'crypt:', join(t.dir, 'out')],
      ['verify', '--transfers', '99999', plain, 'crypt:'],
      ['encrypt', '--transfers', String(MAX_TRANSFERS + 1), plain, 'crypt:'],
      ['encrypt', '--transfers', '0', plain, 'crypt:'],
    ]) {
      const r = await cs(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, range, args.join(' '));
    }
    const atCap = await cs(['encrypt', '--transfers', String(MAX_TRANSFERS), plain, 'crypt:']);
    assert.equal(atCap.code, 0, atCap.stderr);
  } finally {
    await t.cleanup();
  }
});

test('the cap is defined once, and the engine clamps whatever a caller passes', () => {
  assert.equal(TASK_MAX_TRANSFERS, MAX_TRANSFERS);
  // every TransferPool and WorkerWarmup sizes itself through workerCount
  assert.equal(workerCount(99999), MAX_TRANSFERS);
  assert.equal(workerCount(Number.POSITIVE_INFINITY), MAX_TRANSFERS);
  assert.equal(workerCount(Number.NaN), workerCount());
  assert.equal(workerCount(MAX_TRANSFERS + 1), MAX_TRANSFERS);
  assert.equal(workerCount(3), 3);
  assert.equal(workerCount(0), 1);
  assert.equal(workerCount(-5), 1);
  assert.ok(workerCount() >= 1 && workerCount() <= MAX_TRANSFERS);
});
