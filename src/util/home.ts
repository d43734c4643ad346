// Where cryptsync keeps its files: $CRYPTSYNC_HOME, else $XDG_CONFIG_HOME/cryptsync, else
// ~/.config/cryptsync. Layout: profiles/<name>/tasks.json, settings.json, rclone.conf, cryptsync.db.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cryptsyncHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRYPTSYNC_HOME) return env.CRYPTSYNC_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'cryptsync');
  return join(homedir(), '.config', 'cryptsync');
}

/** The rclone.conf cryptsync uses: --config, else $RCLONE_CONFIG, else its own in the home. */
export function defaultRcloneConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RCLONE_CONFIG) return env.RCLONE_CONFIG;
  return join(cryptsyncHome(env), 'rclone.conf');
}

export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cryptsyncHome(env), 'cryptsync.db');
}

export function profileDir(profile: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cryptsyncHome(env), 'profiles', profile);
}
