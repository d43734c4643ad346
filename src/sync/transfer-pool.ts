// Runs transfer jobs (see transfer-ops.ts) in batches: on a pool of worker threads for real
// work, or inline on this thread for small plans, where booting workers (hundreds of ms here)
// would cost more than the work; medium plans start inline and workers join once booted (each
// posts 'ready'; batches only go to slots that can start them). Small files are batched into one message to keep per-file
// overhead low; each worker has up to three batches in flight so it never idles. Stops
// dispatching on abort and lets in-flight batches finish (their files are complete and atomic).
// Small files come back under temporary names; a GroupCommit flushes them to disk in groups and
// renames them into place, and a job's result is reported only once its file is in place.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { Cipher } from '../crypt/index.js';
import { MAX_TRANSFERS } from '../util/limits.js';
import { createBatchRunner } from './transfer-ops.js';
import { GroupCommit } from './durable-commit.js';
import type { BatchReply, RenameJob, TransferJob, TransferResult, WorkerInit, WorkerReady } from './transfer-job.js';

/** a batch closes when it holds this many files or this many bytes */
const BATCH_MAX_FILES = 64;
const BATCH_MAX_BYTES = 2 * 1024 * 1024;
const IN_FLIGHT_PER_WORKER = 3;
/** plans up to this size run inline (no worker threads) */
const INLINE_MAX_BYTES = 32 * 1024 * 1024;
const INLINE_MAX_FILES = 4000;
/** inline plans with at least this many files also use workers, which join once booted */
const HYBRID_MIN_FILES = 256;
/** worker heaps stay tiny (file bytes live in reused off-heap Buffers); small limits keep RSS down */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 };

type Send = (jobs: TransferJob[]) => Promise<TransferResult[]>;

interface Slot {
  send: Send;
  inFlight: number;
  /** batches this slot may hold at once */
  maxInFlight: number;
  /** false while a worker boots: batches go to slots that can start them now */
  ready: boolean;
  /** the main thread helping a worker pool: takes small-file batches only */
  helper: boolean;
  /** a worker that failed or exited: never takes batches again */
  dead: boolean;
  /** called when the slot becomes ready or dies */
  onReady?: () => void;
  close: () => Promise<void>;
}

function workerSlot(init: WorkerInit): Slot {
  const worker = new Worker(new URL('./transfer-worker.js', import.meta.url), { workerData: init, resourceLimits: WORKER_LIMITS });
  const waiting = new Map<number, { resolve: (r: TransferResult[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (m: BatchReply | WorkerReady) => {
    if (!('id' in m)) {
      slot.ready = true;
      slot.onReady?.();
      return;
    }
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.resolve(m.results);
  });
  const die = () => {
    if (slot.dead) return;
    slot.dead = true;
    slot.ready = false;
    slot.onReady?.();
  };
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    die();
  });
  worker.on('exit', die);
  const slot: Slot = {
    inFlight: 0,
    maxInFlight: IN_FLIGHT_PER_WORKER,
    ready: false,
    dead: false,
    helper: false,
    send: (jobs) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, jobs });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
  return slot;
}

function inlineSlot(init: WorkerInit, helper: boolean): Slot {
  const run = createBatchRunner(init);
  return {
    inFlight: 0,
    maxInFlight: 1, // one batch at a time: it runs on this thread
    ready: true,
    dead: false,
    helper,
    // yield to the event loop between batches so abort signals and progress still flow
    send: (jobs) => new Promise((r) => setImmediate(r)).then(() => run(jobs)),
    close: async () => undefined,
  };
}

/**
 * Worker threads for a `transfers` request: default one per core, always 1..MAX_TRANSFERS. The
 * clamp lives here, under every front end, so no caller can start thousands of threads.
 */
export function workerCount(transfers?: number): number {
  const n = transfers === undefined || Number.isNaN(transfers) ? availableParallelism() : Math.floor(transfers);
  return Math.min(MAX_TRANSFERS, Math.max(1, n));
}

export interface PoolSizing {
  /** worker threads; default one per core */
  transfers?: number;
  /** total bytes and files of the work, to pick inline for small plans */
  bytes: number;
  files: number;
}

/**
 * Worker threads started early (booting one costs hundreds of ms), while the trees are still
 * being scanned, for runs that will most likely have work. A TransferPool adopts them or, for a
 * small plan, closes them. The owner must close it when no pool adopts it.
 */
export class WorkerWarmup {
  slots: Slot[];
  constructor(cipher: Cipher, transfers?: number) {
    const init: WorkerInit = { keys: cipher.keys, options: cipher.options };
    this.slots = Array.from({ length: workerCount(transfers) }, () => workerSlot(init));
  }
  /** hands the workers over (once) */
  take(): Slot[] {
    const s = this.slots;
    this.slots = [];
    return s;
  }
  async close(): Promise<void> {
    await Promise.all(this.take().map((s) => s.close()));
  }
}

export class TransferPool {
  private readonly slots: Slot[];

  constructor(cipher: Cipher, sizing: PoolSizing, warm?: WorkerWarmup) {
    const init: WorkerInit = { keys: cipher.keys, options: cipher.options };
    const inline = sizing.bytes <= INLINE_MAX_BYTES && sizing.files <= INLINE_MAX_FILES;
    const n = workerCount(sizing.transfers);
    // a medium plan starts inline at once; workers (minus this thread's share) join once booted
    const medium = inline && sizing.files >= HYBRID_MIN_FILES && n > 1;
    if (inline && !medium) {
      void warm?.close();
      this.slots = [inlineSlot(init, false)];
      return;
    }
    const workers = medium ? n - 1 : n;
    const adopted = warm?.take() ?? [];
    while (adopted.length > workers) void adopted.pop()?.close();
    while (adopted.length < workers) adopted.push(workerSlot(init));
    // a medium plan keeps this thread's share of small files; a large plan leaves it to dispatch
    // (a third busy thread on two cores measured slower for 20k files)
    this.slots = medium ? [...adopted, inlineSlot(init, true)] : adopted;
  }

  /**
   * Runs every job; calls onResult once per job as it completes (in completion order; a written
   * file is complete, durable and under its real name by then).
   * Returns when all dispatched jobs finished; jobs not yet dispatched when `signal` aborts are skipped.
   */
  async run(
    jobs: TransferJob[],
    sizeOf: (j: TransferJob) => number,
    onResult: (job: TransferJob, r: TransferResult) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.runIndexed(
      jobs.length,
      (i) => sizeOf(jobs[i] as TransferJob),
      (i) => jobs[i] as TransferJob,
      (i, r) => onResult(jobs[i] as TransferJob, r),
      signal,
    );
  }

  /**
   * Like run, over job indexes: job objects are made only when their batch is dispatched, so a
   * plan of 100k files never holds 100k job messages at once.
   */
  async runIndexed(
    count: number,
    sizeOf: (i: number) => number,
    makeJob: (i: number) => TransferJob,
    onResult: (i: number, r: TransferResult) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const batches = new Batches(count, sizeOf);
    const commit = new GroupCommit(onResult, (r) => this.renameOnWorkers(r));
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      let finishing = false;
      for (const slot of this.slots) if (!slot.ready) slot.onReady = () => pump();
      const pump = () => {
        if (failed) return;
        // breadth first: one batch per slot per pass, so large files spread over all workers
        for (let assigned = true; assigned; ) {
          assigned = false;
          for (const slot of this.slots) {
            if (!slot.ready || slot.inFlight >= slot.maxInFlight || batches.peek() === undefined || signal?.aborted) continue;
            // a large file on this thread would stall dispatch to the workers for its duration
            if (slot.helper && isLargeBatch(batches.peek() as number[], sizeOf) && this.slots.some((w) => !w.helper && !w.dead)) continue;
            assigned = true;
            const batch = batches.take() as number[];
            const jobs = batch.map(makeJob);
            slot.inFlight++;
            running++;
            slot.send(jobs).then(
              (results) => {
                slot.inFlight--;
                running--;
                batch.forEach((j, k) => {
                  const r = results[k] as TransferResult;
                  const job = jobs[k] as TransferJob;
                  if (r.ok && r.tmp !== undefined && (job.kind === 'encrypt' || job.kind === 'decrypt')) commit.add(j, r.tmp, job.dst, r);
                  else onResult(j, r);
                });
                pump();
              },
              (e: Error) => {
                failed = true;
                reject(e);
              },
            );
          }
        }
        if (!finishing && running === 0 && (batches.peek() === undefined || signal?.aborted)) {
          finishing = true;
          void commit.drain().then(resolve);
        }
      };
      pump();
    });
  }

  /**
   * Rename jobs of a flushed group, split over the live workers (this thread only when it is the
   * pool's only slot); they queue behind at most a few batches each.
   */
  private async renameOnWorkers(jobs: RenameJob[]): Promise<TransferResult[]> {
    const live = this.slots.filter((s) => s.ready && !s.dead);
    const workers = live.filter((s) => !s.helper);
    const use = workers.length > 0 ? workers : live;
    if (use.length === 0) throw new Error('no transfer worker left');
    const per = Math.ceil(jobs.length / use.length);
    const parts: Promise<TransferResult[]>[] = [];
    for (let i = 0; i * per < jobs.length; i++) parts.push((use[i] as Slot).send(jobs.slice(i * per, (i + 1) * per)));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close()));
  }
}

function isLargeBatch(batch: number[], sizeOf: (i: number) => number): boolean {
  return batch.length === 1 && sizeOf(batch[0] as number) >= BATCH_MAX_BYTES;
}

/**
 * The batches of a run, made one at a time as they are dispatched (a million files never sit in
 * batch arrays at once): large files first (they set the critical path), each alone, largest
 * first; then small files batched in order.
 */
class Batches {
  private readonly big: number[] = [];
  private bigAt = 0;
  private at = 0;
  private peeked: number[] | undefined;

  constructor(
    private readonly count: number,
    private readonly sizeOf: (i: number) => number,
  ) {
    for (let i = 0; i < count; i++) if (sizeOf(i) >= BATCH_MAX_BYTES) this.big.push(i);
    this.big.sort((a, b) => sizeOf(b) - sizeOf(a));
  }

  /** the next batch, left in place; undefined when all are taken */
  peek(): number[] | undefined {
    this.peeked ??= this.make();
    return this.peeked;
  }

  take(): number[] | undefined {
    const b = this.peek();
    this.peeked = undefined;
    return b;
  }

  private make(): number[] | undefined {
    if (this.bigAt < this.big.length) return [this.big[this.bigAt++] as number];
    const cur: number[] = [];
    let bytes = 0;
    while (this.at < this.count && cur.length < BATCH_MAX_FILES && bytes < BATCH_MAX_BYTES) {
      const i = this.at++;
      const n = this.sizeOf(i);
      if (n >= BATCH_MAX_BYTES) continue;
      cur.push(i);
      bytes += n;
    }
    return cur.length > 0 ? cur : undefined;
  }
}
