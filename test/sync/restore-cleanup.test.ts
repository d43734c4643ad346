// A restore killed with SIGKILL leaves temporaries (never a half file under a real name); the next
// restore into the same target removes them. A restore of one picked file makes only the folders
// on the way to it, not every folder of the catalog. Only cryptsync's own temporaries of a
// writer that is gone are removed, also in a folder whose name is not UTF-8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, mkdir, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cryptsync, cliEnv, BIN } from '../helpers/cli.js';
import { makeTree, readTree } from '../helpers/tree.js';

const TEMP = /^\.cryptsync-.*\.tmp$/;

async function walk(dir: string, rel = ''): Promise<{ files: string[]; dirs: string[] }> {
  const out = { files: [] as string[], dirs: [] as string[] };
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.dirs.push(p);
      const sub = await walk(dir, p);
      out.files.push(...sub.files);
      out.dirs.push(...sub.dirs);
    } else out.files.push(p);
  }
  return out;
}

async function setup(spec: Parameters<typeof makeTree>[1]) {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-rcln-'));
  const env = cliEnv(join(work, 'home'), { PW: `restore cleanup ${randomBytes(12).toString('hex')}` });
  const plain = join(work, 'plain');
  await makeTree(plain, spec);
  let r = await cryptsync(['remote', 'add', 'v', '--path', join(work, 'cat'), '--password-env', 'PW'], { env });
  assert.equal(r.code, 0, r.stderr);
  r = await cryptsync(['encrypt', plain, 'v:'], { env });
  assert.equal(r.code, 0, r.stderr);
  return { work, env, plain };
}

test('after kill -9 of a restore, the next restore leaves no temporaries and the files are exact', async () => {
  const { work, env, plain } = await setup(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`d${i % 2}/big${i}.bin`, 40 * 1024 * 1024])));
  try {
    const out = join(work, 'out');
    const child = spawn(process.execPath, [BIN, 'restore', 'v:', out], { env, stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const t0 = Date.now();
    let temps = 0;
    while (temps === 0) {
      if (Date.now() - t0 > 60_000) throw new Error('no temporary file appeared');
      temps = (await walk(out).catch(() => ({ files: [] as string[], dirs: [] }))).files.filter((f) => TEMP.test(f.split('/').pop()!)).length;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    await exited;
    const left = (await walk(out)).files.filter((f) => TEMP.test(f.split('/').pop()!));
    assert.ok(left.length > 0, 'the killed restore left temporaries (the case under test)');
    const r = await cryptsync(['restore', 'v:', out, '--overwrite'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual((await walk(out)).files.filter((f) => TEMP.test(f.split('/').pop()!)), []);
    assert.deepEqual(await readTree(out), await readTree(plain));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('restoring one picked file makes only the folders on the way to it', async () => {
  const spec: Record<string, string | null> = {};
  for (let i = 0; i < 40; i++) spec[`year${i}/month${i % 12}/note${i}.txt`] = `note ${i}\n`;
  spec['empty/inside'] = null;
  const { work, env } = await setup(spec);
  try {
    const one = join(work, 'one');
    let r = await cryptsync(['restore', 'v:', one, '--include', '/year7/month7/note7.txt'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await walk(one), { files: ['year7/month7/note7.txt'], dirs: ['year7', 'year7/month7'] });
    // a picked folder brings its own sub folders; a whole restore brings the empty ones too
    const all = join(work, 'all');
    r = await cryptsync(['restore', 'v:', all], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await stat(join(all, 'empty', 'inside'))).isDirectory());
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('cleanup keeps a live writer\'s temporary and a look-alike; it also reaches a folder whose name is not UTF-8', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-rcln-'));
  try {
    const env = cliEnv(join(work, 'home'), { PW: `restore cleanup ${randomBytes(12).toString('hex')}` });
    const plain = join(work, 'plain');
    await makeTree(plain, { 'a.txt': 'a\n' });
    const rawDir = Buffer.concat([Buffer.from(`${plain}/caf`), Buffer.of(0xe9)]);
    await mkdir(rawDir);
    await writeFile(Buffer.concat([rawDir, Buffer.from('/in.txt')]), 'inside');
    let r = await cryptsync(['remote', 'add', 'v', '--path', join(work, 'cat'), '--password-env', 'PW'], { env });
    assert.equal(r.code, 0, r.stderr);
    r = await cryptsync(['encrypt', plain, 'v:'], { env });
    assert.equal(r.code, 0, r.stderr);
    const out = join(work, 'out');
    const outRaw = Buffer.concat([Buffer.from(`${out}/caf`), Buffer.of(0xe9)]);
    await mkdir(outRaw, { recursive: true });
    // this test process is alive: its "temporary" belongs to a live writer and must stay
    const live = `.cryptsync-${process.pid}-0123456789abcdef.tmp`;
    const dead = '.cryptsync-999999999-0123456789abcdef.tmp';
    const foreign = '.cryptsync-notours.tmp';
    for (const n of [live, dead, foreign]) await writeFile(join(out, n), 'x');
    await writeFile(Buffer.concat([outRaw, Buffer.from(`/${dead}`)]), 'x');
    r = await cryptsync(['restore', 'v:', out, '--overwrite'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual((await readdir(out)).filter((n) => n.startsWith('.')).sort(), [foreign, live].sort());
    assert.deepEqual((await readdir(outRaw)).sort(), ['in.txt'], 'the stale temporary in the non-UTF-8 folder is gone');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
