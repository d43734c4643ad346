// An interrupted push over real ssh resumes instead of starting over, and the server never shows
// a half-sent file under its real name: a task's rsync runs with --partial-dir (tasks/rsync-options.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRsyncArgs, runRsync } from '../../src/rsync/index.js';
import { rsyncOptionsFor, RSYNC_PARTIAL_DIR, type SynchronizeTask } from '../../src/tasks/index.js';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { tempDir } from '../helpers/rclone.js';

const SIZE = 48 * 1024 * 1024;
let sshd: SshServer;
let tmp: { dir: string; cleanup: () => Promise<void> };
before(async () => {
  sshd = await startSshd();
  tmp = await tempDir('cryptsync-partial-');
});
after(async () => {
  await sshd?.stop();
  await tmp?.cleanup();
});

test('an aborted push keeps the partial file out of sight; the next run resumes it', async () => {
  const source = join(tmp.dir, 'catalog');
  const server = join(tmp.dir, 'server');
  await mkdir(source);
  await mkdir(server);
  const data = randomBytes(SIZE);
  await writeFile(join(source, 'big.bin'), data);
  const task: SynchronizeTask = {
    name: 'push',
    type: 'synchronize',
    source,
    dest: `${sshd.user}@${sshd.host}:${server}`,
    sshPort: sshd.port,
    sshKey: sshd.keyPath,
    sshOptions: sshd.sshOptions,
    extraFlags: ['--bwlimit=6m'],
  };
  const args = buildRsyncArgs(rsyncOptionsFor(task, { dryRun: false }));
  assert.ok(args.includes(`--partial-dir=${RSYNC_PARTIAL_DIR}`));
  const abort = new AbortController();
  const first = await runRsync(args, {
    signal: abort.signal,
    onProgress: (p) => {
      if (p.bytes > SIZE / 3) abort.abort();
    },
  });
  assert.ok(first.aborted, `the first run was not aborted: ${first.message}`);
  assert.ok(!existsSync(join(server, 'big.bin')), 'a half-sent file appeared under its real name');
  const partial = join(server, RSYNC_PARTIAL_DIR, 'big.bin');
  const kept = (await stat(partial)).size;
  assert.ok(kept > SIZE / 4 && kept < SIZE, `partial file kept ${kept} bytes`);

  const second = await runRsync(buildRsyncArgs(rsyncOptionsFor({ ...task, extraFlags: [] }, { dryRun: false })));
  assert.equal(second.exitCode, 0, second.message);
  const literal = second.stats?.literalData ?? SIZE;
  assert.ok(literal < SIZE - kept / 2, `resumed run sent ${literal} literal bytes of ${SIZE} (${kept} were already there)`);
  assert.ok((await readFile(join(server, 'big.bin'))).equals(data), 'the resumed file differs');
  assert.ok(!existsSync(join(server, RSYNC_PARTIAL_DIR)), 'the partial folder was left behind');
});
