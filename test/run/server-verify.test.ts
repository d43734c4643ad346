// Verify the server copy through a real sshd on loopback: a clean copy checks out (exit 0);
// quick finds a file deleted on the server and an extra encrypted one, named by decrypted paths
// (exit 3); deep finds a byte flipped on the server that quick cannot see and names the file;
// successive deep verifies with a small sample cover different files until all are covered,
// then start a new round. Also the --sample / --max-duration parsers and the sample choice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, open, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, jsonLines } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { Engine, parseSampleSpec, parseDuration } from '../../src/run/index.js';
import { chooseSample } from '../../src/run/server-coverage.js';
import type { ServerEntry } from '../../src/run/server-names.js';
import { startServerFixture, ok, type ServerFixture } from './server-fixture.js';

let f: ServerFixture;

before(async () => {
  f = await startServerFixture({ count: 10 });
});

after(async () => {
  await f?.stop();
});

interface Summary {
  problems: number;
  quick: { missing: string[]; extra: string[]; differing: Array<{ path: string }>; matching: number };
  deep?: { failed: Array<{ path: string; code: string }>; read: string[]; round: number; covered: number; totalFiles: number; authenticated: number; comparedWithPlain: number };
}

async function verify(args: string[]): Promise<{ code: number | null; summary: Summary; stderr: string }> {
  const r = await cryptsync(['verify', '--server', 'push', '--json', ...args], { env: f.env });
  const summary = jsonLines(r.stdout).find((e) => e.type === 'summary') as unknown as Summary;
  assert.ok(summary, `no summary (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return { code: r.code, summary, stderr: r.stderr };
}

/** server file (encrypted path) of a plain path, through `cryptsync decode --reverse` */
async function serverPathOf(plainPath: string): Promise<string> {
  const r = ok(await cryptsync(['decode', 'vault:', plainPath, '--reverse', '--json'], { env: f.env }), 'decode');
  const line = jsonLines(r.stdout)[0] as Record<string, string>;
  const enc = line.encrypted ?? line.result ?? line.output;
  assert.ok(enc, `decode --reverse gave ${r.stdout}`);
  return join(f.server, enc);
}

function nonEmptyFiles(): string[] {
  return [...f.files.entries()].filter(([, b]) => b.length > 0).map(([k]) => k).sort();
}

test('the parsers of --sample and --max-duration, and the sample choice', () => {
  assert.deepEqual(parseSampleSpec('10%'), { percent: 10 });
  assert.deepEqual(parseSampleSpec('25'), { files: 25 });
  assert.deepEqual(parseSampleSpec('500M'), { bytes: 500 * 1024 * 1024 });
  assert.deepEqual(parseSampleSpec('2GiB'), { bytes: 2 * 1024 ** 3 });
  for (const bad of ['0%', '101%', '0', 'lots', '-3', '']) assert.throws(() => parseSampleSpec(bad), /--sample/, bad);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  for (const bad of ['10', '0s', 'soon']) assert.throws(() => parseDuration(bad), /--max-duration/, bad);
  const seed = Math.floor(Math.random() * 2 ** 31);
  const rnd = seededRandom(seed);
  const files: ServerEntry[] = Array.from({ length: 7 }, (_, i) => ({ kind: 'file', std: `f${i}`, enc: `e${i}`, size: 10, encSize: 100, mtimeSec: 0 }));
  let cov = { version: 1 as const, round: 1, covered: [] as string[] };
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) {
    const c = chooseSample(files, cov, { files: 2 }, rnd);
    assert.ok(c.sample.length >= 1 && c.sample.length <= 2, `seed ${seed}`);
    for (const s of c.sample) assert.ok(!c.coverage.covered.includes(s.enc), `seed ${seed}: ${s.enc} chosen again in one round`);
    seen.push(...c.sample.map((s) => s.enc));
    cov = { ...c.coverage, covered: [...c.coverage.covered, ...c.sample.map((s) => s.enc)] };
  }
  assert.equal(new Set(seen).size, 7, `seed ${seed}: four samples of two cover all seven files once`);
  const next = chooseSample(files, cov, { files: 2 }, rnd);
  assert.equal(next.coverage.round, 2, 'all covered: a new round');
  assert.deepEqual(chooseSample(files, cov, { bytes: 1 }, rnd).sample.length, 1, 'a byte budget still reads one file');
});

test('a clean server copy checks out, quick and deep (every chunk authenticated, compared with the plain files)', async () => {
  const quick = await verify([]);
  assert.equal(quick.code, 0, quick.stderr);
  assert.equal(quick.summary.problems, 0);
  // the files and the catalog's manifest (docs/manifest.md); only the files have a plain twin
  assert.equal(quick.summary.quick.matching, f.files.size + 1);
  const deep = await verify(['--read-data', '--sample', '100%']);
  assert.equal(deep.code, 0, deep.stderr);
  assert.equal(deep.summary.deep?.authenticated, f.files.size + 1);
  assert.equal(deep.summary.deep?.comparedWithPlain, f.files.size);
  assert.deepEqual(await readdir(join(f.home, 'staging')), []);
});

test('successive deep verifies cover different files until all are covered, then start over', async () => {
  const k = 3;
  // the files and the catalog's manifest
  const onServer = [...f.files.keys(), '.cryptsync-manifest'];
  const n = onServer.length;
  const reads: string[][] = [];
  const rounds: number[] = [];
  for (let i = 0; i < Math.ceil(n / k); i++) {
    const r = await verify(['--read-data', '--sample', String(k)]);
    assert.equal(r.code, 0, r.stderr);
    reads.push(r.summary.deep?.read ?? []);
    rounds.push(r.summary.deep?.round ?? 0);
  }
  const full = reads.slice(0, Math.floor(n / k)).flat();
  assert.equal(new Set(full).size, full.length, `no file read twice in one round: ${JSON.stringify(reads)}`);
  const rest = onServer.filter((p) => !full.includes(p));
  const last = reads[reads.length - 1] as string[];
  for (const p of rest) assert.ok(last.includes(p), `the last verify reads the one(s) left: ${p}`);
  assert.deepEqual([...new Set(reads.flat())].sort(), onServer.sort(), 'every file covered');
  assert.equal(new Set(rounds.slice(0, -1)).size, 1, 'one round until every file is covered');
  assert.equal(rounds[rounds.length - 1], (rounds[0] as number) + (n % k === 0 ? 0 : 1), 'then a new round starts');
});

test('deep verify finds a byte flipped on the server and names the file; quick cannot see it', async () => {
  const victim = nonEmptyFiles()[0] as string;
  const enc = await serverPathOf(victim);
  const before = await stat(enc);
  const fh = await open(enc, 'r+');
  try {
    const at = Math.floor(before.size / 2);
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = (b[0] as number) ^ 0x40;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
  await utimes(enc, before.atime, before.mtime);
  const quick = await verify([]);
  assert.equal(quick.code, 0, 'same name, size and mtime: the listing cannot tell');
  const deep = await verify(['--read-data', '--sample', '100%']);
  assert.equal(deep.code, 3, deep.stderr);
  assert.deepEqual(deep.summary.deep?.failed.map((x) => x.path), [victim], `seed ${f.seed}`);
  assert.equal(deep.summary.deep?.failed[0]?.code, 'AUTH_FAILED');
  // repair it for the next test: the catalog's file is the truth
  await copyFile(join(f.catalog, enc.slice(f.server.length + 1)), enc);
  await utimes(enc, before.atime, before.mtime);
});

test('quick verify finds a file deleted on the server and an extra one, by decrypted names', async () => {
  const [gone, source] = nonEmptyFiles();
  await rm(await serverPathOf(gone as string));
  const extraName = 'left over on the server.txt';
  const extra = await serverPathOf(extraName);
  await copyFile(await serverPathOf(source as string), extra);
  await mkdir(await serverPathOf('stray folder'));
  const r = await verify([]);
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(r.summary.quick.missing, [gone], `seed ${f.seed}`);
  assert.deepEqual(r.summary.quick.extra, [extraName, 'stray folder/']);
  assert.equal(r.summary.problems, 3);
  const text = await cryptsync(['verify', '--server', 'push'], { env: f.env });
  assert.equal(text.code, 3);
  assert.match(text.stdout, new RegExp(`missing on the server: ${(gone as string).replace(/[[\]().*+?^$\\|{}]/g, '\\$&')}`));
  assert.match(text.stdout, /extra on the server: left over on the server\.txt/);
  const log = jsonLines(ok(await cryptsync(['log', '--json'], { env: f.env }), 'log').stdout)[0] as { runs: Array<{ kind: string; status: string }> };
  assert.equal(log.runs[0]?.kind, 'server-verify');
  assert.equal(log.runs[0]?.status, 'partial');
});

test('--max-duration stops a deep verify between batches: past its time nothing more is read or counted as covered', async () => {
  const engine = Engine.open({ home: f.home, env: f.env });
  const coverageFile = join(f.home, 'verify-coverage', 'default', 'push.json');
  try {
    await engine.serverVerify({ task: 'push', readData: true, sample: { files: 1 } });
    const before = await readFile(coverageFile, 'utf8');
    const r = await engine.serverVerify({ task: 'push', readData: true, sample: { percent: 100 }, maxDurationMs: 0 });
    assert.equal(r.deep?.stoppedByTime, true);
    assert.deepEqual(r.deep?.read, []);
    assert.equal(await readFile(coverageFile, 'utf8'), before, 'the coverage is unchanged');
  } finally {
    engine.close();
  }
});
