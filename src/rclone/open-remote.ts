// Resolving "REMOTE:path" to a local folder of ciphertext and a ready Cipher. Only local
// folders are supported as the wrapped remote (a path, :local:path, or a type=local / alias
// remote); anything else is refused with an error naming the remote.
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { Cipher, standardPathToDisk } from '../crypt/index.js';
import { loadRcloneConfig, type RcloneConfig } from './config-file.js';
import { getCryptRemote, type CryptRemoteConfig } from './crypt-remote.js';
import { parseRemoteSpec } from './remote-spec.js';

const MAX_ALIAS_DEPTH = 10;
const REMOTE_PREFIX = /^([^:/\\]+):(.*)$/s;

/** The absolute local folder a crypt remote's `remote =` value points at. Relative paths resolve against the CWD (as rclone). */
export function resolveLocalRoot(cfg: RcloneConfig, cryptName: string, value: string, cwd = process.cwd(), depth = 0): string {
  if (depth > MAX_ALIAS_DEPTH) throw new ConfigError('REMOTE_NOT_LOCAL', `remote "${cryptName}": alias chain too long`, cryptName);
  if (value.startsWith(':local:')) return resolve(cwd, value.slice(':local:'.length) || '.');
  const m = REMOTE_PREFIX.exec(value);
  if (!m) {
    if (value === '') throw new ConfigError('REMOTE_MISSING', `remote "${cryptName}" has an empty "remote ="`, cryptName);
    return isAbsolute(value) ? value : resolve(cwd, value);
  }
  const inner = m[1] as string;
  const rest = m[2] as string;
  const s = cfg.sections.get(inner);
  if (!s) {
    if (inner === 'local') return resolve(cwd, rest || '.');
    throw new ConfigError('REMOTE_NOT_FOUND', `remote "${cryptName}" wraps "${inner}:", which is not in the config`, cryptName);
  }
  const type = s.options.get('type') ?? '';
  if (type === 'local') return resolve(cwd, rest || '.');
  if (type === 'alias') {
    const target = s.options.get('remote') ?? '';
    const joined = rest === '' ? target : target.endsWith(':') || target.endsWith('/') ? target + rest : `${target}/${rest}`;
    return resolveLocalRoot(cfg, cryptName, joined, cwd, depth + 1);
  }
  throw new ConfigError(
    'REMOTE_NOT_LOCAL',
    `remote "${cryptName}" wraps "${inner}:" of type "${type}"; only local folders are supported`,
    cryptName,
  );
}

export interface OpenedCryptRemote {
  remote: CryptRemoteConfig;
  cipher: Cipher;
  /** absolute folder of the encrypted catalog, including the encrypted form of `plainPath` */
  root: string;
  /** absolute folder the crypt remote itself points at */
  base: string;
  /** the path part of the spec, '/'-separated, no leading or trailing '/' */
  plainPath: string;
}

export async function cipherForRemote(r: CryptRemoteConfig): Promise<Cipher> {
  return Cipher.create({
    password: r.password.reveal(),
    ...(r.password2 ? { password2: r.password2.reveal() } : {}),
    filenameEncryption: r.filenameEncryption,
    filenameEncoding: r.filenameEncoding,
    directoryNameEncryption: r.directoryNameEncryption,
    noDataEncryption: r.noDataEncryption,
    suffix: r.suffix,
  });
}

/** `env` supplies rclone's RCLONE_CONFIG_<REMOTE>_<OPTION> / RCLONE_CRYPT_<OPTION> overrides (none by default). */
export async function openCryptRemote(spec: string, configPath: string, env: NodeJS.ProcessEnv = {}): Promise<OpenedCryptRemote> {
  const { remote: name, path: plainPath } = parseRemoteSpec(spec);
  const cfg = await loadRcloneConfig(configPath);
  const remote = getCryptRemote(cfg, name, env);
  const base = resolveLocalRoot(cfg, name, remote.remote);
  const cipher = await cipherForRemote(remote);
  const root = plainPath === '' ? base : join(base, standardPathToDisk(cipher.encryptDirName(plainPath)));
  return { remote, cipher, root, base, plainPath };
}

/** Absolute path of the encrypted file for a plain file path inside an opened remote's base. */
export function encryptedFilePath(opened: Pick<OpenedCryptRemote, 'cipher' | 'base'>, plainFile: string): string {
  return join(opened.base, standardPathToDisk(opened.cipher.encryptFileName(plainFile)));
}
