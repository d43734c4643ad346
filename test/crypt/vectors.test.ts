// Every vector made by the real rclone v1.60.1 in ../shared/crypt-vectors: keys, names both ways,
// file contents (decrypt, and re-encrypt with the stored nonce to identical bytes), sizes,
// obscure/reveal, cryptdecode lines, the hand-made broken files, and names-on-disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  Cipher,
  CryptError,
  decryptedSize,
  encryptedSize,
  obscure,
  reveal,
  diskToStandard,
  standardToDisk,
  standardPathToDisk,
  diskPathToStandard,
  type FilenameEncoding,
  type FilenameEncryption,
} from '../../src/crypt/index.js';
import { VECTORS_SOURCE } from '../helpers/rclone.js';

interface VName { plain: string; encrypted: string; kind: 'file' | 'dir' }
interface VFile { plain: string; encrypted: string; plainSize: number; encryptedSize: number; sha256Plain: string; md5Encrypted: string; nonce: string }
interface VRemote {
  config: Record<string, string>;
  password: string; password2: string; dataKey: string; nameKey: string; nameTweak: string;
  names: VName[]; files: VFile[];
}
const vectors = JSON.parse(readFileSync(join(VECTORS_SOURCE, 'vectors.json'), 'utf8')) as { remotes: Record<string, VRemote> };
const derived = JSON.parse(readFileSync(join(VECTORS_SOURCE, 'derived_keys.json'), 'utf8')) as Record<string, { dataKey: string; nameKey: string; nameTweak: string; password: string; password2: string }>;

function cipherFor(cfg: Record<string, string>): Promise<Cipher> {
  return Cipher.create({
    password: reveal(cfg.password as string),
    ...(cfg.password2 ? { password2: reveal(cfg.password2) } : {}),
    filenameEncryption: (cfg.filename_encryption ?? 'standard') as FilenameEncryption,
    filenameEncoding: (cfg.filename_encoding ?? 'base32') as FilenameEncoding,
    directoryNameEncryption: cfg.directory_name_encryption !== 'false',
    noDataEncryption: cfg.no_data_encryption === 'true',
  });
}

async function* once(b: Buffer): AsyncGenerator<Uint8Array> {
  yield b;
}
async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

test('all 9 remotes are covered', () => {
  assert.equal(Object.keys(vectors.remotes).length, 9);
});

for (const [remoteName, r] of Object.entries(vectors.remotes)) {
  test(`vectors: ${remoteName}: keys, names, files`, async () => {
    const cipher = await cipherFor(r.config);
    assert.equal(reveal(r.config.password as string), r.password);
    assert.equal(cipher.keys.dataKey.toString('hex'), r.dataKey);
    assert.equal(cipher.keys.nameKey.toString('hex'), r.nameKey);
    assert.equal(cipher.keys.nameTweak.toString('hex'), r.nameTweak);
    const d = derived[remoteName];
    if (d) assert.equal(cipher.keys.dataKey.toString('hex'), d.dataKey);

    for (const n of r.names) {
      const enc = n.kind === 'dir' ? cipher.encryptDirName(n.plain) : cipher.encryptFileName(n.plain);
      assert.equal(enc, n.encrypted, `${remoteName} encrypt ${n.kind} ${n.plain}`);
      const dec = n.kind === 'dir' ? cipher.decryptDirName(n.encrypted) : cipher.decryptFileName(n.encrypted);
      assert.equal(dec, n.plain, `${remoteName} decrypt ${n.kind} ${n.encrypted}`);
    }

    const root = join(VECTORS_SOURCE, 'enc', remoteName);
    for (const f of r.files) {
      const encBytes = await readFile(join(root, standardPathToDisk(f.encrypted)));
      assert.equal(encBytes.length, f.encryptedSize, `${remoteName} ${f.plain} size`);
      assert.equal(cipher.encryptedSize(f.plainSize), f.encryptedSize);
      assert.equal(cipher.decryptedSize(f.encryptedSize), f.plainSize);
      assert.equal(createHash('md5').update(encBytes).digest('hex'), f.md5Encrypted);
      const plain = await collect(cipher.decrypt(once(encBytes), { fileName: f.plain }));
      assert.equal(createHash('sha256').update(plain).digest('hex'), f.sha256Plain, `${remoteName} ${f.plain} content`);
      const plainOnDisk = await readFile(join(VECTORS_SOURCE, 'plain', f.plain));
      assert.ok(plain.equals(plainOnDisk));
      const nonce = f.nonce ? Buffer.from(f.nonce, 'hex') : undefined;
      const again = await collect(cipher.encrypt(once(plain), nonce ? { nonce } : {}));
      assert.ok(again.equals(encBytes), `${remoteName} ${f.plain} re-encrypts identically`);
    }
  });
}

test('sizes: documented examples', () => {
  const pairs: Array<[number, number]> = [[0, 32], [1, 49], [21, 69], [65536, 65584], [65537, 65601], [200000, 200096], [1048576, 1048864]];
  for (const [p, e] of pairs) {
    assert.equal(encryptedSize(p), e);
    assert.equal(decryptedSize(e), p);
  }
  assert.throws(() => decryptedSize(31, 'x.bin'), (e: unknown) => e instanceof CryptError && e.code === 'TOO_SHORT' && e.message.includes('x.bin'));
  assert.throws(() => decryptedSize(32 + 16), (e: unknown) => e instanceof CryptError && e.code === 'TRUNCATED_BLOCK_HEADER');
  assert.throws(() => decryptedSize(32 + 65552 + 5), (e: unknown) => e instanceof CryptError && e.code === 'TRUNCATED_BLOCK_HEADER');
});

test('obscure / reveal: every line of outputs/obscure.txt', () => {
  const text = readFileSync(join(VECTORS_SOURCE, 'outputs', 'obscure.txt'), 'utf8');
  let n = 0;
  for (const m of text.matchAll(/^reveal {2}(\S+) -> \[(.*)\]$/gm)) {
    assert.equal(reveal(m[1] as string), m[2]);
    n++;
  }
  assert.ok(n >= 10);
  assert.equal(reveal('AAAAAAAAAAAAAAAAAAAAAA'), '');
  for (const bad of ['not base64!', 'AAAA', 'AAAAAAAAAAAAAAAAAAAAAA==']) {
    assert.throws(() => reveal(bad), (e: unknown) => e instanceof CryptError && e.code === 'BAD_OBSCURED' && /is it obscured\?/.test(e.message));
  }
  for (const pw of ['', 'a', 'pässwörd-密码', 'x'.repeat(300)]) {
    const o = obscure(pw);
    assert.equal(reveal(o), pw);
    assert.notEqual(obscure(pw), o, 'random IV each call');
    assert.equal(o.length, Math.ceil(((16 + Buffer.byteLength(pw)) * 4) / 3));
  }
});

test('cryptdecode: every line of outputs/cryptdecode.txt', async () => {
  const text = readFileSync(join(VECTORS_SOURCE, 'outputs', 'cryptdecode.txt'), 'utf8');
  const conf = readFileSync(join(VECTORS_SOURCE, 'rclone.conf'), 'utf8');
  const sections = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | undefined;
  for (const line of conf.split('\n')) {
    const s = /^\[(.+)\]$/.exec(line);
    if (s) sections.set(s[1] as string, (cur = {}));
    else if (cur && line.includes(' = ')) cur[line.slice(0, line.indexOf(' = '))] = line.slice(line.indexOf(' = ') + 3);
  }
  let checked = 0;
  for (const block of text.split(/^\$ /m).slice(1)) {
    const lines = block.split('\n');
    const cmd = /^rclone cryptdecode (--reverse )?(\w+):/.exec(lines[0] as string);
    if (!cmd) continue;
    const cipher = await cipherFor(sections.get(cmd[2] as string) as Record<string, string>);
    for (const line of lines.slice(1)) {
      const i = line.indexOf(' \t ');
      if (i < 0) continue;
      const input = line.slice(0, i);
      const output = line.slice(i + 3);
      let got: string;
      try {
        got = cmd[1] ? cipher.encryptFileName(input) : cipher.decryptFileName(input);
      } catch (e) {
        assert.ok(e instanceof CryptError, String(e));
        got = 'Failed to decrypt';
      }
      assert.equal(got, output, `${lines[0]}: ${input}`);
      checked++;
    }
  }
  assert.ok(checked >= 30, `checked ${checked}`);
});

test('errors/: every hand-made broken file gives its typed error', async () => {
  const cipher = await Cipher.create({ password: 'correct horse battery staple', filenameEncryption: 'off' });
  const wrong = await Cipher.create({ password: 'pässwörd-密码', filenameEncryption: 'off' });
  const dir = join(VECTORS_SOURCE, 'errors', 'enc');
  const expected: Record<string, { code: string | null; plainBytes: number }> = {
    'bad_magic.txt.bin': { code: 'BAD_MAGIC', plainBytes: 0 },
    'corrupt_first_block.bin.bin': { code: 'AUTH_FAILED', plainBytes: 0 },
    'corrupt_last_block.bin.bin': { code: 'AUTH_FAILED', plainBytes: 65536 },
    'good_one.txt.bin': { code: null, plainBytes: 1 },
    'header_only.txt.bin': { code: null, plainBytes: 0 },
    'too_short.txt.bin': { code: 'TOO_SHORT', plainBytes: 0 },
    'trunc_block_header_10.txt.bin': { code: 'TRUNCATED_BLOCK_HEADER', plainBytes: 0 },
    'trunc_block_header_16.txt.bin': { code: 'TRUNCATED_BLOCK_HEADER', plainBytes: 0 },
    'trunc_last_block.txt.bin': { code: 'AUTH_FAILED', plainBytes: 0 },
    'trunc_second_block.bin.bin': { code: 'AUTH_FAILED', plainBytes: 65536 },
    'zero_bytes.txt.bin': { code: 'TOO_SHORT', plainBytes: 0 },
  };
  for (const [file, want] of Object.entries(expected)) {
    const bytes = await readFile(join(dir, file));
    const name = cipher.decryptFileName(file);
    let got = 0;
    let code: string | null = null;
    try {
      for await (const chunk of cipher.decrypt(once(bytes), { fileName: name })) got += chunk.length;
    } catch (e) {
      assert.ok(e instanceof CryptError, `${file}: ${String(e)}`);
      assert.ok(e.message.startsWith(`${name}: `), `message names the file: ${e.message}`);
      assert.equal(e.kind, 'crypto');
      code = e.code;
    }
    assert.equal(code, want.code, file);
    assert.equal(got, want.plainBytes, `${file}: verified bytes before the error`);
  }
  await assert.rejects(collect(wrong.decrypt(once(await readFile(join(dir, 'good_one.txt.bin'))))), (e: unknown) =>
    e instanceof CryptError && e.code === 'AUTH_FAILED' && /bad password\?/.test(e.message));
  assert.throws(() => cipher.decryptFileName('.bin'), (e: unknown) => e instanceof CryptError && e.code === 'BAD_SUFFIX');
  assert.throws(() => cipher.decryptFileName('one.txt'), (e: unknown) => e instanceof CryptError && e.code === 'BAD_SUFFIX');
});

test('name errors: bad encoding, padding, lengths, wrong key', async () => {
  const c = await Cipher.create({ password: 'correct horse battery staple' });
  const is = (code: string) => (e: unknown) => e instanceof CryptError && e.code === code;
  assert.throws(() => c.decryptFileName('22dm9akuvpn2j0erc8o01q757='), is('BAD_NAME_ENCODING'));
  assert.throws(() => c.decryptFileName('notvalid!'), is('BAD_NAME_ENCODING'));
  assert.throws(() => c.decryptFileName('a'), is('BAD_NAME_ENCODING'));
  assert.throws(() => c.decryptFileName('00000000'), is('NOT_BLOCK_MULTIPLE'));
  assert.equal(c.decryptFileName('22DM9AKUVPN2J0ERC8O01Q7578'), 'one.txt');
  assert.equal(c.decryptFileName('22dm9akuvpn2j0erc8o01q757b'), 'one.txt', 'unused trailing bits are ignored');
  const wrong = await Cipher.create({ password: 'pässwörd-密码' });
  assert.throws(() => wrong.decryptFileName('22dm9akuvpn2j0erc8o01q7578'), is('BAD_PADDING'));
  assert.throws(() => c.encryptFileName('x'.repeat(2048)), is('NAME_TOO_LONG'));
  assert.equal(c.decryptFileName(c.encryptFileName('y'.repeat(2047))), 'y'.repeat(2047));
  const tooLong = Buffer.alloc(2064).toString('base64url');
  const b64 = await Cipher.create({ password: 'correct horse battery staple', filenameEncoding: 'base64' });
  assert.throws(() => b64.decryptFileName(tooLong), is('NAME_TOO_LONG'));
  assert.throws(() => b64.decryptFileName('EJtkqp7+bimB22IwAOjlOg'), is('BAD_NAME_ENCODING'));
  assert.equal(b64.decryptFileName('EJtkqp7-bimB22IwAOjlOh'), 'one.txt');
  const obf = await Cipher.create({ password: 'correct horse battery staple', filenameEncryption: 'obfuscate' });
  assert.throws(() => obf.decryptFileName('nodot'), is('NOT_ENCRYPTED_NAME'));
  const b32768 = await Cipher.create({ password: 'correct horse battery staple', filenameEncoding: 'base32768' });
  assert.throws(() => b32768.decryptFileName('abc'), is('BAD_NAME_ENCODING'));
});

interface DiskVector {
  label: string; plain_disk_hex: string; standard_model_hex: string; encrypted_disk_hex: string;
  encrypted_standard: string; rclone_decrypts_to_hex: string; uploaded: boolean; expected_restored_hex: string;
}
const disk = JSON.parse(readFileSync(join(VECTORS_SOURCE, 'names-on-disk', 'vectors.json'), 'utf8')) as {
  password_plain: string;
  modes: Record<string, { vectors: DiskVector[] }>;
  extra: {
    base32768: { vectors: Array<{ plain: string; crypt_output: string; encrypted_disk_hex: string; standard_form_of_disk_name: string }> };
    obfuscate_collisions: { vectors: Array<{ plain: string; obfuscated_by_crypt: string; disk_name_hex: string; listing_gives: string; listing_decrypts_to: string }> };
    version_suffix: { encode_base32: Record<string, string>; encode_obfuscate: Record<string, string> };
    base64: { encode: Record<string, string> };
    path_argument_is_standard_encoded: Record<string, string>;
  };
};

function validUtf8(hex: string): string | null {
  const b = Buffer.from(hex, 'hex');
  const s = b.toString('utf8');
  return Buffer.from(s, 'utf8').equals(b) ? s : null;
}

test('names-on-disk: every uploaded vector, both modes', async () => {
  const pw = disk.password_plain;
  const ciphers: Record<string, Cipher> = {
    standard_base32: await Cipher.create({ password: pw }),
    obfuscate: await Cipher.create({ password: pw, filenameEncryption: 'obfuscate' }),
  };
  let n = 0;
  for (const [mode, m] of Object.entries(disk.modes)) {
    const c = ciphers[mode] as Cipher;
    for (const v of m.vectors) {
      if (!v.uploaded) continue;
      const plainDisk = validUtf8(v.plain_disk_hex);
      const encDisk = validUtf8(v.encrypted_disk_hex) as string;
      if (plainDisk === null) {
        // invalid UTF-8 on disk: only the byte-level standard API can express it
        if (mode !== 'standard_base32') continue;
        assert.equal(c.encryptSegmentBytes(Buffer.from(v.plain_disk_hex, 'hex')), v.encrypted_standard);
        assert.equal(c.decryptSegmentBytes(v.encrypted_standard).toString('hex'), v.rclone_decrypts_to_hex);
        n++;
        continue;
      }
      const std = diskPathToStandard(plainDisk);
      assert.equal(Buffer.from(std).toString('hex'), v.standard_model_hex, `${mode} ${v.label}: disk -> standard`);
      assert.equal(c.encryptFileName(std), v.encrypted_standard, `${mode} ${v.label}: encrypt`);
      assert.equal(standardPathToDisk(v.encrypted_standard), encDisk, `${mode} ${v.label}: encrypted name on disk`);
      const back = c.decryptFileName(diskPathToStandard(encDisk));
      assert.equal(Buffer.from(back).toString('hex'), v.rclone_decrypts_to_hex, `${mode} ${v.label}: decrypt`);
      assert.equal(Buffer.from(standardPathToDisk(back)).toString('hex'), v.expected_restored_hex, `${mode} ${v.label}: restore`);
      n++;
    }
  }
  assert.ok(n >= 40, `checked ${n}`);

  const b32768 = await Cipher.create({ password: pw, filenameEncoding: 'base32768' });
  for (const v of disk.extra.base32768.vectors) {
    assert.equal(b32768.encryptFileName(v.plain), v.crypt_output);
    assert.equal(Buffer.from(standardToDisk(v.crypt_output)).toString('hex'), v.encrypted_disk_hex);
    const onDisk = validUtf8(v.encrypted_disk_hex) as string;
    assert.equal(diskToStandard(onDisk), v.standard_form_of_disk_name);
    assert.equal(b32768.decryptFileName(diskToStandard(onDisk)), v.plain);
  }
  const obf = ciphers.obfuscate as Cipher;
  for (const v of disk.extra.obfuscate_collisions.vectors) {
    assert.equal(obf.encryptFileName(v.plain), v.obfuscated_by_crypt);
    assert.equal(Buffer.from(standardToDisk(v.obfuscated_by_crypt)).toString('hex'), v.disk_name_hex);
    const onDisk = validUtf8(v.disk_name_hex) as string;
    assert.equal(diskToStandard(onDisk), v.listing_gives);
    assert.equal(obf.decryptFileName(v.listing_gives), v.listing_decrypts_to);
  }
  const std = ciphers.standard_base32 as Cipher;
  for (const [plain, enc] of Object.entries(disk.extra.version_suffix.encode_base32)) {
    assert.equal(std.encryptFileName(plain), enc);
    assert.equal(std.decryptFileName(enc), plain);
  }
  for (const [plain, enc] of Object.entries(disk.extra.version_suffix.encode_obfuscate)) {
    assert.equal(obf.encryptFileName(plain), enc);
    assert.equal(obf.decryptFileName(enc), plain);
  }
  const b64 = await Cipher.create({ password: pw, filenameEncoding: 'base64' });
  for (const [plain, enc] of Object.entries(disk.extra.base64.encode)) assert.equal(b64.encryptFileName(plain), enc);
});

test('names-on-disk: whole-name dots, quotes and control characters', () => {
  const cases: Array<[string, string]> = [
    ['tab\tname', 'tab␉name'],
    ['del\x7fx', 'del␡x'],
    ['lit␉x', 'lit‛␉x'],
    ['lit／x', 'lit／x'],
    ['lit␀x', 'lit␀x'],
    ['．', '．'],
    ['‛．', '‛．'],
    ['qq‛‛x', 'qq‛‛x'],
    ['lit‛x', 'lit‛‛x'],
  ];
  for (const [d, s] of cases) assert.equal(diskToStandard(d), s, JSON.stringify(d));
  assert.equal(standardToDisk('134.J‛S'), '134.J‛‛S');
  assert.equal(standardToDisk('a␉b'), 'a\tb');
  assert.equal(standardToDisk('c‛␉d'), 'c␉d');
  assert.equal(standardToDisk('．'), '．');
});
