// Engine.restore of picked paths (the web UI's restore view): names are taken literally, even
// when they contain glob characters; the result lands in a fresh folder by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/run/index.js';
import { makeTree, readTree } from '../helpers/tree.js';

async function files(root: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await files(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

test('restoring picked paths takes names with glob characters literally', async () => {
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-engine-restore-'));
  const engine = Engine.open({ home: join(work, 'home'), env: { ...process.env, RCLONE_CONFIG: '' } });
  try {
    const plain = join(work, 'plain');
    await makeTree(plain, {
      'Photos [2019]/a.jpg': 'a',
      'Photos 2/b.jpg': 'b',
      'notes{old}.txt': 'n',
      'star*.txt': 's',
      'starlight.txt': 'l',
    });
    await engine.addRemote({ name: 'v', path: join(work, 'cat'), password: 'pw for restore test' });
    await engine.addTask({ name: 'enc', type: 'encrypt', source: plain, remote: 'v:' });
    const { runId } = engine.startRun('enc');
    assert.equal((await engine.waitRun(runId)).status, 'ok');

    let r = await engine.restore('enc', { paths: ['Photos [2019]'] });
    assert.deepEqual(await files(r.target), ['Photos [2019]/a.jpg']);
    assert.match(r.target, /cryptsync-restore-/, 'a fresh temporary folder by default');
    r = await engine.restore('enc', { paths: ['star*.txt', 'notes{old}.txt'] });
    assert.deepEqual(await files(r.target), ['notes{old}.txt', 'star*.txt']);
    r = await engine.restore('enc', {});
    assert.deepEqual(await readTree(r.target), await readTree(plain));
  } finally {
    engine.close();
    await rm(work, { recursive: true, force: true });
  }
});
