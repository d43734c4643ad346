// Maps a saved rsync task to the RsyncOptions of one invocation (src/rsync builds the argv).
// Pure: no file system, no spawning. The run layer picks dryRun and, for snapshots, the
// numbered destination and --link-dest; everything else comes from the task.
import type { RsyncOptions, RsyncRemote } from '../rsync/index.js';
import { CryptsyncError } from '../util/errors.js';
import { parseRemoteSide } from './remote-side.js';
import type { SnapshotTask, SynchronizeTask, SyncremoteTask } from './task-schema.js';

/** where rsync keeps an interrupted file until the next run resumes it (inside the destination) */
export const RSYNC_PARTIAL_DIR = '.rsync-partial';

export interface RsyncInvocation {
  dryRun: boolean;
  /** snapshot tasks: the previous snapshot, absolute or relative to the new one */
  linkDest?: string;
  /** snapshot tasks: `<dest>/<n>`, written like dest (a local path or `[user@]host:path`) */
  destOverride?: string;
}

export function rsyncOptionsFor(task: SynchronizeTask | SnapshotTask | SyncremoteTask, o: RsyncInvocation): RsyncOptions {
  const pull = task.type === 'syncremote';
  const destSpec = o.destOverride ?? task.dest;
  const side = parseRemoteSide(pull ? task.source : destSpec);
  if (pull && !side) {
    throw new CryptsyncError('config', 'BAD_TASK', `task "${task.name}": source must be on a server for a syncremote task`, { subject: `${task.name}.source` });
  }
  const remote: RsyncRemote | undefined = side
    ? {
        host: side.host,
        ...(side.user !== undefined ? { user: side.user } : {}),
        path: side.path,
        daemon: side.daemon,
        ...(side.port !== undefined ? { port: side.port } : {}),
      }
    : undefined;
  const opts: RsyncOptions = {
    mode: pull ? 'pull' : 'push',
    source: pull ? (remote?.path ?? task.source) : task.source,
    dest: pull ? destSpec : (remote?.path ?? destSpec),
    dryRun: o.dryRun,
  };
  if (remote) opts.remote = remote;
  if (remote && !remote.daemon) {
    if (task.sshPort !== undefined) opts.sshPort = task.sshPort;
    if (task.sshKey !== undefined) opts.sshKey = task.sshKey;
    if (task.sshOptions !== undefined && task.sshOptions.length > 0) opts.sshOptions = [...task.sshOptions];
  }
  if (task.compress !== undefined) opts.compress = task.compress;
  if (task.delete !== undefined) opts.delete = task.delete;
  if (task.protectArgs !== undefined) opts.protectArgs = task.protectArgs;
  if (task.extraFlags !== undefined && task.extraFlags.length > 0) opts.extraFlags = [...task.extraFlags];
  if (task.excludes !== undefined && task.excludes.length > 0) opts.excludes = [...task.excludes];
  if (task.maxDelete !== undefined) opts.maxDelete = task.maxDelete;
  if (o.linkDest !== undefined) opts.linkDest = o.linkDest;
  opts.partialDir = RSYNC_PARTIAL_DIR;
  return opts;
}
