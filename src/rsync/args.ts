// Builds rsync's argv from RsyncOptions, in RsyncOSX's order, so a task shows and runs the same
// command RsyncOSX users know. Pure: no file system, no spawning, no shell. The result is an argv
// array for spawn (never joined into a shell line except for display via formatShellCommand).
import { UsageError } from '../util/errors.js';
import type { RsyncOptions, RsyncRemote } from './options.js';
import { quoteRshWord } from './shell-quote.js';

const MAX_TCP_PORT = 65535;

/**
 * argv WITHOUT 'rsync':
 * --archive --verbose [--compress] [--delete] [-e "ssh -i KEY -p PORT -o K=V" | --port=N] [--protect-args]
 * [user flags] [--exclude=P]... [--max-delete=N] [--link-dest=DIR] [--partial-dir=DIR] [--dry-run] [--itemize-changes]
 * [--stats] [--info=progress2 | --progress] SOURCE DEST
 *
 * A source folder always gets a trailing '/' (copy its contents, not the folder itself). A remote
 * side is `[user@]host:path`, or `[user@]host::module/path` for a daemon. Throws UsageError for
 * options that contradict each other (ssh settings with a daemon, a bad port, empty paths).
 */
export function buildRsyncArgs(o: RsyncOptions): string[] {
  const remote = o.remote;
  checkOptions(o);
  const args: string[] = [];
  if (o.archive ?? true) args.push('--archive');
  if (o.verbose ?? true) args.push('--verbose');
  if (o.compress ?? false) args.push('--compress');
  if (o.delete ?? true) args.push('--delete');
  if (remote !== undefined && !remote.daemon) args.push('-e', buildSshCommand(o));
  if (remote?.daemon && remote.port !== undefined) args.push(`--port=${remote.port}`);
  if (o.protectArgs) args.push('--protect-args');
  for (const f of o.extraFlags ?? []) args.push(f);
  for (const p of o.excludes ?? []) args.push(`--exclude=${p}`);
  if (o.maxDelete !== undefined) args.push(`--max-delete=${o.maxDelete}`);
  if (o.linkDest !== undefined) args.push(`--link-dest=${o.linkDest}`);
  if (o.partialDir !== undefined && !o.dryRun) args.push(`--partial-dir=${o.partialDir}`);
  if (o.dryRun) args.push('--dry-run');
  if (o.itemize ?? true) args.push('--itemize-changes');
  if (o.stats ?? true) args.push('--stats');
  const progress = o.progress ?? !o.dryRun;
  if (progress === 'per-file') args.push('--progress');
  else if (progress) args.push('--info=progress2');

  if (o.mode === 'push') {
    args.push(withTrailingSlash(o.source), remote ? remoteSpec(remote) : o.dest);
  } else {
    if (!remote) args.push(withTrailingSlash(o.source), o.dest);
    else args.push(remoteSpec({ ...remote, path: withTrailingSlash(remote.path) }), o.dest);
  }
  return args;
}

/** The `-e` value: `ssh [-i KEY] [-p PORT] [-o K=V]...`, quoted the way rsync splits it. */
export function buildSshCommand(o: Pick<RsyncOptions, 'sshKey' | 'sshPort' | 'sshOptions'>): string {
  const words = ['ssh'];
  if (o.sshKey !== undefined) words.push('-i', o.sshKey);
  if (o.sshPort !== undefined) words.push('-p', String(o.sshPort));
  for (const kv of o.sshOptions ?? []) words.push('-o', kv);
  return words.map(quoteRshWord).join(' ');
}

/** `[user@]host:path` or `[user@]host::module/path`; IPv6 literals go in brackets. */
export function remoteSpec(r: RsyncRemote): string {
  const host = r.host.includes(':') ? `[${r.host}]` : r.host;
  const who = r.user ? `${r.user}@${host}` : host;
  return `${who}${r.daemon ? '::' : ':'}${r.path}`;
}

function isTcpPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_TCP_PORT;
}

function withTrailingSlash(p: string): string {
  return p.endsWith('/') ? p : `${p}/`;
}

function checkOptions(o: RsyncOptions): void {
  const r = o.remote;
  const localSide = o.mode === 'push' ? 'source' : 'dest';
  const local = o.mode === 'push' ? o.source : o.dest;
  if (!local) throw new UsageError(`rsync ${localSide} is empty`, localSide);
  if (!r) {
    const other = o.mode === 'push' ? o.dest : o.source;
    if (!other) throw new UsageError(`rsync ${o.mode === 'push' ? 'dest' : 'source'} is empty`);
  } else {
    if (!r.host || /[\s@/]/.test(r.host) || r.host.startsWith('-')) {
      throw new UsageError(`rsync remote host is not valid: '${r.host}'`, 'host');
    }
    if (r.user !== undefined && (/[\s@:]/.test(r.user) || r.user.startsWith('-'))) {
      throw new UsageError(`rsync remote user is not valid: '${r.user}'`, 'user');
    }
    if (!r.path) throw new UsageError(`rsync remote path on ${r.host} is empty`, 'path');
    if (r.daemon && (o.sshKey !== undefined || o.sshPort !== undefined || (o.sshOptions ?? []).length > 0)) {
      throw new UsageError(`ssh key, port and options do not apply to the rsync daemon on ${r.host}`, 'daemon');
    }
  }
  if (o.sshPort !== undefined && !isTcpPort(o.sshPort)) {
    throw new UsageError(`ssh port must be 1..${MAX_TCP_PORT}, got ${o.sshPort}`, 'sshPort');
  }
  if (r?.port !== undefined && (!r.daemon || !isTcpPort(r.port))) {
    throw new UsageError(`rsync daemon port on ${r.host} must be 1..${MAX_TCP_PORT} and needs a daemon remote, got ${r.port}`, 'port');
  }
  for (const kv of o.sshOptions ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9]*=/.test(kv) || /[\n\r\0]/.test(kv)) {
      throw new UsageError(`ssh option must look like KEY=VALUE: '${kv}'`, 'sshOptions');
    }
  }
  if (o.maxDelete !== undefined && !(Number.isInteger(o.maxDelete) && o.maxDelete >= 0)) {
    throw new UsageError(`max-delete must be a whole number >= 0, got ${o.maxDelete}`, 'maxDelete');
  }
  if (o.partialDir !== undefined && (o.partialDir === '' || o.partialDir.startsWith('/') || o.partialDir.split('/').includes('..') || /[\n\r\0]/.test(o.partialDir))) {
    throw new UsageError(`partial-dir must be a relative folder name inside the destination, got '${o.partialDir}'`, 'partialDir');
  }
  for (const p of o.excludes ?? []) {
    if (p === '' || /[\n\r\0]/.test(p)) throw new UsageError(`exclude pattern is empty or has a line break`, 'excludes');
  }
}
