// The restore-target guard (src/run/restore-guard.ts) through both front ends: the real
// `cryptsync restore` process and POST /api/restore of the web app. Restoring into a crypt
// remote's folder (the catalog a later run pushes), into a sub folder of another remote's folder,
// into (or around) a synchronize task's source, or through a symlink into a catalog is refused
// with RESTORE_TARGET_UNSAFE, exit non-zero / HTTP 409, and nothing is written anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, type Harness } from '../server/harness.js';
import { cliEnv, cryptsync } from '../helpers/cli.js';
import { makeTree, readTree } from '../helpers/tree.js';

let h: Harness;
let env: NodeJS.ProcessEnv;
let work: string;
let plain: string;
let catalog: string;
let spare: string;
let syncSource: string;

/** Every folder the guard protects, with its content, to prove a refusal wrote nothing. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const dir of [catalog, spare, syncSource, join(work, 'sync-dest')]) parts.push(dir, JSON.stringify([...(await readTree(dir))]));
  return parts.join('\n');
}

before(async () => {
  h = await startHarness();
  env = cliEnv(h.home);
  work = join(h.home, 'work');
  plain = join(work, 'plain');
  catalog = join(work, 'catalog');
  spare = join(work, 'spare-catalog');
  syncSource = join(work, 'sync-source');
  await makeTree(plain, { 'a.txt': 'secret plain text', 'sub/b.txt': 'more plain text' });
  await makeTree(syncSource, { 'doc.txt': 'pushed as is' });
  await mkdir(join(work, 'sync-dest'), { recursive: true });
  await mkdir(join(spare, 'old'), { recursive: true });
  await h.engine.addRemote({ name: 'vault', path: catalog, password: 'restore guard test password' });
  await h.engine.addRemote({ name: 'spare', path: spare, password: 'another restore guard password' });
  await h.engine.addTask({ name: 'enc', type: 'encrypt', source: plain, remote: 'vault:' });
  await h.engine.addTask({ name: 'push', type: 'synchronize', source: syncSource, dest: join(work, 'sync-dest') });
  const { runId } = h.engine.startRun('enc');
  assert.equal((await h.engine.waitRun(runId)).status, 'ok');
});

after(async () => {
  await h.close();
});

/** target, what the message must name */
function unsafeTargets(): Array<[string, RegExp]> {
  return [
    [join(catalog, 'restore-test'), /crypt remote "vault:"/],
    [catalog, /crypt remote "vault:"/],
    [join(spare, 'old', 'deeper'), /crypt remote "spare:"/],
    [join(syncSource, 'restored'), /synchronize task "push"/],
    [work, /contains/],
  ];
}

test('CLI: restore into a catalog, a remote sub folder or a sync source is refused; nothing written', async () => {
  const link = join(work, 'link-to-catalog');
  await symlink(catalog, link);
  const before = await snapshot();
  for (const [target, names] of [...unsafeTargets(), [join(link, 'x'), /crypt remote "vault:"/] as [string, RegExp]]) {
    for (const extra of [[], ['--overwrite']]) {
      const r = await cryptsync(['restore', 'vault:', target, ...extra], { env });
      assert.notEqual(r.code, 0, `${target} ${extra.join(' ')}: refused\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /refusing to restore into/, target);
      assert.ok(r.stderr.includes(target), `the message names the target ${target}: ${r.stderr}`);
      assert.match(r.stderr, names, target);
    }
  }
  assert.equal(existsSync(join(catalog, 'restore-test')), false);
  assert.equal(existsSync(join(syncSource, 'restored')), false);
  assert.equal(await snapshot(), before, 'no protected folder changed');
});

test('CLI: a relative target is refused naming the argument; a safe absolute target restores', async () => {
  const rel = await cryptsync(['restore', 'vault:', 'restored-here'], { env, cwd: work });
  assert.equal(rel.code, 2, rel.stderr);
  assert.match(rel.stderr, /<target-dir>: .*absolute path/);
  assert.equal(existsSync(join(work, 'restored-here')), false);
  const out = `${h.home}-restored`;
  const ok = await cryptsync(['restore', 'vault:', out], { env });
  try {
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(await readTree(out), await readTree(plain));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('API: the same targets are refused with 409 RESTORE_TARGET_UNSAFE naming the field; nothing written', async () => {
  const before = await snapshot();
  for (const [target, names] of unsafeTargets()) {
    for (const source of ['vault:', 'enc']) {
      const r = await h.json<{ error: { code: string; message: string; field?: string } }>('POST', '/api/restore', { source, target, overwrite: true, confirmTarget: target });
      assert.equal(r.status, 409, `${source} -> ${target}: ${r.text}`);
      assert.equal(r.body.error.code, 'RESTORE_TARGET_UNSAFE');
      assert.equal(r.body.error.field, 'target');
      assert.ok(r.body.error.message.includes(target), r.body.error.message);
      assert.match(r.body.error.message, names);
    }
  }
  assert.equal(await snapshot(), before, 'no protected folder changed');
});
