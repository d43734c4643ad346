// Refuses an encrypt whose catalog lies inside its own source (each run would encrypt the
// previous run's output, growing without end) or whose source lies inside the catalog (the sync
// would delete or shadow the source), and tells other guards (restore targets) how two folders
// overlap. Paths are compared after resolving symlinks, so a link cannot hide the overlap.
// Reads only path metadata; never writes.
import { realpath } from 'node:fs/promises';
import { resolve, dirname, basename, join, sep } from 'node:path';
import { CryptsyncError } from '../util/errors.js';

/** realpath of `p`, or of its nearest existing ancestor with the rest appended (p may not exist yet) */
export async function resolveLoose(p: string): Promise<string> {
  const abs = resolve(p);
  try {
    return await realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const parent = dirname(abs);
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === abs) return abs;
    return join(await resolveLoose(parent), basename(abs));
  }
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

export async function assertNoOverlap(source: string, catalog: string): Promise<void> {
  const [src, cat] = await Promise.all([resolveLoose(source), resolveLoose(catalog)]);
  if (isInside(cat, src)) {
    throw new CryptsyncError('usage', 'CATALOG_INSIDE_SOURCE', `the encrypted catalog ${catalog} is inside its source ${source}; choose a catalog outside the source`, {
      subject: catalog,
    });
  }
  if (isInside(src, cat)) {
    throw new CryptsyncError('usage', 'SOURCE_INSIDE_CATALOG', `the source ${source} is inside the encrypted catalog ${catalog}; choose a catalog outside the source`, {
      subject: source,
    });
  }
}

/** How folder `a` relates to folder `b` once both are resolved: the same, inside it, containing it, or apart. */
export type Overlap = 'same' | 'inside' | 'contains' | null;

export async function folderOverlap(a: string, b: string): Promise<Overlap> {
  const [x, y] = await Promise.all([resolveLoose(a), resolveLoose(b)]);
  if (x === y) return 'same';
  if (isInside(x, y)) return 'inside';
  if (isInside(y, x)) return 'contains';
  return null;
}
