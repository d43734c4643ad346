// mtimes at the edges of what a double and an int64 of nanoseconds carry: after 2242 (a double
// of seconds loses the microsecond), around 2^63 ns (2262-04-11, where an int64 of ns wraps), up
// to ext4's limit (2446), and before 1970. After encrypt, the real rclone finds nothing to do, a
// second encrypt finds nothing to do, and restore gives back the exact nanoseconds. A time the
// catalog's filesystem cannot store is an error naming the file, never a silently other mtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile, stat, mkdtemp, rm, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { encryptCatalog, restoreCatalog, type SyncEvent } from '../../src/sync/index.js';
import { rclone, tempDir } from '../helpers/rclone.js';
import { makeDest } from './fixture.js';

const NS = 1_000_000_000n;
const US = 1000n;
const INT64_WRAP = 1n << 63n;
/** 2242-03-16T12:56:32Z: from here on a double of seconds cannot carry every microsecond */
const Y2242 = 8_589_934_592n * NS;
/** ext4's last second (2446-05-10T22:38:55Z) */
const EXT4_MAX = 0x3_7fff_ffffn * NS;
/** 1901-12-13T20:45:52Z (-2^31 s): the earliest second ext4 and XFS (bigtime) both store */
const PRE_1970_MIN = -(1n << 31n) * NS;

/** a small seeded PRNG (xorshift64*), so a failure can be replayed from the printed seed */
function prng(seed: bigint): (below: bigint) => bigint {
  let s = seed === 0n ? 1n : seed;
  const mask = (1n << 64n) - 1n;
  return (below) => {
    s ^= s >> 12n;
    s ^= (s << 25n) & mask;
    s ^= s >> 27n;
    return ((s * 0x2545f4914f6cdd1dn) & mask) % below;
  };
}

/** GNU touch stamp for an exact signed nanosecond time (independent of the code under test) */
function touchExact(path: string, ns: bigint): void {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  execFileSync('touch', ['-d', `@${neg ? '-' : ''}${abs / NS}.${(abs % NS).toString().padStart(9, '0')}`, '--', path]);
}

function mtimesFor(rand: (below: bigint) => bigint): bigint[] {
  const inRange = (lo: bigint, hi: bigint, micro: boolean) => {
    const v = lo + rand(hi - lo);
    return micro ? v - (((v % US) + US) % US) : v;
  };
  const out: bigint[] = [];
  for (const micro of [true, false]) {
    for (let i = 0; i < 4; i++) out.push(inRange(Y2242, INT64_WRAP, micro));
    for (let i = 0; i < 3; i++) out.push(inRange(INT64_WRAP - 5n * NS, INT64_WRAP, micro));
    for (let i = 0; i < 3; i++) out.push(inRange(INT64_WRAP, INT64_WRAP + 5n * NS, micro));
    for (let i = 0; i < 4; i++) out.push(inRange(INT64_WRAP, EXT4_MAX, micro));
    for (let i = 0; i < 4; i++) out.push(inRange(PRE_1970_MIN, 0n, micro));
  }
  out.push(INT64_WRAP, INT64_WRAP - 1n, INT64_WRAP - US, EXT4_MAX, -1n, -US, -NS, PRE_1970_MIN);
  return out;
}

async function mtimesOf(dir: string): Promise<Map<string, bigint>> {
  const m = new Map<string, bigint>();
  for (const n of await readdir(dir)) m.set(n, (await stat(join(dir, n), { bigint: true })).mtimeNs);
  return m;
}

test('mtimes after 2242, around 2^63 ns and before 1970 stay exact (rclone agrees, no re-copy, exact restore)', async () => {
  const seed = BigInt(process.env.MTIME_SEED || `0x${randomBytes(8).toString('hex')}`);
  console.log(`mtime seed: ${seed} (replay with MTIME_SEED=${seed})`);
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    const want = mtimesFor(prng(seed));
    for (const [i, ns] of want.entries()) {
      const p = join(plain, `f${i}.bin`);
      await writeFile(p, randomBytes(i * 37));
      touchExact(p, ns);
    }
    const plainTimes = await mtimesOf(plain);
    // the test's own premise: the filesystem holds each time exactly
    want.forEach((ns, i) => assert.equal(plainTimes.get(`f${i}.bin`), ns, `plain f${i}.bin: the test folder's filesystem does not hold this time`));

    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const s1 = await encryptCatalog({ source: plain, dest });
    assert.equal(s1.errors, 0);
    assert.equal(s1.newFiles, want.length);

    const dry = await rclone(['sync', '--dry-run', '-v', plain, 'crypt:'], { config: dest.conf });
    assert.equal(dry.code, 0, dry.stderr);
    assert.doesNotMatch(dry.stderr, /Skipped (copy|update|delete)/, `rclone would re-copy:\n${dry.stderr}`);

    const events: SyncEvent[] = [];
    const s2 = await encryptCatalog({ source: plain, dest, onEvent: (e) => events.push(e) });
    assert.deepEqual(
      events.filter((e) => e.type === 'file' || e.type === 'warning' || e.type === 'error'),
      [],
      'the second run has nothing to do',
    );
    assert.equal(s2.unchanged, want.length);

    const out = join(t.dir, 'out');
    const r = await restoreCatalog({ source: dest, target: out });
    assert.equal(r.errors, 0);
    assert.deepEqual(await mtimesOf(out), plainTimes);
  } finally {
    await t.cleanup();
  }
});

test('an mtime the catalog filesystem cannot store is an error naming the file, not a silent change', async (ctx) => {
  // tmpfs keeps times past ext4's 2446 limit; the catalog lives on the test's temp filesystem
  let shm: string;
  try {
    shm = await mkdtemp('/dev/shm/cryptsync-mtime-');
  } catch {
    ctx.skip('no /dev/shm');
    return;
  }
  const t = await tempDir();
  try {
    const late = EXT4_MAX + 86_400n * 365n * NS + 123n;
    await writeFile(join(shm, 'late.bin'), 'late');
    await writeFile(join(shm, 'fine.bin'), 'fine');
    touchExact(join(shm, 'late.bin'), late);
    if ((await stat(join(shm, 'late.bin'), { bigint: true })).mtimeNs !== late) {
      ctx.skip('/dev/shm does not keep times after 2446');
      return;
    }
    const probe = join(t.dir, 'probe');
    await writeFile(probe, '');
    touchExact(probe, late);
    if ((await stat(probe, { bigint: true })).mtimeNs === late) {
      ctx.skip('the temp filesystem stores times after 2446');
      return;
    }
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const events: SyncEvent[] = [];
    const s = await encryptCatalog({ source: shm, dest, onEvent: (e) => events.push(e) });
    const issues = events.flatMap((e) => (e.type === 'error' ? [e] : []));
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0]?.path, 'late.bin');
    assert.equal(issues[0]?.code, 'MTIME_NOT_REPRESENTABLE');
    assert.equal(s.newFiles, 1);
    assert.equal(s.errors, 1);
    // nothing half-done stays behind under a real or temporary name
    const enc = await readdir(dest.root);
    assert.equal(enc.length, 1, enc.join(', '));
  } finally {
    await rm(shm, { recursive: true, force: true });
    await t.cleanup();
  }
});
