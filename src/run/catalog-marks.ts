// "Encrypt in progress" marks, one per writer of an encrypted catalog, kept in the home (never in
// the catalog: it would be pushed and trip rclone). A writer that dies (kill -9, power loss, a
// crash) leaves its mark, and a torn catalog must not be pushed: the rsync step of a catalog
// refuses while a mark covers its source, until an encrypt run of that catalog completes (which
// clears the marks of dead writers) or the user forces it. Both encrypt engines, the one-off
// `cryptsync encrypt` and tasks all go through markCatalogWrite.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isProcessAlive } from './lock.js';
import { pathsOverlap } from '../util/path-inside.js';

const MARKS_DIR = 'catalog-marks';

export interface CatalogMark {
  catalog: string;
  pid: number;
  startedAt: string;
  /** the task (or "cryptsync encrypt") that writes */
  by: string;
  file: string;
}

function keyOf(catalog: string): string {
  return createHash('sha256').update(resolve(catalog)).digest('hex').slice(0, 16);
}

function readMarks(home: string): CatalogMark[] {
  const dir = join(home, MARKS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: CatalogMark[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      const j = JSON.parse(readFileSync(join(dir, n), 'utf8')) as Omit<CatalogMark, 'file'>;
      if (typeof j.catalog === 'string' && typeof j.pid === 'number') out.push({ ...j, file: join(dir, n) });
    } catch {
      /* half-written by a writer that is starting right now, or damaged: not evidence of a torn catalog */
    }
  }
  return out;
}

export interface CatalogWrite {
  /** the write ended and left the catalog whole: clear this mark and those of dead writers */
  complete(): void;
}

/** Records that `by` starts writing `catalog`; the mark stays until complete() is called. */
export async function markCatalogWrite(home: string, catalog: string, by: string): Promise<CatalogWrite> {
  const root = resolve(catalog);
  const file = join(home, MARKS_DIR, `${keyOf(root)}-${process.pid}-${randomBytes(4).toString('hex')}.json`);
  await writeFileAtomic(file, `${JSON.stringify({ catalog: root, pid: process.pid, startedAt: new Date().toISOString(), by })}\n`, 0o600);
  let done = false;
  return {
    complete: () => {
      if (done) return;
      done = true;
      for (const m of readMarks(home)) {
        if (m.file === file || (m.catalog === root && !isProcessAlive(m.pid))) {
          try {
            unlinkSync(m.file);
          } catch {
            /* cleared by another writer */
          }
        }
      }
    },
  };
}

/** Marks of writers, alive or dead, of a catalog that is, contains or lies inside `folder`. */
export function unfinishedWrites(home: string, folder: string): Array<CatalogMark & { alive: boolean }> {
  const f = resolve(folder);
  return readMarks(home)
    .filter((m) => pathsOverlap(m.catalog, f))
    .map((m) => ({ ...m, alive: m.pid === process.pid ? false : isProcessAlive(m.pid) }));
}
