// RsyncOSX import from a realistic configurations.json: what maps, what is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importRsyncOSX, TaskStore, rsyncOptionsFor, type Task } from '../../src/tasks/index.js';
import { buildRsyncArgs } from '../../src/rsync/index.js';

const FIXTURE = new URL('../../../test/fixtures/rsyncosx/configurations.json', import.meta.url);
const HOME = '/home/tester';

function load(): unknown {
  return JSON.parse(readFileSync(FIXTURE, 'utf8'));
}

function byNote(tasks: Task[], id: number): Task {
  const t = tasks.find((x) => x.notes?.includes(`hiddenID ${id},`) || x.notes?.endsWith(`hiddenID ${id}`));
  assert.ok(t, `task with hiddenID ${id} imported`);
  return t;
}

test('imports local, remote, snapshot, syncremote and daemon tasks with their settings', () => {
  const r = importRsyncOSX(load(), { home: HOME });
  assert.equal(r.tasks.length, 6);

  assert.deepEqual(byNote(r.tasks, 1), {
    name: 'Documents',
    type: 'synchronize',
    source: '/Users/thomas/Documents',
    dest: '/Volumes/Backup/Documents',
    excludes: ['.DS_Store'],
    maxDelete: 500,
    notes: 'imported from RsyncOSX, hiddenID 1, last run there 21 Jan 2024 10:15',
  });

  const pictures = byNote(r.tasks, 2);
  assert.equal(pictures.type, 'synchronize');
  assert.equal(pictures.name, 'Pictures-to-server');
  assert.ok(pictures.type === 'synchronize');
  assert.equal(pictures.dest, 'thomas@backup.example.org:~/backups/Pictures');
  assert.equal(pictures.sshPort, 2222);
  assert.equal(pictures.sshKey, '/home/tester/.ssh_rsyncosx/rsyncosx');
  assert.deepEqual(pictures.extraFlags, ['--exclude-from=/Users/thomas/.rsync-excludes', '--backup', '--backup-dir=../backup_Pictures']);
  assert.equal(pictures.protectArgs, true);
  assert.deepEqual(pictures.preCommand, ['/Users/thomas/bin/mount-nas.sh']);
  assert.equal(pictures.haltOnPreError, true);
  assert.equal(pictures.postCommand, undefined, 'a switched-off posttask is not imported');
  assert.match(pictures.notes ?? '', /backupID "Pictures to server"/);

  const snap = byNote(r.tasks, 3);
  assert.ok(snap.type === 'snapshot');
  assert.equal(snap.snapshotNum, 14);
  assert.equal(snap.dest, 'thomas@10.0.0.5:/srv/snapshots/projects');
  assert.deepEqual(snap.excludes, ['node_modules', '*.tmp']);

  const pull = byNote(r.tasks, 4);
  assert.ok(pull.type === 'syncremote');
  assert.equal(pull.source, 'thomas@backup.example.org:/home/thomas/mail-archive');
  assert.equal(pull.dest, '/Users/thomas/MailArchive');
  assert.equal(pull.delete, false, 'parameter4 empty = --delete switched off');
  assert.equal(pull.sshPort, 2222);

  const daemon = byNote(r.tasks, 5);
  assert.ok(daemon.type === 'synchronize');
  assert.equal(daemon.dest, 'thomas@nas.local::music/thomas');
  assert.equal(daemon.sshPort, undefined, 'no ssh for a daemon');
  assert.deepEqual(daemon.extraFlags, ['--bwlimit=5000']);

  const old = byNote(r.tasks, 8);
  assert.equal(old.type, 'synchronize', 'RsyncOSX "backup" is a synchronize task');
  assert.equal(old.name, 'Documents-8', 'duplicate backupID gets the hiddenID');
  assert.ok(old.type === 'synchronize');
  assert.equal(old.extraFlags, undefined, '--rsh is refused');
});

test('reports what could not be mapped', () => {
  const r = importRsyncOSX(load(), { home: HOME });
  assert.deepEqual(
    r.skipped.map((s) => s.hiddenID),
    [6, 7, 9],
  );
  assert.match(r.skipped[0]?.reason ?? '', /combined .*cannot be imported/);
  assert.match(r.skipped[1]?.reason ?? '', /syncremote needs offsiteServer/);
  assert.match(r.skipped[2]?.reason ?? '', /dest: server name "-oProxyCommand=evil" is not a valid host/);
  const notes = r.notes.join('\n');
  assert.match(notes, /parameter12 "--dry-run" not imported: .*--dry-run is not allowed/);
  assert.match(notes, /parameter8 "--rsh=ssh -p 99" not imported/);
  assert.match(notes, /posttask \/Users\/thomas\/bin\/notify.sh is switched off/);
  assert.match(notes, /sshport \/ ssh key ignored \(rsync daemon/);
  assert.match(notes, /ssh key ~\/.ssh_rsyncosx\/rsyncosx imported as \/home\/tester\/.ssh_rsyncosx\/rsyncosx/);
  assert.match(notes, /fields not imported \(no cryptsync equivalent\): batch$/m);
  assert.match(notes, /last run in RsyncOSX on 21 Jan 2024 10:15/);
});

test('imported tasks build RsyncOSX-ordered commands and can be stored', async (t) => {
  const r = importRsyncOSX(load(), { home: HOME });
  const pictures = byNote(r.tasks, 2);
  assert.ok(pictures.type === 'synchronize');
  const args = buildRsyncArgs(rsyncOptionsFor(pictures, { dryRun: true }));
  assert.deepEqual(args.slice(0, 6), ['--archive', '--verbose', '--compress', '--delete', '-e', 'ssh -i /home/tester/.ssh_rsyncosx/rsyncosx -p 2222']);
  assert.ok(args.includes('--dry-run'));
  assert.deepEqual(args.slice(-2), ['/Users/thomas/Pictures/', 'thomas@backup.example.org:~/backups/Pictures']);

  const home = mkdtempSync(join(tmpdir(), 'cryptsync-import-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const store = TaskStore.open(home, 'rsyncosx');
  await store.addMany(r.tasks, { checkFs: false });
  assert.deepEqual(
    store.list().map((x) => x.name),
    r.tasks.map((x) => x.name),
  );
});

test('rejects a file that is not a configuration list', () => {
  assert.throws(() => importRsyncOSX({ hello: 1 }), /not an RsyncOSX configurations.json/);
  const r = importRsyncOSX({ configurations: [42] });
  assert.equal(r.tasks.length, 0);
  assert.match(r.skipped[0]?.reason ?? '', /entry 1 is not a configuration object/);
});
