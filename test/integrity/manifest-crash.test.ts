// kill -9 of `cryptsync encrypt` at seeded moments between its plan and its end (the manifest is
// hashed and written last, so late kills land in that window): the catalog's manifest is always
// whole and authentic, of the previous generation or the next, never torn; a later run finishes
// the job and verifies clean. A temporary left by a writer killed before its rename is ignored
// by verify and removed by the next encrypt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { seededRandom } from '../helpers/seeded-random.js';
import { BIN, ROOT, cryptsync } from '../helpers/cli.js';
import { makeTamperCatalog, verifyManifestCli, type TamperCatalog } from './fixture.js';

const seed = Number(process.env.CRASH_SEED || Math.floor(Math.random() * 2 ** 32));
console.log(`manifest-crash seed: ${seed} (replay with CRASH_SEED=${seed})`);

/** Runs `cryptsync encrypt`; with `killAfterMs`, kill -9 that long after the plan line appears. Resolves with ms from plan to end. */
function encryptRun(c: TamperCatalog, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; planToEndMs: number }> {
  const child = spawn(process.execPath, [BIN, 'encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let planAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (planAt === 0 && /to do:/.test(out)) {
      planAt = Date.now();
      if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    }
  });
  child.stderr.resume();
  return new Promise((res) => child.on('close', (code, signal) => res({ code, signal, planToEndMs: planAt === 0 ? 0 : Date.now() - planAt })));
}

/** enough ciphertext that hashing it for the manifest takes a while: many small files, a few large */
async function growPlain(c: TamperCatalog, rand: () => number): Promise<void> {
  for (let d = 0; d < 12; d++) {
    const dir = join(c.plain, `bulk-${d}`);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 100; i++) await writeFile(join(dir, `f${i}.bin`), randomBytes(1 + Math.floor(rand() * 16000)));
  }
  for (let i = 0; i < 3; i++) await writeFile(join(c.plain, `large-${i}.bin`), randomBytes(12 * 1024 * 1024));
}

/** the chain record's file, removed so the next write hashes every file again (a long manifest phase) */
async function forgetFacts(c: TamperCatalog): Promise<void> {
  const dir = join(c.env.CRYPTSYNC_HOME as string, 'integrity');
  for (const n of await readdir(dir)) if (n.endsWith('.json')) await rm(join(dir, n));
}

test('kill -9 at seeded moments of an encrypt never leaves a torn or unauthentic manifest', async () => {
  const rand = seededRandom(seed);
  const c = await makeTamperCatalog(rand);
  try {
    await growPlain(c, rand);
    let e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
    assert.equal(e.code, 0, e.stderr + e.stdout);
    assert.match(e.stdout, /manifest: generation 2 written/);
    let generation = 2;
    // calibrate: how long from the plan line to the end when the manifest re-hashes everything
    await writeFile(join(c.plain, 'top', 'touch.txt'), `${rand()}`);
    await forgetFacts(c);
    const calm = await encryptRun(c);
    assert.equal(calm.code, 0);
    generation++;
    const window = Math.max(50, calm.planToEndMs);
    for (let round = 0; round < 5; round++) {
      await writeFile(join(c.plain, 'top', 'touch.txt'), `${rand()}`);
      await forgetFacts(c);
      const delay = Math.floor(window * (0.2 + 0.9 * rand()));
      const r = await encryptRun(c, delay);
      // a fresh home sees only the catalog: its manifest must be whole and authentic
      const fresh = { ...c.env, CRYPTSYNC_HOME: join(c.work, `fresh-${round}`) };
      const v = await verifyManifestCli(c, [], fresh);
      console.log(`round ${round}: kill after ${delay} ms of a ${window} ms window: ${r.signal ?? `exit ${r.code}`}; manifest generation ${v.report.generation} (was ${generation})`);
      assert.notEqual(v.report.verdict, 'none', v.stdout);
      assert.ok(!v.report.findings.some((f) => f.kind === 'manifest-forged'), v.stdout);
      assert.ok(v.report.generation === generation || v.report.generation === generation + 1, `generation ${v.report.generation} after ${generation}: ${v.stdout}`);
      if (v.report.generation === generation + 1) generation++;
    }
    e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
    assert.equal(e.code, 0, e.stderr + e.stdout);
    const done = await verifyManifestCli(c, ['--deep']);
    assert.equal(done.report.verdict, 'clean', done.stdout);
    // the next generation, or the last one kept when the last killed run had already written it
    assert.ok(done.report.generation === generation || done.report.generation === generation + 1, done.stdout);
  } finally {
    await c.cleanup();
  }
});

test('a temporary left by a writer killed before its rename: ignored by verify, removed by the next encrypt', async () => {
  const c = await makeTamperCatalog(seededRandom(seed ^ 0x3c6ef372));
  try {
    // the name a dead writer (pid 999999999 never runs) leaves, holding a half-written manifest
    const tmp = join(c.dest.root, '.cryptsync-999999999-00112233aabbccdd.tmp');
    await writeFile(tmp, randomBytes(100));
    const v = await verifyManifestCli(c, ['--deep']);
    assert.equal(v.report.verdict, 'clean', v.stdout);
    const e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
    assert.equal(e.code, 0, e.stderr + e.stdout);
    assert.ok(!(await readdir(c.dest.root)).includes('.cryptsync-999999999-00112233aabbccdd.tmp'));
  } finally {
    await c.cleanup();
  }
});
