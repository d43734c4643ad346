// The storage layer's data-safety edges: names that are not UTF-8 are kept byte for byte (never dropped or mangled),
// a missing catalog is an error unless the caller allows it, temporaries of a live writer are
// not stale, and the exact-mtime helper is used only where its 64-bit timespec packing is right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { Cipher, nameToBytes } from '../../src/crypt/index.js';
import { scanPlainTree, scanCatalog, isStaleTemporary, tempNameFor, TEMP_PATTERN, type ScanIssue } from '../../src/tree/index.js';
import { utimensatSyscall } from '../../src/tree/mtime.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/rclone.js';

/** `dir/<prefix><byte 0xe9><suffix>` as a Buffer path: Latin-1 "é", not valid UTF-8 */
function latin1Path(dir: string, prefix: string, suffix: string): Buffer {
  return Buffer.concat([Buffer.from(`${dir}/${prefix}`), Buffer.from([0xe9]), Buffer.from(suffix)]);
}

test('names that are not valid UTF-8 are scanned byte for byte as raw-byte strings, files and folders', async () => {
  const t = await tempDir();
  try {
    const root = join(t.dir, 'plain');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'ok.txt'), 'ok');
    // a legitimate U+FFFD in a valid name must not be mistaken for a bad one
    await writeFile(join(root, 'sub', 'real \uFFFD.txt'), 'fine');
    await writeFile(latin1Path(join(root, 'sub'), 'caf', '.txt'), 'latin-1 name');
    const badDir = latin1Path(root, 'd', 'j\u00e0');
    await mkdir(badDir);
    await writeFile(Buffer.concat([badDir, Buffer.from('/inner.txt')]), 'hidden inside');
    const errors: ScanIssue[] = [];
    const scan = await scanPlainTree(root, { onError: (e) => errors.push(e) });
    assert.deepEqual(errors, []);
    assert.equal(scan.errors, 0);
    // byte 0xe9 is carried as U+DCE9: a string that maps back to exactly the bytes on disk
    assert.deepEqual(scan.files.map((f) => f.std).sort(), ['d\udce9j\u00e0/inner.txt', 'ok.txt', 'sub/caf\udce9.txt', 'sub/real \uFFFD.txt']);
    assert.deepEqual(scan.dirs.map((d) => d.std).sort(), ['d\udce9j\u00e0', 'sub']);
    const caf = scan.files.find((f) => f.std === 'sub/caf\udce9.txt');
    assert.deepEqual(nameToBytes(`${root}/${caf?.disk ?? ''}`), latin1Path(join(root, 'sub'), 'caf', '.txt'));
    assert.equal(caf?.size, 'latin-1 name'.length);
  } finally {
    await t.cleanup();
  }
});

test('a missing catalog folder throws CATALOG_NOT_FOUND unless missingOk', async () => {
  const t = await tempDir();
  try {
    const cipher = await Cipher.create({ password: 'p', password2: 's' });
    const missing = join(t.dir, 'nope');
    await assert.rejects(
      scanCatalog(missing, cipher),
      (e: unknown) => e instanceof CryptsyncError && e.code === 'CATALOG_NOT_FOUND' && e.kind === 'not-found' && e.message.includes(missing),
    );
    const empty = await scanCatalog(missing, cipher, { missingOk: true });
    assert.deepEqual([empty.files.length, empty.dirs.length, empty.errors], [0, 0, 0]);
    await writeFile(join(t.dir, 'file'), 'x');
    await assert.rejects(scanCatalog(join(t.dir, 'file'), cipher), (e: unknown) => e instanceof CryptsyncError && e.code === 'CATALOG_NOT_FOUND');
  } finally {
    await t.cleanup();
  }
});

test('temporary names carry the writer pid; only temporaries of dead writers are stale', () => {
  const name = tempNameFor('/x').slice(3);
  assert.match(name, TEMP_PATTERN);
  assert.ok(name.startsWith(`.cryptsync-${process.pid}-`), name);
  assert.equal(isStaleTemporary(name), false, 'own temporary is live');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.ok(dead !== undefined && dead > 0);
  assert.equal(isStaleTemporary(`.cryptsync-${dead}-0123456789abcdef.tmp`), true);
  assert.equal(isStaleTemporary('.cryptsync-0123456789abcdef.tmp'), true, 'old format without pid stays removable');
  assert.equal(isStaleTemporary('.cryptsync-notatemp.tmp'), false);
});

test('the exact-mtime helper is only used on 64-bit Linux arches', () => {
  assert.equal(utimensatSyscall('x64'), 280);
  assert.equal(utimensatSyscall('arm64'), 88);
  assert.equal(utimensatSyscall('riscv64'), 88);
  for (const arch of ['ia32', 'arm', 'mips', 'ppc', 's390', 'toString', 'constructor']) assert.equal(utimensatSyscall(arch), undefined, arch);
});
