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
  let r = await h.json('POST', '/api/remotes', { name: 'a', path: folder, password: 'password of a' });
  assert.equal(r.status, 201, r.text);
  r = await h.json('POST', '/api/remotes', { name: 'b', path: join(h.home, 'enc-b'), password: 'password of b' });
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
  let r = await h.json('POST', '/api/remotes', { name: 'used', path: join(h.home, 'enc-used'), password: 'pw used' });
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
