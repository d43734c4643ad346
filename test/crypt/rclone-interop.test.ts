// Live interop with the real rclone binary on data made at test time: rclone encrypts ->
// cryptsync decrypts, and cryptsync encrypts (library writes names + content into a folder) ->
// rclone decrypts, byte for byte, for every name mode and encoding, with and without password2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { dirname, join } from 'node:path';
import {
  Cipher,
  diskPathToStandard,
  diskToStandard,
  standardPathToDisk,
  standardToDisk,
  type CipherOptions,
} from '../../src/crypt/index.js';
import { rclone, tempDir, writeRcloneConf } from '../helpers/rclone.js';

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,()éüßñçøÅ中文日本語한국어Ωπ😀🎉';
const SIZES = [0, 1, 65535, 65536, 65537, 3 * 1024 * 1024 + 17];

function randomName(maxBytes: number): string {
  const chars = [...NAME_CHARS];
  for (;;) {
    let s = '';
    const len = randomInt(1, 30);
    for (let i = 0; i < len; i++) s += chars[randomInt(chars.length)];
    s = s.trim();
    if (s !== '' && s !== '.' && s !== '..' && Buffer.byteLength(s) <= maxBytes) return s;
  }
}

function name143(): string {
  const head = randomName(40);
  return head + 'x'.repeat(143 - Buffer.byteLength(head));
}

/** plain tree: relative '/'-paths -> content */
function makeTree(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const dirA = randomName(60);
  const dirB = `${dirA}/${randomName(60)}`;
  SIZES.forEach((size, i) => files.set(`${i % 2 ? dirA : ''}${i % 2 ? '/' : ''}${randomName(60)}-${size}.bin`, randomBytes(size)));
  files.set(name143(), randomBytes(randomInt(0, 5000)));
  files.set(`${dirB}/${name143()}`, randomBytes(randomInt(0, 70000)));
  files.set(`with spaces ${randomName(20)}/ü n i c ö d é ${randomName(10)}.txt`, randomBytes(100));
  for (let i = 0; i < 6; i++) files.set(`${[dirA, dirB, ''][i % 3]}${i % 3 === 2 ? '' : '/'}${randomName(80)}.${i}`, randomBytes(randomInt(0, 200000)));
  return files;
}

async function writeTree(root: string, files: Map<string, Buffer>): Promise<void> {
  for (const [rel, data] of files) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), data);
  }
}

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else out.push(r);
  }
  return out;
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

interface Mode {
  label: string;
  conf: Record<string, string>;
  opts: Omit<CipherOptions, 'password' | 'password2'>;
}
const MODES: Mode[] = [
  { label: 'standard base32', conf: { filename_encryption: 'standard' }, opts: {} },
  { label: 'standard base64', conf: { filename_encryption: 'standard', filename_encoding: 'base64' }, opts: { filenameEncoding: 'base64' } },
  { label: 'standard base32768', conf: { filename_encryption: 'standard', filename_encoding: 'base32768' }, opts: { filenameEncoding: 'base32768' } },
  { label: 'standard, clear dir names', conf: { filename_encryption: 'standard', directory_name_encryption: 'false' }, opts: { directoryNameEncryption: false } },
  { label: 'obfuscate', conf: { filename_encryption: 'obfuscate' }, opts: { filenameEncryption: 'obfuscate' } },
  { label: 'off', conf: { filename_encryption: 'off' }, opts: { filenameEncryption: 'off' } },
  { label: 'no data encryption', conf: { filename_encryption: 'standard', no_data_encryption: 'true' }, opts: { noDataEncryption: true } },
];

let tmp: { dir: string; cleanup: () => Promise<void> };
let plainDir: string;
let files: Map<string, Buffer>;
before(async () => {
  tmp = await tempDir('cryptsync-interop-');
  plainDir = join(tmp.dir, 'plain');
  files = makeTree();
  await writeTree(plainDir, files);
});
after(async () => tmp.cleanup());

MODES.forEach((mode, idx) => {
  test(`interop with rclone: ${mode.label}`, async () => {
    const base = join(tmp.dir, `m${idx}`);
    await mkdir(base, { recursive: true });
    const password = `${randomBytes(12).toString('base64url')}-ü密${idx}`;
    const password2 = idx % 2 === 0 ? randomBytes(9).toString('base64url') : undefined;
    const secrets: Record<string, string> = { password, ...(password2 ? { password2 } : {}) };
    const config = await writeRcloneConf(
      base,
      [
        { name: 'byrclone', options: { type: 'crypt', remote: join(base, 'enc-rclone'), ...mode.conf, ...secrets } },
        { name: 'byus', options: { type: 'crypt', remote: join(base, 'enc-us'), ...mode.conf, ...secrets } },
      ],
      { plainPasswords: true },
    );
    const cipher = await Cipher.create({ password, ...(password2 ? { password2 } : {}), ...mode.opts });

    // rclone encrypts -> cryptsync decrypts
    const up = await rclone(['copy', plainDir, 'byrclone:'], { config });
    assert.equal(up.code, 0, up.stderr);
    const seen = new Set<string>();
    for (const encRel of await walk(join(base, 'enc-rclone'))) {
      const plainRel = standardPathToDisk(cipher.decryptFileName(diskPathToStandard(encRel)));
      const want = files.get(plainRel);
      assert.ok(want, `${mode.label}: decrypted name ${JSON.stringify(plainRel)} is one of ours`);
      const got = await collect(cipher.decrypt(createReadStream(join(base, 'enc-rclone', encRel)), { fileName: encRel }));
      assert.ok(got.equals(want), `${mode.label}: content of ${plainRel}`);
      seen.add(plainRel);
    }
    assert.equal(seen.size, files.size);

    // cryptsync encrypts -> rclone decrypts
    const encRoot = join(base, 'enc-us');
    for (const [rel, data] of files) {
      const encRel = standardPathToDisk(cipher.encryptFileName(diskPathToStandard(rel)));
      const target = join(encRoot, encRel);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(Readable.from(cipher.encrypt(Readable.from([data]))), createWriteStream(target));
    }
    const outDir = join(base, 'restored');
    const down = await rclone(['copy', 'byus:', outDir], { config });
    assert.equal(down.code, 0, down.stderr);
    const restored = await walk(outDir);
    assert.equal(restored.length, files.size, `${mode.label}: rclone restored every file`);
    for (const rel of restored) {
      const want = files.get(rel);
      assert.ok(want, `${mode.label}: rclone restored ${JSON.stringify(rel)}`);
      assert.ok((await readFile(join(outDir, rel))).equals(want), `${mode.label}: rclone decrypted ${rel} byte for byte`);
    }
    // rclone's own check of our ciphertext (re-encrypts with our nonces)
    if (!mode.opts.noDataEncryption) {
      const check = await rclone(['cryptcheck', plainDir, 'byus:'], { config });
      assert.equal(check.code, 0, check.stderr);
    }
    // and rclone's names agree with ours, via cryptdecode --reverse on one file
    const sample = [...files.keys()][3] as string;
    const rev = await rclone(['cryptdecode', '--reverse', 'byrclone:', diskPathToStandard(sample)], { config });
    assert.equal(rev.stdout.toString('utf8'), `${diskPathToStandard(sample)} \t ${cipher.encryptFileName(diskPathToStandard(sample))}\n`, `rclone cryptdecode exit ${rev.code}: ${rev.stderr}`);
  });
});

test('interop: names with control characters and look-alikes (names on disk)', async () => {
  const base = join(tmp.dir, 'ctl');
  const plain = join(base, 'plain');
  const names = ['tab\there', 'nl\nname', 'del\x7fx', 'lit␉x', 'full／slash', 'nul␀sym', '．', 'back\\slash'];
  const tree = new Map(names.map((n) => [n, randomBytes(randomInt(1, 100))] as const));
  await writeTree(plain, tree);
  for (const [label, opts, conf] of [
    ['base32768', { filenameEncoding: 'base32768' }, { filename_encoding: 'base32768' }],
    ['obfuscate', { filenameEncryption: 'obfuscate' }, { filename_encryption: 'obfuscate' }],
  ] as const) {
    const config = await writeRcloneConf(base, [{ name: 'r', options: { type: 'crypt', remote: join(base, `enc-${label}`), password: 'p', ...conf } }], { plainPasswords: true });
    const cipher = await Cipher.create({ password: 'p', ...opts });
    const encRoot = join(base, `enc-${label}`);
    await mkdir(encRoot, { recursive: true });
    for (const [n, data] of tree) {
      const encName = standardToDisk(cipher.encryptFileName(diskToStandard(n)));
      await writeFile(join(encRoot, encName), await collect(cipher.encrypt(Readable.from([data]))));
    }
    const out = join(base, `out-${label}`);
    const r = await rclone(['copy', 'r:', out], { config });
    assert.equal(r.code, 0, r.stderr);
    for (const [n, data] of tree) assert.ok((await readFile(join(out, n))).equals(data), `${label}: ${JSON.stringify(n)}`);
  }
});
