// listServer against the truth on disk: a random tree (awkward names: spaces, " -> ", control
// bytes, backslash-hash, unicode, symlinks, empty folders, odd mtimes) listed by the real rsync,
// locally and over a real loopback sshd, must equal an lstat walk of the same folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listServer, childLocation, locationOf, type ServerLocation } from '../../src/run/server-listing.js';
import { parseListOnlyLine } from '../../src/rsync/index.js';
import { bytesToName, fsPath } from '../../src/crypt/index.js';
import type { SynchronizeTask } from '../../src/tasks/index.js';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { tempDir } from '../helpers/rclone.js';
import { seededRandom } from '../helpers/seeded-random.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
// '\udcff' is a raw byte 0xFF (not UTF-8) in cryptsync's name strings (crypt/names-on-disk.ts)
const NAME_PARTS = ['a', 'Zz', ' ', 'é', '日本', '\\#', '\\#041', ' -> ', '\x01', '-', '.', 'x', '\udcff', '\udce9'];

let sshd: SshServer;
let tmp: { dir: string; cleanup: () => Promise<void> };

before(async () => {
  console.log(`server-listing seed=${SEED} (replay with SEED=${SEED})`);
  sshd = await startSshd();
  tmp = await tempDir('cryptsync-listing-');
});
after(async () => {
  await sshd?.stop();
  await tmp?.cleanup();
});

async function randomTree(root: string, rnd: () => number): Promise<void> {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const name = (): string => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) s += pick(NAME_PARTS);
    return s === '.' || s === '..' || s.startsWith('.') ? `n${s}` : s;
  };
  const dirs = [root];
  for (let i = 0; i < 60; i++) {
    const parent = pick(dirs);
    const p = join(parent, `${name()}${i}`);
    const r = rnd();
    if (r < 0.2) {
      await mkdir(fsPath(p));
      dirs.push(p);
    } else if (r < 0.3) {
      await symlink(fsPath(`${name()} target ${i}`), fsPath(p));
    } else {
      await writeFile(fsPath(p), Buffer.alloc(Math.floor(rnd() * 5000), i));
    }
    if (r >= 0.3 || r < 0.2) {
      const t = Math.floor(rnd() * 2_000_000_000);
      await utimes(fsPath(p), t, t);
    }
  }
}

async function walk(root: string, rel = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const raw of await readdir(fsPath(join(root, rel)), { encoding: 'buffer' })) {
    const n = bytesToName(raw);
    const r = rel ? `${rel}/${n}` : n;
    const st = await lstat(fsPath(join(root, r)));
    if (st.isDirectory()) {
      out.set(r, `dir ${Math.floor(st.mtimeMs / 1000)}`);
      for (const [k, v] of await walk(root, r)) out.set(k, v);
    } else if (st.isSymbolicLink()) out.set(r, `symlink -> ${bytesToName(await readlink(fsPath(join(root, r)), { encoding: 'buffer' }))}`);
    else out.set(r, `file ${st.size} ${Math.floor(st.mtimeMs / 1000)}`);
  }
  return out;
}

async function listed(loc: ServerLocation): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await listServer(loc, { recursive: true })) {
    out.set(e.path, e.kind === 'symlink' ? `symlink -> ${e.target}` : e.kind === 'dir' ? `dir ${e.mtimeSec}` : `file ${e.size} ${e.mtimeSec}`);
  }
  return out;
}

test('a random tree listed locally and over ssh equals the tree on disk', async () => {
  const root = join(tmp.dir, 'server');
  await mkdir(root);
  await randomTree(root, seededRandom(SEED));
  // folder mtimes change while the tree is built: fix them last, deepest first
  const truth = await walk(root);
  for (const [rel, v] of [...truth].reverse()) {
    if (v.startsWith('dir')) await utimes(fsPath(join(root, rel)), 1_600_000_000, 1_600_000_000);
  }
  const expected = await walk(root);
  assert.deepEqual(await listed({ spec: root }), expected, `local listing, seed ${SEED}`);
  const task: SynchronizeTask = {
    name: 't',
    type: 'synchronize',
    source: '/unused',
    dest: `${sshd.user}@${sshd.host}:${root}`,
    sshPort: sshd.port,
    sshKey: sshd.keyPath,
    sshOptions: sshd.sshOptions,
  };
  assert.deepEqual(await listed(locationOf(task)), expected, `ssh listing, seed ${SEED}`);
  const oneLevel = await listServer(locationOf(task), { recursive: false });
  assert.deepEqual(oneLevel.map((e) => e.path).sort(), [...expected.keys()].filter((k) => !k.includes('/')).sort());
});

test('a missing folder is NOT_FOUND; a refused login names the server', async () => {
  const task: SynchronizeTask = {
    name: 't',
    type: 'synchronize',
    source: '/unused',
    dest: `${sshd.user}@${sshd.host}:${join(tmp.dir, 'nope')}`,
    sshPort: sshd.port,
    sshKey: sshd.keyPath,
    sshOptions: sshd.sshOptions,
  };
  await assert.rejects(listServer(locationOf(task), { recursive: true }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND' && e.message.includes('nope'));
  await assert.rejects(listServer({ spec: join(tmp.dir, 'nope') }, { recursive: false }), (e: Error & { code?: string }) => e.code === 'NOT_FOUND');
  const wrongKey = { ...locationOf(task), sshKey: join(tmp.dir, 'no-such-key'), sshOptions: [...sshd.sshOptions, 'IdentitiesOnly=yes'] };
  await assert.rejects(listServer(wrongKey, { recursive: false }), (e: Error & { code?: string }) => e.code === 'SERVER_LIST_FAILED' && e.message.includes(`port ${sshd.port}`));
});

test('childLocation refuses paths that leave the folder', () => {
  const loc = { spec: 'u@h:root/' };
  assert.equal(childLocation(loc, 'a/b').spec, 'u@h:root/a/b');
  for (const bad of ['', '..', 'a/../b', '/abs', 'a//b', './a', 'a\nb']) assert.throws(() => childLocation(loc, bad), /not a path inside/);
});

test('parseListOnlyLine reads the formats rsync prints', () => {
  assert.deepEqual(parseListOnlyLine('-rw-r--r--        5000 2026/12/02 18:00:47 a/b/big file'), { path: 'a/b/big file', kind: 'file', size: 5000, mtimeSec: Date.UTC(2026, 11, 2, 18, 0, 47) / 1000 });
  assert.equal(parseListOnlyLine('drwxr-xr-x        4096 2026/12/02 18:00:47 .'), null);
  assert.equal(parseListOnlyLine('receiving incremental file list'), null);
  assert.deepEqual(parseListOnlyLine('lrwxrwxrwx           6 2026/01/01 00:00:00 x -> y -> z'), { path: 'x', kind: 'symlink', size: 6, mtimeSec: Date.UTC(2026, 0, 1) / 1000, target: 'y -> z' });
  assert.equal(parseListOnlyLine('-rw-r--r--           0 2026/01/01 00:00:00 ctl\\#001x')?.path, 'ctl\x01x');
});
