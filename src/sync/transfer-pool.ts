// A pool of worker threads doing the per-file byte work (see transfer-worker.ts). Small files are
// batched into one message to keep per-file overhead low; each worker has at most two batches
// in flight so it never idles waiting for the main thread. Stops dispatching on abort and lets
// in-flight batches finish (their files are complete and atomic); never kills a worker mid-write.
import { Worker } from 'node:worker_threads';
import type { Cipher } from '../crypt/index.js';
import type { BatchReply, TransferJob, TransferResult, WorkerInit } from './transfer-job.js';

/** a batch closes when it holds this many files or this many bytes */
const BATCH_MAX_FILES = 32;
const BATCH_MAX_BYTES = 2 * 1024 * 1024;
const IN_FLIGHT_PER_WORKER = 2;

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class TransferPool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<number, { jobs: TransferJob[]; slot: Slot; done: (r: TransferResult[]) => void; fail: (e: Error) => void }>();
  private nextId = 1;

  constructor(cipher: Cipher, size: number) {
    const init: WorkerInit = { keys: cipher.keys, options: cipher.options };
    this.slots = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(new URL('./transfer-worker.js', import.meta.url), { workerData: init });
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (m: BatchReply) => {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        slot.inFlight--;
        w.done(m.results);
      });
      worker.on('error', (e) => {
        for (const [id, w] of this.waiting) {
          if (w.slot === slot) {
            this.waiting.delete(id);
            w.fail(e);
          }
        }
      });
      return slot;
    });
  }

  /**
   * Runs every job; calls onResult once per job as it completes (in completion order).
   * Returns when all dispatched jobs finished; jobs not yet dispatched when `signal` aborts are skipped.
   */
  async run(
    jobs: TransferJob[],
    sizeOf: (j: TransferJob) => number,
    onResult: (job: TransferJob, r: TransferResult) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const batches = makeBatches(jobs, sizeOf);
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const pump = () => {
        for (const slot of this.slots) {
          while (slot.inFlight < IN_FLIGHT_PER_WORKER && next < batches.length && !signal?.aborted) {
            const batch = batches[next++] as TransferJob[];
            const id = this.nextId++;
            slot.inFlight++;
            running++;
            this.waiting.set(id, {
              jobs: batch,
              slot,
              done: (results) => {
                running--;
                batch.forEach((j, i) => onResult(j, results[i] as TransferResult));
                pump();
              },
              fail: (e) => reject(e),
            });
            slot.worker.postMessage({ id, jobs: batch });
          }
        }
        if (running === 0 && (next >= batches.length || signal?.aborted)) resolve();
      };
      pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function makeBatches(jobs: TransferJob[], sizeOf: (j: TransferJob) => number): TransferJob[][] {
  const out: TransferJob[][] = [];
  let cur: TransferJob[] = [];
  let bytes = 0;
  for (const j of jobs) {
    const n = sizeOf(j);
    if (n >= BATCH_MAX_BYTES) {
      out.push([j]);
      continue;
    }
    cur.push(j);
    bytes += n;
    if (cur.length >= BATCH_MAX_FILES || bytes >= BATCH_MAX_BYTES) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
