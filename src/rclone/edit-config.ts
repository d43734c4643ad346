// Adding and removing remotes in rclone.conf: text-level edits that keep every other line
// (comments, other remotes) as it was, written atomically with mode 0600. Passwords are written
// obscured only, never in plain text.
import { chmod } from 'node:fs/promises';
import { ConfigError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { obscure, type FilenameEncoding, type FilenameEncryption } from '../crypt/index.js';
import { isEncryptedConfig, parseRcloneConfig, readConfigText, ENCRYPTED_CONFIG_MARKER, type RcloneConfig } from './config-file.js';
import { encodeConfigValue } from './config-value.js';
import { sectionHeader } from './ini-line.js';
import { didYouMean } from '../util/did-you-mean.js';

export const CONFIG_FILE_MODE = 0o600;
/** rclone's rule: letters, digits, _ . + @ - and space, not starting with '-' or space, not ending with space */
const REMOTE_NAME = /^[\p{L}\p{N}_.+@][\p{L}\p{N}_.+@ -]*$/u;

export interface NewCryptRemote {
  name: string;
  remote: string;
  filenameEncryption?: FilenameEncryption;
  filenameEncoding?: FilenameEncoding;
  directoryNameEncryption?: boolean;
  noDataEncryption?: boolean;
  /** plain password; stored obscured */
  password: string;
  password2?: string;
}

export function validateRemoteName(name: string): void {
  if (!REMOTE_NAME.test(name) || name.endsWith(' ')) {
    throw new ConfigError('BAD_REMOTE_NAME', `"${name}" is not a valid remote name (letters, digits, _ . + @ - and inner spaces)`, name);
  }
}

async function existingText(configPath: string): Promise<string> {
  const text = (await readConfigText(configPath)) ?? '';
  if (isEncryptedConfig(text)) {
    throw new ConfigError('CONFIG_ENCRYPTED', `${configPath}: the rclone config file is encrypted (${ENCRYPTED_CONFIG_MARKER}); cryptsync cannot edit it yet`, configPath);
  }
  return text;
}

/** rclone reads options missing from "a.b" from an existing section "a": such a new remote would not be what was asked for. */
function checkNoParent(cfg: RcloneConfig, name: string): void {
  for (let p = name; p.includes('.'); ) {
    p = p.slice(0, p.lastIndexOf('.'));
    if (!cfg.sections.has(p)) return;
    throw new ConfigError(
      'BAD_REMOTE_NAME',
      `remote "${name}": rclone would read the options it does not set from remote "${p}" (a dot makes a sub-section); choose another name`,
      name,
    );
  }
}

/** The new text must read back, in cryptsync as in rclone, exactly as written. */
function checkReadsBack(text: string, configPath: string, name: string, options: Array<[string, string]>): void {
  const own = parseRcloneConfig(text, configPath).sections.get(name)?.own;
  for (const [key, value] of options) {
    if (own?.get(key) !== value) throw new ConfigError('BAD_VALUE', `remote "${name}": ${key} would not read back unchanged from ${configPath}`, key);
  }
}

export async function addCryptRemote(configPath: string, r: NewCryptRemote): Promise<void> {
  validateRemoteName(r.name);
  if (r.password === '') throw new ConfigError('PASSWORD_MISSING', `remote "${r.name}": the password must not be empty`, r.name);
  const options: Array<[string, string]> = [
    ['type', 'crypt'],
    ['remote', r.remote],
    ['filename_encryption', r.filenameEncryption ?? 'standard'],
    ['directory_name_encryption', String(r.directoryNameEncryption ?? true)],
  ];
  if (r.filenameEncoding && r.filenameEncoding !== 'base32') options.push(['filename_encoding', r.filenameEncoding]);
  if (r.noDataEncryption) options.push(['no_data_encryption', 'true']);
  options.push(['password', obscure(r.password)]);
  if (r.password2) options.push(['password2', obscure(r.password2)]);
  const lines = [`[${r.name}]`, ...options.map(([k, v]) => `${k} = ${encodeConfigValue(r.name, k, v)}`)];
  const text = await existingText(configPath);
  const cfg = parseRcloneConfig(text, configPath);
  if (cfg.sections.has(r.name)) {
    throw new ConfigError('REMOTE_EXISTS', `remote "${r.name}" already exists in ${configPath} (remove it first)`, r.name);
  }
  checkNoParent(cfg, r.name);
  const sep = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  const next = `${text}${sep}${lines.join('\n')}\n`;
  checkReadsBack(next, configPath, r.name, options);
  await writeFileAtomic(configPath, next, CONFIG_FILE_MODE);
  await chmod(configPath, CONFIG_FILE_MODE);
}

export async function removeRemote(configPath: string, name: string): Promise<void> {
  const text = await existingText(configPath);
  const cfg = parseRcloneConfig(text, configPath);
  if (!cfg.sections.has(name)) throw new ConfigError('REMOTE_NOT_FOUND', `remote "${name}" not found in ${configPath}${didYouMean(name, [...cfg.sections.keys()], 'remotes')}`, name);
  const out: string[] = [];
  let skipping = false;
  for (const [i, line] of text.split('\n').entries()) {
    const header = sectionHeader(i === 0 ? line.replace(/^\ufeff/, '') : line);
    if (header !== undefined) skipping = header === name;
    if (!skipping) out.push(line);
  }
  await writeFileAtomic(configPath, out.join('\n'), CONFIG_FILE_MODE);
}
