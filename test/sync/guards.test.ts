// Safety guards: empty/missing source, --max-delete, dry run, wrong password, deletions skipped
// after an error, symlinks and special files, a file changing while it is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, rm, writeFile, symlink, readdir, appendFile } from 'node:fs/promises';
import { execFileSync, spawn } from 'node:child_process';
import { encryptCatalog, restoreCatalog, verifyCatalog, listMapping, type SyncEvent } from '../../src/sync/index.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/rclone.js';
import { makeDest, makeRichTree, snapshot, listFiles } from './fixture.js';

async function setup() {
  const t = await tempDir();
  const plain = join(t.dir, 'plain');
  await makeRichTree(plain);
  const dest = await makeDest(join(t.dir, 'enc'), t.dir);
  await encryptCatalog({ source: plain, dest });
  return { t, plain, dest };
}

function hasCode(code: string) {
  return (e: unknown) => e instanceof CryptsyncError && e.code === code;
}

test('a missing or empty source never wipes a full catalog unless forced', async () => {
  const { t, plain, dest } = await setup();
  try {
    const before = await snapshot(dest.root);
    await rm(plain, { recursive: true });
    await assert.rejects(encryptCatalog({ source: plain, dest }), hasCode('SOURCE_NOT_FOUND'));
    await mkdir(plain);
    await assert.rejects(encryptCatalog({ source: plain, dest }), hasCode('EMPTY_SOURCE'));
    assert.deepEqual(await snapshot(dest.root), before);
    const s = await encryptCatalog({ source: plain, dest, force: true });
    assert.equal(s.deletedFiles, 12);
    assert.deepEqual(await readdir(dest.root), []);
  } finally {
    await t.cleanup();
  }
});

test('--max-delete refuses before deleting anything; dry run touches nothing', async () => {
  const { t, plain, dest } = await setup();
  try {
    await rm(join(plain, 'one.bin'));
    await rm(join(plain, 'empty.bin'));
    await rm(join(plain, 'deep'), { recursive: true });
    await writeFile(join(plain, 'new.txt'), 'x');
    // a leftover temporary of a killed run must survive a dry run too
    await writeFile(join(dest.root, '.cryptsync-0123456789abcdef.tmp'), 'partial');
    const before = await snapshot(dest.root);
    await assert.rejects(encryptCatalog({ source: plain, dest, maxDelete: 3 }), hasCode('MAX_DELETE'));
    assert.deepEqual(await snapshot(dest.root), before);

    const ev: SyncEvent[] = [];
    const s = await encryptCatalog({ source: plain, dest, dryRun: true, onEvent: (e) => ev.push(e) });
    assert.equal(s.dryRun, true);
    assert.deepEqual([s.newFiles, s.deletedFiles, s.deletedDirs], [1, 4, 10]);
    assert.ok(ev.some((e) => e.type === 'file' && e.action === 'delete' && e.path === 'one.bin'));
    assert.deepEqual(await snapshot(dest.root), before);

    const s2 = await encryptCatalog({ source: plain, dest, maxDelete: 4 });
    assert.equal(s2.deletedFiles, 4);
    assert.ok(!(await readdir(dest.root)).some((n) => n.endsWith('.tmp')), 'leftover temporary cleaned');
  } finally {
    await t.cleanup();
  }
});

test('wrong password is refused before anything is written', async () => {
  const { t, plain, dest } = await setup();
  try {
    const before = await snapshot(dest.root);
    const wrong = await makeDest(dest.root, join(t.dir), 'not the password');
    await writeFile(join(plain, 'new.txt'), 'x');
    await assert.rejects(encryptCatalog({ source: plain, dest: wrong }), hasCode('WRONG_PASSWORD'));
    assert.deepEqual(await snapshot(dest.root), before);
    const out = join(t.dir, 'out');
    await assert.rejects(restoreCatalog({ source: wrong, target: out }), hasCode('WRONG_PASSWORD'));
    await assert.rejects(readdir(out), /ENOENT/);
    await assert.rejects(listMapping({ dest: wrong }), hasCode('WRONG_PASSWORD'));
    await assert.rejects(verifyCatalog({ plain, dest: wrong }), hasCode('WRONG_PASSWORD'));
  } finally {
    await t.cleanup();
  }
});

test('errors skip deletions; symlinks and special files are skipped with warnings or followed', async () => {
  const { t, plain, dest } = await setup();
  try {
    // a type conflict is a per-file error: the run goes on, deletions are skipped
    await rm(join(plain, 'empty folder'), { recursive: true });
    await writeFile(join(plain, 'empty folder'), 'now a file');
    await rm(join(plain, 'one.bin'));
    await writeFile(join(plain, 'fresh.txt'), 'fresh');
    await symlink('multi.bin', join(plain, 'link.bin'));
    execFileSync('mkfifo', [join(plain, 'fifo')]);
    const ev: SyncEvent[] = [];
    const s = await encryptCatalog({ source: plain, dest, onEvent: (e) => ev.push(e) });
    assert.equal(s.errors, 1);
    assert.equal(s.deletionsSkipped, true);
    assert.equal(s.newFiles, 1);
    assert.equal(s.deletedFiles, 0);
    const codes = ev.flatMap((e) => (e.type === 'warning' || e.type === 'error' ? [`${e.type} ${e.code} ${e.path ?? ''}`] : [])).sort();
    assert.deepEqual(codes, [
      'error TYPE_CONFLICT empty folder',
      'warning DELETIONS_SKIPPED ',
      'warning SPECIAL_SKIPPED fifo',
      'warning SYMLINK_SKIPPED link.bin',
    ]);
    const map = await listMapping({ dest });
    assert.ok(map.some((m) => m.plain === 'one.bin'), 'not deleted after an error');

    await rm(join(plain, 'empty folder'));
    await rm(join(plain, 'fifo'));
    const s2 = await encryptCatalog({ source: plain, dest, copyLinks: true });
    assert.equal(s2.errors, 0);
    assert.equal(s2.deletedFiles, 1);
    const map2 = await listMapping({ dest });
    assert.equal(map2.find((m) => m.plain === 'link.bin')?.size, 3 * 1024 * 1024 + 17);
  } finally {
    await t.cleanup();
  }
});

test('a file that changes while it is read is reported, not stored torn', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    const growing = join(plain, 'growing.log');
    await writeFile(growing, Buffer.alloc(8 * 1024 * 1024, 1));
    await writeFile(join(plain, 'stable.txt'), 'ok');
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const writer = spawn('sh', ['-c', `while :; do echo x >> '${growing}'; done`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 50));
      const ev: SyncEvent[] = [];
      const s = await encryptCatalog({ source: plain, dest, onEvent: (e) => ev.push(e) });
      assert.equal(s.errors, 1);
      assert.ok(ev.some((e) => e.type === 'error' && e.code === 'SOURCE_CHANGED' && e.path === 'growing.log'));
    } finally {
      writer.kill('SIGKILL');
    }
    const files = await listFiles(dest.root);
    assert.equal(files.length, 1, `only the stable file is stored: ${files.join(', ')}`);
    await appendFile(growing, 'done');
  } finally {
    await t.cleanup();
  }
});
