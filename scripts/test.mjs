// `npm test`: installs what the tests need, builds, then runs every test file with node's
// test runner. Extra arguments filter test files by substring (npm test -- crypt).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, ensureNpmDeps, build, RUNTIME_PACKAGES, TEST_PACKAGES } from './system-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureSystemPackages([...RUNTIME_PACKAGES, ...TEST_PACKAGES]);
await ensureNpmDeps(root);
await build(root);
if (existsSync(join(root, 'scripts', 'web-build.mjs'))) {
  const { ensureWebBuilt } = await import('./web-build.mjs');
  await ensureWebBuilt(root);
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = walk(join(root, 'dist', 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CRYPTSYNC_TEST: '1' },
});
process.exit(r.status ?? 1);
