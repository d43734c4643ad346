// Crash safety: an encrypt killed with SIGKILL at random moments leaves only complete encrypted
// files under real names (every one verifies against its plain twin); the next run removes the
// temporaries and converges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir, writeFile, readdir, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { verifyCatalog, encryptCatalog, restoreCatalog } from '../../src/sync/index.js';
import { TEMP_PATTERN } from '../../src/tree/index.js';
import { tempDir } from '../helpers/rclone.js';
import { makeDest, snapshot } from './fixture.js';
import { seededRandom } from '../helpers/seeded-random.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'encrypt-child.js');
const KILLS = 5;
/** picks the kill delays; the moment a kill lands still depends on the machine's speed */
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);

async function temporaries(dir: string): Promise<string[]> {
  const out: string[] = [];
  await mkdir(dir, { recursive: true });
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && TEMP_PATTERN.test(e.name)) out.push(e.name);
  return out;
}

/**
 * Starts an encrypt and kills it with SIGKILL a random 0-80 ms after it starts writing files
 * (so the kill lands in the write phase however slow the machine is). Resolves true when the
 * kill interrupted the run (no summary printed).
 */
function runAndKill(source: string, root: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, source, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let exited = false;
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => {
      exited = true;
      resolve(!out.includes('{'));
    });
    const poll = async (): Promise<void> => {
      const old = new Set(await temporaries(root));
      while (!exited) {
        const writing = (await temporaries(root)).some((n) => !old.has(n));
        if (writing) {
          const delay = Math.floor(random() * 80);
          console.log(`kill9 seed=${SEED}: SIGKILL ${delay} ms after the first new temporary`);
          setTimeout(() => child.kill('SIGKILL'), delay);
          return;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    void poll();
  });
}

/** every content each path ever had, by sha-256: a catalog file must decrypt to one of them */
const versions = new Map<string, Set<string>>();
async function put(plain: string, rel: string, data: Buffer): Promise<void> {
  await writeFile(join(plain, rel), data);
  const h = createHash('sha256').update(data).digest('hex');
  versions.set(rel, (versions.get(rel) ?? new Set()).add(h));
}

async function changeSome(plain: string, round: number): Promise<void> {
  // every big file changes, so the write phase outlasts the kill delay on a fast machine too
  for (let i = 0; i < 3; i++) await put(plain, `big${i}.bin`, randomBytes(8 * 1024 * 1024 + round * 3 + i));
  for (let f = 0; f < 60; f++) await put(plain, `dir${round % 10}/f${f}.bin`, randomBytes(100 + f * 50));
}

test('kill -9 at random points never leaves a torn file; the next run converges', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    for (let d = 0; d < 10; d++) {
      await mkdir(join(plain, `dir${d}`), { recursive: true });
      for (let f = 0; f < 60; f++) await put(plain, `dir${d}/f${f}.bin`, randomBytes(100 + ((d * 997 + f * 131) % 20000)));
    }
    for (let i = 0; i < 3; i++) await put(plain, `big${i}.bin`, randomBytes(8 * 1024 * 1024 + i));
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    let sawTemp = false;
    let interrupted = 0;
    for (let k = 0; k < KILLS; k++) {
      if (k > 0) await changeSome(plain, k);
      if (await runAndKill(plain, dest.root)) interrupted++;
      // every file under a real name decrypts completely to a version the plain file once had
      const out = join(t.dir, `out${k}`);
      const r = await restoreCatalog({ source: dest, target: out });
      assert.equal(r.errors, 0, `kill ${k} (seed ${SEED}): a catalog file does not decrypt`);
      for (const [rel, e] of await snapshot(out)) {
        if (e.kind === 'file') assert.ok(versions.get(rel)?.has(e.hash), `kill ${k} (seed ${SEED}): ${rel} is torn`);
      }
      await rm(out, { recursive: true });
      const v = { matching: r.newFiles };
      const tmps = await temporaries(dest.root);
      if (process.env.KILL9_DEBUG) console.log(`# kill ${k}: matching ${v.matching}, temporaries ${tmps.length}`);
      if (tmps.length > 0) sawTemp = true;
    }
    assert.ok(interrupted >= 1, `none of ${KILLS} kills interrupted a run`);
    const s = await encryptCatalog({ source: plain, dest });
    assert.equal(s.errors, 0);
    assert.deepEqual(await temporaries(dest.root), []);
    const v = await verifyCatalog({ plain, dest });
    assert.equal(v.matching, 603);
    assert.deepEqual([v.differing, v.missingOnDest, v.missingOnSource], [[], [], []]);
    assert.ok(sawTemp, 'no kill landed during a file write');
  } finally {
    await t.cleanup();
  }
});
