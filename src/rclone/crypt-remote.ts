// A crypt remote's settings as read from an rclone.conf section (spec section 6). Passwords are
// revealed into Secret objects at once so they never print; errors name the remote, never a value.
import { ConfigError } from '../util/errors.js';
import { Secret } from '../util/secret.js';
import { reveal, DEFAULT_SUFFIX, type FilenameEncoding, type FilenameEncryption } from '../crypt/index.js';
import type { RcloneConfig } from './config-file.js';
import { parseGoBool } from './parse-bool.js';
import { didYouMean } from '../util/did-you-mean.js';

export interface CryptRemoteConfig {
  name: string;
  /** the wrapped remote, verbatim from the config */
  remote: string;
  filenameEncryption: FilenameEncryption;
  filenameEncoding: FilenameEncoding;
  directoryNameEncryption: boolean;
  noDataEncryption: boolean;
  suffix: string;
  password: Secret;
  password2?: Secret;
  showMapping: boolean;
}

const ENCRYPTIONS: readonly FilenameEncryption[] = ['standard', 'obfuscate', 'off'];
const ENCODINGS: readonly FilenameEncoding[] = ['base32', 'base64', 'base32768'];

function bool(name: string, opts: Map<string, string>, key: string, dflt: boolean): boolean {
  const v = opts.get(key);
  if (v === undefined || v === '') return dflt;
  const b = parseGoBool(v);
  if (b === undefined) throw new ConfigError('CONFIG_PARSE', `remote "${name}": ${key} = "${v}" is not a boolean (true/false)`, name);
  return b;
}

function choice<T extends string>(name: string, opts: Map<string, string>, key: string, allowed: readonly T[], dflt: T): T {
  const v = opts.get(key);
  if (v === undefined || v === '') return dflt;
  const lower = v.toLowerCase() as T;
  if (!allowed.includes(lower)) {
    throw new ConfigError('CONFIG_PARSE', `remote "${name}": ${key} = "${v}" is not one of ${allowed.join(', ')}`, name);
  }
  return lower;
}

function revealed(name: string, key: string, v: string): Secret {
  try {
    return new Secret(reveal(v));
  } catch {
    throw new ConfigError('PASSWORD_NOT_OBSCURED', `remote "${name}": ${key} cannot be revealed - is it obscured? (use "cryptsync obscure")`, name);
  }
}

/** rclone >= 1.63: "none" means no suffix; a missing leading dot is added. */
function suffixOf(v: string | undefined): string {
  if (v === undefined || v === '') return DEFAULT_SUFFIX;
  if (v.toLowerCase() === 'none') return '';
  return v.startsWith('.') ? v : `.${v}`;
}

const OPTION_KEYS = [
  'type',
  'remote',
  'filename_encryption',
  'directory_name_encryption',
  'password',
  'password2',
  'filename_encoding',
  'suffix',
  'no_data_encryption',
  'show_mapping',
];

function envName(...parts: string[]): string {
  return parts.join('_').toUpperCase().replace(/[-. ]/g, '_');
}

/**
 * The section's options with rclone's environment overrides applied, in rclone's precedence:
 * RCLONE_CONFIG_<REMOTE>_<OPTION>, then RCLONE_CRYPT_<OPTION>, then the config file. A remote
 * may exist only in the environment (RCLONE_CONFIG_<REMOTE>_TYPE=crypt).
 */
export function effectiveOptions(cfg: RcloneConfig, name: string, env: NodeJS.ProcessEnv = {}): Map<string, string> | undefined {
  const file = cfg.sections.get(name)?.options;
  const fromEnv = (key: string) => env[envName('RCLONE_CONFIG', name, key)];
  if (!file && fromEnv('type') === undefined) return undefined;
  const out = new Map(file ?? []);
  const isCrypt = (fromEnv('type') ?? out.get('type')) === 'crypt';
  for (const key of OPTION_KEYS) {
    const v = fromEnv(key) ?? (isCrypt && key !== 'type' ? env[envName('RCLONE_CRYPT', key)] : undefined);
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

export function getCryptRemote(cfg: RcloneConfig, name: string, env: NodeJS.ProcessEnv = {}): CryptRemoteConfig {
  const where = cfg.path ? ` in ${cfg.path}` : '';
  const o = effectiveOptions(cfg, name, env);
  if (!o) throw new ConfigError('REMOTE_NOT_FOUND', `remote "${name}" not found${where}${didYouMean(name, [...cfg.sections.keys()], 'remotes')}`, name);
  const type = o.get('type') ?? '';
  if (type !== 'crypt') {
    throw new ConfigError('REMOTE_NOT_CRYPT', `remote "${name}"${where} is of type "${type}"; it needs to be of type "crypt"`, name);
  }
  const remote = o.get('remote') ?? '';
  if (remote === '') throw new ConfigError('REMOTE_MISSING', `remote "${name}"${where} has no "remote =" (the folder that holds the encrypted files)`, name);
  const pw = o.get('password') ?? '';
  if (pw === '') throw new ConfigError('PASSWORD_MISSING', `remote "${name}"${where}: password not set in config file`, name);
  const pw2 = o.get('password2') ?? '';
  const out: CryptRemoteConfig = {
    name,
    remote,
    filenameEncryption: choice(name, o, 'filename_encryption', ENCRYPTIONS, 'standard'),
    filenameEncoding: choice(name, o, 'filename_encoding', ENCODINGS, 'base32'),
    directoryNameEncryption: bool(name, o, 'directory_name_encryption', true),
    noDataEncryption: bool(name, o, 'no_data_encryption', false),
    suffix: suffixOf(o.get('suffix')),
    password: revealed(name, 'password', pw),
    showMapping: bool(name, o, 'show_mapping', false),
  };
  if (pw2 !== '') out.password2 = revealed(name, 'password2', pw2);
  return out;
}

/** Settings without the secrets, for `remote show` and JSON output. */
export function describeCryptRemote(r: CryptRemoteConfig): Record<string, string | boolean> {
  return {
    name: r.name,
    type: 'crypt',
    remote: r.remote,
    filenameEncryption: r.filenameEncryption,
    filenameEncoding: r.filenameEncoding,
    directoryNameEncryption: r.directoryNameEncryption,
    noDataEncryption: r.noDataEncryption,
    suffix: r.suffix,
    password: 'set',
    password2: r.password2 ? 'set' : 'not set',
    showMapping: r.showMapping,
  };
}
