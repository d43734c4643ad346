// Durability against power loss, checked on the syscalls the kernel saw (strace): every rename of
// a temporary file to a real name comes after a flush that covers that file's contents (its own
// fsync/fdatasync, or a syncfs started after its last write), and every folder whose entries
// changed (renames, new folders, deletions) is fsynced, or its filesystem syncfs'ed, after its last change and before the run
// reports its summary. Encrypt (fresh, then with changes and deletions) and restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { TEMP_PATTERN } from '../../src/tree/index.js';
import { tempDir } from '../helpers/rclone.js';
import { straced, fdPath, pathArgs, type SyscallEvent } from '../helpers/strace.js';
import { makeDest, snapshot } from './fixture.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CALLS = ['openat', 'write', 'pwrite64', 'fsync', 'fdatasync', 'syncfs', 'rename', 'renameat', 'renameat2', 'unlink', 'unlinkat', 'rmdir', 'mkdir', 'mkdirat', 'execve'];
const RENAMES = new Set(['rename', 'renameat', 'renameat2']);
const FOLDER_CHANGES = new Set(['unlink', 'unlinkat', 'rmdir', 'mkdir', 'mkdirat']);
const FOLDERS = 6;
const FILES_PER_FOLDER = 50;

const isTemp = (p: string) => TEMP_PATTERN.test(basename(p));
/** the call succeeded: 0, a count or a new file descriptor */
const ok = (e: SyscallEvent) => /^\d/.test(e.ret);

interface Findings {
  renames: number;
  problems: string[];
}

/**
 * Checks the trace of one run writing under `root` (all on the filesystem of `fsTop`): the
 * flush-before-rename and folder-fsync-before-summary rules above.
 */
function checkTrace(events: SyscallEvent[], root: string, fsTop: string): Findings {
  const problems: string[] = [];
  const lastTouch = new Map<string, number>(); // temporary -> end of its creation or last write
  const fileSyncs = new Map<string, SyscallEvent[]>();
  const syncfs: SyscallEvent[] = [];
  const folderChange = new Map<string, number>(); // folder -> end of its last entry change
  const dirSyncs = new Map<string, SyscallEvent[]>();
  const removed = new Set<string>();
  let summaryAt = Infinity;
  let renames = 0;
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V) => m.set(k, [...(m.get(k) ?? []), v]);
  for (const e of events) {
    const fd = fdPath(e);
    if (e.name === 'write' && e.args.startsWith('1<') && e.args.includes('dryRun')) summaryAt = Math.min(summaryAt, e.start);
    if (!ok(e)) continue;
    if ((e.name === 'write' || e.name === 'pwrite64') && fd !== undefined && isTemp(fd)) lastTouch.set(fd, e.end);
    if (e.name === 'openat' && e.args.includes('O_CREAT')) {
      const p = pathArgs(e)[0];
      if (p !== undefined && isTemp(p)) lastTouch.set(p, Math.max(lastTouch.get(p) ?? -1, e.end));
    }
    if ((e.name === 'fsync' || e.name === 'fdatasync') && fd !== undefined) {
      add(fileSyncs, fd, e);
      add(dirSyncs, fd, e);
    }
    if (e.name === 'syncfs' && fd !== undefined && fd.startsWith(fsTop)) syncfs.push(e);
    if (RENAMES.has(e.name)) {
      const [from, to] = pathArgs(e);
      if (from === undefined || to === undefined || !to.startsWith(`${root}/`) || !isTemp(from) || isTemp(to)) continue;
      renames++;
      folderChange.set(dirname(to), e.end);
      const written = lastTouch.get(from);
      if (written === undefined) {
        problems.push(`${to}: renamed from ${basename(from)}, which this run never wrote`);
        continue;
      }
      const covers = (f: SyscallEvent) => f.start > written && f.end < e.start;
      if (!(fileSyncs.get(from) ?? []).some(covers) && !syncfs.some(covers)) problems.push(`${to}: renamed into place (trace line ${e.start + 1}) with no flush after its last write`);
    }
    if (FOLDER_CHANGES.has(e.name)) {
      const p = pathArgs(e)[0];
      if (p !== undefined && p.startsWith(`${root}/`) && !isTemp(p)) folderChange.set(dirname(p), e.end);
      if (p !== undefined && (e.name === 'rmdir' || e.args.includes('AT_REMOVEDIR'))) removed.add(p);
    }
  }
  if (summaryAt === Infinity) problems.push('the run printed no summary');
  for (const [dir, changed] of folderChange) {
    // a folder removed later in the run has no entries left to keep; its parent's fsync counts
    if (removed.has(dir)) continue;
    const after = (f: SyscallEvent) => f.start > changed && f.end < summaryAt;
    // a syncfs of the filesystem commits every folder's entries, as an fsync of the folder does
    if (!(dirSyncs.get(dir) ?? []).some(after) && !syncfs.some(after)) problems.push(`${dir}: folder not fsynced after its last change (line ${changed + 1}) before the summary`);
  }
  return { renames, problems };
}

function assertDurable(label: string, f: Findings, minRenames: number): void {
  assert.ok(f.renames >= minRenames, `${label}: only ${f.renames} renames into place seen in the trace`);
  assert.deepEqual(f.problems.slice(0, 10), [], `${label}: ${f.problems.length} durability problems`);
}

test('encrypt and restore flush every file before its rename and fsync the folders they changed', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    for (let d = 0; d < FOLDERS; d++) {
      await mkdir(join(plain, `dir${d}`), { recursive: true });
      for (let f = 0; f < FILES_PER_FOLDER; f++) await writeFile(join(plain, `dir${d}`, `f${f}.bin`), randomBytes(50 + ((d * 131 + f * 977) % 9000)));
    }
    await writeFile(join(plain, 'empty.bin'), '');
    // written in pieces: fdatasync'ed on its own
    await writeFile(join(plain, 'big.bin'), randomBytes(3 * 1024 * 1024 + 5));
    const dest = await makeDest(join(t.dir, 'enc'), t.dir);
    const files = FOLDERS * FILES_PER_FOLDER + 2;
    const run = async (label: string, cmd: string[], minRenames: number, root: string, env: NodeJS.ProcessEnv = process.env) => {
      const r = await straced([process.execPath, ...cmd], CALLS, join(t.dir, `${label}.trace`), env);
      assert.equal(r.code, 0, `${label}: exit code`);
      const s = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { errors: number };
      assert.equal(s.errors, 0, `${label}: errors`);
      assertDurable(label, checkTrace(r.events, root, t.dir), minRenames);
    };

    await run('fresh encrypt', [join(HERE, 'encrypt-child.js'), plain, dest.root], files, dest.root);

    // changes, deleted files and a deleted folder: the folders that lost entries are fsynced too
    for (let f = 0; f < 20; f++) await writeFile(join(plain, 'dir1', `f${f}.bin`), randomBytes(100 + f));
    for (let f = 0; f < 10; f++) await rm(join(plain, 'dir2', `f${f}.bin`));
    await rm(join(plain, 'dir3'), { recursive: true });
    await mkdir(join(plain, 'new folder'));
    // without syncfs: the fallback syncs file by file
    await run('encrypt with changes', [join(HERE, 'encrypt-child.js'), plain, dest.root], 20, dest.root, { ...process.env, CRYPTSYNC_NO_SYNCFS: '1' });

    const out = join(t.dir, 'restored');
    await run('restore', [join(HERE, 'restore-child.js'), dest.root, out], files - FILES_PER_FOLDER - 10, out);
    const [a, b] = [await snapshot(plain), await snapshot(out)];
    assert.deepEqual([...b.entries()].sort(), [...a.entries()].sort(), 'restore differs from the source');
  } finally {
    await t.cleanup();
  }
});
