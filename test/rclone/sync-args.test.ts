// The pure rclone argv builder: fixed order, and never a secret on argv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rcloneSyncArgs, RCLONE_LOG_FLAGS } from '../../src/rclone/index.js';

const base = { source: '/data/plain', dest: 'offsite:backup', configPath: '/home/u/.config/rclone/rclone.conf', dryRun: false };

test('the minimal argv: sync, config, then the JSON log and stats flags', () => {
  assert.deepEqual(rcloneSyncArgs(base), ['sync', '/data/plain', 'offsite:backup', '--config', base.configPath, ...RCLONE_LOG_FLAGS]);
  assert.deepEqual(RCLONE_LOG_FLAGS, ['--use-json-log', '-v', '--stats', '1s', '--stats-log-level', 'NOTICE']);
});

test('every option in its fixed place; --dry-run after extra flags', () => {
  const args = rcloneSyncArgs({
    ...base, dryRun: true, createEmptyDirs: true, excludes: ['*.tmp', 'cache/**'], includes: ['keep/**'], excludeFrom: ['/x/list'],
    maxDelete: 5, transfers: 2, copyLinks: true, extra: ['--bwlimit=1M', '--fast-list'],
  });
  assert.deepEqual(args, [
    'sync', '/data/plain', 'offsite:backup', '--config', base.configPath, '--create-empty-src-dirs',
    '--exclude', '*.tmp', '--exclude', 'cache/**', '--include', 'keep/**', '--exclude-from', '/x/list',
    '--max-delete', '5', '--transfers', '2', '--copy-links', '--bwlimit=1M', '--fast-list', '--dry-run', ...RCLONE_LOG_FLAGS,
  ]);
  assert.deepEqual(rcloneSyncArgs({ ...base, maxDelete: 0 }).slice(5, 7), ['--max-delete', '0']);
});

test('secret-carrying flags and connection strings are refused, naming the flag but not the value', () => {
  for (const flag of ['--sftp-pass=hunter2hunter2', '--s3-secret-access-key', '--webdav-bearer-token=abc', '--crypt-password', '--b2-key=k', '--drive-token={}']) {
    assert.throws(() => rcloneSyncArgs({ ...base, extra: [flag] }), (e: Error) => {
      assert.ok(!e.message.includes('hunter2') && !e.message.includes('=abc'), e.message);
      assert.match(e.message, /secret on the command line/);
      return true;
    }, flag);
  }
  for (const flag of ['--sftp-key-file=/k', '--password-command=pass show x', '--sftp-known-hosts-file=/h', '--bwlimit=1M', '--checksum']) {
    assert.doesNotThrow(() => rcloneSyncArgs({ ...base, extra: [flag] }), flag);
  }
  assert.throws(() => rcloneSyncArgs({ ...base, dest: ':sftp,host=h,pass=xyz:dir' }), /credential/);
  assert.throws(() => rcloneSyncArgs({ ...base, dest: 'offsite,password=xyz:dir' }), /credential/);
  assert.throws(() => rcloneSyncArgs({ ...base, source: '--delete-excluded' }), /looks like a flag/);
  assert.doesNotThrow(() => rcloneSyncArgs({ ...base, dest: 'offsite,description=x:dir' }));
});
