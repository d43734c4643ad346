// What a restore takes from a catalog's listing: the files and folders matching picked paths
// (taken literally) and include globs, with the folders on the way to them. Pure.
import { buildFilter } from '../sync/index.js';
import { parentOf, type PathFilter } from '../tree/index.js';
import type { ServerCatalog, ServerEntry } from './server-names.js';
import { isReservedName } from '../util/reserved-name.js';

export interface ServerPickOptions {
  /** picked plain paths (files or folders), taken literally */
  paths?: string[];
  /** rclone-style include globs */
  include?: string[];
}

/** A picked path taken literally in include patterns: `Photos [2019]` is a name, not a glob. */
export function pickedPathPatterns(p: string): string[] {
  const clean = p.replace(/^\/+|\/+$/g, '').replace(/[\\*?[\]{}]/g, (ch) => `\\${ch}`);
  return clean === '' ? [] : [`/${clean}`, `/${clean}/**`];
}

function passes(filter: PathFilter, e: ServerEntry): boolean {
  for (let p = parentOf(e.std); p !== ''; p = parentOf(p)) if (!filter.dir(p)) return false;
  return filter.file(e.std);
}

/** The files and folders a restore of `pick` takes from the listing (all of it without a pick). */
export async function pickFromListing(cat: ServerCatalog, pick: ServerPickOptions): Promise<{ files: ServerEntry[]; dirs: ServerEntry[]; whole: boolean }> {
  const include = [...(pick.include ?? []), ...(pick.paths ?? []).flatMap(pickedPathPatterns)];
  const filter = include.length ? await buildFilter({ include }) : undefined;
  // the catalog's manifest (docs/manifest.md) is cryptsync's, not one of the user's files
  const userFiles = cat.files.filter((f) => !isReservedName(f.std));
  if (!filter) return { files: userFiles, dirs: cat.dirs, whole: true };
  const files = userFiles.filter((f) => passes(filter, f));
  const onTheWay = new Set<string>();
  for (const f of files) for (let p = parentOf(f.std); p !== '' && !onTheWay.has(p); p = parentOf(p)) onTheWay.add(p);
  const dirs = cat.dirs.filter((d) => onTheWay.has(d.std) || passes(filter, d));
  return { files, dirs, whole: false };
}
