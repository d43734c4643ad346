// rclone 1.60's `--use-json-log` lines as typed events. Pure: one line in, one event out; no I/O.
// The shapes come from transcripts of the real binary (test/fixtures/rclone-logs). rclone writes
// a few lines outside its logger (log.Fatalf's "Failed to sync: ..."), so a line that is not a JSON
// object is a 'text' event, never an error of the parser.

export interface RcloneStats {
  /** bytes sent so far (in a dry run: that would be sent) */
  bytes: number;
  totalBytes: number;
  transfers: number;
  totalTransfers: number;
  checks: number;
  totalChecks: number;
  /** deletions attempted, including those --max-delete then refused */
  deletes: number;
  renames: number;
  errors: number;
  /** bytes per second */
  speed: number;
  /** seconds, null when rclone cannot tell */
  eta: number | null;
  elapsedSec: number;
  fatalError: boolean;
  retryError: boolean;
  lastError?: string;
}

export type RcloneFileAction =
  | 'new' // "Copied (new)"
  | 'replaced' // "Copied (replaced existing)"
  | 'copied' // another "Copied (...)" (e.g. a server-side copy): new or replaced is not said
  | 'deleted' // "Deleted"
  | 'moved' // "Moved (server-side)" / "Moved (server-side) to: X"
  | 'mtime' // "Updated modification time in destination"
  | 'skipped-copy' // dry run: "Skipped copy as --dry-run is set (size N)"
  | 'skipped-delete'
  | 'skipped-mtime' // dry run: "Skipped update modification time ..."
  | 'skipped-other'; // dry run: make/remove directory, move, ...

export type RcloneLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'fatal' | 'unknown';

export type RcloneLogEvent =
  | { type: 'stats'; stats: RcloneStats; time?: string }
  | { type: 'file'; action: RcloneFileAction; object: string; message: string; size?: number; to?: string; time?: string }
  /** "Attempt 1/3 failed with 2 errors and: ...": rclone starts the whole sync again */
  | { type: 'retry'; attempt: number; of: number; message: string; time?: string }
  | { type: 'error'; level: RcloneLevel; message: string; object?: string; time?: string }
  /** anything else the logger printed: warnings about a file, "There was nothing to transfer", ... */
  | { type: 'notice'; level: RcloneLevel; message: string; object?: string; time?: string }
  /** a line that is not JSON; `fatal` when it is rclone's last word ("Failed to sync: ...") */
  | { type: 'text'; text: string; fatal: boolean };

interface RawLine {
  level?: unknown;
  msg?: unknown;
  object?: unknown;
  objectType?: unknown;
  size?: unknown;
  skipped?: unknown;
  stats?: Record<string, unknown>;
  time?: unknown;
}

const LEVELS: readonly RcloneLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'fatal'];
/** "2026/12/02 15:20:42 " that Go's log package puts before plain lines */
const GO_LOG_PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? /;
/** log.Fatalf's messages: the run is over and this says why */
const FATAL_TEXT = /^(Failed to |Fatal error: )/;
const RETRY = /^Attempt (\d+)\/(\d+) failed with /;
const COPIED = /^Copied \(([^)]*)\)(?: to: (.*))?$/;
const MOVED = /^Moved \([^)]*\)(?: to: (.*))?$/;

export function parseRcloneLogLine(line: string): RcloneLogEvent {
  const raw = parseJsonObject(line);
  if (!raw) {
    const text = line.replace(GO_LOG_PREFIX, '');
    return { type: 'text', text, fatal: FATAL_TEXT.test(text) };
  }
  const level = toLevel(raw.level);
  const message = typeof raw.msg === 'string' ? raw.msg : '';
  const time = typeof raw.time === 'string' ? { time: raw.time } : {};
  if (raw.stats && typeof raw.stats === 'object') return { type: 'stats', stats: toStats(raw.stats), ...time };
  // Fs-level lines ("Local file system at /x", "sftp://...") name a remote, not a file
  const isObject = typeof raw.objectType !== 'string' || !raw.objectType.endsWith('Fs');
  const object = typeof raw.object === 'string' && raw.object !== '' ? raw.object : undefined;
  const obj = object === undefined ? {} : { object };

  if (typeof raw.skipped === 'string' && object !== undefined) {
    const size = typeof raw.size === 'number' ? { size: raw.size } : {};
    return { type: 'file', action: skippedAction(raw.skipped), object, message, ...size, ...time };
  }
  if (level === 'info' && object !== undefined && isObject) {
    const action = fileAction(message);
    if (action) return { type: 'file', object, message, ...action, ...time };
  }
  const retry = RETRY.exec(message);
  if (retry) return { type: 'retry', attempt: Number(retry[1]), of: Number(retry[2]), message, ...time };
  if (level === 'error' || level === 'critical' || level === 'fatal') return { type: 'error', level, message, ...obj, ...time };
  return { type: 'notice', level, message: message.trim(), ...obj, ...time };
}

function fileAction(msg: string): { action: RcloneFileAction; to?: string } | null {
  if (msg === 'Deleted') return { action: 'deleted' };
  if (msg.startsWith('Updated modification time')) return { action: 'mtime' };
  const c = COPIED.exec(msg);
  if (c) {
    const action: RcloneFileAction = c[1] === 'new' ? 'new' : c[1]!.startsWith('replaced') ? 'replaced' : 'copied';
    return c[2] === undefined ? { action } : { action, to: c[2] };
  }
  const m = MOVED.exec(msg);
  if (m) return m[1] === undefined ? { action: 'moved' } : { action: 'moved', to: m[1] };
  return null;
}

function skippedAction(what: string): RcloneFileAction {
  if (what === 'copy') return 'skipped-copy';
  if (what === 'delete') return 'skipped-delete';
  if (what === 'update modification time') return 'skipped-mtime';
  return 'skipped-other';
}

function parseJsonObject(line: string): RawLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as RawLine) : null;
  } catch {
    return null;
  }
}

function toLevel(v: unknown): RcloneLevel {
  return typeof v === 'string' && (LEVELS as readonly string[]).includes(v) ? (v as RcloneLevel) : 'unknown';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function toStats(s: Record<string, unknown>): RcloneStats {
  const stats: RcloneStats = {
    bytes: num(s.bytes),
    totalBytes: num(s.totalBytes),
    transfers: num(s.transfers),
    totalTransfers: num(s.totalTransfers),
    checks: num(s.checks),
    totalChecks: num(s.totalChecks),
    deletes: num(s.deletes),
    renames: num(s.renames),
    errors: num(s.errors),
    speed: num(s.speed),
    eta: typeof s.eta === 'number' ? s.eta : null,
    elapsedSec: num(s.elapsedTime),
    fatalError: s.fatalError === true,
    retryError: s.retryError === true,
  };
  if (typeof s.lastError === 'string') stats.lastError = s.lastError;
  return stats;
}
