// Snapshot tasks write numbered folders 1, 2, ... with --link-dest, so unchanged files are hard links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, appendFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';

test('snapshot task makes 1, 2, ... hard-linked where unchanged', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-snap-'));
  try {
    const env = cliEnv(join(work, 'home'));
    const src = join(work, 'src');
    const snaps = join(work, 'snaps');
    await makeTree(src, { 'same.txt': 'unchanged\n', 'edit.txt': 'v1\n' });
    let r = await cryptsync(['task', 'add', 'snap', '--type', 'snapshot', '--source', src, '--dest', snaps], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['run', 'snap'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    await appendFile(join(src, 'edit.txt'), 'v2\n');
    r = await cryptsync(['run', 'snap'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual((await readdir(snaps)).sort(), ['1', '2']);
    const a = await stat(join(snaps, '1', 'same.txt'));
    const b = await stat(join(snaps, '2', 'same.txt'));
    assert.equal(a.ino, b.ino, 'unchanged file is a hard link to the previous snapshot');
    const e1 = await stat(join(snaps, '1', 'edit.txt'));
    const e2 = await stat(join(snaps, '2', 'edit.txt'));
    assert.notEqual(e1.ino, e2.ino);
    const shown = jsonLines((await cryptsync(['task', 'show', 'snap', '--json'], { env })).stdout)[0]!;
    assert.equal(shown.snapshotNum, 3);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
