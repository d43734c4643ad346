// The wrong-password check cannot be fooled (plain folder names, names that decrypt by chance
// under a wrong key, bare version-tag names, no_data_encryption), and junk a fresh disk or a
// file manager leaves in a new catalog folder (lost+found, .DS_Store...) is not taken for a
// wrong key. Catalogs are written by the real rclone; every check goes through the real CLI:
// encrypt, a native and an `engine: rclone` task, restore, verify and mapping. Refusals exit 12
// and leave the catalog (and the restore target) untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cipher, standardToDisk } from '../../src/crypt/index.js';
import { isJunkName } from '../../src/util/junk-names.js';
import { cryptsync, cliEnv, type CliResult } from '../helpers/cli.js';
import { rclone, writeRcloneConf } from '../helpers/rclone.js';
import { makeTree, readTree, type TreeSpec } from '../helpers/tree.js';
import { snapshot } from './fixture.js';
import { seededRandom as prng } from '../helpers/seeded-random.js';

const GOOD = 'the right password';


function randomName(rnd: () => number, len = 10): string {
  const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < len; i++) s += abc[Math.floor(rnd() * abc.length)];
  return s;
}

interface Case {
  work: string;
  env: NodeJS.ProcessEnv;
  plain: string;
  cat: string;
  conf: string;
  cs: (args: string[]) => Promise<CliResult>;
}

/** A plain tree, a catalog of it written by the real rclone under GOOD, remotes good: and bad: (wrong password). */
async function makeCase(tree: TreeSpec, options: Record<string, string>, wrong: string): Promise<Case> {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-pwcheck-'));
  const plain = join(work, 'plain');
  const cat = join(work, 'cat');
  await makeTree(plain, tree);
  await mkdir(cat);
  const conf = await writeRcloneConf(
    work,
    [
      { name: 'good', options: { type: 'crypt', remote: cat, password: GOOD, ...options } },
      { name: 'bad', options: { type: 'crypt', remote: cat, password: wrong, ...options } },
    ],
    { plainPasswords: true },
  );
  const r = await rclone(['sync', plain, 'good:', '--create-empty-src-dirs'], { config: conf });
  assert.equal(r.code, 0, r.stderr);
  const env = cliEnv(join(work, 'home'));
  return { work, env, plain, cat, conf, cs: (args) => cryptsync(args, { env }) };
}

/** Every command that opens the catalog refuses the wrong password with exit 12 and writes nothing. */
async function assertRefusedEverywhere(c: Case, expectInMessage?: RegExp): Promise<void> {
  await writeFile(join(c.plain, 'added later.txt'), 'something to write');
  const before = await snapshot(c.cat);
  const why = (r: CliResult) => `${r.stderr}\n${r.stdout}`;

  let r = await c.cs(['encrypt', c.plain, 'bad:', '--config', c.conf]);
  assert.equal(r.code, 12, `encrypt: ${why(r)}`);
  assert.match(r.stderr, /wrong password/);
  if (expectInMessage) assert.match(r.stderr, expectInMessage);
  assert.deepEqual(await snapshot(c.cat), before, 'encrypt wrote nothing');

  for (const engine of ['native', 'rclone']) {
    r = await c.cs(['task', 'add', `enc-${engine}`, '--type', 'encrypt', '--source', c.plain, '--remote', 'bad:', '--config', c.conf, '--engine', engine]);
    assert.equal(r.code, 0, why(r));
    r = await c.cs(['run', `enc-${engine}`]);
    assert.equal(r.code, 12, `run (${engine} engine): ${why(r)}`);
    assert.deepEqual(await snapshot(c.cat), before, `the ${engine} engine wrote nothing`);
  }

  const out = join(c.work, 'restored');
  r = await c.cs(['restore', 'bad:', out, '--config', c.conf]);
  assert.equal(r.code, 12, `restore: ${why(r)}`);
  await assert.rejects(stat(out), /ENOENT/, 'restore created nothing');
  r = await c.cs(['verify', c.plain, 'bad:', '--config', c.conf]);
  assert.equal(r.code, 12, `verify: ${why(r)}`);
  r = await c.cs(['mapping', 'bad:', '--config', c.conf]);
  assert.equal(r.code, 12, `mapping: ${why(r)}`);
  assert.deepEqual(await snapshot(c.cat), before);

  // and the right password still opens it: only the added file is new
  r = await c.cs(['encrypt', c.plain, 'good:', '--config', c.conf, '--dry-run', '--json']);
  assert.equal(r.code, 0, `good password: ${why(r)}`);
  assert.match(r.stdout, /"newFiles":1,"changedFiles":0,"deletedFiles":0/);
}

test('directory_name_encryption = false: plain folder names are no evidence; a wrong password is refused', async () => {
  const tree: TreeSpec = {};
  for (let i = 0; i < 20; i++) tree[`folder ${i}/file ${i}.txt`] = `content ${i}`;
  const c = await makeCase(tree, { directory_name_encryption: 'false' }, 'a wrong password');
  try {
    await assertRefusedEverywhere(c);
  } finally {
    await rm(c.work, { recursive: true, force: true });
  }
});

test('300 folders under a wrong key, one of whose names decrypts by chance: always refused', async () => {
  const seed = Number(process.env.PWCHECK_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`password-check seed: ${seed} (set PWCHECK_SEED to repeat)`);
  const rnd = prng(seed);
  const wrong = `wrong ${randomName(rnd, 12)}`;
  const good = await Cipher.create({ password: GOOD });
  const bad = await Cipher.create({ password: wrong });
  const decryptsUnder = (c: Cipher, enc: string) => {
    try {
      c.decryptDirName(enc);
      return true;
    } catch {
      return false;
    }
  };
  const tree: TreeSpec = {};
  let lucky = 0;
  // at least one folder whose encrypted name also "decrypts" under the wrong key (about 1 in 256)
  while (lucky === 0) {
    const name = randomName(rnd);
    if (decryptsUnder(bad, good.encryptDirName(name))) {
      tree[`${name}/inside.txt`] = `lucky ${name}`;
      lucky++;
    }
  }
  while (Object.keys(tree).length < 300) tree[`${randomName(rnd)}/inside.txt`] = 1 + Math.floor(rnd() * 3000);
  const c = await makeCase(tree, {}, wrong);
  try {
    const luckyOnDisk = (await readdir(c.cat)).filter((n) => decryptsUnder(bad, n));
    assert.ok(luckyOnDisk.length >= 1, 'the fixture holds a folder name that decrypts under the wrong key');
    await assertRefusedEverywhere(c, /do not decrypt|fail to authenticate/);
  } finally {
    await rm(c.work, { recursive: true, force: true });
  }
});

test('no_data_encryption: decided on names only, and the message says so', async () => {
  const tree: TreeSpec = {};
  for (let i = 0; i < 12; i++) tree[`dir ${i}/note ${i}.txt`] = `plain content ${i}`;
  const c = await makeCase(tree, { no_data_encryption: 'true', directory_name_encryption: 'false' }, 'a wrong password');
  try {
    await assertRefusedEverywhere(c, /names only.*no_data_encryption/);
  } finally {
    await rm(c.work, { recursive: true, force: true });
  }
});

/** A fresh catalog folder that holds only what an OS or file manager leaves behind. */
async function junkOnlyCatalog(c: Case, kind: 'lost+found' | 'junk'): Promise<void> {
  await rm(c.cat, { recursive: true, force: true });
  await mkdir(c.cat);
  if (kind === 'lost+found') {
    await mkdir(join(c.cat, 'lost+found'), { mode: 0o700 });
    return;
  }
  await writeFile(join(c.cat, '.DS_Store'), randomBytes(6148));
  await writeFile(join(c.cat, 'Thumbs.db'), randomBytes(100));
  await writeFile(join(c.cat, 'desktop.ini'), '[.ShellClassInfo]\r\n');
  for (const d of ['.Trash-1000/files', '.Spotlight-V100/Store-V2', '.fseventsd']) await mkdir(join(c.cat, d), { recursive: true });
  await writeFile(join(c.cat, '.fseventsd', 'fseventsd-uuid'), randomBytes(16));
}

for (const kind of ['lost+found', 'junk'] as const) {
  test(`a new catalog folder holding only ${kind} is accepted by every command and both engines`, async () => {
    const c = await makeCase({ 'a.txt': 'alpha', 'sub/b.bin': 70000, 'sub/deeper/c.txt': 'gamma' }, {}, 'unused');
    try {
      const why = (r: CliResult) => `${r.stderr}\n${r.stdout}`;
      // native engine, CLI encrypt
      await junkOnlyCatalog(c, kind);
      let r = await c.cs(['mapping', 'good:', '--config', c.conf]);
      assert.equal(r.code, 0, `mapping of a ${kind}-only catalog: ${why(r)}`);
      r = await c.cs(['restore', 'good:', join(c.work, 'out-empty'), '--config', c.conf]);
      assert.notEqual(r.code, 12, `restore of a ${kind}-only catalog: ${why(r)}`);
      r = await c.cs(['encrypt', c.plain, 'good:', '--config', c.conf]);
      assert.equal(r.code, 0, `encrypt into a ${kind}-only catalog: ${why(r)}`);
      r = await c.cs(['verify', c.plain, 'good:', '--config', c.conf]);
      assert.equal(r.code, 0, `verify: ${why(r)}`);
      const out = join(c.work, 'out');
      r = await c.cs(['restore', 'good:', out, '--config', c.conf]);
      assert.equal(r.code, 0, `restore: ${why(r)}`);
      assert.deepEqual(await readTree(out), await readTree(c.plain));

      // tasks, both engines, each into its own fresh junk-only catalog
      for (const engine of ['native', 'rclone']) {
        await junkOnlyCatalog(c, kind);
        r = await c.cs(['task', 'add', `enc-${engine}`, '--type', 'encrypt', '--source', c.plain, '--remote', 'good:', '--config', c.conf, '--engine', engine]);
        assert.equal(r.code, 0, why(r));
        r = await c.cs(['run', `enc-${engine}`]);
        assert.equal(r.code, 0, `run (${engine} engine) into a ${kind}-only catalog: ${why(r)}`);
        // the catalog's manifest (docs/manifest.md) is the one file with no plain twin
        const check = await rclone(['check', c.plain, 'good:', '--exclude', '/.cryptsync-manifest'], { config: c.conf });
        assert.equal(check.code, 0, `rclone agrees the ${engine} engine wrote the catalog: ${check.stderr}`);
        assert.ok((await readdir(c.cat)).some(isJunkName), 'the junk was left alone');
      }
    } finally {
      await rm(c.work, { recursive: true, force: true });
    }
  });
}

test('isJunkName: the well-known names, one segment, nothing else', () => {
  for (const n of ['lost+found', '.DS_Store', 'Thumbs.db', 'thumbs.db', 'desktop.ini', 'Desktop.ini', '.Trash-1000', '.Spotlight-V100', '.fseventsd']) {
    assert.equal(isJunkName(n), true, n);
  }
  for (const n of ['lost+found2', '.Trash-', 'photo.jpg', 'sub/.DS_Store', standardToDisk('lost+found.bin'), '']) assert.equal(isJunkName(n), false, n);
});
