// Runs a set-up command (apt-get, npm ci, tsc, vite) without going silent: its own output passes
// through, and while it runs a line every few seconds says what is being done, for how long, and
// how far it got where that can be told. Dependency-free: it runs before `npm ci`.
import { spawn } from 'node:child_process';

const EVERY_MS = Number(process.env.CRYPTSYNC_HEARTBEAT_MS ?? 10_000);

/**
 * Spawns `cmd args` (no shell) with inherited output; rejects with the exit code on failure.
 * `progress()` may return a short "how far" text for the heartbeat line.
 */
export function runWithHeartbeat(label, cmd, args, o = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      let far = '';
      try {
        far = o.progress?.() ?? '';
      } catch {
        far = '';
      }
      console.error(`... still ${label} (${secs} s${far ? `; ${far}` : ''})`);
    }, EVERY_MS);
    child.once('error', (e) => {
      clearInterval(timer);
      reject(new Error(`${label}: cannot start ${cmd}: ${e.message}`));
    });
    child.once('close', (code, sig) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`${label} failed: ${cmd} ${args.join(' ')} exited with ${code ?? sig}`));
    });
  });
}
