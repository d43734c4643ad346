// The encrypt step's rclone argv (engine "rclone") is spelled as it always was: `task command`
// shows it and users copy it, so a change here must be deliberate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptRcloneArgs } from '../../src/run/rclone-engine.js';
import { syncFlags } from '../../src/run/sync-flags.js';
import type { EncryptTask } from '../../src/tasks/index.js';

const LOG = ['--use-json-log', '-v', '--stats', '1s', '--stats-log-level', 'NOTICE'];

test('encrypt argv: minimal and with every filter and limit, real run and dry run', () => {
  const min = { name: 'e', type: 'encrypt', source: '/p', remote: 'v:' } as unknown as EncryptTask;
  assert.deepEqual(encryptRcloneArgs(min, '/c.conf', false), ['sync', '/p', 'v:', '--config', '/c.conf', '--create-empty-src-dirs', '--exclude', '/.cryptsync-manifest', ...LOG]);
  const full = { ...min, excludes: ['*.tmp'], includes: ['k/**'], excludeFrom: ['/x'], maxDelete: 0, transfers: 2, copyLinks: true } as EncryptTask;
  const flags = ['--exclude', '*.tmp', '--include', 'k/**', '--exclude-from', '/x', '--max-delete', '0', '--transfers', '2', '--copy-links'];
  assert.deepEqual(encryptRcloneArgs(full, '/c.conf', true), ['sync', '/p', 'v:', '--config', '/c.conf', '--create-empty-src-dirs', '--exclude', '/.cryptsync-manifest', ...flags, '--dry-run', ...LOG]);
  assert.deepEqual(syncFlags(full, true), [...flags, '--dry-run']);
  assert.deepEqual(syncFlags(full, false), flags);
});
