// A password inside a URL never survives into a message; everything else is left as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrlPasswords } from '../../src/util/redact.js';
import { seededRandom } from '../helpers/seeded-random.js';

test('URL passwords are masked, user names and the rest of the text kept', () => {
  assert.equal(redactUrlPasswords('Failed: Put "https://bob:s3cr%40t@dav.example.org/x": 401'), 'Failed: Put "https://bob:***@dav.example.org/x": 401');
  assert.equal(redactUrlPasswords('sftp://:tok@host and http://h/p and user@host:path'), 'sftp://:***@host and http://h/p and user@host:path');
  const seed = Number(process.env.REDACT_SEED || Math.floor(Math.random() * 2 ** 32));
  const rand = seededRandom(seed);
  const alphabet = 'abcXYZ019!$%&*+,;=~-._';
  for (let i = 0; i < 500; i++) {
    const pass = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const out = redactUrlPasswords(`error: webdavs://user${i}:${pass}@h${i}.example/dir`);
    assert.ok(!out.includes(`:${pass}@`), `seed ${seed}: ${out}`);
    assert.ok(out.includes(`user${i}:***@h${i}.example/dir`), `seed ${seed}: ${out}`);
  }
});
