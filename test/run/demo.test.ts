// `cryptsync demo` (what a newcomer runs first): the whole tour succeeds in a temporary home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';

test('the guided demo encrypts, pushes, restores identically and verifies', async () => {
  const r = await cryptsync(['demo', '--json'], { env: cliEnv('/nonexistent-home-not-used') });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const s = jsonLines(r.stdout)[0]!;
  try {
    assert.equal(s.ok, true);
    const run = s.run as { status: string; steps: Array<{ kind: string; status: string; filesNew: number }> };
    assert.equal(run.status, 'ok');
    assert.deepEqual(run.steps.map((x) => [x.kind, x.status]), [['encrypt', 'ok'], ['rsync', 'ok']]);
    assert.ok(run.steps[0]!.filesNew > 0);
    assert.deepEqual(s.restore && (s.restore as { identical: boolean }).identical, true);
    assert.deepEqual(s.verify, { matching: run.steps[0]!.filesNew, differences: 0, errors: 0 });
    // the "server" holds only ciphertext
    const server = join(s.home as string, 'demo', 'server');
    for (const name of await readdir(server, { recursive: true })) {
      assert.doesNotMatch(String(name), /README|notes|photos|documents/i);
    }
    const conf = await readFile(join(s.home as string, 'rclone.conf'), 'utf8');
    assert.match(conf, /^type = crypt$/m);
  } finally {
    await rm(s.home as string, { recursive: true, force: true });
  }
});
