// Where a push task's copy lives on the server, and what is there: one `rsync --list-only` (over
// ssh with the task's settings and the same unattended ssh rule as a run), so it needs no shell on
// the server. Every later call against the same place (fetching files, removing a snapshot) takes
// its ssh words from rsyncSshArgs, so one rule decides how cryptsync reaches a server.
import { buildSshCommand, listOnlyArgs, parseListOnlyLine, runRsync, type ListedEntry, type RsyncOptions, type RsyncRemote } from '../rsync/index.js';
import { parseRemoteSide, type SnapshotTask, type SynchronizeTask } from '../tasks/index.js';
import { bytesToName } from '../crypt/index.js';
import { CancelledError, CryptsyncError, UsageError } from '../util/errors.js';
import { unattended } from './rsync-step.js';

export type { ListedEntry };

export interface ServerLocation {
  /** a local path or `[user@]host:path`, written as a task's dest */
  spec: string;
  sshPort?: number;
  sshKey?: string;
  sshOptions?: string[];
}

/** The copy of a push task: its dest with its ssh settings. */
export function locationOf(task: SynchronizeTask | SnapshotTask): ServerLocation {
  return {
    spec: task.dest,
    ...(task.sshPort !== undefined ? { sshPort: task.sshPort } : {}),
    ...(task.sshKey !== undefined ? { sshKey: task.sshKey } : {}),
    ...(task.sshOptions !== undefined && task.sshOptions.length > 0 ? { sshOptions: [...task.sshOptions] } : {}),
  };
}

/** `rel` inside `loc`; refuses anything that could leave it ('..', absolute, empty parts). */
export function childLocation(loc: ServerLocation, rel: string): ServerLocation {
  const parts = rel.split('/');
  if (rel === '' || parts.some((p) => p === '' || p === '.' || p === '..') || /[\n\r\0]/.test(rel)) {
    throw new UsageError(`not a path inside ${loc.spec}: '${rel}'`, 'path');
  }
  return { ...loc, spec: `${loc.spec.replace(/\/+$/, '')}/${rel}` };
}

/** How rsync reaches the location: the remote side (absent: a local folder) and the ssh settings. */
export function rsyncSideOf(loc: ServerLocation): Pick<RsyncOptions, 'remote' | 'sshKey' | 'sshPort' | 'sshOptions'> & { path: string } {
  const side = parseRemoteSide(loc.spec);
  if (!side) return { path: loc.spec };
  const remote: RsyncRemote = {
    host: side.host,
    ...(side.user !== undefined ? { user: side.user } : {}),
    path: side.path,
    daemon: side.daemon,
    ...(side.port !== undefined ? { port: side.port } : {}),
  };
  if (side.daemon) return { path: side.path, remote };
  const o = unattended({
    mode: 'push',
    source: '.',
    dest: side.path,
    remote,
    ...(loc.sshPort !== undefined ? { sshPort: loc.sshPort } : {}),
    ...(loc.sshKey !== undefined ? { sshKey: loc.sshKey } : {}),
    ...(loc.sshOptions !== undefined ? { sshOptions: loc.sshOptions } : {}),
  });
  return {
    path: side.path,
    remote,
    ...(o.sshPort !== undefined ? { sshPort: o.sshPort } : {}),
    ...(o.sshKey !== undefined ? { sshKey: o.sshKey } : {}),
    ...(o.sshOptions !== undefined ? { sshOptions: o.sshOptions } : {}),
  };
}

/** The `-e "ssh …"` words for any rsync call against `loc` (none for a local folder or a daemon). */
export function rsyncSshArgs(loc: ServerLocation): string[] {
  const s = rsyncSideOf(loc);
  return s.remote && !s.remote.daemon ? ['-e', buildSshCommand(s)] : [];
}

/** `user@host (port N)` for messages */
export function describeLocation(loc: ServerLocation): string {
  const side = parseRemoteSide(loc.spec);
  if (!side) return loc.spec;
  const who = side.user ? `${side.user}@${side.host}` : side.host;
  const port = side.daemon ? (side.port ?? 873) : (loc.sshPort ?? 22);
  return `${who}:${side.path} (port ${port})`;
}

const MISSING = /No such file or directory \(2\)/;

/**
 * The entries under `loc` (the folder itself not included), with one `rsync --list-only`.
 * A folder that does not exist throws NOT_FOUND; any other failure throws with the server named.
 */
export async function listServer(loc: ServerLocation, o: { recursive: boolean; signal?: AbortSignal; env?: NodeJS.ProcessEnv }): Promise<ListedEntry[]> {
  const args = listOnlyArgs({ ...rsyncSideOf(loc), recursive: o.recursive });
  const entries: ListedEntry[] = [];
  const res = await runRsync(args, {
    ...(o.signal ? { signal: o.signal } : {}),
    // UTC times; the C locale escapes every non-ASCII byte, so names come back byte for byte
    env: { ...(o.env ?? process.env), TZ: 'UTC', LC_ALL: 'C', LC_CTYPE: 'C', LANG: 'C' },
    onLine: (line, stream) => {
      if (stream !== 'stdout') return;
      const e = parseListOnlyLine(line, bytesToName);
      if (e) entries.push(e);
    },
  });
  if (res.aborted) throw new CancelledError();
  if (res.exitCode === 0) return entries;
  const where = describeLocation(loc);
  if (res.exitCode === 23 && res.errors.some((l) => MISSING.test(l))) {
    throw new CryptsyncError('not-found', 'NOT_FOUND', `no folder ${where}`, { subject: loc.spec });
  }
  throw new CryptsyncError('external', 'SERVER_LIST_FAILED', `cannot list ${where}: ${res.message}`, { subject: loc.spec });
}
