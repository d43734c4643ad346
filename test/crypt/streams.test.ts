// Content streaming: any input slicing (byte by byte, odd slices), chunk boundaries, seeking, and
// tampering (flipped bit, dropped tail, swapped chunks, wrong password) always gives a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BLOCK_DATA_SIZE, BLOCK_SIZE, Cipher, CryptError, FILE_HEADER_SIZE } from '../../src/crypt/index.js';

const BOUNDARIES = [0, 1, 65535, 65536, 65537, 2 * 65536, 2 * 65536 + 7];

async function* slices(b: Buffer, size: number | (() => number)): AsyncGenerator<Uint8Array> {
  let pos = 0;
  while (pos < b.length) {
    const n = Math.max(1, typeof size === 'number' ? size : size());
    yield b.subarray(pos, pos + n);
    pos += n;
  }
}
async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}
function odd(): () => number {
  const sizes = [1, 7, 31, 4096, 65535, 65553, 3, 100000];
  let i = 0;
  return () => sizes[i++ % sizes.length] as number;
}
const isCode = (code: string) => (e: unknown) => e instanceof CryptError && e.code === code;

let cipherP: Promise<Cipher> | undefined;
const getCipher = () => (cipherP ??= Cipher.create({ password: 'stream test', password2: 'salt' }));

test('round trip at chunk boundaries with whole, odd and single-byte slicing', async () => {
  const c = await getCipher();
  for (const n of BOUNDARIES) {
    const plain = randomBytes(n);
    const nonce = randomBytes(24);
    const whole = await collect(c.encrypt(slices(plain, 1 << 20), { nonce }));
    assert.equal(whole.length, c.encryptedSize(n));
    assert.equal(c.decryptedSize(whole.length), n);
    const oddEnc = await collect(c.encrypt(slices(plain, odd()), { nonce }));
    assert.ok(oddEnc.equals(whole), `odd slices encrypt identically at ${n}`);
    assert.ok((await collect(c.decrypt(slices(whole, odd())))).equals(plain), `odd decrypt ${n}`);
    if (n <= 65537) {
      assert.ok((await collect(c.decrypt(slices(whole, 1)))).equals(plain), `byte-by-byte decrypt ${n}`);
    }
  }
});

test('byte-by-byte encryption', async () => {
  const c = await getCipher();
  const plain = randomBytes(65537);
  const nonce = randomBytes(24);
  const a = await collect(c.encrypt(slices(plain, 1), { nonce }));
  const b = await collect(c.encrypt(slices(plain, plain.length), { nonce }));
  assert.ok(a.equals(b));
});

test('low-level encryptor/decryptor and nonce carry', async () => {
  const c = await getCipher();
  const nonce = Buffer.alloc(24, 0xff);
  nonce[23] = 0x7f;
  const enc = c.newEncryptor(nonce);
  assert.equal(enc.header.length, FILE_HEADER_SIZE);
  const blocks = [randomBytes(BLOCK_DATA_SIZE), randomBytes(BLOCK_DATA_SIZE), randomBytes(10)];
  const sealed = blocks.map((b) => Buffer.from(enc.sealBlock(b)));
  const dec = c.newDecryptor(enc.header);
  blocks.forEach((b, i) => assert.ok(dec.openBlock(sealed[i] as Buffer).equals(b)));
  // the second chunk's nonce is all-zero bytes 0..22 + 0x80 (carry through 23 bytes)
  const out = Buffer.alloc(BLOCK_SIZE);
  const enc2 = c.newEncryptor(nonce);
  enc2.sealBlock(blocks[0] as Buffer, out);
  assert.ok(out.equals(sealed[0] as Buffer), 'preallocated output gives the same bytes');
});

test('seek: decryptFrom any offset equals the tail of the plaintext', async () => {
  const c = await getCipher();
  const plain = randomBytes(3 * 65536 + 123);
  const enc = await collect(c.encrypt(slices(plain, plain.length)));
  for (const off of [0, 1, 65535, 65536, 65537, 2 * 65536 + 5, plain.length - 1, plain.length]) {
    const plan = c.seekPlan(off);
    assert.equal(plan.blockIndex, Math.floor(off / 65536));
    assert.equal(plan.underlyingOffset, 32 + plan.blockIndex * BLOCK_SIZE);
    const got = await collect(c.decryptFrom(enc.subarray(0, 32), slices(enc.subarray(plan.underlyingOffset), odd()), off));
    assert.ok(got.equals(plain.subarray(off)), `offset ${off}`);
  }
  assert.throws(() => c.seekPlan(-1), isCode('BAD_OFFSET'));
});

test('tampering: flipped bit, dropped tail, swapped chunks, wrong password, short header, bad magic', async () => {
  const c = await getCipher();
  const plain = randomBytes(3 * 65536 + 100);
  const enc = await collect(c.encrypt(slices(plain, plain.length)));

  for (const pos of [32, 32 + 20, 32 + BLOCK_SIZE + 5, enc.length - 1]) {
    const bad = Buffer.from(enc);
    bad[pos] = (bad[pos] as number) ^ 0x01;
    const got: Buffer[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of c.decrypt(slices(bad, odd()), { fileName: 'f.bin' })) got.push(Buffer.from(p));
      })(),
      (e: unknown) => isCode('AUTH_FAILED')(e) && (e as Error).message === 'f.bin: failed to authenticate decrypted block - bad password?',
    );
    const good = Buffer.concat(got);
    assert.ok(plain.subarray(0, good.length).equals(good), 'only verified plaintext came out');
    assert.equal(good.length % BLOCK_DATA_SIZE, 0);
  }
  // dropped tail inside the last chunk
  await assert.rejects(collect(c.decrypt(slices(enc.subarray(0, enc.length - 1), 999))), isCode('AUTH_FAILED'));
  // a tail of 1..16 bytes: truncated block header
  for (const keep of [1, 16]) {
    await assert.rejects(collect(c.decrypt(slices(enc.subarray(0, 32 + 3 * BLOCK_SIZE + keep), 999))), isCode('TRUNCATED_BLOCK_HEADER'));
  }
  // swapped chunks
  const swapped = Buffer.concat([
    enc.subarray(0, 32),
    enc.subarray(32 + BLOCK_SIZE, 32 + 2 * BLOCK_SIZE),
    enc.subarray(32, 32 + BLOCK_SIZE),
    enc.subarray(32 + 2 * BLOCK_SIZE),
  ]);
  await assert.rejects(collect(c.decrypt(slices(swapped, 4096))), isCode('AUTH_FAILED'));
  // wrong password
  const wrong = await Cipher.create({ password: 'stream test', password2: 'other salt' });
  await assert.rejects(collect(wrong.decrypt(slices(enc, 1000))), isCode('AUTH_FAILED'));
  // header problems
  await assert.rejects(collect(c.decrypt(slices(enc.subarray(0, 31), 1))), isCode('TOO_SHORT'));
  await assert.rejects(collect(c.decrypt(slices(Buffer.alloc(0), 1))), isCode('TOO_SHORT'));
  const magic = Buffer.from(enc);
  magic[0] = 0x72;
  await assert.rejects(collect(c.decrypt(slices(magic, 5))), isCode('BAD_MAGIC'));
  // a chunk dropped exactly at a boundary is undetectable by design (no whole-file MAC): shorter file
  const cut = await collect(c.decrypt(slices(enc.subarray(0, 32 + 2 * BLOCK_SIZE), 9999)));
  assert.ok(cut.equals(plain.subarray(0, 2 * BLOCK_DATA_SIZE)));
});

test('no_data_encryption passes content through', async () => {
  const c = await Cipher.create({ password: 'x', noDataEncryption: true });
  const plain = randomBytes(70000);
  const enc = await collect(c.encrypt(slices(plain, 777)));
  assert.ok(enc.equals(plain));
  assert.equal(c.encryptedSize(5), 5);
  assert.ok((await collect(c.decrypt(slices(enc, 3)))).equals(plain));
});

test('property: content round-trips for any size and slicing', async () => {
  const c = await getCipher();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200000 }), fc.integer({ min: 1, max: 70000 }), async (data, slice) => {
      const plain = Buffer.from(data);
      const enc = await collect(c.encrypt(slices(plain, slice)));
      assert.equal(enc.length, c.encryptedSize(plain.length));
      assert.ok((await collect(c.decrypt(slices(enc, slice)))).equals(plain));
    }),
    { numRuns: 40 },
  );
});
