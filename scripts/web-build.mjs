// Builds the browser app (web/) into web/dist with Vite when web/dist is missing or older than
// any source file. Synchronous on purpose: `npm test` and `npm start` call it before they go on.
// Run directly (`node scripts/web-build.mjs [--force]`) to rebuild by hand.
import { runWithHeartbeat } from './heartbeat.mjs';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_INPUTS = ['src', 'index.html', 'vite.config.mjs', 'tsconfig.json', 'public'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when web/dist/index.html is missing or older than a web source file. */
export function webBuildStale(root) {
  const web = join(root, 'web');
  const built = join(web, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(...WEB_INPUTS.map((p) => newestMtime(join(web, p))));
  return sources > statSync(built).mtimeMs;
}

export async function ensureWebBuilt(root, { force = false } = {}) {
  if (!force && !webBuildStale(root)) return false;
  console.error('Building the web UI (tsc, vite) ...');
  // vite strips types without checking them; the browser code gets the same strictness as src/
  await runWithHeartbeat('type-checking the web UI', process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'web', 'tsconfig.json')], { cwd: root });
  await runWithHeartbeat(
    'bundling the web UI',
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'web', 'vite.config.mjs'), '--logLevel', 'warn'],
    { cwd: join(root, 'web') },
  );
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  await ensureWebBuilt(root, { force: process.argv.includes('--force') });
}
