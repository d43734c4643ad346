// Runs the plain-folder scan of an encrypt run in a worker thread, so that on a machine with two
// or more cores it overlaps the catalog scan (and key derivation) on the main thread. Falls back to
// scanning on the calling thread when only one core is available or the worker fails in any way,
// so errors are exactly those of scanPlainTree. Never writes.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { CancelledError } from '../util/errors.js';
import { scanPlainTable, FileTable, FILE_TABLE_CHUNK, type PlainTableScan, type PackedFileTable, type PathFilter, type ScanIssue, type TreeEntry, type EntryKind } from '../tree/index.js';
import type { FilterOptions } from './filter.js';

/** heap caps for the scan worker: it holds one scan (~40 B per file, file-table.ts) and little else */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 8 };
const NS_PER_SEC = 1_000_000_000n;
/** below this many cores a worker only adds start-up cost */
const MIN_CORES = 2;

export interface PlainScanRequest {
  source: string;
  copyLinks: boolean;
  filter: FilterOptions | undefined;
}

export type IssueFn = 'warn' | 'error';
export interface QueuedIssue {
  fn: IssueFn;
  issue: ScanIssue;
}

/**
 * Folder entries in columns: one string and typed arrays copy across threads far faster than
 * many small objects (structured clone costs ~3 us per object here). Files come as a packed
 * FileTable, already in columns.
 */
export interface PackedEntries {
  /** std and disk of each entry, NUL-separated (NUL never occurs in a name); disk is '' when equal to std */
  names: string;
  sizes: Float64Array;
  /**
   * mtime as whole seconds (floor) and nanoseconds 0..999999999: one int64 of nanoseconds
   * would wrap at 2^63 ns (2262-04-11), which ext4 and others can store
   */
  mtimeSecs: BigInt64Array;
  mtimeNsecs: Uint32Array;
}

export type PlainScanReply = { ok: true; files: PackedFileTable; dirs: PackedEntries; errors: number; issues: QueuedIssue[] } | { ok: false };
/** files posted while the scan goes on (FILE_TABLE_CHUNK-aligned); the reply carries the rest */
export interface PlainScanPart {
  part: PackedFileTable;
}
/** rows per part: small enough that neither thread holds much twice, large enough to be few messages */
export const PART_ROWS = 64 * FILE_TABLE_CHUNK;

export function packEntries(entries: TreeEntry[]): PackedEntries {
  const names: string[] = [];
  const sizes = new Float64Array(entries.length);
  const mtimeSecs = new BigInt64Array(entries.length);
  const mtimeNsecs = new Uint32Array(entries.length);
  entries.forEach((e, i) => {
    names.push(e.std, e.disk === e.std ? '' : e.disk);
    sizes[i] = e.size;
    const nsec = ((e.mtimeNs % NS_PER_SEC) + NS_PER_SEC) % NS_PER_SEC;
    mtimeSecs[i] = (e.mtimeNs - nsec) / NS_PER_SEC;
    mtimeNsecs[i] = Number(nsec);
  });
  return { names: names.join('\0'), sizes, mtimeSecs, mtimeNsecs };
}

export function unpackEntries(p: PackedEntries, kind: EntryKind): TreeEntry[] {
  const out = new Array<TreeEntry>(p.sizes.length);
  if (p.sizes.length === 0) return [];
  const names = p.names.split('\0');
  for (let i = 0; i < out.length; i++) {
    const std = names[2 * i] as string;
    const disk = names[2 * i + 1] as string;
    out[i] = { kind, std, disk: disk === '' ? std : disk, size: p.sizes[i] as number, mtimeNs: (p.mtimeSecs[i] as bigint) * NS_PER_SEC + BigInt(p.mtimeNsecs[i] as number) };
  }
  return out;
}

export interface PlainScanJob {
  /** rejects with CancelledError when `signal` aborts */
  result: Promise<PlainTableScan>;
  /** the scan's warnings and errors, in order; complete once `result` settles */
  issues: QueuedIssue[];
}

function inThread(req: PlainScanRequest, filter: Promise<PathFilter | undefined>, signal: AbortSignal, issues: QueuedIssue[]): Promise<PlainTableScan> {
  return filter.then((f) =>
    scanPlainTable(req.source, {
      copyLinks: req.copyLinks,
      ...(f ? { filter: f } : {}),
      signal,
      onWarning: (issue) => issues.push({ fn: 'warn', issue }),
      onError: (issue) => issues.push({ fn: 'error', issue }),
    }),
  );
}

/** the scan in a worker; its parts are appended to `files` as they come */
function inWorker(req: PlainScanRequest, signal: AbortSignal, files: FileTable): Promise<PlainScanReply> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./plain-scan-worker.js', import.meta.url), { workerData: req, resourceLimits: WORKER_LIMITS });
    } catch {
      resolve({ ok: false });
      return;
    }
    const done = (reply: PlainScanReply) => {
      signal.removeEventListener('abort', onAbort);
      resolve(reply);
      void worker.terminate();
    };
    const onAbort = () => done({ ok: false });
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: PlainScanReply | PlainScanPart) => {
      if (!('part' in m)) done(m);
      else {
        try {
          files.appendPart(m.part);
        } catch {
          done({ ok: false }); // cannot happen with parts in order; the fallback scans again
        }
      }
    });
    worker.once('error', () => done({ ok: false }));
    worker.once('exit', () => done({ ok: false }));
  });
}

/**
 * Starts scanning `req.source`. `filter` is the same filter built on this thread (the worker
 * builds its own from `req.filter`); it is only used for the fallback.
 */
export function startPlainScan(req: PlainScanRequest, filter: Promise<PathFilter | undefined>, signal: AbortSignal): PlainScanJob {
  const issues: QueuedIssue[] = [];
  const result =
    availableParallelism() < MIN_CORES
      ? inThread(req, filter, signal, issues)
      : (async () => {
          const files = new FileTable();
          const reply = await inWorker(req, signal, files);
          if (signal.aborted) throw new CancelledError();
          if (!reply.ok) return inThread(req, filter, signal, issues);
          try {
            files.appendPart(reply.files);
          } catch {
            return inThread(req, filter, signal, issues);
          }
          issues.push(...reply.issues);
          files.seal();
          return { files, dirs: unpackEntries(reply.dirs, 'dir'), errors: reply.errors };
        })();
  // awaited later, or dropped when a check before it fails; never an unhandled rejection
  result.catch(() => undefined);
  return { result, issues };
}

/**
 * The result of a started scan, its queued issues handed to `report` in order (also when it
 * fails); a CancelledError when `outer` (the run's own signal) aborted it.
 */
export async function plainScanResult(job: PlainScanJob, outer: AbortSignal | undefined, report: (q: QueuedIssue) => void): Promise<PlainTableScan> {
  try {
    return await job.result;
  } catch (e) {
    if (outer?.aborted) throw new CancelledError();
    throw e;
  } finally {
    for (const q of job.issues.splice(0)) report(q);
  }
}
