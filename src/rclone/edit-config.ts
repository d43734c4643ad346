// Adding and removing remotes in rclone.conf: text-level edits that keep every other line
// (comments, other remotes) as it was, written atomically with mode 0600. Passwords are written
// obscured only, never in plain text.
import { chmod } from 'node:fs/promises';
import { ConfigError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { obscure, type FilenameEncoding, type FilenameEncryption } from '../crypt/index.js';
import { isEncryptedConfig, parseRcloneConfig, readConfigText, ENCRYPTED_CONFIG_MARKER } from './config-file.js';

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

/** A value is written on one `key = value` line: a line break would smuggle in keys or sections. */
function checkOneLine(field: string, value: string, remote: string): void {
  if (/[\r\n\0]/.test(value)) throw new ConfigError('BAD_VALUE', `remote "${remote}": ${field} must not contain line breaks or NUL`, field);
}

export async function addCryptRemote(configPath: string, r: NewCryptRemote): Promise<void> {
  validateRemoteName(r.name);
  checkOneLine('path', r.remote, r.name);
  if (r.password === '') throw new ConfigError('PASSWORD_MISSING', `remote "${r.name}": the password must not be empty`, r.name);
  const text = await existingText(configPath);
  const cfg = parseRcloneConfig(text, configPath);
  if (cfg.sections.has(r.name)) {
    throw new ConfigError('REMOTE_EXISTS', `remote "${r.name}" already exists in ${configPath} (remove it first)`, r.name);
  }
  const lines = [
    `[${r.name}]`,
    'type = crypt',
    `remote = ${r.remote}`,
    `filename_encryption = ${r.filenameEncryption ?? 'standard'}`,
    `directory_name_encryption = ${r.directoryNameEncryption ?? true}`,
  ];
  if (r.filenameEncoding && r.filenameEncoding !== 'base32') lines.push(`filename_encoding = ${r.filenameEncoding}`);
  if (r.noDataEncryption) lines.push('no_data_encryption = true');
  lines.push(`password = ${obscure(r.password)}`);
  if (r.password2) lines.push(`password2 = ${obscure(r.password2)}`);
  const sep = text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  await writeFileAtomic(configPath, `${text}${sep}${lines.join('\n')}\n`, CONFIG_FILE_MODE);
  await chmod(configPath, CONFIG_FILE_MODE);
}

export async function removeRemote(configPath: string, name: string): Promise<void> {
  const text = await existingText(configPath);
  const cfg = parseRcloneConfig(text, configPath);
  if (!cfg.sections.has(name)) throw new ConfigError('REMOTE_NOT_FOUND', `remote "${name}" not found in ${configPath}`, name);
  const out: string[] = [];
  let skipping = false;
  for (const line of text.split('\n')) {
    const m = /^\s*\[(.*)\]\s*$/.exec(line);
    if (m) skipping = (m[1] as string).trim() === name;
    if (!skipping) out.push(line);
  }
  await writeFileAtomic(configPath, out.join('\n'), CONFIG_FILE_MODE);
}
