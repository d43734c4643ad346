// The restore-target guard every front end goes through (the engine's restore and the CLI's
// `cryptsync restore`). Decrypted files must never land where a later run would push them to a
// server or mix them into ciphertext: a target that is, lies inside, or contains the folder of
// any crypt remote (in the rclone.conf in use and in every encrypt task's own config) or the
// source of any synchronize/snapshot task (of every profile in the home) is refused before
// anything is written. A relative target is refused too: it would resolve against whatever the
// working directory of the process happens to be (for `serve`, not the user's).
// Reads config files and path metadata only; never writes, never prints.
import { isAbsolute, join } from 'node:path';
import { listRemotes, loadRcloneConfig, resolveLocalRoot } from '../rclone/index.js';
import { isPushTask, listProfiles, parseRemoteSide, readTasksFile, TASKS_FILE_NAME, type Task } from '../tasks/index.js';
import { folderOverlap, type Overlap } from '../sync/path-overlap.js';
import { CryptsyncError } from '../util/errors.js';

/** A folder a restore must keep out of, and what it is (for the message). */
export interface ProtectedFolder {
  folder: string;
  what: string;
}

export interface RestoreGuardContext {
  home: string;
  /** the rclone.conf the caller uses by default (--config, $RCLONE_CONFIG or the home's) */
  rcloneConfig: string;
}

/** Where the profile's tasks.json lives; mirrors TaskStore.open (the default profile included). */
function tasksPath(home: string, profile: string): string {
  return join(home, 'profiles', profile, TASKS_FILE_NAME);
}

function allTasks(home: string): Task[] {
  return listProfiles(home).flatMap((p) => readTasksFile(tasksPath(home, p)));
}

async function cryptRemoteFolders(configPath: string): Promise<ProtectedFolder[]> {
  let cfg;
  try {
    cfg = await loadRcloneConfig(configPath);
  } catch (e) {
    if (e instanceof CryptsyncError && e.code === 'CONFIG_NOT_FOUND') return [];
    throw e;
  }
  const out: ProtectedFolder[] = [];
  for (const r of listRemotes(cfg)) {
    if (r.type !== 'crypt') continue;
    try {
      const folder = resolveLocalRoot(cfg, r.name, cfg.sections.get(r.name)?.options.get('remote') ?? '');
      out.push({ folder, what: `the encrypted catalog of crypt remote "${r.name}:" (${folder})` });
    } catch {
      /* a remote that is not a local folder cannot receive a local restore */
    }
  }
  return out;
}

/** Every folder a restore must not touch, for the given home and default rclone.conf. */
export async function protectedFolders(ctx: RestoreGuardContext): Promise<ProtectedFolder[]> {
  const tasks = allTasks(ctx.home);
  const configs = new Set([ctx.rcloneConfig]);
  for (const t of tasks) if ((t.type === 'encrypt' || t.type === 'cloud') && t.config) configs.add(t.config);
  const out: ProtectedFolder[] = [];
  for (const c of configs) out.push(...(await cryptRemoteFolders(c)));
  for (const t of tasks) {
    if (isPushTask(t) && parseRemoteSide(t.source) === null && isAbsolute(t.source)) {
      out.push({ folder: t.source, what: `the source of ${t.type} task "${t.name}" (${t.source}), which is pushed to ${t.type === 'cloud' ? 'a cloud remote' : 'a server'}` });
    }
  }
  return out;
}

const RELATION: Record<Exclude<Overlap, null>, string> = {
  same: 'is',
  inside: 'lies inside',
  contains: 'contains',
};

/**
 * Throws RESTORE_TARGET_RELATIVE for a relative target and RESTORE_TARGET_UNSAFE for a target
 * overlapping a protected folder. `field` names the target as the front end calls it.
 */
export async function assertSafeRestoreTarget(target: string, ctx: RestoreGuardContext, field = 'target'): Promise<void> {
  if (!isAbsolute(target)) {
    throw new CryptsyncError('usage', 'RESTORE_TARGET_RELATIVE', `${field}: the restore target must be an absolute path, got "${target}"`, { subject: field });
  }
  for (const p of await protectedFolders(ctx)) {
    const rel = await folderOverlap(target, p.folder);
    if (rel === null) continue;
    throw new CryptsyncError(
      'guard',
      'RESTORE_TARGET_UNSAFE',
      `${field}: refusing to restore into ${target}: it ${RELATION[rel]} ${p.what}; decrypted files there would be encrypted again or pushed to the server as plain text. Choose a folder outside it`,
      { subject: field },
    );
  }
}
