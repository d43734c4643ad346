// Snapshot folder names and picking one snapshot: pure functions, no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSnapshotNames, datedName, parseSnapshotName, uniqueDatedName, PARTIAL_NAME } from '../../src/run/snapshots/naming.js';
import { pickSnapshot, type SnapshotEntry } from '../../src/run/snapshots/list.js';
import { checkedFolderName, removeArgs } from '../../src/run/snapshots/server-ops.js';

test('dated names: UTC start time to the second, parsed back, impossible dates refused', () => {
  const t = new Date('2026-12-02T02:30:00.900Z');
  assert.equal(datedName(t), '2026-12-02T023000Z');
  assert.deepEqual(parseSnapshotName('2026-12-02T023000Z'), { name: '2026-12-02T023000Z', time: new Date('2026-12-02T02:30:00Z'), seq: 1 });
  assert.equal(parseSnapshotName('2026-12-02T023000Z-3')?.seq, 3);
  assert.deepEqual(parseSnapshotName('7'), { name: '7', time: null, number: 7, seq: 1 });
  for (const bad of ['2026-02-30T000000Z', '2026-12-02T246000Z', '2026-12-02T023000', '2026-12-02T023000Z-0', '0', '01', '../1', '1/2', PARTIAL_NAME, '.partial-2026-12-02T023000Z', '']) {
    assert.equal(parseSnapshotName(bad), null, bad);
  }
});

test('unique names get -2, -3 …, and the order is numbered first, then by time and suffix', () => {
  const t = new Date('2026-12-02T02:30:00Z');
  assert.equal(uniqueDatedName(t, new Set()), '2026-12-02T023000Z');
  assert.equal(uniqueDatedName(t, new Set(['2026-12-02T023000Z'])), '2026-12-02T023000Z-2');
  assert.equal(uniqueDatedName(t, new Set(['2026-12-02T023000Z', '2026-12-02T023000Z-2'])), '2026-12-02T023000Z-3');
  const names = ['2026-12-02T023000Z-10', '2', '2026-12-01T000000Z', '10', '2026-12-02T023000Z', '2026-12-02T023000Z-2'];
  const sorted = names.map((n) => parseSnapshotName(n)!).sort(compareSnapshotNames).map((n) => n.name);
  assert.deepEqual(sorted, ['2', '10', '2026-12-01T000000Z', '2026-12-02T023000Z', '2026-12-02T023000Z-2', '2026-12-02T023000Z-10']);
});

const entry = (name: string): SnapshotEntry => {
  const n = parseSnapshotName(name)!;
  return { name, time: n.time, ...(n.number !== undefined ? { number: n.number } : {}), location: { spec: `/srv/snaps/${name}` } };
};

test('pickSnapshot: latest, an exact name, a date prefix (the newest of that day), a clear error', () => {
  const list = ['3', '2026-12-01T080000Z', '2026-12-02T010000Z', '2026-12-02T230000Z', '2026-12-03T000000Z'].map(entry);
  assert.equal(pickSnapshot(list, 'latest').name, '2026-12-03T000000Z');
  assert.equal(pickSnapshot(list, '3').name, '3');
  assert.equal(pickSnapshot(list, '2026-12-02T010000Z').name, '2026-12-02T010000Z');
  assert.equal(pickSnapshot(list, '2026-12-02').name, '2026-12-02T230000Z');
  assert.equal(pickSnapshot(list, '2026-12-02T01').name, '2026-12-02T010000Z');
  assert.throws(() => pickSnapshot(list, '2026-11'), (e: Error) => /no snapshot matches "2026-11"; there are 5: 3, 2026-12-01T080000Z, .*2026-12-03T000000Z/.test(e.message));
  assert.throws(() => pickSnapshot([], 'latest'), /no snapshots yet/);
});

test('removal only ever names snapshot folders directly inside the root', () => {
  for (const bad of ['..', '.', '', 'a/b', '/etc', '2026-12-02T023000Z/..', '*', 'notes.txt']) {
    assert.throws(() => checkedFolderName(bad), /not a snapshot folder name/, bad);
    assert.throws(() => removeArgs({ spec: 'me@host:/srv/snaps' }, ['2026-12-02T023000Z', bad], '/tmp/empty'), /not a snapshot folder name/);
  }
  const args = removeArgs({ spec: 'me@host:/srv/snaps', sshPort: 2222 }, ['2026-12-02T023000Z', '4'], '/tmp/empty');
  assert.deepEqual(args.filter((a) => a.startsWith('--include') || a.startsWith('--exclude')), ['--include=/2026-12-02T023000Z/***', '--include=/4/***', '--exclude=*']);
  assert.deepEqual(args.slice(-2), ['/tmp/empty/', 'me@host:/srv/snaps/']);
  assert.ok(args.includes('--delete') && args.includes('-e'));
});
