// Property tests for names: every mode and encoding round-trips arbitrary Unicode segments and
// paths; names-on-disk conversion round-trips; 20,000 names encrypt quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Cipher, diskToStandard, standardToDisk } from '../../src/crypt/index.js';

const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('/'));
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((a) => a.join('/'));

const configs = [
  { filenameEncryption: 'standard', filenameEncoding: 'base32' },
  { filenameEncryption: 'standard', filenameEncoding: 'base64' },
  { filenameEncryption: 'standard', filenameEncoding: 'base32768' },
  { filenameEncryption: 'standard', filenameEncoding: 'base32', directoryNameEncryption: false },
  { filenameEncryption: 'obfuscate' },
  { filenameEncryption: 'off' },
] as const;

for (const cfg of configs) {
  test(`property: names round-trip (${JSON.stringify(cfg)})`, async () => {
    const c = await Cipher.create({ password: 'names', ...cfg });
    fc.assert(
      fc.property(path, (p) => {
        assert.equal(c.decryptFileName(c.encryptFileName(p)), p);
        assert.equal(c.decryptDirName(c.encryptDirName(p)), p);
      }),
      { numRuns: 300 },
    );
  });
}

test('property: bytes API round-trips arbitrary bytes (standard)', async () => {
  const c = await Cipher.create({ password: 'names' });
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (b) => {
      assert.ok(c.decryptSegmentBytes(c.encryptSegmentBytes(Buffer.from(b))).equals(Buffer.from(b)));
    }),
  );
});

test('property: disk -> standard -> disk is the identity for names without U+201B', () => {
  const chars = fc.constantFrom('a', ' ', '.', '\t', '\n', '\x01', '\x1f', '\x7f', '␀', '␉', '␡', '／', '．', '␠', 'é', '中', '\u2421');
  fc.assert(
    fc.property(fc.array(chars, { minLength: 1, maxLength: 12 }).map((a) => a.join('')), (name) => {
      if (name === '.' || name === '..') return; // not possible as a file name
      const std = diskToStandard(name);
      assert.ok(!/[\x00-\x1f\x7f]/.test(std), 'standard has no control chars');
      assert.equal(standardToDisk(std), name);
    }),
    { numRuns: 1000 },
  );
});

test('143-byte names fit in 255 base32 characters; 144 do not', async () => {
  const c = await Cipher.create({ password: 'names' });
  assert.ok(c.encryptFileName('x'.repeat(143)).length <= 255);
  assert.ok(c.encryptFileName('x'.repeat(144)).length > 255);
});

/** CPU time (user + system) of `f` in ms: wall time is meaningless on a shared, loaded machine. */
function cpuMs(f: () => void): number {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

test('20,000 names encrypt and decrypt well under 100 ms each way (CPU time, best of 3)', async () => {
  const c = await Cipher.create({ password: 'names' });
  const names = Array.from({ length: 20000 }, (_, i) => `file-number-${i}.txt`);
  for (let i = 0; i < 2000; i++) c.decryptFileName(c.encryptFileName(`warm-up-${i}`));
  let enc: string[] = [];
  let dec: string[] = [];
  let encMs = Infinity;
  let decMs = Infinity;
  for (let round = 0; round < 3; round++) {
    encMs = Math.min(encMs, cpuMs(() => (enc = names.map((n) => c.encryptFileName(n)))));
    decMs = Math.min(decMs, cpuMs(() => (dec = enc.map((n) => c.decryptFileName(n)))));
  }
  assert.deepEqual(dec, names);
  assert.ok(encMs < 100, `encrypt took ${encMs.toFixed(1)} ms`);
  assert.ok(decMs < 100, `decrypt took ${decMs.toFixed(1)} ms`);
});
