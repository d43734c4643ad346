// The argv of `rclone sync`, built from plain options. Pure: no I/O, no defaults taken from the
// environment. It never puts a secret on argv: the remote's credentials live in rclone.conf (or
// in the environment the caller passes to the runner), and flags or connection strings that
// would carry one are refused, since argv is visible to every user of the machine (ps, /proc).
import { UsageError } from '../util/errors.js';
import { MANIFEST_NAME } from '../util/reserved-name.js';

/** the log flags every cryptsync rclone run uses: JSON lines on stderr, one stats line a second */
export const RCLONE_LOG_FLAGS: readonly string[] = ['--use-json-log', '-v', '--stats', '1s', '--stats-log-level', 'NOTICE'];

/** The filter and limit flags, spelled as both `rclone sync` and `cryptsync encrypt` spell them. */
export interface RcloneFilterOptions {
  excludes?: readonly string[] | undefined;
  includes?: readonly string[] | undefined;
  excludeFrom?: readonly string[] | undefined;
  maxDelete?: number | undefined;
  transfers?: number | undefined;
  copyLinks?: boolean | undefined;
  dryRun: boolean;
}

export interface RcloneSyncOptions extends RcloneFilterOptions {
  /** a local folder or REMOTE:path */
  source: string;
  /** a local folder or REMOTE:path */
  dest: string;
  configPath: string;
  createEmptyDirs?: boolean | undefined;
  /**
   * leave cryptsync's manifest (util/reserved-name.ts) alone: neither copied from the source nor
   * deleted from the destination. For a sync INTO a crypt remote, whose names are plain.
   */
  excludeReserved?: boolean | undefined;
  /** more rclone flags, each a whole argv word (e.g. '--bwlimit=1M'); secret-carrying flags are refused */
  extra?: readonly string[] | undefined;
}

/** flag names that carry a credential (--sftp-pass, --s3-secret-access-key, --webdav-bearer-token, ...) */
const SECRET_FLAG = /^--?[a-z0-9-]*(pass|password|secret|token|key|auth)([a-z0-9-]*)?(=|$)/i;
/** flags whose value says where credentials come from, not the credential itself */
const ALLOWED_FLAG = /^--(ask-password|password-command|[a-z0-9]+-key-file|[a-z0-9]+-key-use-agent|[a-z0-9]+-pubkey-file|[a-z0-9]+-known-hosts-file|[a-z0-9]+-ask-password)(=|$)/i;
/** an on-the-fly remote ":type,key=value:path" or "name,key=value:path" with a credential in it */
const SECRET_IN_SPEC = /^:?[^/:]*,[^:]*\b(pass|password|secret|token|key|user_key|account_key)\s*=/i;

export function rcloneFilterFlags(o: RcloneFilterOptions): string[] {
  const args: string[] = [];
  for (const p of o.excludes ?? []) args.push('--exclude', p);
  for (const p of o.includes ?? []) args.push('--include', p);
  for (const f of o.excludeFrom ?? []) args.push('--exclude-from', f);
  if (o.maxDelete !== undefined) args.push('--max-delete', String(o.maxDelete));
  if (o.transfers !== undefined) args.push('--transfers', String(o.transfers));
  if (o.copyLinks) args.push('--copy-links');
  if (o.dryRun) args.push('--dry-run');
  return args;
}

/**
 * `sync SRC DEST --config F [--create-empty-src-dirs] [--exclude /MANIFEST] [filters] [extra] [--dry-run] LOG_FLAGS`.
 * The order is fixed: `task command` shows it and tests compare it byte for byte.
 */
export function rcloneSyncArgs(o: RcloneSyncOptions): string[] {
  for (const [what, spec] of [['source', o.source], ['destination', o.dest]] as const) {
    if (spec === '' || spec.startsWith('-')) throw new UsageError(`rclone ${what} "${spec}" is empty or looks like a flag`, spec);
    if (SECRET_IN_SPEC.test(spec)) throw new UsageError(`the rclone ${what} carries a credential; put it in rclone.conf instead`, what);
  }
  for (const flag of o.extra ?? []) assertNoSecretFlag(flag);
  const { dryRun, ...filters } = o;
  return [
    'sync', o.source, o.dest, '--config', o.configPath,
    ...(o.createEmptyDirs ? ['--create-empty-src-dirs'] : []),
    ...(o.excludeReserved ? ['--exclude', `/${MANIFEST_NAME}`] : []),
    ...rcloneFilterFlags({ ...filters, dryRun: false }),
    ...(o.extra ?? []),
    ...(dryRun ? ['--dry-run'] : []),
    ...RCLONE_LOG_FLAGS,
  ];
}

/** Throws for a flag that would put a password, key or token on argv. */
export function assertNoSecretFlag(flag: string): void {
  if (SECRET_FLAG.test(flag) && !ALLOWED_FLAG.test(flag)) {
    // the message names the flag, never its value
    throw new UsageError(`rclone flag ${flag.split('=')[0]} would put a secret on the command line; put it in rclone.conf instead`, flag.split('=')[0]);
  }
}
