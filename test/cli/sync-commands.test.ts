// The encrypt / restore / mapping / verify commands as a user runs them (real process, real
// rclone.conf): output formats, --json lines, and exit codes (0 ok, 1 fatal, 2 usage, 3 partial,
// 4 conflict, 12 wrong password).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile, mkdir, rm, readdir } from 'node:fs/promises';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { rclone } from '../helpers/rclone.js';
import { withEncryptedTree } from '../helpers/encrypted-tree.js';
import { snapshot, PASSWORD2 } from '../sync/fixture.js';
import { obscure } from '../../src/crypt/index.js';

test('encrypt, mapping, verify and restore commands with exit codes', async () => {
  await withEncryptedTree({ encrypt: false }, async ({ dir, plain, dest }) => {
    const env = cliEnv(join(dir, 'home'));
    const cs = (args: string[]) => cryptsync([args[0]!, '--config', dest.conf, ...args.slice(1)], { env });

    const dry = await cs(['encrypt', '--dry-run', plain, 'crypt:']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^plan: 12 new, 0 changed, 0 deleted files/m);
    assert.match(dry.stdout, /would encrypt new: multi\.bin \(3\.0 MiB\)/);
    await assert.rejects(readdir(dest.root), /ENOENT/);

    const run = await cs(['encrypt', '--json', plain, 'crypt:']);
    assert.equal(run.code, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.equal(lines[0]?.type, 'plan');
    assert.equal(lines.filter((l) => l.type === 'file' && l.action === 'new').length, 12);
    const summary = lines.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.newFiles, 12);
    assert.equal(summary.errors, 0);
    // the catalog's manifest (docs/manifest.md) is the one file with no plain twin
    const cc = await rclone(['cryptcheck', plain, 'crypt:', '--exclude', '/.cryptsync-manifest'], { config: dest.conf });
    assert.match(cc.stderr, /0 differences found/);

    const map = await cs(['mapping', 'crypt:']);
    assert.equal(map.code, 0, map.stderr);
    assert.match(map.stdout, /^deep\/a\/b\/sibling\.txt -> [0-9a-v]+\/[0-9a-v]+\/[0-9a-v]+\/[0-9a-v]+$/m);
    assert.match(map.stdout, /^empty folder\/ -> [0-9a-v]+\/$/m);
    const mapJson = jsonLines((await cs(['mapping', '--json', 'crypt:'])).stdout);
    // the tree's 12 files; the catalog's manifest (docs/manifest.md) is not user data, so not mapped
    assert.deepEqual(mapJson.at(-1), { type: 'summary', files: 12, dirs: 13 });

    const ok = await cs(['verify', plain, 'crypt:']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /0 differences found\n12 matching files/);

    await writeFile(join(plain, 'one.bin'), 'X'); // same size, new content, new mtime
    await writeFile(join(plain, 'only-plain.txt'), 'p');
    const bad = await cs(['verify', '--json', plain, 'crypt:']);
    assert.equal(bad.code, 3);
    const vs = jsonLines(bad.stdout).at(-1)!;
    assert.deepEqual([vs.differing, vs.missingOnDest, vs.matching], [['one.bin'], ['only-plain.txt'], 11]);

    const out = join(dir, 'out');
    const rs = await cs(['restore', 'crypt:', out]);
    assert.equal(rs.code, 0, rs.stderr);
    const snapOut = await snapshot(out);
    assert.equal(snapOut.get('multi.bin')?.hash, (await snapshot(plain)).get('multi.bin')?.hash);
    const again = await cs(['restore', 'crypt:', out]);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /not empty \(use --overwrite/);
    const sub = await cs(['restore', 'crypt:deep/a', join(dir, 'sub'), '--json']);
    assert.equal(sub.code, 0, sub.stderr);
    assert.deepEqual((await readdir(join(dir, 'sub'))).sort(), ['b']);
  });
});

test('guards and failures map to exit codes', async () => {
  await withEncryptedTree({ encrypt: false }, async ({ dir, plain, dest }) => {
    const env = cliEnv(join(dir, 'home'));
    const cs = (args: string[]) => cryptsync([args[0]!, '--config', dest.conf, ...args.slice(1)], { env });
    assert.equal((await cs(['encrypt', plain, 'crypt:'])).code, 0);

    const usage = await cs(['encrypt', '--max-delete', 'lots', plain, 'crypt:']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--max-delete must be a whole number/);

    await rm(join(plain, 'deep'), { recursive: true });
    const md = await cs(['encrypt', '--max-delete', '1', plain, 'crypt:']);
    assert.equal(md.code, 1);
    assert.match(md.stderr, /more than --max-delete 1; nothing was changed/);

    const empty = join(dir, 'empty');
    await mkdir(empty);
    const guard = await cs(['encrypt', empty, 'crypt:']);
    assert.equal(guard.code, 1);
    assert.match(guard.stderr, /holds no files .*but the encrypted catalog at \S+ holds 12; deleting them all is refused/);
    const missing = await cs(['encrypt', '--json', join(dir, 'unmounted'), 'crypt:']);
    assert.equal(missing.code, 1);
    assert.equal(jsonLines(missing.stdout).at(-1)?.code, 'SOURCE_NOT_FOUND');

    // a per-file failure: exit 3, the rest still done, deletions skipped
    await rm(join(plain, 'empty folder'), { recursive: true });
    await writeFile(join(plain, 'empty folder'), 'file now');
    const partial = await cs(['encrypt', plain, 'crypt:']);
    assert.equal(partial.code, 3, partial.stderr);
    assert.match(partial.stderr, /error: empty folder: .* \(TYPE_CONFLICT\)/);
    assert.match(partial.stdout, /deletions skipped because of errors/);

    const wrongConf = join(dir, 'wrong.conf');
    await writeFile(wrongConf, `[crypt]\ntype = crypt\nremote = ${dest.root}\npassword = ${obscure('wrong password')}\npassword2 = ${obscure(PASSWORD2)}\n`);
    const wrong = await cs(['encrypt', '--config', wrongConf, plain, 'crypt:']);
    assert.equal(wrong.code, 12);
    assert.match(wrong.stderr, /wrong password/);
    assert.equal((await cs(['restore', '--config', wrongConf, 'crypt:', join(dir, 'o')])).code, 12);
  });
});
