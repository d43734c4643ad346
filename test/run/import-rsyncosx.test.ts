// `cryptsync import-rsyncosx`: tasks of a real-shaped RsyncOSX configurations.json land in the
// profile all at once (their Mac folders need not exist here); what cannot be mapped is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines, ROOT } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'rsyncosx', 'configurations.json');

test('import adds every mappable task, reports the rest, and never duplicates', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-import-'));
  try {
    const env = cliEnv(join(work, 'home'));
    const r = await cryptsync(['import-rsyncosx', FIXTURE, '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const res = jsonLines(r.stdout)[0]!;
    const added = res.added as string[];
    assert.ok(added.length >= 5, `expected the mappable tasks, got ${added.join(',')}`);
    const skipped = res.skipped as Array<{ reason: string }>;
    assert.ok(skipped.some((s) => /ProxyCommand|not a valid host/.test(s.reason)), 'a hostile server name is refused');
    const list = jsonLines((await cryptsync(['task', 'list', '--json'], { env })).stdout).map((l) => l.task as Record<string, unknown>);
    assert.deepEqual(list.map((t) => t.name).sort(), [...added].sort());
    const cmd = await cryptsync(['task', 'command', 'Pictures-to-server'], { env });
    assert.equal(cmd.code, 0, cmd.stderr);
    assert.match(cmd.stdout, /^rsync --archive --verbose --compress --delete -e /);
    const again = jsonLines((await cryptsync(['import-rsyncosx', FIXTURE, '--json'], { env })).stdout)[0]!;
    assert.equal((again.added as string[]).length, 0);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
