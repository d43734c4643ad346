// `npm run bench -- encrypt [--quick] [--runs N] [--scale [--scale-files N]]`: cryptsync encrypt/restore against rclone sync/copy
// to the same crypt remote settings, on deterministic generated data, alternating the two tools,
// several runs each; prints median wall time, CPU time (user+sys) and peak RSS per set and the
// ratio cryptsync/rclone. Sets: 1 large files, 2 small files, 3 no-op re-run of 2, 4 a 10%
// change of 2, 5 restore of 1 and 2. --scale instead measures time and memory at 1M tiny files
// against rclone and rsync (see scale()). Data lives in .bench-data/ (gitignored).
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile, open } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { obscure } from '../src/crypt/index.js';
import { setMtimeNs } from '../src/tree/index.js';
import { mapLimit } from '../src/util/map-limit.js';
import { ensureScaleSet, type ScaleSet } from './scale-data.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'cryptsync.js');
const quick = process.argv.includes('--quick');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : quick ? 1 : 3;
const DATA = join(ROOT, '.bench-data', quick ? 'encrypt-quick' : 'encrypt');
const MIB = 1024 * 1024;
const LARGE_FILES = 4;
const LARGE_SIZE = quick ? 32 * MIB : 256 * MIB;
const SMALL_FILES = quick ? 2000 : 20_000;
const SMALL_DIRS = 100;
const SMALL_MIN = 100;
const SMALL_MAX = 8 * 1024;
const CHANGE_FRACTION = 0.1;
const BASE_MTIME_NS = 1_700_000_000_000_000_000n;
const DATA_VERSION = 'v1';
const PASSWORD = 'benchmark password';

/** deterministic bytes: AES-256-CTR keystream under a key derived from `seed` */
function bytes(seed: string, n: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return c.update(Buffer.alloc(n));
}

function mtimeOf(i: number): bigint {
  return BASE_MTIME_NS + BigInt(i) * 1_000_000_000n + BigInt((i * 7919) % 1_000_000_000);
}

async function writeLarge(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const chunk = 16 * MIB;
  for (let f = 0; f < LARGE_FILES; f++) {
    const p = join(dir, `large-${f}.bin`);
    const fh = await open(p, 'w');
    for (let off = 0; off < LARGE_SIZE; off += chunk) await fh.write(bytes(`large ${f} ${off}`, Math.min(chunk, LARGE_SIZE - off)));
    await fh.close();
    await setMtimeNs(p, mtimeOf(f));
  }
}

function smallSize(i: number): number {
  return SMALL_MIN + (createHash('sha256').update(`size ${i}`).digest().readUInt32LE(0) % (SMALL_MAX - SMALL_MIN + 1));
}

async function writeSmall(dir: string, variant: 'base' | 'changed'): Promise<void> {
  for (let d = 0; d < SMALL_DIRS; d++) await mkdir(join(dir, `folder-${String(d).padStart(3, '0')}`), { recursive: true });
  const every = Math.round(1 / CHANGE_FRACTION);
  await mapLimit(
    Array.from({ length: SMALL_FILES }, (_, i) => i),
    64,
    async (i) => {
      const changed = variant === 'changed' && i % every === 0;
      const p = join(dir, `folder-${String(i % SMALL_DIRS).padStart(3, '0')}`, `file-${i}.dat`);
      await writeFile(p, bytes(`small ${i}${changed ? ' changed' : ''}`, smallSize(i)));
      await setMtimeNs(p, mtimeOf(i) + (changed ? 86_400_000_000_000n : 0n));
    },
  );
}

async function prepareData(): Promise<void> {
  const marker = join(DATA, `data-${DATA_VERSION}`);
  if (existsSync(marker)) return;
  await rm(DATA, { recursive: true, force: true });
  process.stderr.write(`generating data in ${DATA} ...\n`);
  await writeLarge(join(DATA, 'plain-large'));
  await writeSmall(join(DATA, 'plain-small'), 'base');
  await writeSmall(join(DATA, 'plain-small-changed'), 'changed');
  await writeFile(marker, '');
}

async function writeConf(): Promise<string> {
  const conf = join(DATA, 'rclone.conf');
  const pw = obscure(PASSWORD);
  const remotes = ['cs', 'rc'].map((n) => `[${n}]\ntype = crypt\nremote = ${join(DATA, `enc-${n}`)}\npassword = ${pw}\n`);
  await writeFile(conf, remotes.join('\n'));
  return conf;
}

interface Sample {
  wall: number;
  cpu: number;
  rssMiB: number;
}

const hasGnuTime = existsSync('/usr/bin/time');

/** runs a command, returns wall seconds, user+sys seconds and peak RSS (MiB) of the process tree's largest process */
function measure(cmd: string[]): Sample {
  spawnSync('sync');
  const args = hasGnuTime ? ['-f', '@@%e %U %S %M', ...cmd] : cmd;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(hasGnuTime ? '/usr/bin/time' : (cmd[0] as string), hasGnuTime ? args : cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) return { wall, cpu: NaN, rssMiB: NaN };
  return { wall, cpu: Number(m[2]) + Number(m[3]), rssMiB: Number(m[4]) / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Tool {
  name: 'cryptsync' | 'rclone';
  sync: (src: string, remote: string) => string[];
  restore: (remote: string, out: string) => string[];
}

interface SetSpec {
  label: string;
  /** untimed preparation for one run of one tool */
  prepare: (t: Tool, remote: string) => Promise<void>;
  /** the timed command */
  run: (t: Tool, remote: string) => string[];
}

const scaleArg = process.argv.indexOf('--scale-files');
/** --scale: the size of a real home folder; `--scale-files N` for a smaller run */
const SCALE: ScaleSet = { files: scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1_000_000, dirs: 1000, minSize: 20, maxSize: 200 };

interface ScaleRow {
  work: string;
  cs: Sample;
  rclone?: Sample;
  rsync?: Sample;
}

function scaleCell(s: Sample | undefined): string {
  return s ? `${s.wall.toFixed(1)} | ${s.rssMiB.toFixed(0)}` : '— | —';
}

function ratio(a: Sample, b: Sample | undefined): string {
  return b ? `**${(a.wall / b.wall).toFixed(2)}**` : '—';
}

/**
 * --scale: a million tiny files (bench/scale-data.ts), one run of each tool per row, tools in
 * turn: first encrypt and no-op re-run (cryptsync, rclone sync to crypt, rsync -a as the floor of
 * copying the tree), restore (rclone copy) and verify (rclone cryptcheck). Time and peak RSS.
 */
async function scale(): Promise<void> {
  const dir = join(ROOT, '.bench-data', `encrypt-scale-${SCALE.files}`);
  const plain = ensureScaleSet(dir, SCALE, (s) => process.stderr.write(s));
  const conf = join(dir, 'rclone.conf');
  const pw = obscure(PASSWORD);
  await writeFile(conf, ['cs', 'rc'].map((n) => `[${n}]\ntype = crypt\nremote = ${join(dir, `enc-${n}`)}\npassword = ${pw}\n`).join('\n'));
  const cs = (...args: string[]) => [process.execPath, BIN, ...args];
  const rc = (...args: string[]) => ['rclone', '--config', conf, ...args];
  const mirror = join(dir, 'rsync-copy');
  const out = join(dir, 'restore-out');
  for (const p of [join(dir, 'enc-cs'), join(dir, 'enc-rc'), mirror, out]) await rm(p, { recursive: true, force: true });
  const rows: ScaleRow[] = [];
  const row = (r: ScaleRow) => {
    rows.push(r);
    process.stderr.write(`${r.work}: cryptsync ${scaleCell(r.cs)}, rclone ${scaleCell(r.rclone)}, rsync ${scaleCell(r.rsync)}\n`);
  };
  const sync = () => ({
    cs: measure(cs('encrypt', '--config', conf, plain, 'cs:')),
    rclone: measure(rc('sync', plain, 'rc:')),
    rsync: measure(['rsync', '-a', `${plain}/`, `${mirror}/`]),
  });
  row({ work: 'first encrypt', ...sync() });
  row({ work: 'no-op re-run', ...sync() });
  const restoreCs = measure(cs('restore', '--config', conf, 'cs:', out));
  await rm(out, { recursive: true, force: true });
  row({ work: 'restore', cs: restoreCs, rclone: measure(rc('copy', 'rc:', out)) });
  await rm(out, { recursive: true, force: true });
  row({ work: 'verify', cs: measure(cs('verify', '--config', conf, plain, 'cs:')), rclone: measure(rc('cryptcheck', plain, 'rc:')) });
  const table = [
    `${SCALE.files} files of ${SCALE.minSize}-${SCALE.maxSize} B in ${SCALE.dirs} folders; one run each; wall s | peak RSS MiB; ratio = cryptsync / other`,
    '',
    '| work | cryptsync s | MiB | rclone s | MiB | rsync -a s | MiB | ratio to rclone | ratio to rsync |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.work} | ${scaleCell(r.cs)} | ${scaleCell(r.rclone)} | ${scaleCell(r.rsync)} | ${ratio(r.cs, r.rclone)} | ${ratio(r.cs, r.rsync)} |`),
  ].join('\n');
  for (const p of [mirror, out]) await rm(p, { recursive: true, force: true });
  await writeFile(join(dir, 'results.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
}

async function main(): Promise<void> {
  // the runs' logs go to a home of their own, never the user's
  process.env.CRYPTSYNC_HOME ??= join(ROOT, '.bench-data', 'home');
  if (process.argv.includes('--scale')) {
    await scale();
    return;
  }
  await prepareData();
  const conf = await writeConf();
  if (RUNS < 1) return; // --runs 0: only generate the data
  const node = process.execPath;
  const tools: Tool[] = [
    {
      name: 'cryptsync',
      sync: (src, remote) => [node, BIN, 'encrypt', '--config', conf, src, `${remote}:`],
      restore: (remote, out) => [node, BIN, 'restore', '--config', conf, `${remote}:`, out],
    },
    { name: 'rclone', sync: (src, remote) => ['rclone', '--config', conf, 'sync', src, `${remote}:`], restore: (remote, out) => ['rclone', '--config', conf, 'copy', `${remote}:`, out] },
  ];
  const remoteOf = (t: Tool) => (t.name === 'cryptsync' ? 'cs' : 'rc');
  const encDir = (remote: string) => join(DATA, `enc-${remote}`);
  const large = join(DATA, 'plain-large');
  const small = join(DATA, 'plain-small');
  const changed = join(DATA, 'plain-small-changed');
  const out = join(DATA, 'restore-out');
  const untimed = (cmd: string[]) => {
    const r = spawnSync(cmd[0] as string, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  };
  const fresh = async (remote: string) => rm(encDir(remote), { recursive: true, force: true });
  const mib = (LARGE_FILES * LARGE_SIZE) / MIB;

  const sets: SetSpec[] = [
    { label: `1. large files (${LARGE_FILES} x ${LARGE_SIZE / MIB} MiB)`, prepare: async (_t, r) => fresh(r), run: (t, r) => t.sync(large, r) },
    { label: `2. small files (${SMALL_FILES} in ${SMALL_DIRS} folders)`, prepare: async (_t, r) => fresh(r), run: (t, r) => t.sync(small, r) },
    { label: '3. no-op re-run of set 2', prepare: async (t, r) => untimed(t.sync(small, r)), run: (t, r) => t.sync(small, r) },
    {
      label: `4. ${CHANGE_FRACTION * 100}% of set 2 changed`,
      prepare: async (t, r) => untimed(t.sync(small, r)),
      run: (t, r) => t.sync(changed, r),
    },
    {
      label: `5a. restore of set 1 (${mib} MiB)`,
      prepare: async (t, r) => {
        await rm(out, { recursive: true, force: true });
        await fresh(r);
        untimed(t.sync(large, r));
      },
      run: (t, r) => t.restore(r, out),
    },
    {
      label: `5b. restore of set 2`,
      prepare: async (t, r) => {
        await rm(out, { recursive: true, force: true });
        await fresh(r);
        untimed(t.sync(small, r));
      },
      run: (t, r) => t.restore(r, out),
    },
  ];
  const rows: string[] = [];
  for (const set of sets) {
    const samples: Record<string, Sample[]> = { cryptsync: [], rclone: [] };
    for (let i = 0; i < RUNS; i++) {
      // alternate which tool goes first, so neither always gets the warmer machine
      const order = i % 2 === 0 ? tools : [...tools].reverse();
      for (const t of order) {
        const remote = remoteOf(t);
        await set.prepare(t, remote);
        samples[t.name]!.push(measure(set.run(t, remote)));
      }
    }
    const c = samples.cryptsync!;
    const r = samples.rclone!;
    const cw = median(c.map((s) => s.wall));
    const rw = median(r.map((s) => s.wall));
    const row = `| ${set.label} | ${cw.toFixed(2)} | ${rw.toFixed(2)} | **${(cw / rw).toFixed(2)}** | ${median(c.map((s) => s.cpu)).toFixed(2)} / ${median(r.map((s) => s.cpu)).toFixed(2)} | ${median(c.map((s) => s.rssMiB)).toFixed(0)} / ${median(r.map((s) => s.rssMiB)).toFixed(0)} |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  await rm(out, { recursive: true, force: true });
  const header = [
    `runs per tool: ${RUNS}${quick ? ' (quick mode: smaller sets)' : ''}; medians; CPU = user+sys seconds; RSS = peak resident MiB`,
    '',
    '| set | cryptsync s | rclone s | ratio | CPU s (cs / rclone) | peak RSS MiB (cs / rclone) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const table = [...header, ...rows].join('\n');
  await writeFile(join(DATA, 'results.md'), `${table}\n`);
  process.stdout.write(`\n${table}\n\n(written to ${join(DATA, 'results.md')})\n`);
}

await main();
