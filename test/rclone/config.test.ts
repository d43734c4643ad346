// rclone.conf handling: reading crypt remotes (all options, Go booleans), the error for each bad
// case naming the remote/file, editing that keeps other lines, 0600, and resolving local roots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  addCryptRemote,
  generatePassword,
  getCryptRemote,
  listRemotes,
  loadRcloneConfig,
  openCryptRemote,
  parseGoBool,
  parseRcloneConfig,
  parseRemoteSpec,
  removeRemote,
  resolveLocalRoot,
} from '../../src/rclone/index.js';
import { obscure, reveal } from '../../src/crypt/index.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { copyVectors, rclone, tempDir, VECTORS_SOURCE } from '../helpers/rclone.js';

const code = (c: string, subject?: string) => (e: unknown) =>
  e instanceof CryptsyncError && e.code === c && (subject === undefined || (e.subject === subject && e.message.includes(subject)));

test('reads every crypt remote of the vectors config', async () => {
  const cfg = await loadRcloneConfig(join(VECTORS_SOURCE, 'rclone.conf'));
  assert.equal(listRemotes(cfg).length, 13);
  const b64 = getCryptRemote(cfg, 'std_b64');
  assert.equal(b64.filenameEncoding, 'base64');
  assert.equal(b64.password.reveal(), 'correct horse battery staple');
  assert.equal(String(b64.password), '**redacted**');
  assert.ok(!JSON.stringify(b64).includes('correct horse'));
  assert.equal(getCryptRemote(cfg, 'std_pw_salt').password2?.reveal(), 'salt-NaCl-42');
  assert.equal(getCryptRemote(cfg, 'std_nodir').directoryNameEncryption, false);
  assert.equal(getCryptRemote(cfg, 'nodata').noDataEncryption, true);
  assert.equal(getCryptRemote(cfg, 'off').filenameEncryption, 'off');
  assert.equal(getCryptRemote(cfg, 'emptypw').password.reveal(), '');
});

test('booleans and choices as rclone parses them; errors name the remote', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false);
  assert.equal(parseGoBool('yes'), undefined);
  const pw = obscure('x');
  const cfg = parseRcloneConfig(
    `# comment\n[a]\ntype = crypt\nremote = /x\nfilename_encryption = OBFUSCATE\ndirectory_name_encryption = F\nno_data_encryption = 1\nshow_mapping = T\nsuffix = none\npassword = ${pw}\n` +
      `[bad]\ntype = crypt\nremote = /x\ndirectory_name_encryption = yes\npassword = ${pw}\n` +
      `[s3]\ntype = s3\n[nopw]\ntype = crypt\nremote = /x\n[notobscured]\ntype = crypt\nremote = /x\npassword = not obscured!\n`,
    '/etc/r.conf',
  );
  const a = getCryptRemote(cfg, 'a');
  assert.deepEqual(
    [a.filenameEncryption, a.directoryNameEncryption, a.noDataEncryption, a.showMapping, a.suffix],
    ['obfuscate', false, true, true, ''],
  );
  assert.throws(() => getCryptRemote(cfg, 'bad'), code('CONFIG_PARSE', 'bad'));
  assert.throws(() => getCryptRemote(cfg, 'missing'), code('REMOTE_NOT_FOUND', 'missing'));
  assert.throws(() => getCryptRemote(cfg, 's3'), code('REMOTE_NOT_CRYPT', 's3'));
  assert.throws(() => getCryptRemote(cfg, 'nopw'), code('PASSWORD_MISSING', 'nopw'));
  assert.throws(() => getCryptRemote(cfg, 'notobscured'), code('PASSWORD_NOT_OBSCURED', 'notobscured'));
  assert.throws(() => parseRcloneConfig('# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nabc', '/e.conf'), code('CONFIG_ENCRYPTED', '/e.conf'));
  assert.throws(() => parseRcloneConfig('junk line', '/j.conf'), code('CONFIG_PARSE', '/j.conf'));
});

test('missing config file', async () => {
  await assert.rejects(loadRcloneConfig('/nonexistent/rclone.conf'), code('CONFIG_NOT_FOUND', '/nonexistent/rclone.conf'));
});

test('remote specs', () => {
  assert.deepEqual(parseRemoteSpec('r:'), { remote: 'r', path: '' });
  assert.deepEqual(parseRemoteSpec('r:sub/dir/'), { remote: 'r', path: 'sub/dir' });
  assert.throws(() => parseRemoteSpec('nocolon'), code('USAGE'));
  assert.throws(() => parseRemoteSpec(':x'), code('USAGE'));
});

test('add / remove keep other sections and comments, 0600, obscured, readable by rclone', async () => {
  const t = await tempDir();
  try {
    const path = join(t.dir, 'sub', 'rclone.conf');
    await mkdir(join(t.dir, 'sub'));
    await writeFile(path, '# my remotes\n[other]\ntype = local\n; keep me\n', { mode: 0o644 });
    await addCryptRemote(path, { name: 'c', remote: join(t.dir, 'enc'), password: 'pw1', password2: 'salt', filenameEncoding: 'base64' });
    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith('# my remotes\n[other]\ntype = local\n; keep me\n'));
    assert.ok(!text.includes('pw1') && !text.includes('salt'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const cfg = await loadRcloneConfig(path);
    const c = getCryptRemote(cfg, 'c');
    assert.equal(c.password.reveal(), 'pw1');
    assert.equal(c.password2?.reveal(), 'salt');
    await assert.rejects(addCryptRemote(path, { name: 'c', remote: '/x', password: 'p' }), code('REMOTE_EXISTS', 'c'));
    await assert.rejects(addCryptRemote(path, { name: '-bad', remote: '/x', password: 'p' }), code('BAD_REMOTE_NAME'));
    const r = await rclone(['cryptdecode', '--reverse', 'c:', 'one.txt'], { config: path });
    assert.equal(r.code, 0, r.stderr);
    const opened = await openCryptRemote('c:', path);
    assert.equal(r.stdout.toString(), `one.txt \t ${opened.cipher.encryptFileName('one.txt')}\n`);
    await removeRemote(path, 'c');
    assert.equal(await readFile(path, 'utf8'), '# my remotes\n[other]\ntype = local\n; keep me\n', 'back to the original text');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    await assert.rejects(removeRemote(path, 'c'), code('REMOTE_NOT_FOUND', 'c'));
  } finally {
    await t.cleanup();
  }
});

test('local roots: paths, :local:, type=local, alias; other backends refused', () => {
  const cfg = parseRcloneConfig('[loc]\ntype = local\n[al]\ntype = alias\nremote = loc:/data\n[al2]\ntype = alias\nremote = /base\n[s3]\ntype = s3\n[al3]\ntype = alias\nremote = s3:bucket\n');
  assert.equal(resolveLocalRoot(cfg, 'c', '/abs/dir'), '/abs/dir');
  assert.equal(resolveLocalRoot(cfg, 'c', 'rel/dir', '/cwd'), '/cwd/rel/dir');
  assert.equal(resolveLocalRoot(cfg, 'c', ':local:/x'), '/x');
  assert.equal(resolveLocalRoot(cfg, 'c', 'loc:/y', '/cwd'), '/y');
  assert.equal(resolveLocalRoot(cfg, 'c', 'al:sub'), '/data/sub');
  assert.equal(resolveLocalRoot(cfg, 'c', 'al2:sub'), '/base/sub');
  assert.equal(resolveLocalRoot(cfg, 'c', 'local:rel', '/cwd'), resolve('/cwd', 'rel'));
  assert.throws(() => resolveLocalRoot(cfg, 'c', 's3:bucket'), (e: unknown) => code('REMOTE_NOT_LOCAL', 'c')(e) && /only local folders/.test((e as Error).message));
  assert.throws(() => resolveLocalRoot(cfg, 'c', 'al3:x'), code('REMOTE_NOT_LOCAL', 'c'));
  assert.throws(() => resolveLocalRoot(cfg, 'c', 'nosuch:x'), code('REMOTE_NOT_FOUND', 'c'));
});

test('openCryptRemote on the vectors: relative remote resolved against the CWD', async () => {
  const v = await copyVectors();
  const cwd = process.cwd();
  try {
    process.chdir(v.dir);
    const o = await openCryptRemote('std_pw:dir1/dir2', 'rclone.conf');
    assert.equal(o.base, join(v.dir, 'enc/std_pw'));
    assert.equal(o.root, join(v.dir, 'enc/std_pw/h12j3fm0usovenfekbiaibp6hs/kq403eg5lfnjshkcuokel8po88'));
    assert.equal((await stat(o.root)).isDirectory(), true);
    assert.equal(o.plainPath, 'dir1/dir2');
    assert.equal((await stat(join(v.dir, 'enc/std_pw/omm6gsrjl6urk3bs9hgns4ii8g'))).isDirectory(), true, 'empty dirs recreated');
    const st = await stat(join(v.dir, 'plain/hello.txt'), { bigint: true });
    assert.equal(st.mtimeNs, 1704164645123456789n, 'mtimes restored to the nanosecond');
  } finally {
    process.chdir(cwd);
    await v.cleanup();
  }
});

test('generatePassword: bits, charset, randomness', () => {
  const p = generatePassword(1024);
  assert.equal(p.length, Math.ceil((128 * 4) / 3));
  assert.match(p, /^[A-Za-z0-9_-]+$/);
  assert.notEqual(generatePassword(128), generatePassword(128));
  assert.equal(Buffer.from(generatePassword(64), 'base64url').length, 8);
  assert.throws(() => generatePassword(2048), code('USAGE'));
  assert.throws(() => generatePassword(8), code('USAGE'));
  assert.equal(reveal(obscure(p)), p);
});

test('environment overrides as rclone applies them (checked against the real rclone)', async () => {
  const t = await tempDir();
  try {
    const path = join(t.dir, 'rclone.conf');
    await writeFile(path, `[c]\ntype = crypt\nremote = ${t.dir}\npassword = ${obscure('pw')}\n`);
    const env = { RCLONE_CONFIG_C_FILENAME_ENCODING: 'base64', RCLONE_CRYPT_PASSWORD2: obscure('salty') };
    const cfg = await loadRcloneConfig(path);
    const c = getCryptRemote(cfg, 'c', env);
    assert.equal(c.filenameEncoding, 'base64');
    assert.equal(c.password2?.reveal(), 'salty');
    assert.equal(getCryptRemote(cfg, 'c').filenameEncoding, 'base32', 'no env, no override');
    const opened = await openCryptRemote('c:', path, env);
    const r = await rclone(['cryptdecode', '--reverse', 'c:', 'x/y.txt'], { config: path, env });
    assert.equal(r.stdout.toString(), `x/y.txt \t ${opened.cipher.encryptFileName('x/y.txt')}\n`);
    // a remote defined only by the environment
    const envOnly = { RCLONE_CONFIG_E_TYPE: 'crypt', RCLONE_CONFIG_E_REMOTE: t.dir, RCLONE_CONFIG_E_PASSWORD: obscure('pw') };
    assert.equal(getCryptRemote(cfg, 'e', envOnly).remote, t.dir);
    assert.throws(() => getCryptRemote(cfg, 'e'), code('REMOTE_NOT_FOUND', 'e'));
  } finally {
    await t.cleanup();
  }
});

test('a remote path with a line break is refused and the config is not touched', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const conf = join(dir, 'rclone.conf');
    await addCryptRemote(conf, { name: 'ok', remote: '/tmp/x', password: 'pw' });
    const before = await readFile(conf, 'utf8');
    await assert.rejects(
      addCryptRemote(conf, { name: 'evil', remote: '/tmp/y\n[other]\ntype = local', password: 'pw' }),
      (e: Error & { code?: string }) => e.code === 'BAD_VALUE' && /line breaks/.test(e.message),
    );
    assert.equal(await readFile(conf, 'utf8'), before);
  } finally {
    await cleanup();
  }
});

test('REMOTE:path never steps up or out: "..", "." and empty parts are refused before any catalog is opened', async () => {
  const { parseRemoteSpec } = await import('../../src/rclone/index.js');
  for (const bad of ['cs:..', 'cs:../x', 'cs:a/../b', 'cs:./a', 'cs:a//b', 'cs:a/.']) {
    assert.throws(() => parseRemoteSpec(bad), /must not contain "\." or "\.\." steps/, bad);
  }
  assert.deepEqual(parseRemoteSpec('cs:/a/b/'), { remote: 'cs', path: 'a/b' });
  assert.deepEqual(parseRemoteSpec('cs:'), { remote: 'cs', path: '' });
  assert.deepEqual(parseRemoteSpec('cs:a..b/.c'), { remote: 'cs', path: 'a..b/.c' });
});
