// Crypt remotes as the front ends see them: never with a password in them. Adding a remote can
// generate a strong password, which is returned once to be shown to the user and then only
// stored obscured in the rclone.conf (mode 0600).
import { GENERATED_PASSWORD_BITS, addCryptRemote, generatePassword, getCryptRemote, listRemotes, loadRcloneConfig, parseRemoteSpec, removeRemote as removeConfigRemote } from '../rclone/index.js';
import type { Task } from '../tasks/index.js';
import type { FilenameEncryption, FilenameEncoding } from '../crypt/index.js';
import { CryptsyncError } from '../util/errors.js';
import type { RemoteView } from './views.js';

export type { RemoteView };
import { checkPasswordStrength } from './password-strength.js';

export { checkPasswordStrength, passwordScore, MIN_PASSWORD_SCORE } from './password-strength.js';

/** optional fields may hold undefined: the server passes a parsed request body as it is */
export interface AddRemoteInput {
  name: string;
  path: string;
  filenameEncryption?: string | undefined;
  filenameEncoding?: string | undefined;
  directoryNameEncryption?: boolean | undefined;
  password?: string | undefined;
  password2?: string | undefined;
  generatePassword?: boolean | undefined;
  bits?: number | undefined;
  /** keep a password (or password2) that the strength estimate calls weak; the user insisted */
  allowWeakPassword?: boolean | undefined;
}

/** The strength of every generated password (the CLI's, the web UI's and the demo's). */
export { GENERATED_PASSWORD_BITS };


export async function listRemoteViews(configPath: string): Promise<RemoteView[]> {
  let cfg;
  try {
    cfg = await loadRcloneConfig(configPath);
  } catch (e) {
    if (e instanceof CryptsyncError && e.code === 'CONFIG_NOT_FOUND') return [];
    throw e;
  }
  return listRemotes(cfg)
    .filter((r) => r.type === 'crypt')
    .map((r) => {
      const c = getCryptRemote(cfg, r.name);
      return {
        name: c.name,
        path: c.remote,
        filenameEncryption: c.filenameEncryption,
        filenameEncoding: c.filenameEncoding,
        directoryNameEncryption: c.directoryNameEncryption,
        hasPassword2: c.password2 !== undefined && !c.password2.isEmpty,
      };
    });
}

export async function addRemote(configPath: string, i: AddRemoteInput): Promise<{ remote: RemoteView; generatedPassword?: string }> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_. -]*$/.test(i.name ?? '')) {
    throw new CryptsyncError('usage', 'VALIDATION', 'name: use letters, digits, "_", "-", "." and spaces (not starting with "-" or a space)', { subject: 'name' });
  }
  if (!i.path) throw new CryptsyncError('usage', 'VALIDATION', 'path: the folder that will hold the encrypted catalog is required', { subject: 'path' });
  const generated = i.generatePassword ? generatePassword(i.bits ?? GENERATED_PASSWORD_BITS) : undefined;
  const password = generated ?? i.password;
  if (!password) throw new CryptsyncError('usage', 'VALIDATION', 'password: give a password or ask for a generated one', { subject: 'password' });
  // a generated password is strong by construction; a chosen one (and the salt) must be, unless insisted on
  const strength = { allowWeak: i.allowWeakPassword === true };
  if (!generated) checkPasswordStrength('password', password, strength);
  if (i.password2) checkPasswordStrength('password2', i.password2, strength);
  await addCryptRemote(configPath, {
    name: i.name,
    remote: i.path,
    ...(i.filenameEncryption ? { filenameEncryption: i.filenameEncryption as FilenameEncryption } : {}),
    ...(i.filenameEncoding ? { filenameEncoding: i.filenameEncoding as FilenameEncoding } : {}),
    ...(i.directoryNameEncryption !== undefined ? { directoryNameEncryption: i.directoryNameEncryption } : {}),
    password,
    ...(i.password2 ? { password2: i.password2 } : {}),
  });
  const views = await listRemoteViews(configPath);
  const remote = views.find((v) => v.name === i.name);
  if (!remote) throw new CryptsyncError('internal', 'REMOTE_NOT_SAVED', `remote "${i.name}" was not saved to ${configPath}`);
  return { remote, ...(generated ? { generatedPassword: generated } : {}) };
}

/**
 * Removes a crypt remote from the rclone.conf. Refused while an encrypt task uses it; the
 * encrypted catalog folder itself is never touched.
 */
export async function removeRemote(configPath: string, name: string, tasks: Task[]): Promise<void> {
  const users = tasks.filter((t) => t.type === 'encrypt' && !t.config && parseRemoteSpec(t.remote).remote === name).map((t) => t.name);
  if (users.length > 0) {
    throw new CryptsyncError('conflict', 'REMOTE_IN_USE', `remote "${name}" is used by task(s) ${users.join(', ')}; remove or change them first`, { subject: name });
  }
  try {
    await removeConfigRemote(configPath, name);
  } catch (e) {
    if (e instanceof CryptsyncError && (e.code === 'REMOTE_NOT_FOUND' || e.code === 'CONFIG_NOT_FOUND')) {
      throw new CryptsyncError('not-found', 'REMOTE_NOT_FOUND', `no crypt remote named "${name}" in ${configPath}`, { subject: name });
    }
    throw e;
  }
}
