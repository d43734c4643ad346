// rsync progress that can be believed: the pure total tracker (rsync/progress-total.ts) on lines
// shaped like rsync's (whole, truncated percents of a seeded random job size; the seed is printed),
// and a real rsync run of a task (bandwidth-limited so it reports many times): the total never
// strays more than 12.5 % from the real size, and a successful run ends at 100 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itemizedPath, nextTotal, NO_TOTAL, type RsyncProgress } from '../../src/rsync/index.js';
import { Engine, type EngineEvent } from '../../src/run/index.js';
import { cliEnv } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

const MAX_ERROR = 0.125;

test('the total from truncated percents stays close and never below the bytes done', () => {
  const seed = Number(process.env.SEED ?? Date.now() % 100_000);
  console.log(`seed ${seed} (SEED=${seed} replays it)`);
  const rnd = seededRandom(seed);
  for (let job = 0; job < 50; job++) {
    const size = Math.floor(1_000 + rnd() * 2_000_000_000);
    let state = NO_TOTAL;
    let bytes = 0;
    let shown = 0;
    while (bytes < size) {
      bytes = Math.min(size, bytes + Math.floor(1 + rnd() * size * 0.03));
      const p: RsyncProgress = { bytes, percent: Math.floor((bytes * 100) / size), rateBps: 1, etaSec: 1 };
      const t = nextTotal(state, p);
      state = t.state;
      if (t.total === 0) continue;
      shown++;
      assert.ok(t.total >= bytes, `seed ${seed} job ${job}: total ${t.total} below bytes ${bytes}`);
      assert.ok(Math.abs(t.total - size) <= size * MAX_ERROR, `seed ${seed} job ${job}: total ${t.total} for a ${size}-byte job at ${p.percent} %`);
    }
    assert.ok(shown > 0);
    assert.equal(nextTotal(state, { bytes: size, percent: 100, rateBps: 1, etaSec: 0 }).total, size);
  }
});

test('itemized lines name the file', () => {
  assert.equal(itemizedPath('<f+++++++++ photos/holiday/a b.jpg'), 'photos/holiday/a b.jpg');
  assert.equal(itemizedPath('>f.st...... notes.txt'), 'notes.txt');
  assert.equal(itemizedPath('cd+++++++++ photos/'), 'photos/');
  assert.equal(itemizedPath('sending incremental file list'), null);
  assert.equal(itemizedPath('*deleting   old.txt'), null);
});

test('a real rsync run: totals close to the real size, the current file named, 100 % at the end', async () => {
  const home = await mkdtemp(join(tmpdir(), 'cryptsync-progress-'));
  try {
    const source = join(home, 'src');
    await mkdir(source);
    const sizes = [40, 30, 20].map((m) => m * 1024 * 1024);
    for (const [i, n] of sizes.entries()) await writeFile(join(source, `part-${i}.bin`), randomBytes(n));
    const total = sizes.reduce((a, b) => a + b, 0);
    const engine = Engine.open({ env: cliEnv(home) });
    try {
      await engine.addTask({ name: 'copy', type: 'synchronize', source, dest: join(home, 'dest'), extraFlags: ['--bwlimit=30m'] });
      const seen: Array<Extract<EngineEvent, { type: 'progress' }>> = [];
      const { runId } = engine.startRun('copy', { onEvent: (e) => e.type === 'progress' && seen.push(e) });
      const r = await engine.waitRun(runId);
      assert.equal(r.status, 'ok');
      assert.ok(seen.length >= 5, `only ${seen.length} progress events`);
      for (const e of seen.filter((x) => x.bytesTotal > 0)) {
        assert.ok(Math.abs(e.bytesTotal - total) <= total * MAX_ERROR, `total ${e.bytesTotal} for ${total} bytes at ${e.bytes}`);
        assert.ok(e.bytes <= e.bytesTotal);
      }
      assert.ok(seen.some((e) => e.file?.startsWith('part-')), 'the current file is named');
      const last = seen[seen.length - 1]!;
      assert.equal(last.bytes, last.bytesTotal, 'a successful run ends at 100 %');
      assert.ok(Math.abs(last.bytesTotal - total) <= total * 0.01, `ends at ${last.bytesTotal} of ${total}`);
      assert.equal(last.etaSec, 0);
    } finally {
      engine.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
