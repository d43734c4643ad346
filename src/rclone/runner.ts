// Spawns rclone with an argv array (never a shell), streams its JSON log to the pure parser and
// tally, honours abort (SIGINT to rclone's process group, SIGTERM after a grace period, SIGKILL as a
// last resort) and reports the exit code. It never decides what a run means for a task (the run
// layer's job) and never prints: events go to callbacks.
//
// Environment: the caller passes the environment rclone gets (`env`), and should pass only what
// rclone needs (PATH, HOME, RCLONE_* such as RCLONE_CONFIG_PASS). Whatever is passed, every
// CRYPTSYNC_* variable (the web token among them) and each name in `dropEnv` (e.g. the variable a
// password was read from) is removed before rclone starts.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CryptsyncError } from '../util/errors.js';
import { signalProcessGroup, trackProcessGroup, untrackProcessGroup } from '../util/process-group.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { describeRcloneExit } from './exit-codes.js';
import { parseRcloneLogLine, type RcloneLogEvent, type RcloneStats } from './json-log.js';
import { RcloneLogTally, type RcloneCounts, type RcloneLogError } from './log-tally.js';

export const DEFAULT_RCLONE_PATH = 'rclone';
/** names another rclone binary (tests use it for a fake or a wrapper) */
export const RCLONE_PATH_ENV = 'CRYPTSYNC_RCLONE';
export const DEFAULT_GRACE_MS = 5000;
export const DEFAULT_TAIL_CHARS = 32 * 1024;

export interface RunRcloneOptions {
  /** the environment rclone runs with; see the top of this file */
  env: NodeJS.ProcessEnv;
  /** more variable names to remove from env before rclone starts */
  dropEnv?: readonly string[];
  /** default: env.CRYPTSYNC_RCLONE, else `rclone` on PATH */
  rclonePath?: string;
  signal?: AbortSignal;
  /** after abort: SIGINT, then SIGTERM after graceMs, then SIGKILL after another graceMs */
  graceMs?: number;
  /** every parsed line (stats included), in order */
  onEvent?: (e: RcloneLogEvent) => void;
  /** each stats line (one a second with the flags rcloneSyncArgs adds, and a final one) */
  onProgress?: (s: RcloneStats) => void;
  /** see RcloneTallyOptions.existsAtDest */
  existsAtDest?: (object: string) => boolean;
  tailChars?: number;
  cwd?: string;
}

export interface RcloneRunResult {
  /** null when rclone was killed by a signal or never started (aborted before spawn) */
  exitCode: number | null;
  signal: string | null;
  aborted: boolean;
  counts: RcloneCounts;
  /** the final stats line (rclone's summary), null if it printed none */
  stats: RcloneStats | null;
  /** the last lines of output (no stats redraws), as `level: object: message` */
  tail: string;
  /** distinct errors rclone logged, with the file or remote they are about */
  errors: RcloneLogError[];
  /** rclone's last word when it gave up ("Failed to create file system for \"x:\": ..."), else null */
  fatal: string | null;
  /** one line for people: '' on success, else the exit code's meaning and the most telling error */
  message: string;
  retries: number;
  durationMs: number;
}

export function resolveRclonePath(o: { rclonePath?: string; env: NodeJS.ProcessEnv }): string {
  return o.rclonePath ?? (o.env[RCLONE_PATH_ENV] || DEFAULT_RCLONE_PATH);
}

/** The environment rclone gets: the caller's, less cryptsync's own variables and `drop`. */
export function rcloneEnv(env: NodeJS.ProcessEnv, drop: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('CRYPTSYNC_') && !drop.includes(k)) out[k] = v;
  return out;
}

export function runRclone(args: readonly string[], o: RunRcloneOptions): Promise<RcloneRunResult> {
  const path = resolveRclonePath(o);
  const graceMs = o.graceMs ?? DEFAULT_GRACE_MS;
  const started = Date.now();
  const tail = new TailBuffer(o.tailChars ?? DEFAULT_TAIL_CHARS);
  const tally = new RcloneLogTally(o.existsAtDest ? { existsAtDest: o.existsAtDest } : {});
  const result = (exitCode: number | null, signal: string | null, aborted: boolean): RcloneRunResult => {
    const final = tally.stats;
    if (final) for (const l of summaryLines(final)) tail.line(l);
    return {
      exitCode, signal, aborted, counts: tally.counts(), stats: final, tail: tail.toString(), errors: [...tally.errors], fatal: tally.fatal,
      message: summarize(exitCode, signal, aborted, tally), retries: tally.retries, durationMs: Date.now() - started,
    };
  };
  if (o.signal?.aborted) return Promise.resolve({ ...result(null, null, true), message: 'aborted before rclone started' });

  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: rcloneEnv(o.env, o.dropEnv),
      detached: true,
      shell: false,
      ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
    });
    let aborted = false;
    const timers: NodeJS.Timeout[] = [];
    if (child.pid !== undefined) trackProcessGroup(child.pid);
    const signalChild = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalProcessGroup(child.pid, sig);
    };
    const onAbort = (): void => {
      aborted = true;
      signalChild('SIGINT');
      timers.push(setTimeout(() => signalChild('SIGTERM'), graceMs));
      timers.push(setTimeout(() => signalChild('SIGKILL'), graceMs * 2));
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const onLine = (line: string): void => {
      if (line.trim() === '') return;
      const e = parseRcloneLogLine(line);
      tally.add(e);
      if (e.type === 'stats') o.onProgress?.(e.stats);
      else tail.line(tailText(e));
      o.onEvent?.(e);
    };
    const out = createInterface({ input: child.stdout, crlfDelay: Infinity });
    const err = createInterface({ input: child.stderr, crlfDelay: Infinity });
    out.on('line', onLine);
    err.on('line', onLine);
    const streamsDone = Promise.all([new Promise((r) => out.once('close', r)), new Promise((r) => err.once('close', r))]);

    child.once('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      if (e.code === 'ENOENT') {
        reject(new CryptsyncError('external', 'RCLONE_NOT_FOUND', path === DEFAULT_RCLONE_PATH ? 'rclone is not installed (apt-get install rclone), or not on PATH' : `rclone not found: '${path}'`, { subject: path, cause: e }));
      } else if (e.code === 'EACCES') {
        reject(new CryptsyncError('external', 'RCLONE_NOT_EXECUTABLE', `rclone at '${path}' is not executable`, { subject: path, cause: e }));
      } else {
        reject(new CryptsyncError('external', 'RCLONE_SPAWN_FAILED', `could not start rclone '${path}': ${e.message}`, { subject: path, cause: e }));
      }
    });
    // the process and both streams must be done: 'exit' may come before the last lines are read
    child.once('exit', (code, sig) => {
      void streamsDone.then(() => {
        cleanup();
        resolve(result(code, sig, aborted));
      });
    });

    function cleanup(): void {
      if (child.pid !== undefined) untrackProcessGroup(child.pid);
      for (const t of timers) clearTimeout(t);
      o.signal?.removeEventListener('abort', onAbort);
    }
  });
}

function tailText(e: Exclude<RcloneLogEvent, { type: 'stats' }>): string {
  if (e.type === 'text') return e.text;
  const level = e.type === 'file' ? 'info' : e.type === 'retry' ? 'error' : e.level;
  const object = 'object' in e && e.object ? `${e.object}: ` : '';
  return `${level}: ${object}${e.message.trim()}`;
}

function summaryLines(s: RcloneStats): string[] {
  return [`rclone: ${s.transfers}/${s.totalTransfers} transferred, ${s.bytes} bytes, ${s.checks} checks, ${s.deletes} deletes, ${s.errors} errors, ${s.elapsedSec.toFixed(1)} s`];
}

function summarize(code: number | null, sig: string | null, aborted: boolean, tally: RcloneLogTally): string {
  if (aborted) return `rclone aborted${code !== null ? ` (exit code ${code})` : sig ? ` (${sig})` : ''}`;
  if (code === 0) return '';
  const head = code === null ? `rclone was killed by ${sig ?? 'a signal'}` : `rclone exit code ${code}: ${describeRcloneExit(code)}`;
  const first = tally.errors.find((e) => e.object !== undefined) ?? tally.errors[0];
  const detail = tally.fatal ?? (first ? `${first.object ? `${first.object}: ` : ''}${first.message}` : undefined);
  return detail ? `${head}: ${detail}` : head;
}
