// The CLI's one byte formatter, pinned to the texts the CLI printed before the formatters were
// merged (cli/format.ts humanBytes, cli/render formatBytes, doctor's copy agreed on whole bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanBytes } from '../../src/util/human-bytes.js';

test('humanBytes: whole bytes below 1 KiB, one decimal above, powers of 1024, TiB at most', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1024.0 KiB'],
    [3 * 1024 * 1024, '3.0 MiB'],
    [5.25 * 1024 ** 3, '5.3 GiB'],
    [2 * 1024 ** 4, '2.0 TiB'],
    [1024 ** 5, '1024.0 TiB'],
  ];
  for (const [n, text] of cases) assert.equal(humanBytes(n), text, String(n));
});
