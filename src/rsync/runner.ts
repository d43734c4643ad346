// Spawns rsync with an argv array (never a shell), streams its output to the pure parsers, honours
// abort (SIGINT to rsync's process group, SIGTERM after a grace period, SIGKILL as a last resort)
// and reports the exit code. It never decides what a run means for a task (that is the run
// layer's job) and never prints: lines and progress go to callbacks.
import { spawn } from 'node:child_process';
import { CryptsyncError } from '../util/errors.js';
import { signalProcessGroup, trackProcessGroup, untrackProcessGroup } from '../util/process-group.js';
import { describeRsyncExit, effectiveRsyncExit } from './exit-codes.js';
import { countItemizedLine, emptyItemizeCounts, type ItemizeCounts } from './itemize.js';
import { LineSplitter } from './line-splitter.js';
import { OutputTail } from './output-tail.js';
import { parseProgressLine, type RsyncProgress } from './progress.js';
import { parseStats, type RsyncStats } from './stats.js';

export const DEFAULT_RSYNC_PATH = 'rsync';
export const DEFAULT_GRACE_MS = 5000;
export const DEFAULT_TAIL_BYTES = 64 * 1024;
/** stderr lines kept verbatim for the error message */
const MAX_ERROR_LINES = 20;
/** the stats block is ~20 lines; more means something else was caught */
const MAX_STATS_LINES = 64;

export interface RunRsyncOptions {
  rsyncPath?: string;
  signal?: AbortSignal;
  /** after abort: SIGINT, then SIGTERM after graceMs, then SIGKILL after another graceMs */
  graceMs?: number;
  onProgress?: (p: RsyncProgress) => void;
  /**
   * at most one onProgress call per this many ms (default 0: every redraw, which is one per file
   * on a big tree); the newest progress held back is delivered before the result
   */
  progressIntervalMs?: number;
  /** every non-progress line, as it arrives */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** default process.env; LC_NUMERIC is forced to C either way so numbers parse */
  env?: NodeJS.ProcessEnv;
  tailBytes?: number;
}

export interface RsyncRunResult {
  /**
   * null when rsync was killed by a signal or never started (aborted before spawn). An ssh failure
   * is always 255 here even when rsync itself said 12 (see effectiveRsyncExit); rawExitCode keeps
   * rsync's own value.
   */
  exitCode: number | null;
  rawExitCode: number | null;
  signal: string | null;
  aborted: boolean;
  stats: RsyncStats | null;
  /** the last lines of stdout and stderr (no progress redraws), at most tailBytes */
  tail: string;
  durationMs: number;
  /** counts from --itemize-changes lines seen during the run */
  itemized: ItemizeCounts;
  /** stderr lines (first few), e.g. "ssh: connect to host 127.0.0.1 port 1: Connection refused" */
  errors: string[];
  /** one line for people: '' on success, else exit meaning plus the most telling stderr line */
  message: string;
  lastProgress: RsyncProgress | null;
}

export function runRsync(args: string[], o: RunRsyncOptions = {}): Promise<RsyncRunResult> {
  const rsyncPath = o.rsyncPath ?? DEFAULT_RSYNC_PATH;
  const graceMs = o.graceMs ?? DEFAULT_GRACE_MS;
  const started = Date.now();
  const tail = new OutputTail(o.tailBytes ?? DEFAULT_TAIL_BYTES);
  const itemized = emptyItemizeCounts();
  const errors: string[] = [];
  let statsLines: string[] | null = null;
  let lastProgress: RsyncProgress | null = null;
  const progressIntervalMs = o.progressIntervalMs ?? 0;
  let lastProgressAt = Number.NEGATIVE_INFINITY;
  let progressHeld = false;

  if (o.signal?.aborted) {
    return Promise.resolve({
      exitCode: null, rawExitCode: null, signal: null, aborted: true, stats: null, tail: '', durationMs: 0, itemized, errors,
      message: 'aborted before rsync started', lastProgress,
    });
  }

  return new Promise((resolve, reject) => {
    // detached: rsync gets its own process group, so abort reaches its ssh and receiver children
    // too, and a terminal's Ctrl-C reaches only us (the caller decides to abort).
    const child = spawn(rsyncPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: rsyncEnv(o.env ?? process.env),
      detached: true,
      shell: false,
    });
    let aborted = false;
    const timers: NodeJS.Timeout[] = [];
    if (child.pid !== undefined) trackProcessGroup(child.pid);
    const signalGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalProcessGroup(child.pid, sig);
    };
    const onAbort = (): void => {
      aborted = true;
      signalGroup('SIGINT');
      timers.push(setTimeout(() => signalGroup('SIGTERM'), graceMs));
      timers.push(setTimeout(() => signalGroup('SIGKILL'), graceMs * 2));
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const handle = (stream: 'stdout' | 'stderr') => (line: string) => {
      const p = parseProgressLine(line);
      if (p) {
        lastProgress = p;
        const now = progressIntervalMs > 0 ? Date.now() : 0;
        if (now - lastProgressAt >= progressIntervalMs) {
          lastProgressAt = now;
          progressHeld = false;
          o.onProgress?.(p);
        } else progressHeld = true;
        return;
      }
      tail.push(line);
      if (stream === 'stderr') {
        if (errors.length < MAX_ERROR_LINES) errors.push(line);
      } else {
        if (line.startsWith('Number of files:')) statsLines = [];
        if (statsLines && statsLines.length < MAX_STATS_LINES) statsLines.push(line);
        else countItemizedLine(itemized, line);
      }
      o.onLine?.(line, stream);
    };
    const out = new LineSplitter(handle('stdout'));
    const err = new LineSplitter(handle('stderr'));
    child.stdout.on('data', (c: Buffer) => out.write(c));
    child.stderr.on('data', (c: Buffer) => err.write(c));

    child.once('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      if (e.code === 'ENOENT') {
        reject(new CryptsyncError('external', 'RSYNC_NOT_FOUND', `rsync not found: '${rsyncPath}' (install rsync or set the rsync path)`, { subject: rsyncPath, cause: e }));
      } else if (e.code === 'EACCES') {
        reject(new CryptsyncError('external', 'RSYNC_NOT_EXECUTABLE', `rsync at '${rsyncPath}' is not executable`, { subject: rsyncPath, cause: e }));
      } else {
        reject(new CryptsyncError('external', 'RSYNC_SPAWN_FAILED', `could not start rsync '${rsyncPath}': ${e.message}`, { subject: rsyncPath, cause: e }));
      }
    });
    child.once('close', (code, sig) => {
      cleanup();
      out.end();
      err.end();
      if (progressHeld && lastProgress) o.onProgress?.(lastProgress);
      const stats = statsLines ? parseStats((statsLines as string[]).join('\n')) : null;
      const exitCode = effectiveRsyncExit(code, errors);
      resolve({
        exitCode,
        rawExitCode: code,
        signal: sig,
        aborted,
        stats,
        tail: tail.toString(),
        durationMs: Date.now() - started,
        itemized,
        errors,
        message: summarize(exitCode, sig, aborted, errors),
        lastProgress,
      });
    });

    function cleanup(): void {
      if (child.pid !== undefined) untrackProcessGroup(child.pid);
      for (const t of timers) clearTimeout(t);
      o.signal?.removeEventListener('abort', onAbort);
    }
  });
}

function rsyncEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...base };
  // LC_ALL would override LC_NUMERIC; keep the user's language for everything else via LANG.
  if (env.LC_ALL) {
    env.LANG = env.LC_ALL;
    delete env.LC_ALL;
  }
  env.LC_NUMERIC = 'C';
  return env;
}

/** ssh / rsync lines that explain a failure better than rsync's generic "rsync error: ..." */
function mostTellingLine(errors: string[]): string | undefined {
  const generic = /^rsync error:|^rsync: connection unexpectedly closed|^\s*$/;
  return errors.find((l) => l.startsWith('ssh:')) ?? errors.find((l) => !generic.test(l)) ?? errors[0];
}

function summarize(code: number | null, sig: string | null, aborted: boolean, errors: string[]): string {
  if (aborted) return `rsync aborted${code !== null ? ` (exit code ${code})` : sig ? ` (${sig})` : ''}`;
  if (code === 0) return '';
  const head = code === null ? `rsync was killed by ${sig ?? 'a signal'}` : `rsync exit code ${code}: ${describeRsyncExit(code)}`;
  const detail = mostTellingLine(errors);
  return detail ? `${head}: ${detail}` : head;
}
