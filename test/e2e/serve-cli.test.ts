// `cryptsync serve` as a process: loopback by default, --host elsewhere only with
// --allow-remote (and a warning), PORT honoured, a busy port refused, the start-up line, the
// token printed once, and a clean stop on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe } from '../helpers/browser.js';
import { cliEnv, cryptsync } from '../helpers/cli.js';

let home: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'cryptsync-serve-'));
  env = cliEnv(home);
  delete env.PORT;
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('serve prints its URL once, answers with the token only, and stops cleanly on SIGTERM', async () => {
  const s = await startServe(env);
  const token = new URL(s.url).hash.replace(/^#token=/, '');
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  const api = `${s.origin}/api/tasks`;
  assert.equal((await get(api, {})).status, 401);
  assert.equal((await get(api, { authorization: `Bearer ${token}` })).status, 200);
  assert.equal((await get(api, { authorization: `Bearer ${token}`, host: `attacker.example:${s.port}` })).status, 403);
  assert.equal(await s.stop(), 0);
  assert.equal(s.output().split(token).length - 1, 1, 'the token appears exactly once in the output');
  assert.match(s.output(), /stopped/);
});

test('PORT is honoured; a busy port is a clear usage error', async () => {
  const port = await freePort();
  const s = await startServe({ ...env, PORT: String(port) }, [], { freePort: false });
  try {
    assert.equal(s.port, port);
    const busy = await cryptsync(['serve', '--port', String(port)], { env });
    assert.equal(busy.code, 2);
    assert.match(busy.stderr, new RegExp(`port ${port}.*in use`));
  } finally {
    await s.stop();
  }
});

test('a non-loopback --host needs --allow-remote, and then prints a warning', async () => {
  const refused = await cryptsync(['serve', '--host', '0.0.0.0', '--port', '0'], { env });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--allow-remote/);
  const s = await startServe(env, ['--host', '0.0.0.0', '--allow-remote']);
  try {
    assert.match(s.output(), /warning: .*network/);
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:/, 'the URL printed is one a browser can open');
  } finally {
    await s.stop();
  }
});

test('bad --port and a weak CRYPTSYNC_WEB_TOKEN are usage errors', async () => {
  for (const args of [['--port', '70000'], ['--port', 'http']]) {
    const r = await cryptsync(['serve', ...args], { env });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /--port/);
  }
  const weak = await cryptsync(['serve', '--port', '0'], { env: { ...env, CRYPTSYNC_WEB_TOKEN: 'short' } });
  assert.equal(weak.code, 2);
  assert.match(weak.stderr, /CRYPTSYNC_WEB_TOKEN/);
  assert.doesNotMatch(weak.stderr, /short/);
});

test('SIGTERM during a run aborts it and logs it as aborted before the process exits', async () => {
  const s = await startServe(env);
  const token = new URL(s.url).hash.replace(/^#token=/, '');
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    assert.equal((await fetch(`${s.origin}/api/demo`, { method: 'POST', headers: auth })).status, 201);
    await writeFile(join(home, 'demo', 'plain', 'big.bin'), Buffer.alloc(256 * 1024 * 1024, 5));
    const res = await fetch(`${s.origin}/api/tasks/demo-backup/runs`, { method: 'POST', headers: auth, body: '{}' });
    assert.equal(res.status, 202);
    const { runId } = (await res.json()) as { runId: number };
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await s.stop(), 0, s.output());
    const log = await cryptsync(['log', '--run', String(runId), '--json'], { env });
    assert.equal(log.code, 0, log.stderr);
    assert.match(log.stdout, /"status":"aborted"/);
  } finally {
    await s.stop();
  }
});

test('--config points the server at another rclone.conf', async () => {
  const conf = join(home, 'elsewhere', 'rclone.conf');
  const s = await startServe(env, ['--config', conf]);
  const token = new URL(s.url).hash.replace(/^#token=/, '');
  try {
    const res = await fetch(`${s.origin}/api/remotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'other', path: join(home, 'other-enc'), password: 'a long enough password here' }),
    });
    assert.equal(res.status, 201, await res.text());
    assert.match(await readFile(conf, 'utf8'), /^\[other\]$/m);
  } finally {
    await s.stop();
  }
});
