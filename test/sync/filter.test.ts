// rclone-style filters: glob translation, rule order, folder pruning, and that files excluded
// from a sync are neither encrypted nor deleted from the catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { buildFilter, globToRegExp, encryptCatalog, listMapping } from '../../src/sync/index.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';

test('globs translate like rclone', () => {
  const m = (g: string, p: string) => globToRegExp(g).re.test(p);
  assert.ok(m('*.txt', 'a.txt'));
  assert.ok(m('*.txt', 'dir/sub/a.txt'), 'unanchored matches at any depth');
  assert.ok(!m('*.txt', 'a.txt/b'));
  assert.ok(m('/top.txt', 'top.txt'));
  assert.ok(!m('/top.txt', 'dir/top.txt'), 'leading / anchors at the root');
  assert.ok(m('dir/**', 'dir/a/b/c'));
  assert.ok(m('f?.bin', 'f1.bin') && !m('f?.bin', 'f12.bin'));
  assert.ok(m('*.{jpg,png}', 'x.png') && !m('*.{jpg,png}', 'x.gif'));
  assert.ok(m('[a-c]*', 'bee') && !m('[!a-c]*', 'bee'));
  assert.ok(globToRegExp('cache/').dirOnly);
  assert.throws(() => globToRegExp('a{b'), /unclosed \{/);
});

test('include rules imply excluding everything else; first match wins; folders pruned by excludes', async () => {
  const f = (await buildFilter({ include: ['*.txt', 'keep/**'], exclude: ['secret.txt'] }))!;
  assert.ok(f.file('a.txt'));
  assert.ok(f.file('secret.txt'), 'the include rule comes first (rclone order)');
  assert.ok(f.file('keep/x.bin'));
  assert.ok(!f.file('x.bin'));
  const g = (await buildFilter({ exclude: ['*.tmp', 'cache/**', 'build/'] }))!;
  assert.ok(!g.file('a/b.tmp') && g.file('a/b.txt'));
  assert.ok(!g.dir('cache') && !g.dir('x/build') && g.dir('src'));
  assert.equal(await buildFilter({}), undefined);
});

test('excluded files are not encrypted and not deleted from the catalog', async () => {
  await withEncryptedTree(async ({ dir, plain, dest }) => {
    await writeFile(join(plain, 'new.log'), 'log');
    const excludes = join(dir, 'excludes.txt');
    await writeFile(excludes, '# comment\n*.log\n\ndeep/**\n');
    const s = await encryptCatalog({ source: plain, dest, filter: { exclude: ['*.bin'], excludeFrom: [excludes] } });
    assert.deepEqual([s.newFiles, s.deletedFiles, s.errors], [0, 0, 0]);
    const map = await listMapping({ dest });
    assert.ok(map.some((m) => m.plain === 'multi.bin'), 'excluded on both sides: kept');
    assert.ok(!map.some((m) => m.plain === 'new.log'));
  });
});
