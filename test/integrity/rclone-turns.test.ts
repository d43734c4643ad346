// The manifest next to stock rclone 1.60.1: `rclone copy` of a catalog gives the plain tree plus
// the one manifest file, cryptcheck and check agree (strict names on), taking turns with
// `rclone sync` reads "changed outside cryptsync since generation N" by path and the next
// encrypt writes N+1; a task with encryptWith rclone keeps the manifest and writes the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../helpers/seeded-random.js';
import { cryptsync } from '../helpers/cli.js';
import { rclone } from '../helpers/rclone.js';
import { readTree } from '../helpers/tree.js';
import { makeTamperCatalog, encOf, verifyManifestCli } from './fixture.js';

const seed = Number(process.env.TURNS_SEED || Math.floor(Math.random() * 2 ** 32));
console.log(`rclone-turns seed: ${seed} (replay with TURNS_SEED=${seed})`);

test('stock rclone restores the plain tree plus one manifest file; cryptcheck and check agree', async () => {
  const c = await makeTamperCatalog(seededRandom(seed));
  try {
    const out = join(c.work, 'out');
    // strict_names: an undecryptable name would be an error, not skipped (rclone 1.60 has no flag for it)
    const strict = { ...process.env, RCLONE_CRYPT_STRICT_NAMES: 'true' };
    const cp = await rclone(['copy', 'crypt:', out], { config: c.dest.conf, env: strict });
    assert.equal(cp.code, 0, cp.stderr);
    const restored = await readTree(out);
    assert.ok(restored.has('.cryptsync-manifest'), 'the manifest is one extra file');
    restored.delete('.cryptsync-manifest');
    const plain = await readTree(c.plain);
    plain.delete('empty folder');
    assert.deepEqual(restored, plain, 'byte-identical otherwise');
    const manifest = (await readFile(join(out, '.cryptsync-manifest'), 'utf8')).split('\n');
    assert.match(manifest[0] as string, /^\{"format":"cryptsync-manifest","version":1,"generation":1,/);
    for (const args of [['cryptcheck', c.plain, 'crypt:'], ['check', c.plain, out]]) {
      const r = await rclone([...args, '--exclude', '/.cryptsync-manifest'], { config: c.dest.conf, env: strict });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      // without the exclude the manifest is the one and only difference
      const all = await rclone(args, { config: c.dest.conf, env: strict });
      assert.equal(all.code, 1);
      assert.match(all.stderr, /1 files missing/);
      assert.match(all.stderr, /\.cryptsync-manifest: file not in Local file system/i);
    }
  } finally {
    await c.cleanup();
  }
});

test('taking turns with rclone sync: changed outside cryptsync since generation 1, by path; the next encrypt writes generation 2', async () => {
  const rand = seededRandom(seed ^ 0x2545f491);
  const c = await makeTamperCatalog(rand);
  try {
    const edited = c.small[Math.floor(rand() * c.small.length)] as string;
    const gone = c.pair[0];
    const added = `top/added-${Math.floor(rand() * 1000)}.txt`;
    await writeFile(join(c.plain, edited), `edited by the user ${rand()}\n`);
    await rm(join(c.plain, gone));
    await writeFile(join(c.plain, added), 'a new file\n');
    // the user's own stock rclone sync, without any cryptsync filter: it also removes the manifest
    const s = await rclone(['sync', c.plain, 'crypt:', '--create-empty-src-dirs'], { config: c.dest.conf });
    assert.equal(s.code, 0, s.stderr);
    await assert.rejects(stat(join(c.dest.root, '.cryptsync-manifest')));
    for (const extra of [[], ['--deep']]) {
      const r = await verifyManifestCli(c, extra);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(r.report.verdict, 'changed-outside', r.stdout);
      const got = r.report.findings.map((f) => `${f.kind} ${f.path}`).sort();
      assert.deepEqual(got, [`changed ${edited}`, `deleted ${gone}`, `injected ${added}`, 'manifest-removed .cryptsync-manifest'].sort(), r.stdout);
      const text = await cryptsync(['verify', 'crypt:', '--config', c.dest.conf, ...extra], { env: c.env });
      assert.match(text.stdout, /changed outside cryptsync since generation 1: 4 paths differ/);
    }
    const e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
    assert.equal(e.code, 0, e.stderr + e.stdout);
    assert.match(e.stdout, /0 new, 0 changed, 0 deleted files/);
    assert.match(e.stdout, /manifest: generation 2 written/);
    const r = await verifyManifestCli(c, ['--deep']);
    assert.equal(r.report.verdict, 'clean', r.stdout);
    assert.equal(r.report.generation, 2);
  } finally {
    await c.cleanup();
  }
});

test('encryptWith rclone: rclone leaves the manifest alone, the run writes the next generation', async () => {
  const rand = seededRandom(seed ^ 0x68e31da4);
  const c = await makeTamperCatalog(rand);
  try {
    let r = await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', c.plain, '--remote', 'crypt:', '--config', c.dest.conf, '--encrypt-with', 'rclone'], { env: c.env });
    assert.equal(r.code, 0, r.stderr);
    const cmd = (await cryptsync(['task', 'command', 'enc'], { env: c.env })).stdout;
    assert.match(cmd, /--create-empty-src-dirs --exclude \/\.cryptsync-manifest/);
    const edited = c.small[0] as string;
    await writeFile(join(c.plain, edited), `edited ${rand()}\n`);
    // a plain file under the reserved name is never encrypted over the manifest
    await writeFile(join(c.plain, '.cryptsync-manifest'), 'not a manifest\n');
    r = await cryptsync(['run', 'enc', '--json'], { env: c.env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const v = await verifyManifestCli(c, ['--deep']);
    assert.equal(v.report.verdict, 'clean', v.stdout);
    assert.equal(v.report.generation, 2);
    assert.ok((await stat(encOf(c, edited))).size > 0);
    // and the built-in engine agrees the catalog is up to date, the reserved name left out with a warning
    const e = await cryptsync(['encrypt', c.plain, 'crypt:', '--config', c.dest.conf], { env: c.env });
    assert.equal(e.code, 0, e.stderr + e.stdout);
    assert.match(e.stdout, /0 new, 0 changed, 0 deleted files/);
    assert.match(e.stderr + e.stdout, /reserved for the catalog manifest/);
    // nothing changed since generation 2: it stays, nothing re-hashed, nothing new to push
    assert.match(e.stdout, /manifest: generation 2 kept \(the catalog did not change; \d+ files, \d+ folders; 0 hashed\)/);
  } finally {
    await c.cleanup();
  }
});
