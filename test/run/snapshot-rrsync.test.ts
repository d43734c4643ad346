// A snapshot task whose server key is limited by rrsync (`command="rrsync DIR"` in
// authorized_keys: rsync only, no shell; the task's absolute dest is anchored at DIR): the
// snapshot list, prune and the rsync of a run (with --link-dest anchored the same way) work
// through it, because they are plain rsync calls; the final rename needs a shell, so the run
// fails, says why, and leaves only the partial folder, never a complete-looking snapshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { PARTIAL_NAME } from '../../src/run/snapshots/naming.js';

const RRSYNC = '/usr/bin/rrsync';
const OLD = ['2026-11-01T030000Z', '2026-11-02T030000Z', '2026-11-03T030000Z'];

let sshd: SshServer;
let work: string;
let env: NodeJS.ProcessEnv;
let served: string;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

before(async () => {
  sshd = await startSshd();
  work = await mkdtemp(join(tmpdir(), 'cryptsync-rrsync-'));
  env = cliEnv(join(work, 'home'));
  served = join(sshd.dir, 'served');
  for (const n of OLD) await makeTree(join(served, 'snaps', n), { 'a.txt': `${n}\n` });
  await makeTree(join(work, 'src'), { 'a.txt': 'today\n' });
  // the key may only run rsync, confined to `served`
  const keys = join(sshd.dir, 'authorized_keys');
  await writeFile(keys, `command="${RRSYNC} ${served}",restrict ${await readFile(keys, 'utf8')}`, { mode: 0o600 });
  ok(await cryptsync([
    'task', 'add', 'limited', '--type', 'snapshot', '--source', join(work, 'src'),
    '--dest', `${sshd.user}@127.0.0.1:/snaps`, '--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath,
    ...sshd.sshOptions.flatMap((o) => ['--ssh-option', o]), '--keep-last', '2',
  ], { env }), 'task add');
});

after(async () => {
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('through an rrsync key: the list and prune work', async () => {
  const listed = jsonLines(ok(await cryptsync(['snapshots', 'limited', '--json'], { env }), 'snapshots').stdout);
  assert.deepEqual(listed.map((s) => s.name), OLD);
  const pruned = jsonLines(ok(await cryptsync(['prune', 'limited', '--json'], { env }), 'prune').stdout);
  assert.deepEqual(pruned.find((p) => p.type === 'prune')?.removed, [OLD[0]]);
  assert.deepEqual((await readdir(join(served, 'snaps'))).sort(), OLD.slice(1));
});

test('through an rrsync key: a run cannot rename its snapshot into place, fails and says why', async () => {
  const r = await cryptsync(['run', 'limited'], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /could not rename \.cryptsync-partial to \d{4}-.*rrsync-limited keys cannot rename/);
  assert.deepEqual((await readdir(join(served, 'snaps'))).sort(), [PARTIAL_NAME, ...OLD.slice(1)], 'no new complete-looking snapshot');
  assert.equal(await readFile(join(served, 'snaps', PARTIAL_NAME, 'a.txt'), 'utf8'), 'today\n', 'rsync itself worked through rrsync');
  const listed = jsonLines(ok(await cryptsync(['snapshots', 'limited', '--json'], { env }), 'snapshots').stdout);
  assert.deepEqual(listed.map((s) => s.name), OLD.slice(1), 'the partial folder is never listed');
});
