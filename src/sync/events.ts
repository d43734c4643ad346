// The typed events and summaries the sync engine reports through (front ends render them; the
// engine never prints). Also the small helpers every run uses to count and throttle them.
import { performance } from 'node:perf_hooks';
import type { Cipher } from '../crypt/index.js';

export interface CryptDest {
  cipher: Cipher;
  /** absolute local folder holding the encrypted catalog */
  root: string;
}

export type SyncEvent =
  | { type: 'plan'; newFiles: number; changedFiles: number; deletedFiles: number; newDirs: number; deletedDirs: number; bytes: number; unchanged: number }
  | { type: 'file'; action: 'new' | 'update' | 'delete' | 'mkdir' | 'rmdir' | 'restore'; path: string; bytes: number }
  | { type: 'progress'; files: number; filesTotal: number; bytes: number; bytesTotal: number; rateBps: number; etaSec: number | null }
  | { type: 'warning'; path?: string; code: string; message: string }
  | { type: 'error'; path?: string; code: string; message: string };

export interface SyncSummary {
  dryRun: boolean;
  filesScanned: number;
  newFiles: number;
  changedFiles: number;
  deletedFiles: number;
  newDirs: number;
  deletedDirs: number;
  unchanged: number;
  /** plain bytes written, or to write in a dry run */
  bytes: number;
  errors: number;
  warnings: number;
  deletionsSkipped: boolean;
  durationMs: number;
  /** files the encrypted catalog held before the run (encrypt only) */
  catalogFiles?: number;
  /** catalog entries that are not encrypted names for this remote (junk not counted): never pushed (encrypt only) */
  foreign?: string[];
  /** set in a dry run whose plan a real run would refuse (a deletion guard) */
  refusal?: { code: string; message: string };
}

export interface RunControl {
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
}

/** progress events at most this often */
const PROGRESS_INTERVAL_MS = 250;

/** Counts warnings/errors as they are emitted and throttles progress events. */
export class RunReporter {
  warnings = 0;
  errors = 0;
  readonly started = performance.now();
  private lastProgress = 0;
  constructor(private readonly onEvent: ((e: SyncEvent) => void) | undefined) {}

  emit(e: SyncEvent): void {
    this.onEvent?.(e);
  }
  warn(path: string | undefined, code: string, message: string): void {
    this.warnings++;
    this.onEvent?.({ type: 'warning', ...(path === undefined ? {} : { path }), code, message });
  }
  error(path: string | undefined, code: string, message: string): void {
    this.errors++;
    this.onEvent?.({ type: 'error', ...(path === undefined ? {} : { path }), code, message });
  }
  progress(files: number, filesTotal: number, bytes: number, bytesTotal: number, force = false): void {
    if (!this.onEvent) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    const sec = (now - this.started) / 1000;
    const rateBps = sec > 0 ? Math.round(bytes / sec) : 0;
    const etaSec = rateBps > 0 ? Math.max(0, Math.round((bytesTotal - bytes) / rateBps)) : null;
    this.onEvent({ type: 'progress', files, filesTotal, bytes, bytesTotal, rateBps, etaSec });
  }
  elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }
}
