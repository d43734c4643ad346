// The unmounted-disk check against the real mount table: a tmpfs mounted for the test (as root)
// and a temporary fstab that lists it. Mounted: a source under it is fine; unmounted: refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unmountedMountPointOf, fstabMountPoints } from '../../src/util/mount-state.js';

test('fstab parsing: comments, swap, the root and octal escapes', () => {
  const text = '# c\nUUID=1 / ext4 defaults 0 1\nUUID=2 none swap sw 0 0\nLABEL=b /media/my\\040disk ext4 noauto 0 2\n\n/dev/sdc1 /srv/backup ext4 defaults 0 2\n';
  assert.deepEqual(fstabMountPoints(text), ['/media/my disk', '/srv/backup']);
});

test('a source on an fstab mount point that is not mounted is detected; mounted, it is not', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to mount a tmpfs');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'cryptsync-mnt-'));
  const point = join(dir, 'disk with space');
  await mkdir(point);
  const fstab = join(dir, 'fstab');
  await writeFile(fstab, `tmpfs ${point.replace(/ /g, '\\040')} tmpfs noauto 0 0\n`);
  try {
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', point]);
    try {
      await mkdir(join(point, 'photos'));
      assert.equal(unmountedMountPointOf(join(point, 'photos'), { fstab }), null);
    } finally {
      execFileSync('umount', [point]);
    }
    assert.equal(unmountedMountPointOf(join(point, 'photos'), { fstab }), point);
    assert.equal(unmountedMountPointOf(point, { fstab }), point);
    assert.equal(unmountedMountPointOf(dir, { fstab }), null, 'the folder holding the mount point is not on it');
    assert.equal(unmountedMountPointOf(join(point, 'photos'), { fstab: join(dir, 'missing') }), null, 'no fstab: nothing known');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
