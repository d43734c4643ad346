// Finds the local folder that holds an encrypt task's ciphertext (its "encrypted catalog") from
// the rclone.conf, so `task connect` can check that a synchronize task pushes exactly that folder.
// A light, read-only reading of rclone.conf sections (type, remote, filename settings): it never
// needs or reveals a password, and it never writes the config.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseRcloneSpec } from './remote-side.js';

type Section = Map<string, string>;

/** rclone.conf -> sections by name. Comments start with '#' or ';'. */
export function parseRcloneConf(text: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let current: Section | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] as string, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

export type CatalogFolder =
  | { ok: true; folder: string }
  /** the folder is local, but its last part is an encrypted name only the cipher can compute */
  | { ok: false; reason: 'encrypted-subpath'; base: string; subpath: string; message: string }
  | { ok: false; reason: 'error'; message: string };

/** rclone follows alias chains; a loop in a hand-edited config must not hang us */
const MAX_ALIAS_DEPTH = 8;

/** The local folder behind a crypt remote spec 'REMOTE:[path]' in the given rclone.conf. */
export async function findCatalogFolder(spec: string, configPath: string): Promise<CatalogFolder> {
  const parsed = parseRcloneSpec(spec);
  if (!parsed) return { ok: false, reason: 'error', message: `"${spec}" is not a crypt remote (write REMOTE:[path])` };
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    return { ok: false, reason: 'error', message: `rclone config ${configPath} cannot be read` };
  }
  const conf = parseRcloneConf(text);
  const crypt = conf.get(parsed.remote);
  if (!crypt) return { ok: false, reason: 'error', message: `remote "${parsed.remote}" is not in ${configPath}` };
  if (crypt.get('type') !== 'crypt') {
    return { ok: false, reason: 'error', message: `remote "${parsed.remote}" in ${configPath} is a ${crypt.get('type') ?? 'untyped'} remote, not crypt` };
  }
  const under = crypt.get('remote');
  if (!under) return { ok: false, reason: 'error', message: `crypt remote "${parsed.remote}" in ${configPath} has no "remote =" line` };
  const base = localFolderOf(under, conf, 0);
  if (typeof base !== 'string') return { ok: false, reason: 'error', message: `crypt remote "${parsed.remote}" ${base.message}` };
  const sub = parsed.path.replace(/^\/+|\/+$/g, '');
  if (sub === '') return { ok: true, folder: base };
  const namesPlain = crypt.get('filename_encryption') === 'off' || crypt.get('directory_name_encryption') === 'false';
  if (namesPlain) return { ok: true, folder: join(base, sub) };
  return {
    ok: false,
    reason: 'encrypted-subpath',
    base,
    subpath: sub,
    message: `folder names of "${parsed.remote}" are encrypted, so "${sub}" is stored under an encrypted name inside ${base}`,
  };
}

function localFolderOf(spec: string, conf: Map<string, Section>, depth: number): string | { message: string } {
  if (depth > MAX_ALIAS_DEPTH) return { message: 'stores into an alias chain that does not end (loop?)' };
  const named = parseRcloneSpec(spec);
  if (!named) return isAbsolute(spec) ? spec : resolve(spec);
  const section = conf.get(named.remote);
  if (!section) return { message: `stores into remote "${named.remote}", which is not in the config` };
  const type = section.get('type');
  if (type === 'local') return isAbsolute(named.path) ? named.path : resolve(named.path);
  if (type === 'alias') {
    const target = section.get('remote');
    if (!target) return { message: `stores into alias "${named.remote}", which has no "remote =" line` };
    const inner = localFolderOf(target, conf, depth + 1);
    return typeof inner === 'string' && named.path !== '' ? join(inner, named.path) : inner;
  }
  return { message: `stores into "${named.remote}" (type ${type ?? 'unknown'}), not a local folder; rsync can only push a local encrypted catalog` };
}
