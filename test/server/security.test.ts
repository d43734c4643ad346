// The web server's refusals: no token, wrong token, foreign Host (DNS rebinding), foreign
// Origin on writes (CSRF), no cookie ever, single-use event-stream tickets, static file
// confinement, and that errors never carry a stack trace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness, TOKEN, HOST, ORIGIN, PORT } from './harness.js';
import { allowedHosts, generateToken, TicketBook, TICKET_TTL_MS } from '../../src/server/security.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('every /api request without a token is refused with 401 JSON', async () => {
  for (const [m, p] of [
    ['GET', '/api/tasks'],
    ['GET', '/api/runs'],
    ['GET', '/api/events'],
    ['POST', '/api/demo'],
    ['DELETE', '/api/tasks/x'],
  ] as const) {
    const res = await h.req(m, p, { auth: false });
    assert.equal(res.status, 401, `${m} ${p}`);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'UNAUTHORIZED');
  }
  assert.deepEqual(h.engine.listTasks(), [], 'the refused POST /api/demo did nothing');
});

test('a wrong bearer token is refused, a cookie is never accepted; the right bearer is', async () => {
  assert.equal((await h.req('GET', '/api/tasks', { auth: false, headers: { authorization: 'Bearer nope' } })).status, 401);
  assert.equal((await h.req('GET', '/api/tasks', { auth: false, headers: { cookie: `cryptsync_token_${PORT}=${TOKEN}` } })).status, 401, 'cookies are shared across ports: never a credential');
  assert.equal((await h.req('GET', `/api/tasks?token=${TOKEN}`, { auth: false })).status, 401, 'never in a URL');
  assert.equal((await h.req('GET', '/api/tasks', { auth: false, headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
});

test('no response ever sets a cookie or a CORS header', async () => {
  for (const p of ['/', `/?token=${TOKEN}`, '/api/tasks', '/api/info']) {
    const res = await h.req('GET', p, { headers: { origin: 'http://127.0.0.1:9999' } });
    assert.equal(res.headers.get('set-cookie'), null, p);
    assert.equal(res.headers.get('access-control-allow-origin'), null, p);
    assert.doesNotMatch(await res.text(), new RegExp(TOKEN), p);
  }
  const pre = await h.req('OPTIONS', '/api/tasks', { auth: false, headers: { origin: 'http://127.0.0.1:9999', 'access-control-request-headers': 'authorization' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.equal(pre.headers.get('access-control-allow-headers'), null);
});

test('the event stream needs a ticket from an authenticated POST; a ticket works once and expires', async () => {
  assert.equal((await h.req('POST', '/api/events/ticket', { auth: false })).status, 401);
  const { ticket } = (await (await h.req('POST', '/api/events/ticket')).json()) as { ticket: string };
  assert.match(ticket, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(ticket, TOKEN);
  assert.equal((await h.req('GET', `/api/tasks?ticket=${ticket}`, { auth: false })).status, 401, 'a ticket opens only the event stream');
  const { ticket: t2 } = (await (await h.req('POST', '/api/events/ticket')).json()) as { ticket: string };
  const ctl = new AbortController();
  const first = await h.web.app.request(`http://${HOST}/api/events?ticket=${t2}`, { headers: { host: HOST }, signal: ctl.signal });
  assert.equal(first.status, 200);
  ctl.abort();
  await first.body?.cancel().catch(() => {});
  assert.equal((await h.req('GET', `/api/events?ticket=${t2}`, { auth: false })).status, 401, 'single use');
  let now = 1000;
  const book = new TicketBook(() => now);
  const late = book.issue().ticket;
  now += TICKET_TTL_MS;
  assert.equal(book.redeem(late), false, 'expired');
  const ok = book.issue().ticket;
  assert.equal(book.redeem(ok), true);
  assert.equal(book.redeem(ok), false);
});

test('a foreign Host header is refused even with the token (DNS rebinding)', async () => {
  for (const host of ['evil.example:8787', `127.0.0.1:${PORT + 1}`, 'evil.example', '127.0.0.1']) {
    const res = await h.req('GET', '/api/tasks', { headers: { host } });
    assert.equal(res.status, 403, host);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FOREIGN_HOST');
  }
  const page = await h.req('GET', '/', { auth: false, headers: { host: 'evil.example:8787' } });
  assert.equal(page.status, 403, 'not even the app shell for a rebinding page');
  for (const host of [`localhost:${PORT}`, `LOCALHOST:${PORT}`, `[::1]:${PORT}`, HOST]) {
    assert.equal((await h.req('GET', '/api/tasks', { headers: { host } })).status, 200, host);
  }
  assert.deepEqual([...allowedHosts({ port: 1, boundHost: '::1' })].sort(), ['127.0.0.1:1', '[::1]:1', 'localhost:1']);
});

test('a write with a foreign Origin is refused (CSRF); same origin and no Origin pass', async () => {
  for (const origin of ['http://evil.example', `http://127.0.0.1:${PORT + 1}`, 'null', `https://${HOST}`]) {
    const res = await h.req('POST', '/api/tasks', { body: {}, headers: { origin } });
    assert.equal(res.status, 403, origin);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'FOREIGN_ORIGIN');
  }
  // same origin: reaches the engine (which then validates the empty task)
  const ok = await h.req('POST', '/api/tasks', { body: {}, headers: { origin: ORIGIN } });
  assert.equal(ok.status, 400);
  const get = await h.req('GET', '/api/tasks', { headers: { origin: 'http://evil.example' } });
  assert.equal(get.status, 200, 'reads are guarded by Host and token, not Origin');
});

test('static files: the app shell holds no secret, has strict headers, and nothing outside web/dist is served', async () => {
  const page = await h.req('GET', '/', { auth: false });
  assert.ok(page.status === 200 || page.status === 503, `status ${page.status}`);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  for (const p of ['/%2e%2e/package.json', '/..%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/nope.js']) {
    const res = await h.req('GET', p);
    assert.equal(res.status, 404, p);
    assert.doesNotMatch(await res.text(), /"name": "cryptsync"/);
  }
  for (const p of ['/%E0%A4%A', '/a%00b.js']) assert.equal((await h.req('GET', p)).status, 400, p);
  assert.deepEqual(h.reported, [], 'bad paths are not internal errors');
});

test('errors are JSON with a code and never a stack trace; unknown API routes are 404', async () => {
  const bad = await h.req('POST', '/api/tasks', { raw: '{not json' });
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'BAD_JSON');
  const missing = await h.req('GET', '/api/nothing-here');
  assert.equal(missing.status, 404);
  const big = await h.req('POST', '/api/tasks', { raw: JSON.stringify({ notes: 'x'.repeat(2 * 1024 * 1024) }) });
  assert.equal(big.status, 400);
  assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'BODY_TOO_LARGE');
  for (const r of [bad, missing, big]) assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(h.reported, []);
});

test('tokens are 32 random bytes, base64url', () => {
  const a = generateToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateToken());
});
