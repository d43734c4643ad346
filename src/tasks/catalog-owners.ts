// Which encrypt tasks write which encrypted catalog. Two encrypt tasks that mirror different
// sources (or the same source with different filters) into one catalog, or into catalogs nested
// in each other, delete each other's files on every run: refused when a task is added or edited,
// and again at run time (tasks.json can be edited by hand; a one-off `cryptsync encrypt` can aim
// at a task's catalog). A catalog is identified without its password: the folder the crypt
// remote wraps plus the plain sub path. Reads the rclone.conf and tasks.json files; never writes.
import { join, resolve } from 'node:path';
import { loadRcloneConfig, resolveLocalRoot } from '../rclone/index.js';
import { pathsOverlap } from '../util/path-inside.js';
import { parseRcloneSpec } from './remote-side.js';
import { readTasksFile, TASKS_FILE_NAME } from './tasks-file.js';
import type { EncryptTask, Task } from './task-schema.js';

export interface CatalogId {
  /** absolute folder the crypt remote wraps */
  base: string;
  /** the plain sub path inside it, as segments */
  sub: string[];
}

/** The catalog an encrypt remote spec writes, or null when the config cannot tell (reported elsewhere). */
export async function catalogIdOf(spec: string, configPath: string): Promise<CatalogId | null> {
  const parsed = parseRcloneSpec(spec);
  if (!parsed) return null;
  try {
    const cfg = await loadRcloneConfig(configPath);
    const section = cfg.sections.get(parsed.remote);
    if (!section || section.options.get('type') !== 'crypt') return null;
    const base = resolve(resolveLocalRoot(cfg, parsed.remote, section.options.get('remote') ?? ''));
    return { base, sub: parsed.path.split('/').filter((s) => s !== '') };
  } catch {
    return null;
  }
}

function isPrefix(a: string[], b: string[]): boolean {
  return a.length <= b.length && a.every((s, i) => s === b[i]);
}

/** One catalog is the other or holds it. Different remotes over nested folders count (conservative). */
export function catalogsOverlap(a: CatalogId, b: CatalogId): boolean {
  if (a.base === b.base) return isPrefix(a.sub, b.sub) || isPrefix(b.sub, a.sub);
  return pathsOverlap(a.base, b.base);
}

function sameCatalog(a: CatalogId, b: CatalogId): boolean {
  return a.base === b.base && a.sub.join('/') === b.sub.join('/');
}

/** what decides which files an encrypt run keeps: tasks that agree on all of it are harmless twins */
function mirrorKey(t: Pick<EncryptTask, 'source' | 'includes' | 'excludes' | 'excludeFrom'>): string {
  return JSON.stringify([resolve(t.source), t.includes ?? [], t.excludes ?? [], t.excludeFrom ?? []]);
}

/** an encrypt task's catalog-deciding fields (as parsed, so optional fields may hold undefined) */
export type CatalogWriter = Pick<EncryptTask, 'name' | 'source' | 'remote' | 'config' | 'includes' | 'excludes' | 'excludeFrom'> & {
  /** profile of the task, for the message */
  profile?: string;
};

/**
 * The first writer in `others` whose catalog overlaps `w`'s and that would delete `w`'s files (or
 * the reverse); null when there is none. `configFor` gives a task's rclone.conf.
 */
export async function findCatalogClash(
  w: CatalogWriter,
  others: ReadonlyArray<CatalogWriter>,
  configFor: (t: CatalogWriter) => string,
): Promise<{ other: CatalogWriter; message: string } | null> {
  const mine = await catalogIdOf(w.remote, configFor(w));
  if (!mine) return null;
  for (const o of others) {
    const theirs = await catalogIdOf(o.remote, configFor(o));
    if (!theirs || !catalogsOverlap(mine, theirs)) continue;
    if (sameCatalog(mine, theirs) && mirrorKey(w) === mirrorKey(o)) continue;
    const where = o.profile ? `encrypt task "${o.name}" of profile "${o.profile}"` : `encrypt task "${o.name}"`;
    const what = sameCatalog(mine, theirs) ? 'the same encrypted catalog' : 'an encrypted catalog nested in this one';
    return {
      other: o,
      message:
        `${where} already writes ${what} (${o.remote}) from source ${o.source}${mirrorKey(w) === mirrorKey(o) ? '' : ' with other files'}: ` +
        'each run would delete the files the other one wrote. Give each source its own catalog (e.g. REMOTE:photos and REMOTE:papers)',
    };
  }
  return null;
}

/** Every encrypt task of every profile in the home (unreadable profiles are skipped: reported by their own commands). */
export function encryptTasksOfHome(home: string, profiles: string[]): Array<EncryptTask & { profile: string }> {
  const out: Array<EncryptTask & { profile: string }> = [];
  for (const p of profiles) {
    let tasks: Task[];
    try {
      tasks = readTasksFile(join(home, 'profiles', p, TASKS_FILE_NAME));
    } catch {
      continue;
    }
    for (const t of tasks) if (t.type === 'encrypt') out.push({ ...t, profile: p });
  }
  return out;
}
