// `npm run bench -- NAME...`: builds, then runs the named benchmarks from bench/ (all when none is named).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, ensureNpmDeps, build, RUNTIME_PACKAGES } from './system-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureSystemPackages([...RUNTIME_PACKAGES, ['rclone', 'rclone']]);
await ensureNpmDeps(root);
await build(root);
const all = readdirSync(join(root, 'dist', 'bench')).filter((f) => f.endsWith('.js') && !f.startsWith('_')).map((f) => f.slice(0, -3));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
for (const name of names.length ? names : all) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${all.join(', ')}`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'dist', 'bench', `${name}.js`), ...flags], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
