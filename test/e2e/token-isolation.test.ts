// The web token never reaches another local origin. The real `cryptsync serve` and a second
// plain HTTP server on another 127.0.0.1 port (recording every request's headers) are opened in
// one Chromium context: the UI works (tasks load, live events arrive over the ticketed stream),
// then the other port's page is loaded in the same context and tries everything a page can:
// its own requests never carry the token (cookies are shared across ports; nothing else may
// leak), it cannot read the token, and its calls to the API are refused. The token appears in
// the server's output only in the start-up line. `serve --url` prints a usable URL from a 0600
// file, and says when no server runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startServe, type ServeProcess } from '../helpers/browser.js';
import { cliEnv, cryptsync } from '../helpers/cli.js';

const WAIT_MS = 30_000;

let home: string;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;
let token: string;
let other: Server;
let otherOrigin: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let browser: Browser;
let context: BrowserContext;
let page: Page;

const OTHER_PAGE = `<!doctype html><meta charset="utf-8"><title>other</title><body>another local app</body>`;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'cryptsync-token-iso-'));
  env = cliEnv(home);
  serve = await startServe(env);
  token = new URL(serve.url).hash.replace(/^#token=/, '');
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(OTHER_PAGE);
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
});

after(async () => {
  await browser?.close();
  await new Promise((r) => other?.close(r));
  if (serve) assert.equal(await serve.stop(), 0, serve.output());
  await rm(home, { recursive: true, force: true });
});

test('the UI works with the token from the fragment: tasks load and live events arrive', async () => {
  await page.goto(serve.url);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await page.getByText('No tasks yet').waitFor();
  assert.equal(page.url(), `${serve.origin}/`, 'the fragment is gone from the address bar');
  // a task added from the CLI arrives through the event stream (no reload)
  await mkdir(join(home, 'src'));
  const cli = await cryptsync(['task', 'add', 'docs', '--type', 'synchronize', '--source', join(home, 'src'), '--dest', join(home, 'dst')], { env });
  assert.equal(cli.code, 0, cli.stderr);
  // (browser code as text: the test is compiled without DOM types)
  const { runId } = (await page.evaluate(`(async () => {
    const t = sessionStorage.getItem('cryptsync-token');
    const r = await fetch('/api/tasks/docs/runs', { method: 'POST', headers: { Authorization: 'Bearer ' + t, 'Content-Type': 'application/json' }, body: '{"dryRun":true}' });
    return r.json();
  })()`)) as { runId: number };
  assert.ok(runId > 0);
  await page.locator('tr[data-task="docs"]').waitFor();
  assert.deepEqual(await context.cookies(), [], 'no cookie at all');
});

test('a page on another 127.0.0.1 port never receives the token and cannot use the API', async () => {
  await page.goto(`${otherOrigin}/landing`);
  await page.getByText('another local app').waitFor();
  const probe = (await page.evaluate(`(async (api) => {
    const out = { stored: sessionStorage.getItem('cryptsync-token'), cookie: document.cookie };
    await fetch('/same-origin-call', { credentials: 'include' });
    const plain = await fetch(api + '/api/tasks', { credentials: 'include' }).then((r) => r.status, (e) => 'blocked: ' + e.message);
    const opaque = await fetch(api + '/api/tasks', { mode: 'no-cors', credentials: 'include' }).then((r) => r.type);
    const ticket = await fetch(api + '/api/events/ticket', { method: 'POST', credentials: 'include' }).then((r) => r.status, (e) => 'blocked: ' + e.message);
    return { ...out, plain, opaque, ticket };
  })(${JSON.stringify(serve.origin)})`)) as Record<string, unknown>;
  assert.equal(probe.stored, null, 'sessionStorage is per origin (port included)');
  assert.equal(probe.cookie, '');
  assert.equal(probe.opaque, 'opaque', 'a no-cors answer cannot be read');
  // the API refuses: either the browser blocks the cross-origin read (no CORS) or it is a 401/403
  for (const k of ['plain', 'ticket']) assert.ok(probe[k] === 401 || probe[k] === 403 || String(probe[k]).startsWith('blocked'), `${k}: ${String(probe[k])}`);
  // the same requests made with the context's cookies, as a browser would send them
  const direct = await page.request.get(`${serve.origin}/api/tasks`);
  assert.equal(direct.status(), 401, 'the browser context holds no credential for the API');

  assert.ok(seen.length >= 2, `the other server saw the page and its fetch: ${seen.length}`);
  for (const r of seen) {
    const all = JSON.stringify(r);
    assert.ok(!all.includes(token), `request ${r.url} to the other port carried the token: ${all}`);
    assert.equal(r.headers.cookie, undefined, `request ${r.url} carried a cookie`);
  }
});

test('the token appears in the output only in the start-up line', () => {
  const lines = serve.output().split('\n').filter((l) => l.includes(token));
  assert.deepEqual(lines, [`cryptsync web UI: ${serve.url}`]);
});

test('serve --url prints a usable URL from a 0600 file; without a server it says so', async () => {
  const file = join(home, 'web-ui.json');
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'the URL file is not readable by others');
  const r = await cryptsync(['serve', '--url'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), `cryptsync web UI: ${serve.url}`);
  const fresh = await browser.newContext();
  try {
    const p = await fresh.newPage();
    await p.goto(r.stdout.trim().replace(/^cryptsync web UI: /, ''));
    await p.locator('[data-testid=connection]', { hasText: 'live' }).waitFor({ timeout: WAIT_MS });
  } finally {
    await fresh.close();
  }
  assert.equal(await serve.stop(), 0, serve.output());
  const none = await cryptsync(['serve', '--url'], { env });
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /no cryptsync web UI is running/);
  assert.ok(!none.stderr.includes(token) && !none.stdout.includes(token));
  serve = await startServe(env);
});
