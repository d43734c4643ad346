// Names whose bytes are not valid UTF-8, against the real rclone 1.60, both directions and byte
// for byte: cryptsync encrypts a tree holding such names (random invalid byte sequences from a
// printed seed) and rclone lists and restores exactly the same raw bytes; rclone writes such a
// tree and cryptsync restores exactly the same raw bytes; each tool then finds nothing to do.
// Two names that differ only in their invalid bytes stay two files; two catalog entries that
// decrypt to one name are an error (exit 3), never an overwrite.
//
// Output contract checked here: text output (mapping, decode, events) shows a raw byte as `\xNN`
// (lowercase hex); JSON keeps the name string (raw bytes as \udcNN escapes, the form the engine
// carries) and adds `<field>Base64` with the exact bytes (mapping: plainBase64 / encryptedBase64,
// decode: outputBase64) only for names that are not valid UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { mkdir, writeFile, readdir, readFile, lstat, utimes, rename } from 'node:fs/promises';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { tempDir, rclone, writeRcloneConf } from '../helpers/rclone.js';
import { PASSWORD, PASSWORD2 } from './fixture.js';
import { seededRandom as prng } from '../helpers/seeded-random.js';
import { bytesToName, nameToBytes, hasRawBytes, displayName } from '../../src/crypt/index.js';


const SEED = Number(process.env.NAMES_SEED ?? randomBytes(4).readUInt32LE(0));
console.log(`non-utf8 names seed: ${SEED} (replay with NAMES_SEED=${SEED})`);

const LETTERS = Buffer.from('abcxyzABC019 -_.');
/** valid multi-byte sequences mixed in, so invalid bytes sit next to real UTF-8 */
const VALID_SEQS = [Buffer.from('é'), Buffer.from('日'), Buffer.from('😀')];

/** a name of ASCII prefix + a random mix that is never valid UTF-8 (no '/' and no NUL) */
function invalidName(rnd: () => number, prefix: string): Buffer {
  for (;;) {
    const parts: Buffer[] = [Buffer.from(prefix)];
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.45) parts.push(Buffer.of(0x80 + Math.floor(rnd() * 0x80))); // lone continuation or bad/truncated lead
      else if (r < 0.6) parts.push(VALID_SEQS[Math.floor(rnd() * VALID_SEQS.length)] as Buffer);
      else if (r < 0.7) parts.push(Buffer.of(0xed, 0xa0 + Math.floor(rnd() * 0x20), 0x80)); // an encoded surrogate (invalid)
      else parts.push(Buffer.of(LETTERS[Math.floor(rnd() * LETTERS.length)] as number));
    }
    const name = Buffer.concat(parts);
    if (!isUtf8(name)) return name;
  }
}

const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)));
const SLASH = Buffer.from('/');

interface PlainTree {
  /** relative paths as bytes; folders end in '/' */
  entries: Buffer[];
  files: number;
}

/** writes the tree through Buffer paths; mtimes are whole microseconds (utimes takes a double) */
async function makeTree(root: string, rnd: () => number): Promise<PlainTree> {
  const entries: Buffer[] = [];
  let files = 0;
  let t = 1_700_000_000.123456;
  const put = async (rel: Buffer, data: Buffer) => {
    const p = cat(root, SLASH, rel);
    await writeFile(p, data);
    await utimes(p, t, t);
    t += 1000.000001;
    entries.push(rel);
    files++;
  };
  const dir = async (rel: Buffer) => {
    await mkdir(cat(root, SLASH, rel), { recursive: true });
    entries.push(cat(rel, SLASH));
  };
  await mkdir(root, { recursive: true });
  // two names that differ only in an invalid byte: U+FFFD would make them one
  await put(cat('photo', Buffer.of(0xe9), '.jpg'), Buffer.from('e9 content'));
  await put(cat('photo', Buffer.of(0xe8), '.jpg'), Buffer.from('e8 content, longer'));
  await put(Buffer.from('plain ascii.txt'), randomBytes(100));
  await put(Buffer.from('é valid.txt'), randomBytes(7));
  for (let i = 0; i < 6; i++) await put(invalidName(rnd, `f${i}-`), randomBytes(Math.floor(rnd() * 70000)));
  const rawDir = invalidName(rnd, 'd-');
  await dir(rawDir);
  for (let i = 0; i < 3; i++) await put(cat(rawDir, SLASH, invalidName(rnd, `in${i}-`)), randomBytes(Math.floor(rnd() * 3000)));
  const nested = cat(rawDir, SLASH, invalidName(rnd, 'sub-'));
  await dir(nested);
  await put(cat(nested, SLASH, 'leaf.txt'), randomBytes(5));
  await dir(cat('valid dir/', invalidName(rnd, 'empty-')));
  entries.push(Buffer.from('valid dir/'));
  return { entries, files };
}

interface ByteEntry {
  kind: 'file' | 'dir';
  hash: string;
  mtimeNs: bigint;
}

/** every entry under root keyed by the hex of its relative path bytes (never through strings) */
async function byteSnapshot(root: Buffer, base: Buffer = Buffer.alloc(0), out = new Map<string, ByteEntry>()): Promise<Map<string, ByteEntry>> {
  const dir = base.length === 0 ? root : cat(root, SLASH, base);
  for (const name of await readdir(dir, { encoding: 'buffer' })) {
    const rel = base.length === 0 ? name : cat(base, SLASH, name);
    const abs = cat(root, SLASH, rel);
    const st = await lstat(abs, { bigint: true });
    if (st.isDirectory()) {
      out.set(rel.toString('hex'), { kind: 'dir', hash: '', mtimeNs: 0n });
      await byteSnapshot(root, rel, out);
    } else {
      out.set(rel.toString('hex'), { kind: 'file', hash: createHash('sha256').update(await readFile(abs)).digest('hex'), mtimeNs: st.mtimeNs });
    }
  }
  return out;
}

const MODES: { label: string; options: Record<string, string> }[] = [
  { label: 'standard base32', options: {} },
  { label: 'standard base64', options: { filename_encoding: 'base64' } },
  { label: 'standard base32768', options: { filename_encoding: 'base32768' } },
  { label: 'standard base32, plain folder names', options: { directory_name_encryption: 'false' } },
  { label: 'obfuscate', options: { filename_encryption: 'obfuscate' } },
  { label: 'off', options: { filename_encryption: 'off' } },
];

const SKIPPED = /Skipped (copy|delete|make directory|remove directory)/;

for (const [mi, mode] of MODES.entries()) {
  test(`non-UTF-8 names round-trip byte for byte with rclone 1.60 (${mode.label})`, async () => {
    const rnd = prng(SEED + mi);
    const t = await tempDir();
    try {
      const plain = join(t.dir, 'plain');
      const tree = await makeTree(plain, rnd);
      const common = { type: 'crypt', password: PASSWORD, password2: PASSWORD2, ...mode.options };
      const conf = await writeRcloneConf(
        t.dir,
        [
          { name: 'crypt', options: { ...common, remote: join(t.dir, 'enc') } },
          { name: 'crypt2', options: { ...common, remote: join(t.dir, 'enc2') } },
        ],
        { plainPasswords: true },
      );
      const env = cliEnv(join(t.dir, 'home'));
      const cs = (args: string[]) => cryptsync([args[0] as string, '--config', conf, ...args.slice(1)], { env });
      const plainSnap = await byteSnapshot(Buffer.from(plain));

      // cryptsync -> rclone
      const enc = await cs(['encrypt', '--json', plain, 'crypt:']);
      assert.equal(enc.code, 0, enc.stderr + enc.stdout);
      const sum = jsonLines(enc.stdout).at(-1) as Record<string, unknown>;
      assert.deepEqual([sum.newFiles, sum.errors, sum.deletionsSkipped], [tree.files, 0, false]);
      // the catalog's manifest (docs/manifest.md) is cryptsync's: stock rclone is told to leave it alone
      const dry = await rclone(['sync', '--dry-run', plain, 'crypt:', '--exclude', '/.cryptsync-manifest'], { config: conf });
      assert.equal(dry.code, 0, dry.stderr);
      assert.doesNotMatch(dry.stderr, SKIPPED, 'rclone sync --dry-run after cryptsync must find nothing to do');
      const lsf = await rclone(['lsf', '-R', 'crypt:', '--exclude', '/.cryptsync-manifest'], { config: conf });
      assert.equal(lsf.code, 0, lsf.stderr);
      const listed = lsf.stdout.toString('latin1').split('\n').filter((l) => l !== '').map((l) => Buffer.from(l, 'latin1').toString('hex'));
      assert.deepEqual(listed.sort(), tree.entries.map((e) => e.toString('hex')).sort());
      const outA = join(t.dir, 'out-rclone');
      const copy = await rclone(['copy', '--create-empty-src-dirs', 'crypt:', outA], { config: conf });
      assert.equal(copy.code, 0, copy.stderr);
      const snapA = await byteSnapshot(Buffer.from(outA));
      // the manifest comes back as one extra file
      assert.ok(snapA.delete(Buffer.from('.cryptsync-manifest').toString('hex')), 'rclone restores the manifest as one extra file');
      for (const [k, v] of plainSnap) if (v.kind === 'file') assert.deepEqual(snapA.get(k), v, `rclone restore of ${k}`);
      assert.deepEqual([...snapA.keys()].sort(), [...plainSnap.keys()].sort());

      // rclone -> cryptsync
      const up = await rclone(['sync', '--create-empty-src-dirs', plain, 'crypt2:'], { config: conf });
      assert.equal(up.code, 0, up.stderr);
      const outB = join(t.dir, 'out-cryptsync');
      const rs = await cs(['restore', '--json', 'crypt2:', outB]);
      assert.equal(rs.code, 0, rs.stderr + rs.stdout);
      const snapB = await byteSnapshot(Buffer.from(outB));
      for (const [k, v] of plainSnap) if (v.kind === 'file') assert.deepEqual(snapB.get(k), v, `cryptsync restore of ${k}`);
      assert.deepEqual([...snapB.keys()].sort(), [...plainSnap.keys()].sort());
      const again = await cs(['encrypt', '--json', plain, 'crypt2:']);
      assert.equal(again.code, 0, again.stderr);
      const s2 = jsonLines(again.stdout).at(-1) as Record<string, unknown>;
      assert.deepEqual([s2.newFiles, s2.changedFiles, s2.deletedFiles, s2.unchanged], [0, 0, 0, tree.files], 'cryptsync after rclone: nothing to do');

      // mapping shows the names: \xNN in text, exact bytes (base64) in JSON
      const e9 = cat('photo', Buffer.of(0xe9), '.jpg');
      const mapText = await cs(['mapping', 'crypt2:']);
      assert.equal(mapText.code, 0, mapText.stderr);
      assert.match(mapText.stdout, /^photo\\xe9\.jpg -> /m);
      assert.match(mapText.stdout, /^photo\\xe8\.jpg -> /m);
      const map = jsonLines((await cs(['mapping', '--json', 'crypt2:'])).stdout);
      const entry = map.find((m) => m.plainBase64 === e9.toString('base64'));
      assert.ok(entry, 'mapping --json gives plainBase64 for a name that is not UTF-8');
      assert.equal(entry.plain, 'photo\udce9.jpg');
      assert.equal(map.find((m) => m.plain === 'plain ascii.txt')?.plainBase64, undefined);
      if (mode.options.filename_encryption === undefined) {
        const dec = await cs(['decode', 'crypt2:', entry.encrypted as string]);
        assert.match(dec.stdout, / \t photo\\xe9\.jpg$/m);
        const decJson = jsonLines((await cs(['decode', '--json', 'crypt2:', entry.encrypted as string])).stdout)[0];
        assert.equal(decJson?.outputBase64, e9.toString('base64'));
      }
    } finally {
      await t.cleanup();
    }
  });
}

test('restore: two catalog entries that decrypt to one name are an error, never an overwrite', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    await mkdir(plain);
    await writeFile(join(plain, 'abc'), 'the real abc');
    await writeFile(join(plain, 'other'), 'something else entirely');
    await writeFile(join(plain, 'keep.txt'), 'kept');
    const conf = await writeRcloneConf(
      t.dir,
      [{ name: 'crypt', options: { type: 'crypt', remote: join(t.dir, 'enc'), password: PASSWORD, password2: PASSWORD2, filename_encryption: 'obfuscate' } }],
      { plainPasswords: true },
    );
    const env = cliEnv(join(t.dir, 'home'));
    const cs = (args: string[]) => cryptsync([args[0] as string, '--config', conf, ...args.slice(1)], { env });
    assert.equal((await cs(['encrypt', plain, 'crypt:'])).code, 0);
    const map = jsonLines((await cs(['mapping', '--json', 'crypt:'])).stdout);
    const encOther = map.find((m) => m.plain === 'other')?.encrypted as string;
    // obfuscate's `!.` form of "abc": a second, valid encrypted name for the same plain name
    await rename(join(t.dir, 'enc', encOther), join(t.dir, 'enc', '!.abc'));
    const out = join(t.dir, 'out');
    const rs = await cs(['restore', '--json', 'crypt:', out]);
    assert.equal(rs.code, 3, rs.stderr + rs.stdout);
    const errors = jsonLines(rs.stdout).filter((l) => l.type === 'error');
    assert.equal(errors.filter((e) => e.code === 'RESTORE_COLLISION').length, 2, JSON.stringify(errors));
    assert.deepEqual((await readdir(out)).sort(), ['keep.txt'], 'neither twin is restored over the other');
    assert.equal(await readFile(join(out, 'keep.txt'), 'utf8'), 'kept');
  } finally {
    await t.cleanup();
  }
});

test('raw-byte strings: every byte sequence maps to a string and back exactly, and different bytes never meet', () => {
  const rnd = prng(SEED ^ 0x5a5a5a5a);
  const seen = new Map<string, string>();
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rnd() * 12);
    const b = Buffer.alloc(len);
    for (let k = 0; k < len; k++) b[k] = rnd() < 0.5 ? 0x80 + Math.floor(rnd() * 0x80) : Math.floor(rnd() * 0x100);
    const s = bytesToName(b);
    assert.deepEqual(nameToBytes(s), b, `round trip of ${b.toString('hex')}`);
    assert.equal(hasRawBytes(s), !isUtf8(b));
    const hex = b.toString('hex');
    const other = seen.get(s);
    assert.ok(other === undefined || other === hex, `${hex} and ${other} map to one string`);
    seen.set(s, hex);
  }
  // valid UTF-8 stays the same text; a real U+FFFD is text, not a raw byte
  assert.equal(bytesToName(Buffer.from('é 😀 \uFFFD')), 'é 😀 \uFFFD');
  assert.equal(displayName(bytesToName(Buffer.from([0x61, 0xe9, 0xf0, 0x9f, 0x98, 0x80, 0xff]))), 'a\\xe9😀\\xff');
});

test('the wrong-password check reads files under folders whose names are not UTF-8 (obfuscate)', async () => {
  const t = await tempDir();
  try {
    const plain = join(t.dir, 'plain');
    const rawDir = cat(plain, '/caf', Buffer.of(0xe9));
    await mkdir(rawDir, { recursive: true });
    for (let i = 0; i < 3; i++) await writeFile(cat(rawDir, `/f${i}`, Buffer.of(0xff)), randomBytes(1000));
    const remote = (name: string, password: string) => ({
      name,
      options: { type: 'crypt', remote: join(t.dir, 'enc'), password, password2: PASSWORD2, filename_encryption: 'obfuscate' },
    });
    const conf = await writeRcloneConf(t.dir, [remote('crypt', PASSWORD), remote('wrong', 'not the password')], { plainPasswords: true });
    const env = cliEnv(join(t.dir, 'home'));
    assert.equal((await cryptsync(['encrypt', '--config', conf, plain, 'crypt:'], { env })).code, 0);
    const rs = await cryptsync(['restore', '--config', conf, 'wrong:', join(t.dir, 'out')], { env });
    assert.equal(rs.code, 12, rs.stderr + rs.stdout);
    await assert.rejects(readdir(join(t.dir, 'out')), /ENOENT/, 'nothing written');
  } finally {
    await t.cleanup();
  }
});
