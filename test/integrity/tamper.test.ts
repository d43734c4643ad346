// Every tamper kind of docs/manifest.md on a seeded random catalog, done the way someone with
// write access to the folder would (truncate, mv, cp -p, rm, a file sealed with the same keys,
// the whole tree put back), each detected by `cryptsync verify` and named by path, cheap and
// deep; an untouched catalog verifies clean; restore withholds a tampered file.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { truncate, rename, rm, writeFile, readFile, copyFile, utimes, stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../helpers/seeded-random.js';
import { cryptsync } from '../helpers/cli.js';
import { manifestDiskPath, manifestMacKey, parseManifest, sealManifest, serializeManifest } from '../../src/integrity/index.js';
import type { Finding, FindingKind } from '../../src/integrity/index.js';
import { makeTamperCatalog, encOf, verifyManifestCli, copyCatalog, type TamperCatalog } from './fixture.js';

const seed = Number(process.env.TAMPER_SEED || Math.floor(Math.random() * 2 ** 32));
console.log(`tamper seed: ${seed} (replay with TAMPER_SEED=${seed})`);
const rand = seededRandom(seed);

let c: TamperCatalog;
let pristine: string;
before(async () => {
  c = await makeTamperCatalog(rand);
  pristine = join(c.work, 'pristine');
  copyCatalog(c.dest.root, pristine);
});
after(() => c.cleanup());
beforeEach(() => copyCatalog(pristine, c.dest.root));

const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;

function has(findings: Finding[], kind: FindingKind, path: string): void {
  assert.ok(
    findings.some((f) => f.kind === kind && f.path === path),
    `expected ${kind} at ${path}; got ${JSON.stringify(findings)}`,
  );
}

async function tampered(kind: FindingKind, path: string, modes: Array<'cheap' | 'deep'> = ['cheap', 'deep']): Promise<void> {
  for (const mode of modes) {
    const r = await verifyManifestCli(c, mode === 'deep' ? ['--deep'] : []);
    assert.equal(r.report.verdict, 'tampered', `${mode}: ${r.stdout}`);
    assert.equal(r.code, 3, mode);
    has(r.report.findings, kind, path);
  }
}

test('an untouched catalog verifies clean, cheap and deep; with the plain folder too', async () => {
  for (const extra of [[], ['--deep']]) {
    const r = await verifyManifestCli(c, extra);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.report.verdict, 'clean');
    assert.equal(r.report.generation, 1);
    assert.deepEqual(r.report.findings, []);
  }
  const both = await cryptsync(['verify', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
  assert.equal(both.code, 0, both.stderr + both.stdout);
  assert.match(both.stdout, /0 differences found/);
  assert.match(both.stdout, /manifest generation 1 .*the catalog matches it/);
});

test('truncated at a 64 KiB chunk boundary, and cut to its bare header', async () => {
  const chunks = 1 + Math.floor(rand() * 3);
  await truncate(encOf(c, c.big), 32 + chunks * (65536 + 16));
  await tampered('truncated', c.big);
  copyCatalog(pristine, c.dest.root);
  const victim = pick([c.big, ...c.pair]);
  await truncate(encOf(c, victim), 32);
  await tampered('header-only', victim);
});

test('two files of different sizes swapped (cheap), and two of the same size and mtime swapped (deep)', async () => {
  const a = c.big;
  const b = pick(c.pair);
  await rename(encOf(c, a), `${encOf(c, a)}.x`);
  await rename(encOf(c, b), encOf(c, a));
  await rename(`${encOf(c, a)}.x`, encOf(c, b));
  await tampered('swapped', a);
  await tampered('swapped', b);
  copyCatalog(pristine, c.dest.root);
  // same size, and each gets the other's mtime back: only the hash tells them apart
  const [p, q] = c.pair;
  const [mp, mq] = [await stat(encOf(c, p)), await stat(encOf(c, q))];
  await rename(encOf(c, p), `${encOf(c, p)}.x`);
  await rename(encOf(c, q), encOf(c, p));
  await rename(`${encOf(c, p)}.x`, encOf(c, q));
  await utimes(encOf(c, p), mp.atime, mp.mtime);
  await utimes(encOf(c, q), mq.atime, mq.mtime);
  await tampered('swapped', p, ['deep']);
  await tampered('swapped', q, ['deep']);
});

test('renamed onto another file, and renamed to a name of its own', async () => {
  const [from, onto] = [c.small[0] as string, c.small[1] as string];
  await rename(encOf(c, from), encOf(c, onto));
  await tampered('swapped', onto);
  await tampered('deleted', from);
  copyCatalog(pristine, c.dest.root);
  const moved = pick(c.small.slice(2));
  const to = `top/renamed-${Math.floor(rand() * 1000)}.txt`;
  await rename(encOf(c, moved), encOf(c, to));
  await tampered('renamed', to);
  await tampered('deleted', moved);
});

test('a deleted file and an injected valid file are named (changed outside cryptsync)', async () => {
  const gone = pick(c.small);
  await rm(encOf(c, gone));
  const added = `docs/injected-${Math.floor(rand() * 1000)}.txt`;
  const parts: Buffer[] = [];
  for await (const chunk of c.dest.cipher.encrypt((async function* () { yield Buffer.from('valid ciphertext, same keys\n'); })())) parts.push(chunk);
  await writeFile(encOf(c, added), Buffer.concat(parts));
  for (const extra of [[], ['--deep']]) {
    const r = await verifyManifestCli(c, extra);
    assert.equal(r.report.verdict, 'changed-outside', r.stdout);
    has(r.report.findings, 'deleted', gone);
    has(r.report.findings, 'injected', added);
    assert.equal(r.report.findings.length, 2, JSON.stringify(r.report.findings));
  }
});

test('a forged manifest: one byte edited, or re-MACed with a wrong key; a removed one, and a missing one', async () => {
  const mpath = join(c.dest.root, manifestDiskPath(c.dest.cipher));
  const sealed = await readFile(mpath);
  const at = 32 + Math.floor(rand() * (sealed.length - 32));
  const edited = Buffer.from(sealed);
  edited[at] = (edited[at] as number) ^ 0x01;
  await writeFile(mpath, edited);
  await tampered('manifest-forged', '.cryptsync-manifest');
  // the attacker's version drops a file from the manifest and MACs it with a key of their own
  const plainBytes: Buffer[] = [];
  for await (const chunk of c.dest.cipher.decrypt((async function* () { yield sealed; })())) plainBytes.push(chunk);
  const m = parseManifest(Buffer.concat(plainBytes), manifestMacKey(c.dest.cipher.keys));
  m.entries = m.entries.filter((e) => e.path !== c.big);
  const wrongKey = Buffer.alloc(32, 7);
  await writeFile(mpath, await sealManifest(c.dest.cipher, serializeManifest(m, wrongKey)));
  await rm(encOf(c, c.big));
  await tampered('manifest-forged', '.cryptsync-manifest');
  // removed (as a stock rclone sync does): checked against this machine's copy of generation 1
  await rm(mpath);
  const r = await verifyManifestCli(c);
  assert.equal(r.report.verdict, 'changed-outside', r.stdout);
  has(r.report.findings, 'manifest-removed', '.cryptsync-manifest');
  has(r.report.findings, 'deleted', c.big);
  // and without that copy: a manifest this machine knows of is missing
  const state = join(c.env.CRYPTSYNC_HOME as string, 'integrity');
  const copies = (await readdir(state)).filter((n) => n.endsWith('.manifest'));
  assert.equal(copies.length, 1);
  await rename(join(state, copies[0] as string), join(c.work, 'copy.manifest'));
  await tampered('manifest-missing', '.cryptsync-manifest');
  await rename(join(c.work, 'copy.manifest'), join(state, copies[0] as string));
});

test('restore withholds a tampered file and names it; --no-manifest-check restores it anyway', async () => {
  await truncate(encOf(c, c.big), 32 + 65552);
  const out = join(c.work, 'restored');
  let r = await cryptsync(['restore', 'crypt:', out, '--config', c.dest.conf], { env: c.env });
  assert.equal(r.code, 3, r.stderr + r.stdout);
  assert.match(r.stderr, new RegExp(`${c.big.replace(/[.]/g, '\\.')}: not restored: its ciphertext does not match the manifest`));
  await assert.rejects(stat(join(out, c.big)));
  assert.equal((await readFile(join(out, c.small[0] as string))).length, (await readFile(join(c.plain, c.small[0] as string))).length);
  await assert.rejects(stat(join(out, '.cryptsync-manifest')), 'the manifest is not restored as a user file');
  await rm(out, { recursive: true });
  r = await cryptsync(['restore', 'crypt:', out, '--config', c.dest.conf, '--no-manifest-check'], { env: c.env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal((await stat(join(out, c.big))).size, 65536, 'rclone crypt itself decrypts the cut file as a shorter one');
  await rm(out, { recursive: true });
});

test('an older valid version of one file, a whole-tree rollback, and a fork by a second writer', async () => {
  const victim = pick(c.small);
  const oldCopy = join(c.work, 'old-version');
  await copyFile(encOf(c, victim), oldCopy);
  const st = await stat(encOf(c, victim));
  await utimes(oldCopy, st.atime, st.mtime);
  await writeFile(join(c.plain, victim), `a newer version ${rand()}\n`);
  const e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
  assert.equal(e.code, 0, e.stderr + e.stdout);
  assert.match(e.stdout, /manifest: generation 2 written/);
  const gen2 = join(c.work, 'gen2');
  copyCatalog(c.dest.root, gen2);
  // the old ciphertext put back with its own mtime, as a replay from an older copy would be
  await copyFile(oldCopy, encOf(c, victim));
  await utimes(encOf(c, victim), st.atime, st.mtime);
  await tampered('older-version', victim);
  // the whole tree (with its generation-1 manifest) put back: every file matches that manifest
  copyCatalog(pristine, c.dest.root);
  const r = await verifyManifestCli(c);
  assert.equal(r.report.verdict, 'tampered');
  assert.deepEqual(r.report.findings.map((f) => f.kind), ['rollback'], JSON.stringify(r.report.findings));
  assert.equal(r.report.generation, 1);
  assert.equal(r.report.knownGeneration, 2);
  // a second machine writes its own generation 2 on top of generation 1
  const other = { ...c.env, CRYPTSYNC_HOME: join(c.work, 'home2') };
  const e2 = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: other });
  assert.equal(e2.code, 0, e2.stderr + e2.stdout);
  assert.match(e2.stdout, /manifest: generation 2 written/);
  await tampered('fork', '.cryptsync-manifest', ['cheap']);
  copyCatalog(gen2, c.dest.root);
  const back = await verifyManifestCli(c);
  assert.equal(back.report.verdict, 'clean', back.stdout);
  // leave generation 1 as the next test's start
  copyCatalog(pristine, c.dest.root);
});
