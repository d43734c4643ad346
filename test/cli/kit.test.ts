// The emergency kit, followed literally with the stock rclone against a real sshd on loopback:
// its rclone.conf block saved as the kit says, its commands run as printed (sh, rclone's sftp
// backend with key_file and a pinned known_hosts), and the files come back byte-identical —
// from the mirror of a synchronize task and from a chosen snapshot of a snapshot task. The kit
// is written 0600, shows the password only with --yes (or a typed confirmation), and as HTML too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cryptsync, jsonLines } from '../helpers/cli.js';
import { readTree, withoutManifest } from '../helpers/tree.js';
import { KIT_CONF_BEGIN, KIT_CONF_END, KIT_CONFIG_FILE } from '../../src/run/index.js';
import { startServerFixture, ok, PASSWORD, type ServerFixture } from '../run/server-fixture.js';

let f: ServerFixture;
let kit = '';

function sh(command: string, cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The commands the kit prints for a task: the code lines after its heading, comments left out. */
function commandsFor(task: string): string[] {
  const lines = kit.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\d+\\. ${task}: `).test(l));
  assert.ok(at >= 0, `the kit has a section for ${task}:\n${kit}`);
  const out: string[] = [];
  for (const l of lines.slice(at + 2)) {
    if (l === '' || /^\d+\. /.test(l)) break;
    if (l.startsWith('rclone ') || /^RCLONE_CONFIG_\w+=/.test(l)) out.push(l);
  }
  return out;
}

/** A folder holding the kit's rclone.conf block, saved exactly as step 1 says. */
async function kitFolder(name: string): Promise<string> {
  const dir = join(f.work, name);
  await mkdir(dir);
  const a = kit.indexOf(KIT_CONF_BEGIN);
  const b = kit.indexOf(KIT_CONF_END);
  assert.ok(a >= 0 && b > a, 'the kit holds an rclone.conf block');
  await writeFile(join(dir, KIT_CONFIG_FILE), kit.slice(a + KIT_CONF_BEGIN.length + 1, b), { mode: 0o600 });
  return dir;
}

async function expectPlainTree(restored: string, want: Map<string, Buffer>): Promise<void> {
  // stock rclone restores the catalog's manifest (docs/manifest.md) as one extra file
  const got = new Map([...withoutManifest(await readTree(restored))].filter(([, v]) => v !== 'dir'));
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `seed ${f.seed}`);
  for (const [k, v] of want) assert.equal(got.get(k), v.toString('base64'), `seed ${f.seed}: ${k} differs`);
}

before(async () => {
  f = await startServerFixture({ count: 10 });
  ok(await cryptsync(['task', 'add', 'snaps', '--type', 'snapshot', '--source', f.catalog, '--dest', `${f.sshd.user}@127.0.0.1:${join(f.work, 'snaps')}`, ...f.sshFlags, '--connect', 'enc'], { env: f.env }), 'task add snaps');
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run snaps');
  const file = join(f.work, 'kit.txt');
  ok(await cryptsync(['remote', 'kit', 'vault', '--yes', '--output', file], { env: f.env }), 'remote kit');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  kit = await readFile(file, 'utf8');
});

after(async () => {
  await f?.stop();
});

test('the kit holds the password, the server paths and an sftp remote with a crypt remote on top', () => {
  assert.ok(kit.includes(`password: ${PASSWORD}`));
  assert.ok(kit.includes(f.server), 'the synchronize task\'s server path');
  assert.ok(kit.includes(join(f.work, 'snaps')), 'the snapshot root');
  assert.match(kit, /type = sftp/);
  assert.match(kit, new RegExp(`key_file = ${f.sshd.keyPath.replace(/[.*+?^$()[\]{}|\\]/g, '\\$&')}`));
  assert.match(kit, /type = crypt\nremote = push_server:/);
});

test('stock rclone, following the kit literally, restores the mirror byte-identical', async () => {
  const dir = await kitFolder('follow-push');
  const cmds = commandsFor('push');
  assert.ok(cmds.some((c) => c.includes(' copy ')), cmds.join('\n'));
  for (const c of cmds) {
    const r = await sh(c, dir);
    assert.equal(r.code, 0, `${c}\n${r.out}`);
  }
  await expectPlainTree(join(dir, 'restored'), f.files);
});

test('stock rclone restores a snapshot named as the kit says (SNAPSHOT = a listed folder)', async () => {
  const dir = await kitFolder('follow-snaps');
  const [list, ...rest] = commandsFor('snaps');
  const listed = await sh(list as string, dir);
  assert.equal(listed.code, 0, listed.out);
  const snapshot = listed.out.split('\n').map((l) => l.replace(/\/$/, '')).find((l) => /^\d{4}-\d\d-\d\dT\d{6}Z/.test(l));
  assert.ok(snapshot, `a dated snapshot listed:\n${listed.out}`);
  for (const c of rest) {
    const r = await sh(c.replace(/SNAPSHOT/g, snapshot), dir);
    assert.equal(r.code, 0, `${c}\n${r.out}`);
  }
  await expectPlainTree(join(dir, 'restored'), f.files);
});

test('no password without confirmation; HTML on request; --json says where it went', async () => {
  const none = join(f.work, 'unconfirmed.txt');
  const r = await cryptsync(['remote', 'kit', 'vault', '--output', none], { env: f.env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--yes/);
  await assert.rejects(stat(none), { code: 'ENOENT' });
  const wrong = await cryptsync(['remote', 'kit', 'vault'], { env: f.env, input: 'not-the-name\n' });
  assert.notEqual(wrong.code, 0);
  assert.ok(!wrong.stdout.includes(PASSWORD));
  const html = join(f.work, 'kit.html');
  const j = ok(await cryptsync(['remote', 'kit', 'vault', '--yes', '--html', '--output', html, '--json'], { env: f.env }), 'kit html');
  assert.equal(jsonLines(j.stdout)[0]?.path, html);
  assert.ok(!j.stdout.includes(PASSWORD), 'the password goes to the file only');
  const page = await readFile(html, 'utf8');
  assert.match(page, /^<!doctype html>/);
  assert.ok(page.includes('<pre>') && page.includes(KIT_CONF_BEGIN));
});
