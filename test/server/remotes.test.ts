// Crypt remotes over the API: remove one (the rclone.conf loses its section, the encrypted
// folder stays), and removal is refused while an encrypt task uses the remote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('DELETE /api/remotes/NAME removes an unused remote and keeps its folder', async () => {
  const folder = join(h.home, 'enc-a');
  await mkdir(folder, { recursive: true });
  let r = await h.json('POST', '/api/remotes', { name: 'a', path: folder, password: 'password of remote a' });
  assert.equal(r.status, 201, r.text);
  r = await h.json('POST', '/api/remotes', { name: 'b', path: join(h.home, 'enc-b'), password: 'password of remote b' });
  assert.equal(r.status, 201, r.text);
  const res = await h.req('DELETE', '/api/remotes/a');
  assert.equal(res.status, 204);
  const list = await h.json<Array<{ name: string }>>('GET', '/api/remotes');
  assert.deepEqual(list.body.map((x) => x.name), ['b']);
  const conf = await readFile(join(h.home, 'rclone.conf'), 'utf8');
  assert.doesNotMatch(conf, /^\[a\]$/m);
  assert.match(conf, /^\[b\]$/m);
  assert.ok((await stat(folder)).isDirectory(), 'the encrypted folder is never deleted');
});

test('a remote used by an encrypt task cannot be removed; an unknown one is a 404', async () => {
  const plain = join(h.home, 'plain');
  await mkdir(plain, { recursive: true });
  let r = await h.json('POST', '/api/remotes', { name: 'used', path: join(h.home, 'enc-used'), password: 'password of the used remote' });
  assert.equal(r.status, 201, r.text);
  r = await h.json('POST', '/api/tasks', { name: 'enc', type: 'encrypt', source: plain, remote: 'used:' });
  assert.equal(r.status, 201, r.text);
  const refused = await h.json<{ error: { code: string; message: string } }>('DELETE', '/api/remotes/used');
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'REMOTE_IN_USE');
  assert.match(refused.body.error.message, /enc/);
  const missing = await h.json<{ error: { code: string } }>('DELETE', '/api/remotes/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'REMOTE_NOT_FOUND');
});

test('POST /api/remotes refuses a weak password or salt, naming the field and not the value; allowWeakPassword keeps it', async () => {
  type Err = { error: { code: string; message: string; field?: string } };
  for (const [body, field] of [
    [{ password: 'a' }, 'password'],
    [{ password: 'qwerty123' }, 'password'],
    [{ password: 'password of the weak test', password2: 'qwerty123' }, 'password2'],
  ] as const) {
    const r = await h.json<Err>('POST', '/api/remotes', { name: 'weak', path: join(h.home, 'enc-weak'), ...body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.code, 'WEAK_PASSWORD');
    assert.ok(r.body.error.message.startsWith(`${field}: too easy to guess`), r.body.error.message);
    assert.ok(!r.text.includes('qwerty123'), 'the password is not in the response');
  }
  assert.doesNotMatch(await readFile(join(h.home, 'rclone.conf'), 'utf8'), /^\[weak\]$/m, 'nothing was saved');
  const kept = await h.json('POST', '/api/remotes', { name: 'weak', path: join(h.home, 'enc-weak'), password: 'a', password2: 'qwerty123', allowWeakPassword: true });
  assert.equal(kept.status, 201, kept.text);
  assert.match(await readFile(join(h.home, 'rclone.conf'), 'utf8'), /^\[weak\]$/m);
});
