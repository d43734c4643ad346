// The pure-TypeScript AES-256 block function used for names must agree with OpenSSL (node:crypto),
// and EME must match the worked example of the spec (section 3.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { AesBlock } from '../../src/crypt/aes-block.js';
import { Eme } from '../../src/crypt/eme.js';

test('AES-256 block agrees with node:crypto both ways', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, block) => {
      const ref = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(block);
      const aes = new AesBlock(key);
      const out = Buffer.alloc(16);
      aes.encrypt(block, 0, out, 0);
      assert.ok(out.equals(ref));
      aes.decrypt(out, 0, out, 0);
      assert.ok(out.equals(Buffer.from(block)));
    }),
    { numRuns: 500 },
  );
});

test('EME: spec worked example (std_pw keys)', () => {
  const key = Buffer.from('c017a5d73b8a13da3257bf928cd74c5e801e9989c3b7a0c373298a9b275a307b', 'hex');
  const tweak = Buffer.from('bfd82eaeea770b00f282a312d8a8c4c7', 'hex');
  const eme = new Eme(key, tweak);
  const one = Buffer.from('6f6e652e747874090909090909090909', 'hex');
  assert.equal(eme.encrypt(one).toString('hex'), '109b64aa9efe6e2981db623000e8e53a');
  const two = Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.alloc(16, 16)]);
  const c2 = eme.encrypt(two);
  assert.equal(c2.toString('hex'), '6cd465476f075777d59554170bb251b81b05396e818cd5e780b5c4bdeb70fc46');
  assert.ok(eme.decrypt(c2).equals(two));
  const big = randomBytes(16 * 128);
  assert.ok(eme.decrypt(eme.encrypt(big)).equals(big));
  assert.throws(() => eme.encrypt(Buffer.alloc(16 * 129)), RangeError);
});
