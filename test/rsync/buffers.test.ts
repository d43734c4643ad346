// The runner's small buffers: the bounded output tail and the \r/\n line splitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputTail } from '../../src/rsync/output-tail.js';
import { LineSplitter } from '../../src/rsync/line-splitter.js';

test('OutputTail keeps only the newest lines within its byte budget', () => {
  const tail = new OutputTail(1000);
  for (let i = 0; i < 100_000; i++) tail.push(`line ${i}`);
  const text = tail.toString();
  assert.ok(Buffer.byteLength(text) <= 1000);
  assert.ok(text.endsWith('line 99999'));
  assert.ok(text.startsWith('line 99'));
  assert.equal(text.split('\n').length, text.split('\n').filter((l) => /^line \d+$/.test(l)).length);
});

test('OutputTail cuts a single oversized line from the front', () => {
  const tail = new OutputTail(10);
  tail.push('x'.repeat(50) + 'END');
  assert.equal(tail.toString(), 'xxxxxxxEND');
});

test('LineSplitter splits on \\r, \\n and \\r\\n, drops empty lines, keeps UTF-8 split across chunks', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const bytes = Buffer.from('a\r\nb\rc\n\n  1%\r  2%\rdatei-ü€.txt\ntail');
  for (let i = 0; i < bytes.length; i++) s.write(bytes.subarray(i, i + 1)); // one byte at a time
  s.end();
  assert.deepEqual(lines, ['a', 'b', 'c', '  1%', '  2%', 'datei-ü€.txt', 'tail']);
});
