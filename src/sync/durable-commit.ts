// Group commit of small files written by the transfer pool: each arrives complete (contents and
// mtime) under its temporary name; a group is flushed to disk with one flush of the filesystem
// (tree/durable.ts), then each file is renamed to its real name. So a real name never points at
// contents that a power loss could still lose, at the cost of one flush per group instead of one
// fdatasync per file. Groups close by count, bytes or age; while one group is flushed the next
// one fills, so the workers never wait for the disk. Runs on the pool's thread; the renames of a
// group go back to the workers as rename jobs (a few messages per group, not one libuv round trip
// per file on this thread). Never renames a file whose flush failed.
import { unlink, stat } from 'node:fs/promises';
import { fsPath } from '../crypt/index.js';
import { flushFiles } from '../tree/index.js';
import { mapLimit } from '../util/map-limit.js';
import type { RenameJob, TransferResult } from './transfer-job.js';

/** a group is flushed once it holds this many files or bytes, or its first file waited this long */
const GROUP_MAX_FILES = 2000;
const GROUP_MAX_BYTES = 32 * 1024 * 1024;
const GROUP_MAX_MS = 100;
/** removals of unflushable temporaries in flight at once */
const UNLINK_CONCURRENCY = 8;

interface Waiting {
  id: number;
  tmp: string;
  dst: string;
  result: TransferResult;
  bytes: number;
}

export type Committed = (id: number, result: TransferResult) => void;
/** runs rename jobs (on the pool's workers); one result per job, in order */
export type Renamer = (jobs: RenameJob[]) => Promise<TransferResult[]>;

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

export class GroupCommit {
  private group: Waiting[] = [];
  private groupBytes = 0;
  private busy = false;
  private due = false;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: (() => void)[] = [];
  /** folder -> its device, to flush each filesystem once per group (a folder may be a mount point) */
  private readonly devOf = new Map<string, Promise<string>>();

  /** `done` is called once per added file, after its rename (or with the failure) */
  constructor(
    private readonly done: Committed,
    private readonly rename: Renamer,
  ) {}

  /** a finished file, complete under `tmp`, to be renamed to `dst` once it is on disk */
  add(id: number, tmp: string, dst: string, result: TransferResult & { ok: true }): void {
    const { tmp: _tmp, ...rest } = result;
    this.group.push({ id, tmp, dst, result: rest, bytes: result.bytes });
    this.groupBytes += result.bytes;
    this.kick();
  }

  /** resolves once every added file is committed; files added meanwhile are flushed at once */
  drain(): Promise<void> {
    this.draining = true;
    return new Promise((resolve) => {
      this.idle.push(resolve);
      this.kick();
    });
  }

  private kick(): void {
    if (this.busy) return;
    if (this.group.length === 0) {
      if (this.draining) for (const r of this.idle.splice(0)) r();
      return;
    }
    const full = this.group.length >= GROUP_MAX_FILES || this.groupBytes >= GROUP_MAX_BYTES;
    if (!full && !this.due && !this.draining) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.kick();
      }, GROUP_MAX_MS);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    const g = this.group;
    this.group = [];
    this.groupBytes = 0;
    this.busy = true;
    void this.commit(g).finally(() => {
      this.busy = false;
      this.kick();
    });
  }

  private async commit(g: Waiting[]): Promise<void> {
    try {
      await flushFiles(
        g.map((w) => w.tmp),
        await this.fsRoots(g),
      );
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      await mapLimit(g, UNLINK_CONCURRENCY, async (w) => {
        await unlink(fsPath(w.tmp)).catch(() => undefined);
        this.done(w.id, { ok: false, code: 'IO_ERROR', message: `cannot flush file to disk: ${code}` });
      });
      return;
    }
    let renamed: TransferResult[];
    try {
      renamed = await this.rename(g.map((w) => ({ kind: 'rename', tmp: w.tmp, dst: w.dst })));
    } catch (e) {
      // the workers are gone; the run fails, and the next one removes the stale temporaries
      for (const w of g) this.done(w.id, { ok: false, code: 'IO_ERROR', message: `cannot finish file: ${String(e)}` });
      return;
    }
    g.forEach((w, k) => {
      const r = renamed[k];
      this.done(w.id, r?.ok ? w.result : (r ?? { ok: false, code: 'IO_ERROR', message: 'cannot finish file: no answer' }));
    });
  }

  /** one folder per filesystem the group's files live on */
  private async fsRoots(g: Waiting[]): Promise<string[]> {
    const byDev = new Map<string, string>();
    for (const d of new Set(g.map((w) => dirOf(w.tmp)))) {
      let dev = this.devOf.get(d);
      if (!dev) {
        // a folder that cannot be stat'ed counts as a filesystem of its own
        dev = stat(fsPath(d), { bigint: true }).then(
          (s) => s.dev.toString(),
          () => `?${d}`,
        );
        this.devOf.set(d, dev);
      }
      const key = await dev;
      if (!byDev.has(key)) byDev.set(key, d);
    }
    return [...byDev.values()];
  }
}
