// Resolves what a user names when they mean an encrypted catalog: an encrypt task's name, or a
// crypt remote spec 'REMOTE:[path]'. Returns the cipher and the local folder of the ciphertext.
import { openCryptRemote } from '../rclone/index.js';
import type { TaskStore, EncryptTask } from '../tasks/index.js';
import type { CryptDest } from '../sync/index.js';
import { CryptsyncError } from '../util/errors.js';

export interface ResolvedCatalog {
  dest: CryptDest;
  spec: string;
  configPath: string;
  task?: EncryptTask;
}

/** `env` supplies rclone's RCLONE_CRYPT_* / RCLONE_CONFIG_<REMOTE>_* overrides, as for every other opening of a remote. */
export async function resolveCatalog(taskOrRemote: string, tasks: TaskStore, defaultConfig: string, env: NodeJS.ProcessEnv): Promise<ResolvedCatalog> {
  if (taskOrRemote.includes(':')) {
    const r = await openCryptRemote(taskOrRemote, defaultConfig, env);
    return { dest: { cipher: r.cipher, root: r.root }, spec: taskOrRemote, configPath: defaultConfig };
  }
  const task = tasks.get(taskOrRemote);
  if (task.type !== 'encrypt') {
    throw new CryptsyncError('usage', 'NOT_ENCRYPT_TASK', `task "${task.name}" is a ${task.type} task; name an encrypt task or a crypt remote (REMOTE:)`, {
      subject: task.name,
    });
  }
  const configPath = task.config ?? defaultConfig;
  const r = await openCryptRemote(task.remote, configPath, env);
  return { dest: { cipher: r.cipher, root: r.root }, spec: task.remote, configPath, task };
}
