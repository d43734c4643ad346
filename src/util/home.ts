// Where cryptsync keeps its files: $CRYPTSYNC_HOME, else $XDG_CONFIG_HOME/cryptsync, else
// ~/.config/cryptsync. Layout: profiles/<name>/tasks.json, settings.json, rclone.conf, cryptsync.db,
// locks/. The home and everything in it is private to its owner (folders 0700, files 0600).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cryptsyncHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRYPTSYNC_HOME) return env.CRYPTSYNC_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'cryptsync');
  return join(homedir(), '.config', 'cryptsync');
}

/** The rclone.conf cryptsync uses: --config, else $RCLONE_CONFIG, else its own in the home. */
/** The one rule for where rclone.conf lives: $RCLONE_CONFIG, else rclone.conf in the cryptsync home. */
export function defaultRcloneConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = cryptsyncHome(env)): string {
  if (env.RCLONE_CONFIG) return env.RCLONE_CONFIG;
  return join(home, 'rclone.conf');
}

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cryptsyncHome(env), 'cryptsync.db');
}

export function profileDir(profile: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cryptsyncHome(env), 'profiles', profile);
}

/** cryptsync's folders and files name tasks, paths and hosts: only their owner may read them */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700, and tightens an existing one that is more open. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenMode(dir, PRIVATE_DIR_MODE);
}

/**
 * Removes group and other permissions from an existing file or folder left by an older version
 * (or a loose umask); a missing path is fine. Only ever narrows: never adds a permission.
 */
export function tightenMode(path: string, mode: number): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const now = st.mode & 0o777;
  if ((now & ~mode) !== 0) chmodSync(path, now & mode);
}
