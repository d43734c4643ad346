// The pure JSON-log parser and tally on transcripts of the real rclone 1.60.1
// (test/fixtures/rclone-logs, made by its capture.sh; exit codes in exit-codes.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classifyRcloneExit, describeRcloneExit, parseRcloneLogLine, RcloneLogTally, type RcloneLogEvent, type RcloneTallyOptions } from '../../src/rclone/index.js';

/** compiled to dist/test/rclone; the transcripts stay in the source tree */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/rclone-logs/', import.meta.url));
const lines = (name: string): string[] => readFileSync(`${FIXTURES}${name}.jsonl`, 'utf8').split('\n').filter((l) => l !== '');
const events = (name: string): RcloneLogEvent[] => lines(name).map(parseRcloneLogLine);
const tally = (name: string, o: RcloneTallyOptions = {}): RcloneLogTally => {
  const t = new RcloneLogTally(o);
  for (const e of events(name)) t.add(e);
  return t;
};
const exitCodes = new Map(readFileSync(`${FIXTURES}exit-codes.txt`, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]).map(([n, c]) => [n, Number(c)]));

test('the transcripts come from rclone runs whose exit codes are recorded', () => {
  assert.equal(exitCodes.get('new'), 0);
  assert.equal(exitCodes.get('missing-remote'), 1);
  assert.equal(exitCodes.get('missing-source'), 3);
  assert.equal(exitCodes.get('max-delete'), 7);
  assert.equal(classifyRcloneExit(exitCodes.get('max-delete')!), 'failed');
  assert.match(describeRcloneExit(7), /fatal/);
});

test('a new tree: three "Copied (new)", a final stats line with bytes and totals', () => {
  const ev = events('new');
  const files = ev.filter((e) => e.type === 'file');
  assert.deepEqual(files.map((e) => [e.action, e.object]).sort(), [['new', 'a.txt'], ['new', 'sub/b.bin'], ['new', 'sub/c.txt']]);
  const stats = ev.filter((e) => e.type === 'stats').at(-1);
  assert.ok(stats?.type === 'stats');
  assert.equal(stats.stats.bytes, 5007);
  assert.equal(stats.stats.totalBytes, 5007);
  assert.equal(stats.stats.transfers, 3);
  assert.equal(stats.stats.totalTransfers, 3);
  assert.equal(stats.stats.eta, null);
  assert.deepEqual(tally('new').counts(), { newFiles: 3, changedFiles: 0, deletedFiles: 0, files: 3, bytes: 5007, movedFiles: 0, mtimeOnly: 0 });
});

test('a dry run of the new tree: "Skipped copy" with sizes counts the same; directories are not files', () => {
  const ev = events('dry-new');
  assert.ok(ev.some((e) => e.type === 'file' && e.action === 'skipped-other' && e.object === 'empty'));
  const t = tally('dry-new');
  assert.equal(t.dryRun, true);
  assert.deepEqual(t.counts(), { newFiles: 3, changedFiles: 0, deletedFiles: 0, files: 3, bytes: 5007, movedFiles: 0, mtimeOnly: 0 });
});

test('changes: replaced, new, deleted and an mtime-only update, real and dry run', () => {
  const real = tally('changed').counts();
  assert.deepEqual(real, { newFiles: 1, changedFiles: 1, deletedFiles: 1, files: 3, bytes: 15, movedFiles: 0, mtimeOnly: 1 });
  // a dry run does not say whether a copy replaces a file; existsAtDest answers it
  const atDest = new Set(['a.txt', 'sub/b.bin', 'sub/c.txt']);
  const dry = tally('dry-changed', { existsAtDest: (o) => atDest.has(o) }).counts();
  assert.deepEqual(dry, real);
  const blind = tally('dry-changed').counts();
  assert.equal(blind.newFiles, 2);
  assert.equal(blind.changedFiles, 0);
  const skipped = events('dry-changed').filter((e) => e.type === 'file').map((e) => e.type === 'file' && [e.action, e.object, e.size]);
  assert.deepEqual(skipped, [['skipped-copy', 'd.txt', 3], ['skipped-copy', 'a.txt', 12], ['skipped-mtime', 'sub/b.bin', 5000], ['skipped-delete', 'sub/c.txt', 1]]);
});

test('a missing remote: rclone\'s plain-text last word is kept, names the remote, and is fatal', () => {
  const ev = events('missing-remote');
  assert.equal(ev.length, 1);
  assert.deepEqual(ev[0], { type: 'text', text: 'Failed to create file system for "nosuch:path": didn\'t find section in config file', fatal: true });
  const t = tally('missing-remote');
  assert.match(t.fatal ?? '', /"nosuch:path"/);
  assert.equal(t.errors.length, 1);
});

test('a missing source folder: retried three times, errors counted once each, retries seen', () => {
  const t = tally('missing-source');
  assert.equal(t.retries, 3);
  assert.deepEqual(t.errors.map((e) => e.message), [
    'error reading source root directory: directory not found',
    'not deleting files as there were IO errors',
    'not deleting directories as there were IO errors',
    'Attempt 1/3 failed with 1 errors and: directory not found',
    'Attempt 2/3 failed with 1 errors and: directory not found',
    'Attempt 3/3 failed with 1 errors and: directory not found',
    'Failed to sync: directory not found',
  ].filter((m) => !m.startsWith('Attempt')));
  assert.match(t.errors[0]!.object ?? '', /^Local file system at .*nonexist$/);
  assert.equal(t.stats?.errors, 1);
  assert.equal(t.stats?.retryError, true);
  assert.equal(t.stats?.lastError, 'directory not found');
  const retry = events('missing-source').find((e) => e.type === 'retry');
  assert.deepEqual(retry && retry.type === 'retry' && [retry.attempt, retry.of], [1, 3]);
});

test('a file that cannot be read (dangling link with --copy-links): the error names the file; retries do not double counts', () => {
  const t = tally('dangling-copy-links');
  assert.deepEqual(t.errors[0], { message: 'Listing error: symlink: stat ' + t.errors[0]!.message.split('stat ')[1], object: 'dangling' });
  assert.equal(t.counts().newFiles, 2);
  assert.match(t.fatal ?? '', /^Failed to sync with 2 errors/);
});

test('a destination that cannot be written: "Failed to copy" names the file', () => {
  const t = tally('dest-not-dir');
  const failed = t.errors.filter((e) => e.message.startsWith('Failed to copy'));
  assert.ok(failed.length >= 1);
  for (const e of failed) {
    assert.ok(['a.txt', 'd.txt', 'sub/b.bin'].includes(e.object ?? ''), e.object);
    assert.match(e.message, /^Failed to copy: mkdir .*: not a directory$/);
  }
  assert.equal(t.counts().newFiles, 0);
});

test('symlinks without --copy-links are warnings about a file, not errors', () => {
  const ev = events('symlink-notice');
  const notices = ev.filter((e) => e.type === 'notice' && e.object !== undefined);
  assert.deepEqual(notices.map((e) => e.type === 'notice' && [e.level, e.object, e.message]), [
    ['warning', 'dangling', "Can't follow symlink without -L/--copy-links"],
    ['warning', 'link', "Can't follow symlink without -L/--copy-links"],
  ]);
  assert.equal(tally('symlink-notice').errors.length, 0);
});

test('--max-delete exceeded: only the deletions rclone did are counted (its stats say 4)', () => {
  const t = tally('max-delete');
  const c = t.counts();
  assert.equal(c.deletedFiles, 2);
  assert.equal(c.newFiles, 1);
  assert.equal(t.stats?.deletes, 4);
  assert.equal(t.stats?.fatalError, true);
  assert.ok(t.errors.some((e) => e.message.includes('--max-delete threshold reached')));
  assert.match(t.fatal ?? '', /failed to delete 2 files/);
});

test('a rename found by --track-renames is a move, not a new file and a deletion', () => {
  const ev = events('track-renames');
  assert.ok(ev.some((e) => e.type === 'file' && e.action === 'moved' && e.object === 'big' && e.to === 'renamed'));
  assert.ok(ev.some((e) => e.type === 'notice' && e.message === 'There was nothing to transfer'));
  const c = tally('track-renames').counts();
  assert.equal(c.movedFiles, 1);
  assert.equal(c.newFiles + c.deletedFiles, 0);
});

test('stats lines in flight carry bytes, totalBytes, speed and eta for progress by bytes', () => {
  const stats = events('slow-progress').flatMap((e) => (e.type === 'stats' ? [e.stats] : []));
  assert.ok(stats.length >= 2, `${stats.length} stats lines`);
  for (const s of stats) assert.equal(s.totalBytes, 600_000);
  const mid = stats.filter((s) => s.bytes < s.totalBytes);
  assert.ok(mid.length >= 1);
  for (let i = 1; i < stats.length; i++) assert.ok(stats[i]!.bytes >= stats[i - 1]!.bytes);
  assert.equal(stats.at(-1)!.bytes, 600_000);
  assert.ok(stats.some((s) => s.speed > 0 && s.eta !== null));
  const info = events('slow-progress').find((e) => e.type === 'notice');
  assert.match(info?.type === 'notice' ? info.message : '', /^Starting bandwidth limiter/);
});

test('lines that are not JSON objects are text; a timestamp prefix is dropped', () => {
  assert.deepEqual(parseRcloneLogLine('plain words'), { type: 'text', text: 'plain words', fatal: false });
  assert.deepEqual(parseRcloneLogLine('{not json'), { type: 'text', text: '{not json', fatal: false });
  assert.deepEqual(parseRcloneLogLine('[1,2]'), { type: 'text', text: '[1,2]', fatal: false });
  assert.deepEqual(parseRcloneLogLine('2026/01/02 03:04:05 Fatal error: x'), { type: 'text', text: 'Fatal error: x', fatal: true });
});
