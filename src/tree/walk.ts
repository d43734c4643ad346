// The one walk both scans (plain folder, encrypted catalog) use: breadth first, one folder's
// entries read at a time with synchronous syscalls in slices (on this kind of machine a threadpool
// hop per call costs several times the call), yielding to the event loop every YIELD_EVERY
// entries so timers and abort signals still run. What an entry means is the scan's business.
import { hasRawBytes } from '../crypt/names-on-disk.js';
import { CancelledError } from '../util/errors.js';
import { readDirEntries, type DirEntry } from './read-dir.js';
import { yieldToLoop } from './yield.js';

/** entries handled between two yields to the event loop */
const YIELD_EVERY = 512;

export interface DirJob {
  abs: string;
  /** the path below the root as on disk ('' for the root) */
  disk: string;
  /** the same path as a Standard (scan-specific) name */
  std: string;
  /** abs holds raw bytes (names that are not UTF-8): fs calls under it take Buffer paths */
  raw: boolean;
  /** the scan's index of this folder (FileTable folders); the root is 0 */
  folder: number;
}

export interface WalkOptions {
  signal?: AbortSignal | undefined;
  /** one entry of a folder; push the sub-folders to walk into `next` */
  visit(job: DirJob, entry: DirEntry, next: DirJob[]): void;
  /** a folder that could not be listed: report it (the walk goes on) or throw to stop */
  onListError(job: DirJob, e: NodeJS.ErrnoException): void;
  /** asked after each folder: true ends the walk early */
  done?(): boolean;
}

export async function walkTree(root: string, o: WalkOptions): Promise<void> {
  let sinceYield = 0;
  let queue: DirJob[] = [{ abs: root, disk: '', std: '', raw: hasRawBytes(root), folder: 0 }];
  while (queue.length > 0) {
    if (o.signal?.aborted) throw new CancelledError();
    const next: DirJob[] = [];
    for (const job of queue) {
      let ents: DirEntry[];
      try {
        ents = readDirEntries(job.abs, job.raw);
      } catch (e) {
        o.onListError(job, e as NodeJS.ErrnoException);
        continue;
      }
      for (const d of ents) {
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await yieldToLoop();
          if (o.signal?.aborted) throw new CancelledError();
        }
        o.visit(job, d, next);
      }
      if (o.done?.()) return;
    }
    queue = next;
  }
}
