// Error classes with a stable `code`. Errors become user output in exactly one place per front
// end (cli/main.ts maps them to exit codes, server/ maps them to HTTP status). Messages never
// contain secrets.

/** Exit codes shared by every command (documented in the README). */
export { EXIT } from './vocabulary.js';

export type ErrorKind =
  | 'usage' // bad arguments or input: fix the command line / field
  | 'config' // bad config file / task / remote
  | 'not-found'
  | 'crypto' // damaged or foreign data, wrong password
  | 'io'
  | 'conflict' // locked, already running, refuses to overwrite
  | 'guard' // a safety guard refused (empty source, max-delete)
  | 'external' // rsync / ssh / rclone failed
  | 'cancelled'
  | 'internal';

export class CryptsyncError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** the field, path or remote the error is about, when there is one */
  readonly subject?: string;
  constructor(kind: ErrorKind, code: string, message: string, opts: { subject?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CryptsyncError';
    this.kind = kind;
    this.code = code;
    if (opts.subject !== undefined) this.subject = opts.subject;
  }
}

export class UsageError extends CryptsyncError {
  constructor(message: string, subject?: string) {
    super('usage', 'USAGE', message, subject === undefined ? {} : { subject });
    this.name = 'UsageError';
  }
}

export class ConfigError extends CryptsyncError {
  constructor(code: string, message: string, subject?: string) {
    super('config', code, message, subject === undefined ? {} : { subject });
    this.name = 'ConfigError';
  }
}

export class CancelledError extends CryptsyncError {
  constructor(message = 'cancelled') {
    super('cancelled', 'CANCELLED', message);
    this.name = 'CancelledError';
  }
}

export function isCryptsyncError(e: unknown): e is CryptsyncError {
  return e instanceof CryptsyncError;
}

/** A one-line description of any thrown value, for reports and logs. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
