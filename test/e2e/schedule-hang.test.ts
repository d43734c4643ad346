// Never hang: a "server" that accepts TCP and never says a word (a loopback listener) must end a
// scheduled run within the ssh timeout, logged as failed with a message naming host and port,
// and the next scheduled run must still happen; the failure is retried, visibly (retry delays
// shortened with the CRYPTSYNC_TEST knob). With a long ConnectTimeout, the step's own stall
// timeout (stallMinutes) ends it instead, with a message saying so; the same holds for a cloud
// push to a silent SFTP server (rclone gets --contimeout/--timeout of its own).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { startDaemon } from '../helpers/daemon.js';
import { rcloneObscure } from '../helpers/rclone-serve.js';
import { writeFile } from 'node:fs/promises';

let work: string;
let silent: Server;
let port: number;
const sockets = new Set<Socket>();

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-hang-'));
  // accepts, then never speaks: ssh waits for a banner that never comes
  silent = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as { port: number }).port;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
  await rm(work, { recursive: true, force: true });
});

async function hangingTask(name: string, extra: string[], envExtra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const dir = join(work, name);
  const env = cliEnv(join(dir, 'home'), envExtra);
  await makeTree(join(dir, 'src'), { 'a.txt': 'alpha\n' });
  ok(
    await cryptsync(['task', 'add', name, '--type', 'synchronize', '--source', join(dir, 'src'), '--dest', 'backup@127.0.0.1:/srv/backup', '--ssh-port', String(port), '--ssh-option', 'StrictHostKeyChecking=no', '--ssh-option', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, ...extra], { env }),
    'task add',
  );
  return env;
}

test('a silent server ends each scheduled run within ConnectTimeout, named by host and port; the next run still happens and the retry is announced', async () => {
  const env = await hangingTask('silent', ['--schedule', '*/6 * * * * *', '--ssh-option', 'ConnectTimeout=2'], { CRYPTSYNC_TEST: '1', CRYPTSYNC_TEST_RETRY_SECONDS: '1' });
  const d = startDaemon(env);
  const t0 = Date.now();
  try {
    const ends = await d.waitForCount((e) => e.type === 'run-end' && e.task === 'silent', 3, 'three ended runs', 40_000);
    for (const e of ends) {
      assert.equal(e.status, 'failed', d.output());
      assert.ok((e.durationMs as number) < 10_000, `a run must end within the timeout, took ${String(e.durationMs)} ms`);
    }
    const triggers = d.events().filter((e) => e.type === 'run-start' && e.task === 'silent').map((e) => e.startedBy);
    assert.ok(triggers.includes('retry'), `a failed run is retried: ${triggers.join(', ')}`);
    assert.ok(triggers.filter((t) => t === 'schedule').length >= 2, `the next slot still runs: ${triggers.join(', ')}`);
    const retry = d.events().find((e) => e.type === 'notice' && /retry 1 of 1 at/.test(String(e.message)));
    assert.ok(retry && typeof retry.retryAt === 'string', `the retry is announced: ${d.output()}`);
  } finally {
    assert.equal(await d.stop(), 0, d.output());
  }
  assert.ok(Date.now() - t0 < 45_000);
  const runs = jsonLines(ok(await cryptsync(['log', 'silent', '--json'], { env }), 'log').stdout).map((l) => l.run) as Array<{ status: string; steps: Array<{ kind: string; message: string | null }> }>;
  const failed = runs.filter((r) => r.status === 'failed');
  assert.ok(failed.length >= 3, JSON.stringify(runs));
  for (const r of failed) {
    const msg = r.steps.find((s) => s.kind === 'rsync')?.message ?? '';
    assert.match(msg, new RegExp(`server backup@127\\.0\\.0\\.1, port ${port}`), msg);
  }
});

test('with a long ConnectTimeout, the stall timeout stops the step and says why', async () => {
  const env = await hangingTask('stalled', ['--ssh-option', 'ConnectTimeout=120', '--stall-minutes', '0.05']);
  const t0 = Date.now();
  const r = await cryptsync(['run', 'stalled', '--json'], { env });
  const took = Date.now() - t0;
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(took < 20_000, `stopped after the 3 s stall timeout, not ssh's 120 s: ${took} ms`);
  const end = jsonLines(r.stdout).find((e) => e.type === 'step-end' && e.step === 'rsync');
  assert.equal(end?.status, 'failed');
  assert.equal(end?.errorCode, 'STALLED');
  assert.match(String(end?.message), /rsync step stopped: no progress for 3 s \(the task's stallMinutes\)/);
});

test('a cloud push to a silent SFTP server gets rclone timeouts, and the stall timeout ends it', async () => {
  const dir = join(work, 'cloud');
  const env = cliEnv(join(dir, 'home'));
  await makeTree(join(dir, 'src'), { 'a.txt': 'alpha\n' });
  const conf = join(dir, 'rclone.conf');
  await writeFile(conf, `[silent]\ntype = sftp\nhost = 127.0.0.1\nport = ${port}\nuser = backup\npass = ${rcloneObscure('not used')}\n`, { mode: 0o600 });
  ok(await cryptsync(['task', 'add', 'offsite', '--type', 'cloud', '--source', join(dir, 'src'), '--dest', 'silent:backup', '--config', conf, '--stall-minutes', '0.05'], { env }), 'task add');
  const cmd = ok(await cryptsync(['task', 'command', 'offsite'], { env }), 'task command').stdout;
  assert.match(cmd, /--contimeout 30s --timeout 2m/);
  const t0 = Date.now();
  const r = await cryptsync(['run', 'offsite', '--json'], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(Date.now() - t0 < 20_000, `ended by the 3 s stall timeout: ${Date.now() - t0} ms`);
  const end = jsonLines(r.stdout).find((e) => e.type === 'step-end' && e.step === 'cloud');
  assert.equal(end?.errorCode, 'STALLED', JSON.stringify(end));
  assert.match(String(end?.message), /cloud step stopped: no progress for 3 s/);
});
