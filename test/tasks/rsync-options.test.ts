// A saved rsync task -> RsyncOptions -> rsync argv (built by src/rsync), for every task shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rsyncOptionsFor, type SnapshotTask, type SynchronizeTask, type SyncremoteTask } from '../../src/tasks/index.js';
import { buildRsyncArgs } from '../../src/rsync/index.js';

test('local synchronize: no ssh, no compress, delete by default', () => {
  const t: SynchronizeTask = { name: 'l', type: 'synchronize', source: '/data/docs', dest: '/mnt/backup/docs', excludes: ['*.tmp'], maxDelete: 10 };
  const o = rsyncOptionsFor(t, { dryRun: true });
  assert.equal(o.mode, 'push');
  assert.equal(o.remote, undefined);
  const args = buildRsyncArgs(o);
  assert.deepEqual(args.slice(0, 3), ['--archive', '--verbose', '--delete']);
  assert.ok(args.includes('--exclude=*.tmp') && args.includes('--max-delete=10') && args.includes('--dry-run'));
  assert.ok(!args.includes('-e') && !args.includes('--compress'));
  assert.deepEqual(args.slice(-2), ['/data/docs/', '/mnt/backup/docs']);
});

test('remote synchronize with key, port and ssh options; --no-delete and --protect-args', () => {
  const t: SynchronizeTask = {
    name: 'r',
    type: 'synchronize',
    source: '/data/my docs',
    dest: 'backup@server.example:/srv/my docs',
    sshPort: 2222,
    sshKey: '/home/u/.ssh/id_backup',
    sshOptions: ['UserKnownHostsFile=/home/u/known'],
    delete: false,
    protectArgs: true,
    extraFlags: ['--bwlimit=1000'],
  };
  const o = rsyncOptionsFor(t, { dryRun: false });
  assert.deepEqual(o.remote, { host: 'server.example', user: 'backup', path: '/srv/my docs', daemon: false });
  const args = buildRsyncArgs(o);
  assert.deepEqual(args.slice(0, 5), [
    '--archive',
    '--verbose',
    '-e',
    'ssh -i /home/u/.ssh/id_backup -p 2222 -o UserKnownHostsFile=/home/u/known',
    '--protect-args',
  ]);
  assert.ok(!args.includes('--delete'));
  assert.ok(args.includes('--bwlimit=1000'));
  assert.deepEqual(args.slice(-2), ['/data/my docs/', 'backup@server.example:/srv/my docs']);
});

test('daemon destination: no ssh command', () => {
  const t: SynchronizeTask = { name: 'd', type: 'synchronize', source: '/m', dest: 'me@nas::music/me', compress: false };
  const args = buildRsyncArgs(rsyncOptionsFor(t, { dryRun: false }));
  assert.ok(!args.includes('-e') && !args.includes('--compress'));
  assert.equal(args.at(-1), 'me@nas::music/me');
});

test('syncremote pulls the server folder into the local one', () => {
  const t: SyncremoteTask = { name: 'p', type: 'syncremote', source: 'me@127.0.0.1:/srv/b', dest: '/restore/here', sshPort: 2200 };
  const o = rsyncOptionsFor(t, { dryRun: true });
  assert.equal(o.mode, 'pull');
  const args = buildRsyncArgs(o);
  assert.ok(args.includes('ssh -p 2200'));
  assert.deepEqual(args.slice(-2), ['me@127.0.0.1:/srv/b/', '/restore/here']);
});

test('snapshot: numbered destination and --link-dest from the run layer', () => {
  const t: SnapshotTask = { name: 's', type: 'snapshot', source: '/data', dest: 'me@h:/snaps', snapshotNum: 3 };
  const args = buildRsyncArgs(rsyncOptionsFor(t, { dryRun: false, destOverride: 'me@h:/snaps/3', linkDest: '../2' }));
  assert.ok(args.includes('--link-dest=../2'));
  assert.equal(args.at(-1), 'me@h:/snaps/3');
  const local: SnapshotTask = { name: 's', type: 'snapshot', source: '/data', dest: '/snaps' };
  const largs = buildRsyncArgs(rsyncOptionsFor(local, { dryRun: false, destOverride: '/snaps/1' }));
  assert.equal(largs.at(-1), '/snaps/1');
  assert.ok(!largs.some((a) => a.startsWith('--link-dest')));
});

test('a daemon port in an rsync:// URL reaches rsync as --port', () => {
  const args = buildRsyncArgs(
    rsyncOptionsFor({ name: 'd', type: 'synchronize', source: '/data', dest: 'rsync://nas:8873/backup/docs' } as SynchronizeTask, { dryRun: false }),
  );
  assert.ok(args.includes('--port=8873'), args.join(' '));
  assert.equal(args.at(-1), 'nas::backup/docs');
});
