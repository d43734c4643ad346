// Reading rclone.conf (an INI file) into sections, keeping the original lines so edits can
// preserve comments and other remotes. Never decrypts or logs values; encrypted config files
// (RCLONE_ENCRYPT_V0) are detected and refused with a clear error.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../util/errors.js';

export const ENCRYPTED_CONFIG_MARKER = 'RCLONE_ENCRYPT_V0:';

export interface RcloneSection {
  name: string;
  options: Map<string, string>;
}

export interface RcloneConfig {
  /** the file it came from ('' when parsed from text) */
  path: string;
  sections: Map<string, RcloneSection>;
}

const SECTION = /^\s*\[(.*)\]\s*$/;
const COMMENT = /^\s*[#;]/;

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

export function isEncryptedConfig(text: string): boolean {
  return text.split(/\r?\n/).some((l) => l.trim().startsWith(ENCRYPTED_CONFIG_MARKER));
}

export function parseRcloneConfig(text: string, path = ''): RcloneConfig {
  const where = path || 'rclone.conf';
  if (isEncryptedConfig(text)) {
    throw new ConfigError(
      'CONFIG_ENCRYPTED',
      `${where}: the rclone config file is encrypted (RCLONE_ENCRYPT_V0); cryptsync cannot read encrypted config files yet - decrypt it with "rclone config encryption remove" or use another file`,
      where,
    );
  }
  const sections = new Map<string, RcloneSection>();
  let current: RcloneSection | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || COMMENT.test(line)) return;
    const s = SECTION.exec(line);
    if (s) {
      const name = (s[1] as string).trim();
      current = sections.get(name) ?? { name, options: new Map() };
      sections.set(name, current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) {
      throw new ConfigError('CONFIG_PARSE', `${where}:${i + 1}: cannot parse line (expected "[remote]" or "key = value")`, where);
    }
    current.options.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  });
  return { path, sections };
}

export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('CONFIG_READ', `${path}: cannot read rclone config: ${(e as Error).message}`, path);
  }
}

export async function loadRcloneConfig(path: string): Promise<RcloneConfig> {
  const text = await readConfigText(path);
  if (text === undefined) {
    throw new ConfigError('CONFIG_NOT_FOUND', `${path}: rclone config file not found (set --config FILE or RCLONE_CONFIG)`, path);
  }
  return parseRcloneConfig(text, path);
}

export function listRemotes(cfg: RcloneConfig): Array<{ name: string; type: string }> {
  return [...cfg.sections.values()].map((s) => ({ name: s.name, type: s.options.get('type') ?? '' }));
}
