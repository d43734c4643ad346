// Finds the local folder that holds an encrypt task's ciphertext (its "encrypted catalog") from
// the rclone.conf, so `task connect` can check that a synchronize task pushes exactly that folder.
// Uses src/rclone's reading of the config and of the wrapped remote, so the answer is the folder
// the encrypt step really writes. Read-only; it reveals a password only when the folder's name is
// itself encrypted (a crypt remote with a sub path), and never returns or prints it.
import { join } from 'node:path';
import { loadRcloneConfig, openCryptRemote, resolveLocalRoot } from '../rclone/index.js';
import { describeError } from '../util/errors.js';
import { parseRcloneSpec } from './remote-side.js';

export type CatalogFolder = { ok: true; folder: string } | { ok: false; message: string };

/** Values rclone reads as false for directory_name_encryption (Go's strconv.ParseBool). */
const GO_FALSE = new Set(['0', 'f', 'false', 'F', 'FALSE', 'False']);

/**
 * The local folder behind a crypt remote spec 'REMOTE:[path]' in the given rclone.conf.
 * With `lightOnly`, a sub path whose name is encrypted is reported, not computed (no password use).
 */
export async function findCatalogFolder(spec: string, configPath: string, opts: { lightOnly?: boolean } = {}): Promise<CatalogFolder> {
  const parsed = parseRcloneSpec(spec);
  if (!parsed) return { ok: false, message: `"${spec}" is not a crypt remote (write REMOTE:[path])` };
  try {
    const cfg = await loadRcloneConfig(configPath);
    const section = cfg.sections.get(parsed.remote);
    if (!section) return { ok: false, message: `remote "${parsed.remote}" is not in ${configPath}` };
    const type = section.options.get('type');
    if (type !== 'crypt') return { ok: false, message: `remote "${parsed.remote}" in ${configPath} is a ${type ?? 'untyped'} remote, not crypt` };
    const base = resolveLocalRoot(cfg, parsed.remote, section.options.get('remote') ?? '');
    const sub = parsed.path.replace(/^\/+|\/+$/g, '');
    if (sub === '') return { ok: true, folder: base };
    const o = section.options;
    if (o.get('filename_encryption')?.toLowerCase() === 'off' || GO_FALSE.has(o.get('directory_name_encryption') ?? '')) {
      return { ok: true, folder: join(base, sub) };
    }
    if (opts.lightOnly) return { ok: false, message: `folder names of "${parsed.remote}" are encrypted; "${sub}" is stored under its encrypted name in ${base}` };
    return { ok: true, folder: (await openCryptRemote(spec, configPath)).root };
  } catch (e) {
    return { ok: false, message: describeError(e) };
  }
}
