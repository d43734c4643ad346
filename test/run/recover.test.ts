// `cryptsync recover` in an EMPTY cryptsync home, through a real sshd on loopback: from an
// emergency kit (its sftp remote names the server) with --yes, restored byte-identical, verified,
// saved as a remote + connected tasks that then run; from typed settings (password from
// CRYPTSYNC_PASSWORD) and an explicit server of snapshots, picking one; and guided, answering its
// questions on stdin. A wrong password ends with exit 12 and nothing restored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { readTree } from '../helpers/tree.js';
import { startServerFixture, ok, PASSWORD, type ServerFixture } from './server-fixture.js';

let f: ServerFixture;
let kit: string;
let fresh = 0;

/** an empty cryptsync home (the folder does not even exist yet) */
function emptyHome(extra: NodeJS.ProcessEnv = {}): { home: string; env: NodeJS.ProcessEnv } {
  const home = join(f.work, `new-laptop-${++fresh}`);
  return { home, env: cliEnv(home, extra) };
}

async function expectPlainTree(restored: string): Promise<void> {
  const got = new Map([...(await readTree(restored))].filter(([, v]) => v !== 'dir'));
  assert.deepEqual([...got.keys()].sort(), [...f.files.keys()].sort(), `seed ${f.seed}`);
  for (const [k, v] of f.files) assert.equal(got.get(k), v.toString('base64'), `seed ${f.seed}: ${k} differs`);
}

before(async () => {
  f = await startServerFixture({ count: 10 });
  ok(await cryptsync(['task', 'add', 'snaps', '--type', 'snapshot', '--source', f.catalog, '--dest', `${f.sshd.user}@127.0.0.1:${join(f.work, 'snaps')}`, ...f.sshFlags, '--connect', 'enc'], { env: f.env }), 'task add snaps');
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run snaps');
  kit = join(f.work, 'kit.txt');
  ok(await cryptsync(['remote', 'kit', 'vault', '--yes', '--output', kit], { env: f.env }), 'remote kit');
});

after(async () => {
  await f?.stop();
});

test('from an emergency kit in an empty home: restored, verified, saved, and the saved task runs', async () => {
  const { home, env } = emptyHome();
  await assert.rejects(stat(home), { code: 'ENOENT' });
  const target = join(f.work, 'recovered-kit');
  const catalog = join(f.work, 'recovered-catalog');
  const r = ok(await cryptsync(['recover', '--rclone-config', kit, '--remote', 'push_crypt', '--target', target, '--yes', '--save', 'laptop', '--catalog', catalog, '--json'], { env }), 'recover');
  await expectPlainTree(target);
  const s = jsonLines(r.stdout).find((e) => e.type === 'summary') as { verified: { matching: number; differing: string[] }; saved: { pushTask: string } };
  assert.equal(s.verified.matching, f.files.size, 'every restored file checked against the fetched ciphertext');
  assert.deepEqual(s.verified.differing, []);
  assert.equal(s.saved.pushTask, 'laptop');
  assert.deepEqual(await readdir(join(home, 'staging')), []);
  const listed = jsonLines(ok(await cryptsync(['task', 'list', '--json'], { env }), 'task list').stdout).map((l) => l.task as { name: string });
  const tasks = listed.map((t) => t.name).sort();
  assert.deepEqual(tasks, ['laptop', 'laptop-enc']);
  ok(await cryptsync(['run', 'laptop'], { env }), 'the saved task backs the restored folder up again');
  const after = join(f.work, 'after-run');
  ok(await cryptsync(['restore', '--from-task', 'laptop', after], { env }), 'restore after the new run');
  await expectPlainTree(after);
});

test('from typed settings and a server of snapshots: the chosen snapshot, in an empty home', async () => {
  const { env } = emptyHome({ CRYPTSYNC_PASSWORD: PASSWORD });
  const target = join(f.work, 'recovered-typed');
  const r = ok(
    await cryptsync(['recover', '--server', `${f.sshd.user}@127.0.0.1:${join(f.work, 'snaps')}`, ...f.sshFlags, '--filename-encryption', 'standard', '--snapshot', 'latest', '--target', target, '--yes', '--json'], { env }),
    'recover typed',
  );
  await expectPlainTree(target);
  const s = jsonLines(r.stdout).find((e) => e.type === 'summary') as { snapshot?: string };
  assert.match(s.snapshot ?? '', /^\d{4}-\d\d-\d\dT\d{6}Z/);
});

test('guided: the questions answered on stdin (the HTML kit read as well)', async () => {
  const { env } = emptyHome();
  const target = join(f.work, 'recovered-guided');
  const html = join(f.work, 'kit.html');
  ok(await cryptsync(['remote', 'kit', 'vault', '--yes', '--html', '--output', html], { env: f.env }), 'remote kit --html');
  // kit path; which remote; server (the kit's, accepted); restore into; save? no
  const answers = [html, 'push_crypt', '', target, 'n', ''].join('\n');
  const r = await cryptsync(['recover'], { env, input: answers });
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.match(r.stderr, /crypt remote \(push_crypt, snaps_crypt\)/);
  assert.match(r.stdout, /verified: all \d+ restored files match/);
  await expectPlainTree(target);
});

test('a wrong password: exit 12, nothing restored; --yes with a missing answer names its flag', async () => {
  const { env } = emptyHome({ CRYPTSYNC_PASSWORD: 'not the password of this backup, though long enough' });
  const target = join(f.work, 'recovered-wrong');
  const r = await cryptsync(['recover', '--server', f.dest, ...f.sshFlags, '--filename-encryption', 'standard', '--target', target, '--yes'], { env });
  assert.equal(r.code, 12, r.stderr);
  await assert.rejects(stat(target), { code: 'ENOENT' });
  const missing = await cryptsync(['recover', '--rclone-config', kit, '--remote', 'push_crypt', '--yes'], { env: emptyHome().env });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /restore into/);
});
