// The pure parsers on transcripts captured from the real rsync (test/fixtures/rsync, see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  classifyRsyncExit, describeRsyncExit, effectiveRsyncExit, estimateFromDryRun, isRsyncSuccess, parseProgressLine, parseRsyncVersion, parseStats,
} from '../../src/rsync/index.js';

/** compiled to dist/test/rsync; the transcripts stay in the source tree */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/rsync/', import.meta.url));
const fixture = (name: string): string => readFileSync(FIXTURES + name, 'utf8');

/** the fixture tree: new.txt (13 B) + new-folder/inner.bin (100,000 B) new, docs/changed.txt (23 B) changed */
const TRANSFERRED_BYTES = 100_036;

test('transcripts are raw rsync output with \\r progress redraws', () => {
  assert.ok(fixture('progress2.txt').includes('\r'));
  assert.match(fixture('rsync-version.txt'), /^rsync\s+version 3\./);
});

test('parseStats on a dry run with itemize (3.1+ wording, separators, breakdowns)', () => {
  const s = parseStats(fixture('dry-run-itemize.txt'));
  assert.deepEqual(s, {
    filesTotal: 7, filesCreated: 3, filesDeleted: 3, filesTransferred: 3, regularFilesTransferred: 3,
    totalFileSize: 100_049, totalTransferredFileSize: TRANSFERRED_BYTES, literalData: 0,
    bytesSent: s?.bytesSent, bytesReceived: s?.bytesReceived, speedup: s?.speedup,
    filesByType: { reg: 4, dir: 3 }, createdByType: { reg: 2, dir: 1 }, deletedByType: { reg: 2, dir: 1 }, dryRun: true,
  });
  assert.ok((s?.bytesSent ?? 0) > 0 && (s?.bytesReceived ?? 0) > 0 && (s?.speedup ?? 0) > 1);
});

test('parseStats on a real 12 MB run: bytes with separators, not a dry run', () => {
  const s = parseStats(fixture('progress2.txt'));
  assert.equal(s?.filesTotal, 3);
  assert.equal(s?.filesTransferred, 2);
  assert.equal(s?.totalTransferredFileSize, 12_000_000);
  assert.equal(s?.literalData, 12_000_000);
  assert.ok((s?.bytesSent ?? 0) > 12_000_000);
  assert.equal(s?.dryRun, undefined);
});

test('parseStats with --human-readable suffixes', () => {
  const s = parseStats(fixture('dry-run-human.txt'));
  assert.equal(s?.filesTotal, 7);
  assert.equal(s?.totalFileSize, 100_050); // "100.05K" is rounded by rsync itself
  assert.equal(s?.totalTransferredFileSize, 100_040);
});

test('parseStats: rsync 3.0 wording and no stats at all', () => {
  const old = [
    'Number of files: 12', 'Number of files transferred: 4', 'Total file size: 5000 bytes',
    'Total transferred file size: 1234 bytes', 'Literal data: 1234 bytes', 'Matched data: 0 bytes',
    'File list size: 200', 'Total bytes sent: 1500', 'Total bytes received: 90', '',
    'sent 1500 bytes  received 90 bytes  3180.00 bytes/sec', 'total size is 5000  speedup is 3.14',
  ].join('\n');
  const s = parseStats(old);
  assert.equal(s?.filesTotal, 12);
  assert.equal(s?.filesTransferred, 4);
  assert.equal(s?.filesCreated, 0);
  assert.equal(s?.regularFilesTransferred, undefined);
  assert.equal(s?.totalTransferredFileSize, 1234);
  assert.equal(s?.speedup, 3.14);
  assert.equal(parseStats('rsync: connection unexpectedly closed\n'), null);
});

test('estimateFromDryRun counts new / changed / deleted from itemized lines', () => {
  assert.deepEqual(estimateFromDryRun(fixture('dry-run-itemize.txt')), {
    newFiles: 2, changedFiles: 1, deletedFiles: 2, newDirs: 1, deletedDirs: 1, bytes: TRANSFERRED_BYTES,
    source: 'itemize', stats: parseStats(fixture('dry-run-itemize.txt')),
  });
});

test('estimateFromDryRun without --itemize-changes falls back to the stats', () => {
  const e = estimateFromDryRun(fixture('dry-run-verbose.txt'));
  assert.equal(e.source, 'stats');
  assert.deepEqual([e.newFiles, e.changedFiles, e.deletedFiles, e.bytes], [2, 1, 2, TRANSFERRED_BYTES]);
});

test('estimateFromDryRun on an up-to-date tree and on garbage', () => {
  const upToDate = 'sending incremental file list\n\nNumber of files: 3 (reg: 2, dir: 1)\nNumber of created files: 0\nNumber of deleted files: 0\nNumber of regular files transferred: 0\nTotal file size: 10 bytes\nTotal transferred file size: 0 bytes\n';
  const e = estimateFromDryRun(upToDate);
  assert.deepEqual([e.newFiles, e.changedFiles, e.deletedFiles, e.bytes, e.source], [0, 0, 0, 0, 'stats']);
  assert.equal(estimateFromDryRun('nothing here').source, 'none');
});

test('itemized counts from a real run equal the dry run', () => {
  const run = estimateFromDryRun(fixture('run-itemize.txt'));
  assert.deepEqual([run.newFiles, run.changedFiles, run.deletedFiles, run.source], [2, 1, 2, 'itemize']);
  assert.equal(run.stats?.dryRun, undefined);
});

test('parseProgressLine on every --info=progress2 redraw of the real transcript', () => {
  const lines = fixture('progress2.txt').split(/\r|\n/);
  const parsed = lines.map(parseProgressLine).filter((p) => p !== null);
  assert.ok(parsed.length >= 3, `only ${parsed.length} progress lines`);
  // Overall progress never goes backwards and ends at the full 12 MB.
  for (let i = 1; i < parsed.length; i++) assert.ok(parsed[i]!.bytes >= parsed[i - 1]!.bytes);
  const last = parsed.at(-1)!;
  assert.equal(last.bytes, 12_000_000);
  assert.equal(last.percent, 100);
  assert.equal(last.etaSec, 0);
  assert.deepEqual([last.filesTransferred, last.filesDone, last.filesTotal], [2, 3, 3]);
  assert.ok(last.rateBps > 1_000_000);
  // No non-progress line is mistaken for one.
  for (const l of lines) if (/^(>f|cd|Number|Total|sent|total|sending)/.test(l)) assert.equal(parseProgressLine(l), null);
});

test('parseProgressLine on --progress (per file) lines and hand-written edge cases', () => {
  const parsed = fixture('progress-per-file.txt').split(/\r|\n/).map(parseProgressLine).filter((p) => p !== null);
  assert.ok(parsed.some((p) => p.bytes === 4_000_000 && p.percent === 100));
  assert.deepEqual(parseProgressLine('        917,504  22%  849.29kB/s    0:00:03  '), {
    bytes: 917_504, percent: 22, rateBps: Math.round(849.29 * 1024), etaSec: 3,
  });
  assert.deepEqual(parseProgressLine('  1,234,567,890  45%   12.50MB/s    1:02:03 (xfr#10, ir-chk=1000/2345)'), {
    bytes: 1_234_567_890, percent: 45, rateBps: 12.5 * 1024 * 1024, etaSec: 3723, filesTransferred: 10, filesDone: 1345, filesTotal: 2345,
  });
  assert.equal(parseProgressLine('      5 10% 1.00kB/s ??:??:?? (xfr#1, to-check=2/3)')?.etaSec, null);
  assert.equal(parseProgressLine('      1.23G  45%   12.50MB/s    0:00:10')?.bytes, 1_230_000_000);
  assert.equal(parseProgressLine('>f+++++++++ 100% done.txt'), null);
  assert.equal(parseProgressLine(''), null);
});

test('exit codes: only 0 succeeds; 23/24/25 are partial; messages are specific', () => {
  assert.equal(isRsyncSuccess(0), true);
  for (const c of [1, 12, 23, 24, 255]) assert.equal(isRsyncSuccess(c), false);
  assert.deepEqual([0, 23, 24, 25, 12, 255, 20, null].map(classifyRsyncExit), ['ok', 'partial', 'partial', 'partial', 'failed', 'failed', 'failed', 'failed']);
  assert.match(describeRsyncExit(23), /partial transfer/);
  assert.match(describeRsyncExit(24), /vanished/);
  assert.match(describeRsyncExit(12), /protocol/);
  assert.match(describeRsyncExit(255), /ssh/);
  assert.match(describeRsyncExit(77), /unknown rsync exit code 77/);
});

test('parseRsyncVersion', () => {
  assert.deepEqual(parseRsyncVersion(fixture('rsync-version.txt')), { version: '3.5.0', protocol: 32 });
  assert.deepEqual(parseRsyncVersion('rsync  version 3.2.7  protocol version 31\n'), { version: '3.2.7', protocol: 31 });
  assert.deepEqual(parseRsyncVersion('openrsync: protocol version 29'), { version: 'openrsync', protocol: 29 });
  assert.equal(parseRsyncVersion('bash: nope'), null);
});

test('effectiveRsyncExit: an ssh failure reported as 12 (rsync race) becomes 255; other 12s stay', () => {
  const sshLines = ['ssh: connect to host 127.0.0.1 port 1: Connection refused', 'rsync: connection unexpectedly closed (0 bytes received so far) [sender]'];
  assert.equal(effectiveRsyncExit(12, sshLines), 255);
  assert.equal(effectiveRsyncExit(255, sshLines), 255);
  assert.equal(effectiveRsyncExit(12, ['Host key verification failed.']), 255);
  assert.equal(effectiveRsyncExit(12, ['rsync: connection unexpectedly closed (120 bytes received so far) [receiver]']), 12);
  assert.equal(effectiveRsyncExit(23, sshLines), 23);
  assert.equal(effectiveRsyncExit(null, sshLines), null);
});
