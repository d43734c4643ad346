// The manifest's bytes and keys (src/integrity): canonical serialization, the MAC checked before
// anything is believed, the MAC key derived apart from the content and name keys, and the
// rollback/fork judgement against this machine's record. Seeded entries, seed printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cipher } from '../../src/crypt/index.js';
import { serializeManifest, parseManifest, headHash, manifestMacKey, manifestUnavailable, chainFinding, ManifestFormatError, type Manifest, type ManifestEntry } from '../../src/integrity/index.js';
import { blake2b } from '../../src/integrity/hashing.js';
import { seededRandom } from '../helpers/seeded-random.js';

const seed = Number(process.env.MANIFEST_SEED || Math.floor(Math.random() * 2 ** 32));
console.log(`manifest-format seed: ${seed} (replay with MANIFEST_SEED=${seed})`);

const hex = (rand: () => number, bytes: number): string => Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('');

function randomManifest(rand: () => number, generation: number): Manifest {
  const entries: ManifestEntry[] = [];
  const n = 1 + Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) {
    const path = `d${Math.floor(rand() * 5)}/f ${i} ünï "q" \\ ${hex(rand, 2)}`;
    if (rand() < 0.15) entries.push({ type: 'dir', path: `dir ${i}`, enc: `enc-dir-${hex(rand, 6)}` });
    else entries.push({ type: 'file', path, enc: `enc-${hex(rand, 8)}/${hex(rand, 10)}`, size: Math.floor(rand() * 2 ** 40), mtimeNs: BigInt(Math.floor(rand() * 2 ** 31)) * 1000000000n + BigInt(Math.floor(rand() * 1e9)), hash: hex(rand, 32), nonce: rand() < 0.1 ? null : hex(rand, 24) });
  }
  return { generation, time: new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 1e10)).toISOString(), previous: generation > 1 ? hex(rand, 32) : null, chain: generation > 1 ? [{ generation: generation - 1, head: hex(rand, 32) }] : [], entries };
}

const cipher = Cipher.createSync({ password: 'manifest format test password', password2: 'and its salt' });
const key = manifestMacKey(cipher.keys);

test('a manifest round-trips byte for byte, whatever order its entries come in', () => {
  const rand = seededRandom(seed);
  for (let i = 0; i < 20; i++) {
    const m = randomManifest(rand, 1 + i);
    const bytes = serializeManifest(m, key);
    const back = parseManifest(bytes, key);
    assert.equal(back.generation, m.generation);
    assert.equal(back.entries.length, m.entries.length);
    assert.ok(serializeManifest({ ...m, entries: [...m.entries].reverse() }, key).equals(bytes), 'one serialization per manifest');
    assert.ok(serializeManifest(back, key).equals(bytes));
    assert.match(headHash(bytes), /^[0-9a-f]{64}$/);
  }
});

test('an edited byte, a truncation, a MAC under another key and a non-canonical body are refused', () => {
  const rand = seededRandom(seed ^ 0x9e3779b9);
  const m = randomManifest(rand, 3);
  const bytes = serializeManifest(m, key);
  for (let i = 0; i < 30; i++) {
    const at = Math.floor(rand() * bytes.length);
    const edited = Buffer.from(bytes);
    edited[at] = (edited[at] as number) ^ (1 + Math.floor(rand() * 255));
    assert.throws(() => parseManifest(edited, key), ManifestFormatError, `byte ${at} edited`);
  }
  assert.throws(() => parseManifest(bytes.subarray(0, bytes.length - 1 - Math.floor(rand() * 100)), key), ManifestFormatError);
  const other = manifestMacKey(Cipher.createSync({ password: 'another password entirely here', password2: 'and its salt' }).keys);
  assert.throws(() => parseManifest(serializeManifest(m, other), key), /MAC does not match/);
  // a valid MAC over bytes that are not the canonical form (a space added) is still refused
  const body = bytes.subarray(0, bytes.lastIndexOf(0x0a, bytes.length - 2) + 1).toString('utf8').replace('{"format"', '{ "format"');
  const loose = Buffer.from(body, 'utf8');
  assert.throws(() => parseManifest(Buffer.concat([loose, Buffer.from(`{"mac":"${blake2b(loose, key)}"}\n`)]), key), /not in canonical form/);
});

test('the MAC key is derived from all crypt keys, apart from each of them, and the same every time', () => {
  const again = manifestMacKey(Cipher.createSync({ password: 'manifest format test password', password2: 'and its salt' }).keys);
  assert.ok(again.equals(key));
  assert.equal(key.length, 32);
  for (const k of [cipher.keys.dataKey, cipher.keys.nameKey]) assert.ok(!k.equals(key));
  const otherSalt = manifestMacKey(Cipher.createSync({ password: 'manifest format test password', password2: 'another salt' }).keys);
  assert.ok(!otherSalt.equals(key));
});

test('rollback and fork against the record; a descendant is fine', () => {
  const rand = seededRandom(seed ^ 0x1234567);
  const m5 = randomManifest(rand, 5);
  const head5 = headHash(serializeManifest(m5, key));
  const record = { subject: 'catalog /x', generation: 5, head: head5, time: '2026-12-01T00:00:00Z' };
  assert.equal(chainFinding(m5, head5, record, 'the catalog'), null);
  assert.equal(chainFinding(m5, head5, null, 'the catalog'), null);
  const m4 = randomManifest(rand, 4);
  assert.equal(chainFinding(m4, headHash(serializeManifest(m4, key)), record, 'the catalog')?.kind, 'rollback');
  const other5 = randomManifest(rand, 5);
  assert.equal(chainFinding(other5, headHash(serializeManifest(other5, key)), record, 'the catalog')?.kind, 'fork');
  const child: Manifest = { ...randomManifest(rand, 7), chain: [{ generation: 6, head: hex(rand, 32) }, { generation: 5, head: head5 }] };
  assert.equal(chainFinding(child, headHash(serializeManifest(child, key)), record, 'the catalog'), null);
  const stranger: Manifest = { ...child, chain: [{ generation: 6, head: hex(rand, 32) }, { generation: 5, head: hex(rand, 32) }] };
  assert.equal(chainFinding(stranger, headHash(serializeManifest(stranger, key)), record, 'the catalog')?.kind, 'fork');
  const noLink: Manifest = { ...child, chain: [] };
  assert.equal(chainFinding(noLink, headHash(serializeManifest(noLink, key)), record, 'the catalog')?.kind, 'fork');
});

test('no manifest for a remote with no_data_encryption and encrypted names (its plain names would lie on disk)', () => {
  const noData = Cipher.createSync({ password: 'manifest format test password', noDataEncryption: true });
  assert.match(manifestUnavailable(noData) ?? '', /no_data_encryption/);
  assert.equal(manifestUnavailable(Cipher.createSync({ password: 'manifest format test password', noDataEncryption: true, filenameEncryption: 'off' })), null);
  assert.equal(manifestUnavailable(cipher), null);
});
