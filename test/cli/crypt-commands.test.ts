// CLI tests for remote add/list/show/remove, decode, cat and obscure: run in-process through
// main(argv, io) with captured streams (and once as a real process), against real files and the
// real rclone binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { reveal } from '../../src/crypt/index.js';
import { copyVectors, rclone, tempDir } from '../helpers/rclone.js';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';

interface Run {
  code: number;
  stdout: Buffer;
  out: string;
  err: string;
}

async function run(argv: string[], o: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outParts: Buffer[] = [];
  const errParts: Buffer[] = [];
  stdout.on('data', (d: Buffer) => outParts.push(d));
  stderr.on('data', (d: Buffer) => errParts.push(d));
  const io: CliIo = { stdout, stderr, stdin: Readable.from([o.input ?? '']), env: o.env ?? env };
  const code = await main(argv, io);
  const buf = Buffer.concat(outParts);
  return { code, stdout: buf, out: buf.toString('utf8'), err: Buffer.concat(errParts).toString('utf8') };
}

let home: { dir: string; cleanup: () => Promise<void> };
let vectors: { dir: string; cleanup: () => Promise<void> };
let env: NodeJS.ProcessEnv;
let vconf: string;

before(async () => {
  home = await tempDir('cryptsync-cli-');
  vectors = await copyVectors();
  env = { CRYPTSYNC_HOME: join(home.dir, 'home'), PW: 'first password ü', PW2: 'the salt of this vault' };
  // the vectors config with absolute remote paths, so tests need no chdir
  const text = await readFile(join(vectors.dir, 'rclone.conf'), 'utf8');
  vconf = join(vectors.dir, 'abs.conf');
  await writeFile(vconf, text.replace(/^remote = (.*)$/gm, (_m, p: string) => `remote = ${join(vectors.dir, p)}`));
});
after(async () => {
  await home.cleanup();
  await vectors.cleanup();
});

test('remote add (password from env) / list / show never print the password; file is 0600', async () => {
  const add = await run(['remote', 'add', 'safe', '--path', join(home.dir, 'enc'), '--password-env', 'PW', '--password2-env', 'PW2', '--filename-encoding', 'base64']);
  assert.equal(add.code, 0, add.err);
  const confPath = join(home.dir, 'home', 'rclone.conf');
  assert.equal((await stat(confPath)).mode & 0o777, 0o600);
  const text = await readFile(confPath, 'utf8');
  assert.ok(!text.includes('first password') && !text.includes('the salt'));
  const obscured = [...text.matchAll(/^password2? = (.*)$/gm)].map((m) => m[1] as string);
  assert.equal(reveal(obscured[0] as string), 'first password ü');
  for (const argv of [['remote', 'list'], ['remote', 'list', '--json'], ['remote', 'show', 'safe'], ['remote', 'show', 'safe', '--json']]) {
    const r = await run(argv);
    assert.equal(r.code, 0, r.err);
    for (const secret of ['first password', 'the salt', ...obscured]) {
      assert.ok(!r.out.includes(secret) && !r.err.includes(secret), `${argv.join(' ')} leaks a password`);
    }
  }
  const show = jsonLines((await run(['remote', 'show', 'safe', '--json'])).out)[0] as Record<string, unknown>;
  assert.equal(show.filenameEncoding, 'base64');
  assert.equal(show.password, 'set');
  assert.equal(show.password2, 'set');
  assert.deepEqual(jsonLines((await run(['remote', 'list', '--json'])).out), [{ name: 'safe', type: 'crypt' }]);
  // rclone reads the remote we wrote and encrypts names like we do
  const ours = await run(['decode', 'safe:', '--reverse', 'a/b.txt']);
  const theirs = await rclone(['cryptdecode', '--reverse', 'safe:', 'a/b.txt'], { config: confPath });
  assert.equal(ours.out, theirs.stdout.toString());
});

test('remote add: prompt from stdin, --config and RCLONE_CONFIG select the file, remove', async () => {
  const conf = join(home.dir, 'other.conf');
  const add = await run(['remote', 'add', 'p', '--path', '/tmp/x', '--config', conf], { input: 'typed password\n' });
  assert.equal(add.code, 0, add.err);
  const viaEnv = await run(['remote', 'show', 'p', '--json'], { env: { ...env, RCLONE_CONFIG: conf } });
  assert.equal(viaEnv.code, 0, viaEnv.err);
  const r = await rclone(['reveal', (/^password = (.*)$/m.exec(await readFile(conf, 'utf8')) as RegExpExecArray)[1] as string], { config: conf });
  assert.equal(r.stdout.toString().trim(), 'typed password', `rclone reveal exit ${r.code}: ${r.stderr}`);
  assert.equal((await run(['remote', 'remove', 'p', '--config', conf])).code, 0);
  const gone = await run(['remote', 'show', 'p', '--config', conf]);
  assert.equal(gone.code, 1);
  assert.match(gone.err, /remote "p" not found/);
  const dup = await run(['remote', 'add', 'safe', '--path', '/tmp/y', '--password-env', 'PW']);
  assert.equal(dup.code, 1);
  assert.match(dup.err, /"safe" already exists/);
  const noEnv = await run(['remote', 'add', 'q', '--path', '/tmp/y', '--password-env', 'NOPE']);
  assert.equal(noEnv.code, 2);
  assert.match(noEnv.err, /NOPE/);
});

test('remote add refuses a weak password or salt (the message names the field, not the value) unless --weak-password', async () => {
  const conf = join(home.dir, 'weak.conf');
  const weakEnv = { ...env, P: 'a', Q: 'qwerty123' };
  for (const [args, field] of [
    [['--password-env', 'P'], 'password'],
    [['--password-env', 'Q'], 'password'],
    [['--password-env', 'PW', '--password2-env', 'Q'], 'password2'],
  ] as const) {
    const r = await run(['remote', 'add', 'x', '--path', join(home.dir, 'weak-enc'), ...args, '--config', conf], { env: weakEnv });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`${field}: too easy to guess .*--weak-password`));
    assert.ok(!(r.out + r.err).includes('qwerty123'), 'the password is never printed');
    const j = await run(['remote', 'add', 'x', '--path', join(home.dir, 'weak-enc'), ...args, '--config', conf, '--json'], { env: weakEnv });
    assert.deepEqual([jsonLines(j.out)[0]?.code, jsonLines(j.out)[0]?.subject], ['WEAK_PASSWORD', field]);
  }
  await assert.rejects(stat(conf), /ENOENT/, 'nothing was written');
  const kept = await run(['remote', 'add', 'x', '--path', join(home.dir, 'weak-enc'), '--password-env', 'P', '--password2-env', 'Q', '--weak-password', '--config', conf], { env: weakEnv });
  assert.equal(kept.code, 0, kept.err);
  const theirs = await rclone(['config', 'show', 'x'], { config: conf });
  assert.match(theirs.stdout.toString(), /type = crypt/);
  // a generated password never meets the rule, even with the smallest size offered
  const gen = await run(['remote', 'add', 'g64', '--path', join(home.dir, 'g64'), '--generate-password', '--bits', '64', '--config', conf]);
  assert.equal(gen.code, 0, gen.err);
});

test('remote add --generate-password --bits 1024: printed once with a warning, works with rclone', async () => {
  const conf = join(home.dir, 'gen.conf');
  const r = await run(['remote', 'add', 'g', '--path', join(home.dir, 'genc'), '--generate-password', '--bits', '1024', '--config', conf]);
  assert.equal(r.code, 0, r.err);
  const m = /Generated password for "g": (\S+)/.exec(r.out);
  assert.ok(m);
  const pw = m[1] as string;
  assert.equal(Buffer.from(pw, 'base64url').length, 128);
  assert.match(r.err, /WARNING: .*cannot be read/);
  assert.equal((r.out.match(new RegExp(pw, 'g')) ?? []).length, 1, 'shown exactly once');
  assert.ok(!(await run(['remote', 'show', 'g', '--config', conf])).out.includes(pw));
  const j = await run(['remote', 'add', 'g2', '--path', '/tmp/z', '--generate-password', '--config', conf, '--json']);
  const lines = jsonLines(j.out);
  assert.equal(lines[0]?.type, 'generated-password');
  assert.equal(Buffer.from(String(lines[0]?.password), 'base64url').length, 32, 'default 256 bits, the strength of the web UI and the demo');
  assert.equal(lines[0]?.bits, 256);
  const bad = await run(['remote', 'add', 'g3', '--path', '/tmp/z', '--generate-password', '--bits', '4096', '--config', conf]);
  assert.equal(bad.code, 2);
});

test('decode: like rclone cryptdecode, forwards, --reverse, --json, and -- ends options', async () => {
  const r = await run(['decode', 'std_pw:', '22dm9akuvpn2j0erc8o01q7578', 'h12j3fm0usovenfekbiaibp6hs/lr28t54dlrcss560e8da57tq3o', 'notvalid', '--config', vconf]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '22dm9akuvpn2j0erc8o01q7578 \t one.txt\nh12j3fm0usovenfekbiaibp6hs/lr28t54dlrcss560e8da57tq3o \t dir1/sibling.txt\nnotvalid \t Failed to decrypt\n');
  const rev = await run(['decode', '--reverse', '--config', vconf, 'obf:', 'Hello World! 123']);
  assert.equal(rev.out, 'Hello World! 123 \t 243.Jgnnq Yqtnf!! 901\n');
  const j = await run(['decode', 'std_b64:', 'EJtkqp7-bimB22IwAOjlOg', 'bad', '--json', '--config', vconf]);
  assert.deepEqual(jsonLines(j.out), [
    { input: 'EJtkqp7-bimB22IwAOjlOg', output: 'one.txt', ok: true },
    { input: 'bad', output: null, ok: false, code: 'NOT_BLOCK_MULTIPLE' },
  ]);
  const dash = await run(['decode', '--reverse', '--config', vconf, 'off:', '--', '--json']);
  assert.equal(dash.out, '--json \t --json.bin\n');
  const notCrypt = await run(['decode', 'nosuch:', 'x', '--config', vconf]);
  assert.equal(notCrypt.code, 1);
  assert.match(notCrypt.err, /remote "nosuch" not found/);
});

test('cat: decrypted content, offsets, damaged files stop after the verified chunks', async () => {
  const plain = await readFile(join(vectors.dir, 'plain', 'big200k.bin'));
  const r = await run(['cat', 'std_pw:big200k.bin', '--config', vconf]);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.stdout.equals(plain));
  const nested = await run(['cat', '--config', vconf, 'std_b32768:dir1/dir2/dir3/deep.txt']);
  assert.ok(nested.stdout.equals(await readFile(join(vectors.dir, 'plain', 'dir1/dir2/dir3/deep.txt'))));
  const part = await run(['cat', 'std_pw:big200k.bin', '--offset', '70000', '--count', '100000', '--config', vconf]);
  assert.ok(part.stdout.equals(plain.subarray(70000, 170000)));
  const empty = await run(['cat', 'off:empty.txt', '--config', vconf]);
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout.length, 0);

  const damaged = await run(['cat', 'err_off:corrupt_last_block.bin', '--config', vconf]);
  assert.equal(damaged.code, 1);
  assert.equal(damaged.stdout.length, 65536, 'the verified first chunk came out');
  assert.match(damaged.err, /err_off:corrupt_last_block\.bin: failed to authenticate decrypted block - bad password\?/);
  for (const [file, msg] of [
    ['bad_magic.txt', /bad magic string/],
    ['zero_bytes.txt', /too short to be encrypted/],
    ['trunc_block_header_10.txt', /truncated block header/],
  ] as const) {
    const e = await run(['cat', `err_off:${file}`, '--config', vconf, '--json']);
    assert.equal(e.code, 1);
    assert.equal(e.stdout.length > 0 ? jsonLines(e.out)[0]?.type : 'error', 'error');
    assert.match(e.err, msg);
    assert.ok(e.err.includes(`err_off:${file}`), 'message names the file');
  }
  const wrong = await run(['cat', 'err_off_wrongpw:good_one.txt', '--config', vconf]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /bad password\?/);
  const missing = await run(['cat', 'std_pw:nope.txt', '--config', vconf]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /std_pw:nope\.txt: file not found/);
});

test('cat --offset past the end is an error naming the file and its size, like rclone; at the end it writes nothing', async () => {
  // Same offsets through the real rclone: both must agree on which ones fail.
  const cases: Array<[string, string, number]> = [
    ['std_pw:big200k.bin', '200000', 0],
    ['std_pw:big200k.bin', '200001', 1],
    ['std_pw:big200k.bin', '9999999', 1],
    ['off:empty.txt', '0', 0],
    ['off:empty.txt', '1', 1],
  ];
  for (const [spec, offset, want] of cases) {
    const ours = await run(['cat', spec, '--offset', offset, '--config', vconf]);
    const theirs = await rclone(['cat', '--offset', offset, spec], { config: vconf });
    assert.equal(ours.code, want, `${spec} --offset ${offset}: ${ours.err}`);
    assert.equal(theirs.code === 0, want === 0, `rclone agrees on ${spec} --offset ${offset}`);
    assert.equal(ours.stdout.length, 0);
    if (want !== 0) {
      const size = spec.endsWith('empty.txt') ? 0 : 200000;
      assert.ok(ours.err.includes(spec), 'message names the file');
      assert.ok(ours.err.includes(`(${size} bytes)`), `message gives the size: ${ours.err}`);
      assert.match(ours.err, /beyond the end of the file/);
    }
  }
  const j = await run(['cat', 'std_pw:big200k.bin', '--offset', '200001', '--config', vconf, '--json']);
  assert.equal(jsonLines(j.out)[0]?.code, 'OFFSET_PAST_END');
});

test('config errors name the remote or file: missing remote, not crypt, no password, encrypted config, no config', async () => {
  const conf = join(home.dir, 'errs.conf');
  await writeFile(conf, '[plainlocal]\ntype = local\n[nopw]\ntype = crypt\nremote = /tmp/x\n');
  const cases: Array<[string[], RegExp]> = [
    [['cat', 'ghost:a', '--config', conf], /remote "ghost" not found in .*errs\.conf/],
    [['cat', 'plainlocal:a', '--config', conf], /remote "plainlocal" .*type "local"; it needs to be of type "crypt"/],
    [['decode', 'nopw:', 'x', '--config', conf], /remote "nopw" .*password not set/],
    [['remote', 'show', 'x', '--config', join(home.dir, 'none.conf')], /none\.conf: rclone config file not found/],
  ];
  const enc = join(home.dir, 'enc.conf');
  await writeFile(enc, '# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nXXXX\n');
  cases.push([['remote', 'list', '--config', enc], /enc\.conf: the rclone config file is encrypted/]);
  cases.push([['remote', 'add', 'n', '--path', '/x', '--password-env', 'PW', '--config', enc], /enc\.conf: the rclone config file is encrypted/]);
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.err, re, argv.join(' '));
  }
  const j = await run(['cat', 'ghost:a', '--config', conf, '--json']);
  assert.deepEqual(jsonLines(j.out)[0]?.code, 'REMOTE_NOT_FOUND');
  assert.equal(jsonLines(j.out)[0]?.subject, 'ghost');
  const usage = await run(['cat', 'nocolon', '--config', conf]);
  assert.equal(usage.code, 2);
});

test('obscure: argument, stdin with -, and -- before a dash password (real process)', async () => {
  const a = await run(['obscure', 'hunter2']);
  assert.equal(reveal(a.out.trim()), 'hunter2');
  const b = await run(['obscure', '-'], { input: 'from stdin\nsecond line\n' });
  assert.equal(reveal(b.out.trim()), 'from stdin');
  const c = await run(['obscure', '--json', '--', '--weird']);
  assert.equal(reveal(String(jsonLines(c.out)[0]?.obscured)), '--weird');
  const p = await cryptsync(['obscure', '--', '-x'], { env: cliEnv(join(home.dir, 'home')) });
  assert.equal(p.code, 0, p.stderr);
  const r = await rclone(['reveal', p.stdout.trim()], { config: '/dev/null' });
  assert.equal(r.stdout.toString().trim(), '-x');
});
