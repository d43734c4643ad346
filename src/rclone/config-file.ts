// Reading rclone.conf (an INI file) into sections exactly as rclone 1.60.1 reads it (lines in
// ini-line.ts, values in ini-values.ts); parse errors name file:line. Never decrypts or logs
// values; encrypted config files (RCLONE_ENCRYPT_V0) are detected and refused with a clear error.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../util/errors.js';
import { goTrimSpace, isCommentOrBlank, parseKeyValue, sectionHeader } from './ini-line.js';
import { DEFAULT_SECTION, inheritedOptions, ownOptions, ReferenceLoop, SECTION_KEEPER, type RawSections } from './ini-values.js';

export const ENCRYPTED_CONFIG_MARKER = 'RCLONE_ENCRYPT_V0:';

export interface RcloneSection {
  name: string;
  /** the options rclone reads for this remote: its own, then inherited from "a" when named "a.b" */
  options: Map<string, string>;
  /** the options written in this section ("%(name)s" replaced), as `rclone config dump` lists them */
  own: Map<string, string>;
}

export interface RcloneConfig {
  /** the file it came from ('' when parsed from text) */
  path: string;
  sections: Map<string, RcloneSection>;
}

const BOM = '\ufeff';

export function isEncryptedConfig(text: string): boolean {
  return text.split(/\r?\n/).some((l) => l.trim().startsWith(ENCRYPTED_CONFIG_MARKER));
}

interface Parsed {
  raw: RawSections;
  /** the line each option was last set on, for errors */
  lineOf: Map<string, Map<string, number>>;
}

function readSections(text: string, where: string): Parsed {
  const raw: RawSections = new Map();
  const lineOf = new Map<string, Map<string, number>>();
  const open = (name: string) => {
    if (!raw.has(name)) raw.set(name, new Map());
    if (!lineOf.has(name)) lineOf.set(name, new Map());
  };
  let current = DEFAULT_SECTION;
  let autoKey = 1;
  const body = text.startsWith(BOM) ? text.slice(BOM.length) : text;
  body.split('\n').forEach((rawLine, i) => {
    const line = goTrimSpace(rawLine);
    if (isCommentOrBlank(line)) return;
    const header = sectionHeader(line);
    if (header !== undefined) {
      current = header;
      open(header || DEFAULT_SECTION);
      raw.get(header || DEFAULT_SECTION)?.set(SECTION_KEEPER, SECTION_KEEPER);
      autoKey = 1;
      return;
    }
    if (current === '') {
      throw new ConfigError('CONFIG_PARSE', `${where}:${i + 1}: option under an empty section name "[]" (rclone refuses it)`, where);
    }
    const kv = parseKeyValue(line);
    if (!kv) {
      throw new ConfigError('CONFIG_PARSE', `${where}:${i + 1}: cannot parse line (expected "[remote]" or "key = value"; a value opened with \` or """ must be closed on the same line)`, where);
    }
    const key = kv.key === '-' ? `#${autoKey++}` : kv.key;
    if (key === '') return;
    open(current);
    raw.get(current)?.set(key, kv.value);
    lineOf.get(current)?.set(key, i + 1);
  });
  return { raw, lineOf };
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
  const { raw, lineOf } = readSections(text, where);
  const own = new Map<string, Map<string, string>>();
  for (const name of raw.keys()) {
    try {
      own.set(name, ownOptions(raw, name));
    } catch (e) {
      if (!(e instanceof ReferenceLoop)) throw e;
      const line = lineOf.get(e.section)?.get(e.key) ?? 0;
      throw new ConfigError('CONFIG_PARSE', `${where}:${line}: ${e.message} (rclone 1.60.1 crashes on it)`, where);
    }
  }
  const sections = new Map<string, RcloneSection>();
  for (const name of raw.keys()) sections.set(name, { name, own: own.get(name) ?? new Map(), options: inheritedOptions(own, name) });
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
