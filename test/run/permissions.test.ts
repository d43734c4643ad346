// The cryptsync home is private: a fresh engine creates the home 0700 and the run log 0600, a
// run leaves tasks.json, the -wal/-shm files, the locks and every folder private too, and
// reopening tightens files an older version left world-readable. Real engine, real SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/run/index.js';
import { makeTree } from '../helpers/tree.js';

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

test('home 0700, run log, tasks.json and locks 0600, after a fresh open, a run and a reopen', async () => {
  const old = process.umask(0o022); // the usual umask, which made everything world-readable
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-perms-'));
  const home = join(work, 'home');
  const db = join(home, 'cryptsync.db');
  const profile = join(home, 'profiles', 'default');
  const tasks = join(profile, 'tasks.json');
  let engine = Engine.open({ home, env: { ...process.env, RCLONE_CONFIG: '' } });
  try {
    assert.equal(mode(home), '700');
    assert.equal(mode(db), '600');

    const plain = join(work, 'plain');
    await makeTree(plain, { 'a.txt': 'a' });
    await engine.addRemote({ name: 'v', path: join(work, 'cat'), password: 'correct horse battery staple 42' });
    await engine.addTask({ name: 'enc', type: 'encrypt', source: plain, remote: 'v:' });
    const { runId } = engine.startRun('enc');
    assert.equal((await engine.waitRun(runId)).status, 'ok');
    const files = [db, `${db}-wal`, `${db}-shm`, tasks, join(home, 'rclone.conf')];
    const dirs = [home, join(home, 'profiles'), profile, join(home, 'locks')];
    for (const f of files) assert.equal(mode(f), '600', f);
    for (const d of dirs) assert.equal(mode(d), '700', d);

    // what an older version left behind is tightened when the engine opens it again
    engine.close();
    for (const f of [db, tasks]) chmodSync(f, 0o644);
    for (const d of dirs) chmodSync(d, 0o755);
    engine = Engine.open({ home, env: { ...process.env, RCLONE_CONFIG: '' } });
    for (const f of [db, tasks]) assert.equal(mode(f), '600', f);
    for (const d of [home, join(home, 'profiles'), profile]) assert.equal(mode(d), '700', d);
    const again = engine.startRun('enc');
    assert.equal((await engine.waitRun(again.runId)).status, 'ok');
    assert.equal(mode(join(home, 'locks')), '700');
    for (const f of files) if (existsSync(f)) assert.equal(mode(f), '600', f);
  } finally {
    engine.close();
    process.umask(old);
    await rm(work, { recursive: true, force: true });
  }
});
