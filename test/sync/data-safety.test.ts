// Data-safety edges of the encrypt engine: undecodable names, NFC/NFD duplicates, a missing
// catalog, temporaries of a concurrent run, a wrong password with unreadable samples, and a
// catalog overlapping its source. Real files and the real cipher throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile, readdir, rename, rm, symlink, stat } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { encryptCatalog, restoreCatalog, verifyCatalog, listMapping, checkCatalogPassword, buildPlan, type SyncEvent } from '../../src/sync/index.js';
import { checkCatalogKey } from '../../src/sync/catalog-guards.js';
import { scanCatalog, type TreeEntry, type CatalogEntry } from '../../src/target/index.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/rclone.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';
import { makeDest, snapshot, listFiles } from './fixture.js';

const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';

function hasCode(code: string, ...mentions: string[]) {
  return (e: unknown) => e instanceof CryptsyncError && e.code === code && mentions.every((m) => e.message.includes(m));
}

function issues(ev: SyncEvent[]): string[] {
  return ev.flatMap((e) => (e.type === 'error' || e.type === 'warning' ? [`${e.type} ${e.code} ${e.path ?? ''}`] : [])).sort();
}

test('a name that is not UTF-8 is encrypted byte for byte; the run is complete and deletions go on', async () => {
  await withEncryptedTree(async ({ plain, dest }) => {
    await rm(join(plain, 'one.bin'));
    await writeFile(Buffer.concat([Buffer.from(`${plain}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin-1 name');
    const ev: SyncEvent[] = [];
    const s = await encryptCatalog({ source: plain, dest, onEvent: (e) => ev.push(e) });
    assert.deepEqual(issues(ev), []);
    assert.deepEqual([s.errors, s.deletionsSkipped, s.newFiles, s.deletedFiles], [0, false, 1, 1]);
    const plains = (await listMapping({ dest })).map((m) => m.plain);
    assert.ok(plains.includes('caf\udce9.txt'), 'stored under its exact bytes (byte 0xe9 as U+DCE9)');
    assert.ok(!plains.includes('one.bin'));
  });
});

test('source names differing only by NFC/NFD are duplicates: reported, never written over each other', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(join(plain, `${NFC}-dir`), { recursive: true });
    await mkdir(join(plain, `${NFD}-dir`), { recursive: true });
    await writeFile(join(plain, `${NFC}.txt`), 'A composed');
    await writeFile(join(plain, `${NFD}.txt`), 'B decomposed');
    await writeFile(join(plain, `${NFC}-dir`, 'x.txt'), 'under composed');
    await writeFile(join(plain, `${NFD}-dir`, 'y.txt'), 'under decomposed');
    await writeFile(join(plain, 'plain.txt'), 'ordinary');
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    for (let run = 0; run < 2; run++) {
      const ev: SyncEvent[] = [];
      const s = await encryptCatalog({ source: plain, dest, onEvent: (e) => ev.push(e) });
      assert.equal(s.errors, 2, `run ${run}`);
      const dups = issues(ev).filter((i) => i.includes('DUPLICATE_NAME'));
      assert.equal(dups.length, 2, dups.join(', '));
      assert.deepEqual((await listMapping({ dest })).map((m) => m.plain), ['plain.txt'], `run ${run}: only the unambiguous file is stored`);
    }
  } finally {
    await t.cleanup();
  }
});

test('catalog entries that collide under NFC are left alone: no update, no delete', async () => {
  const t = await tempDir();
  try {
    const a = join(t.dir, 'a');
    const b = join(t.dir, 'b');
    await mkdir(a);
    await mkdir(b);
    await writeFile(join(a, `${NFC}.txt`), 'A');
    await writeFile(join(a, 'gone.txt'), 'to delete');
    await writeFile(join(b, `${NFD}.txt`), 'B');
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const other = await makeDest(join(t.dir, 'enc2'), t.dir);
    await encryptCatalog({ source: a, dest });
    await encryptCatalog({ source: b, dest: other });
    // the NFD file's encrypted twin moved into the first catalog: two entries, one NFC key
    const [moved] = await readdir(other.root);
    await rename(join(other.root, moved as string), join(dest.root, moved as string));
    await rm(join(a, 'gone.txt'));
    await writeFile(join(a, `${NFC}.txt`), 'A changed, longer');
    const before = await snapshot(dest.root);
    const ev: SyncEvent[] = [];
    const s = await encryptCatalog({ source: a, dest, onEvent: (e) => ev.push(e) });
    assert.deepEqual(issues(ev).map((i) => i.normalize('NFC')), [`error DUPLICATE_NAME ${NFC}.txt`, 'warning DELETIONS_SKIPPED ']);
    assert.deepEqual([s.changedFiles, s.deletedFiles, s.deletionsSkipped], [0, 0, true]);
    assert.deepEqual(await snapshot(dest.root), before, 'catalog untouched');
  } finally {
    await t.cleanup();
  }
});

test('buildPlan leaves whole duplicated folders out, on either side', () => {
  const e = (std: string, kind: 'file' | 'dir' = 'file'): TreeEntry => ({ kind, std, disk: std, size: 1, mtimeNs: 1n });
  const c = (std: string, kind: 'file' | 'dir' = 'file'): CatalogEntry => ({ ...e(std, kind), encSize: 33 });
  const names = { file: (s: string) => `enc:${s}`, dir: (s: string) => `enc:${s}` };
  const plan = buildPlan(
    { dirs: [e(NFC, 'dir'), e(NFD, 'dir'), e('keep', 'dir')], files: [e(`${NFC}/a`), e(`${NFD}/b`), e('keep/k'), e('new')] },
    { dirs: [c('old', 'dir'), c('old/z\u00e9', 'dir'), c('old/ze\u0301', 'dir')], files: [c('old/z\u00e9/f'), c('stale')] },
    names,
  );
  assert.deepEqual(plan.duplicates.map((d) => d.path).sort(), [NFC, 'old/z\u00e9'].sort());
  assert.deepEqual(plan.copies.map((x) => x.std).sort(), ['keep/k', 'new']);
  assert.deepEqual(plan.mkdirs.map((x) => x.std), ['keep']);
  assert.deepEqual(plan.deletes.map((x) => x.std), ['stale']);
  assert.deepEqual(plan.rmdirs.map((x) => x.std), ['old']);
});

test('restore, verify and mapping of a missing catalog fail with CATALOG_NOT_FOUND; encrypt creates it', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'a.txt'), 'a');
    const missing = join(t.dir, 'not-there');
    const dest = await makeDest(missing, t.dir);
    const out = join(t.dir, 'out');
    await assert.rejects(restoreCatalog({ source: dest, target: out }), hasCode('CATALOG_NOT_FOUND', missing));
    await assert.rejects(restoreCatalog({ source: dest, target: out, dryRun: true }), hasCode('CATALOG_NOT_FOUND', missing));
    await assert.rejects(stat(out), /ENOENT/);
    await assert.rejects(verifyCatalog({ plain, dest }), hasCode('CATALOG_NOT_FOUND', missing));
    await assert.rejects(listMapping({ dest }), hasCode('CATALOG_NOT_FOUND', missing));
    await checkCatalogPassword(dest, 'crypt:'); // nothing to check yet
    const s = await encryptCatalog({ source: plain, dest });
    assert.equal(s.newFiles, 1);
    assert.equal((await restoreCatalog({ source: dest, target: out })).newFiles, 1);
  } finally {
    await t.cleanup();
  }
});

test('temporaries of a live concurrent writer survive a run; dead or old-format ones are removed', async () => {
  await withEncryptedTree(async ({ plain, dest }) => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const sub = (await readdir(dest.root, { withFileTypes: true })).find((d) => d.isDirectory())?.name as string;
    const live = [`.cryptsync-${process.pid}-0123456789abcdef.tmp`, `${sub}/.cryptsync-${process.pid}-00000000000000ff.tmp`];
    const stale = [`.cryptsync-${dead}-0123456789abcdef.tmp`, '.cryptsync-fedcba9876543210.tmp', `${sub}/.cryptsync-${dead}-00000000000000ff.tmp`];
    for (const p of [...live, ...stale]) await writeFile(join(dest.root, p), 'partial');
    await writeFile(join(plain, 'fresh.txt'), 'fresh');
    const s = await encryptCatalog({ source: plain, dest });
    assert.equal(s.errors, 0);
    assert.equal(s.newFiles, 1);
    const left = (await listFiles(dest.root)).filter((f) => f.includes('.cryptsync-')).sort();
    assert.deepEqual(left, [...live].sort());
    assert.ok(!(await listMapping({ dest })).some((m) => m.plain.includes('cryptsync')), 'live temporaries are not catalog entries');
  });
});

test('wrong password is caught when some sampled files are unreadable', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    for (let i = 0; i < 5; i++) await writeFile(join(plain, `f${i}.txt`), `content ${i}`);
    // names in clear: only the contents can tell a wrong password
    const names = { filenameEncryption: 'off' as const };
    const dest = await makeDest(join(t.dir, 'enc'), t.dir, undefined, names);
    await encryptCatalog({ source: plain, dest });
    const wrong = await makeDest(dest.root, t.dir, 'not the password', names);
    const scan = await scanCatalog(wrong.root, wrong.cipher);
    assert.equal(scan.files.length, 5, 'names decrypt with any password in off mode');
    // two of the three samples vanish after the scan: the one left still fails to authenticate
    for (const f of scan.files.slice(0, 2)) await rm(join(dest.root, f.disk));
    await assert.rejects(checkCatalogKey(wrong, scan), hasCode('WRONG_PASSWORD'));
    await checkCatalogKey(dest, await scanCatalog(dest.root, dest.cipher));
  } finally {
    await t.cleanup();
  }
});

test('checkCatalogPassword: names and contents, the label in the message', async () => {
  await withEncryptedTree(async ({ dir, plain, dest }) => {
    await checkCatalogPassword(dest, 'crypt:');
    const wrong = await makeDest(dest.root, dir, 'not the password');
    await assert.rejects(checkCatalogPassword(wrong, 'crypt:'), hasCode('WRONG_PASSWORD', 'crypt:'));
    const offDest = await makeDest(join(dir, 'enc-off'), dir, undefined, { filenameEncryption: 'off' });
    await encryptCatalog({ source: plain, dest: offDest });
    await checkCatalogPassword(offDest, 'off:');
    const offWrong = await makeDest(offDest.root, dir, 'not the password', { filenameEncryption: 'off' });
    await assert.rejects(checkCatalogPassword(offWrong, 'off:'), hasCode('WRONG_PASSWORD', 'off:'));
  });
});

test('a catalog inside its source, or a source inside its catalog, is refused before writing', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'a.txt'), 'a');
    const inside = join(plain, 'enc');
    const d1 = await makeDest(inside, t.dir);
    await assert.rejects(encryptCatalog({ source: plain, dest: d1 }), hasCode('CATALOG_INSIDE_SOURCE', plain, inside));
    await assert.rejects(encryptCatalog({ source: plain, dest: d1, dryRun: true }), hasCode('CATALOG_INSIDE_SOURCE'));
    await assert.rejects(stat(inside), /ENOENT/);
    // the same folder, and through a symlink
    await assert.rejects(encryptCatalog({ source: plain, dest: await makeDest(plain, t.dir) }), hasCode('CATALOG_INSIDE_SOURCE'));
    await symlink(plain, join(t.dir, 'link'));
    const viaLink = join(t.dir, 'link', 'deeper', 'enc');
    await assert.rejects(encryptCatalog({ source: plain, dest: await makeDest(viaLink, t.dir) }), hasCode('CATALOG_INSIDE_SOURCE', viaLink));
    await assert.rejects(stat(join(plain, 'deeper')), /ENOENT/);

    const cat = join(t.dir, 'cat');
    const src2 = join(cat, 'plain');
    await mkdir(src2, { recursive: true });
    await writeFile(join(src2, 'b.txt'), 'b');
    await assert.rejects(encryptCatalog({ source: src2, dest: await makeDest(cat, t.dir) }), hasCode('SOURCE_INSIDE_CATALOG', src2, cat));
    assert.deepEqual(await readdir(cat), ['plain']);
    // siblings with a shared prefix are fine
    const s = await encryptCatalog({ source: plain, dest: await makeDest(`${plain}-enc`, t.dir) });
    assert.equal(s.newFiles, 1);
  } finally {
    await t.cleanup();
  }
});
