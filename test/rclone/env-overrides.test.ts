// rclone's environment overrides (RCLONE_CRYPT_<OPTION>, RCLONE_CONFIG_<REMOTE>_<OPTION>) change
// how a remote is opened for every command and task, not only decode/cat: with
// RCLONE_CRYPT_FILENAME_ENCODING=base64 a catalog written by the real rclone is read (mapping,
// restore, verify), kept in step (encrypt finds nothing to do) and written (base64 names rclone
// reads back) by cryptsync, through the one-off commands and through a task run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { rclone, tempDir, writeRcloneConf } from '../helpers/rclone.js';
import { cryptsync, cliEnv, jsonLines } from '../helpers/cli.js';
import { makeTree, readTree } from '../helpers/tree.js';

for (const override of ['RCLONE_CRYPT_FILENAME_ENCODING', 'RCLONE_CONFIG_VAULT_FILENAME_ENCODING']) {
  test(`${override}=base64 is honoured by encrypt, restore, mapping, verify and task runs`, async () => {
    const t = await tempDir();
    try {
      const plain = join(t.dir, 'plain');
      const catalog = join(t.dir, 'catalog');
      await makeTree(plain, { 'alpha.txt': 'alpha\n', 'sub folder/beta.bin': 70000, 'sub folder/deeper/γ.txt': 'gamma\n' });
      const config = await writeRcloneConf(t.dir, [{ name: 'vault', options: { type: 'crypt', remote: catalog, password: `env ${randomBytes(8).toString('hex')}` } }], { plainPasswords: true });
      const extra = { [override]: 'base64', RCLONE_CONFIG: config };
      const env = cliEnv(join(t.dir, 'home'), extra);
      env.RCLONE_CONFIG = config;
      const r = await rclone(['sync', plain, 'vault:'], { config, env: extra });
      assert.equal(r.code, 0, r.stderr);
      const onDisk = await readdir(catalog);
      assert.ok(onDisk.some((n) => /[A-Z_-]/.test(n)), `rclone wrote base64 names: ${onDisk.join(' ')}`);

      const dry = await cryptsync(['encrypt', plain, 'vault:', '--dry-run', '--json'], { env });
      assert.equal(dry.code, 0, dry.stderr + dry.stdout);
      const plan = jsonLines(dry.stdout).find((e) => e.type === 'plan')!;
      assert.deepEqual([plan.newFiles, plan.changedFiles, plan.deletedFiles], [0, 0, 0], 'nothing to do on rclone\'s catalog');

      const map = await cryptsync(['mapping', 'vault:', '--json'], { env });
      assert.equal(map.code, 0, map.stderr);
      assert.match(map.stdout, /deeper\/γ\.txt/);
      const out = join(t.dir, 'out');
      const rest = await cryptsync(['restore', 'vault:', out], { env });
      assert.equal(rest.code, 0, rest.stderr);
      assert.deepEqual(await readTree(out), await readTree(plain));

      await makeTree(plain, { 'new one.txt': 'written by cryptsync\n' });
      let x = await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env });
      assert.equal(x.code, 0, x.stderr);
      x = await cryptsync(['run', 'enc'], { env });
      assert.equal(x.code, 0, x.stderr + x.stdout);
      x = await cryptsync(['verify', plain, 'vault:'], { env });
      assert.equal(x.code, 0, x.stderr + x.stdout);
      // the catalog's manifest is cryptsync's; a stock rclone sync leaves it alone only when told (docs/manifest.md)
      const check = await rclone(['sync', plain, 'vault:', '--dry-run', '-v', '--exclude', '/.cryptsync-manifest'], { config, env: extra });
      assert.equal(check.code, 0, check.stderr);
      assert.doesNotMatch(check.stderr, /Skipped (copy|delete)/, 'rclone finds nothing to do after cryptsync wrote base64 names');
      const ls = await rclone(['lsf', '-R', 'vault:'], { config, env: extra });
      assert.match(ls.stdout.toString(), /new one\.txt/);
    } finally {
      await t.cleanup();
    }
  });
}
