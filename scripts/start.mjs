// `npm start`: installs what is missing on first use, builds, and runs cryptsync's main job.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages, ensureNpmDeps, build, RUNTIME_PACKAGES } from './system-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await ensureSystemPackages([...RUNTIME_PACKAGES, ['rclone', 'rclone']]);
await ensureNpmDeps(root);
await build(root);
const args = process.argv.slice(2);
let cmd = ['demo'];
if (existsSync(join(root, 'scripts', 'web-build.mjs'))) {
  const { ensureWebBuilt } = await import('./web-build.mjs');
  await ensureWebBuilt(root);
  cmd = ['serve'];
}
const r = spawnSync(process.execPath, [join(root, 'bin', 'cryptsync.js'), ...cmd, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
