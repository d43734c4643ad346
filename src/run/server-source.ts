// What a user names when they mean "the copy on the server": a synchronize or snapshot task
// (its destination and ssh settings; the keys of the encrypt task it is connected to, or of
// --remote) or an explicit `[user@]host:path` / local folder of a server copy with the crypt
// remote whose keys read it. Resolves to one ServerLocation, a Cipher and a label for messages
// and the run log. Opens config files only; the server is contacted by the caller.
import { isAbsolute } from 'node:path';
import { openCryptRemote } from '../rclone/index.js';
import { standardPathToDisk, type Cipher } from '../crypt/index.js';
import { parseRemoteSide, type EncryptTask, type SnapshotTask, type SynchronizeTask, type TaskStore } from '../tasks/index.js';
import { CryptsyncError, UsageError } from '../util/errors.js';
import { childLocation, locationOf, type ServerLocation } from './server-listing.js';

export interface ServerSourceInput {
  /** a synchronize or snapshot task whose destination holds the copy */
  fromTask?: string;
  /** a snapshot task's snapshot: 'latest', a folder name or a date prefix */
  snapshot?: string;
  /** or an explicit `[user@]host:path` (or a local folder holding a server copy) */
  location?: string;
  sshPort?: number;
  sshKey?: string;
  sshOptions?: string[];
  /** the crypt remote `REMOTE:[path]` whose keys read the copy (needed with `location`) */
  remote?: string;
  /** keys already in hand (recover: typed in, nothing saved); wins over `remote` */
  cipher?: Cipher;
}

export interface ServerSource {
  location: ServerLocation;
  cipher: Cipher;
  /** for messages and the run log's task column: the task's name, else the location */
  label: string;
  pushTask?: SynchronizeTask | SnapshotTask;
  /** the encrypt task the push task is connected to: its plain folder and local catalog */
  encryptTask?: EncryptTask;
  /** the snapshot folder name, when one was picked */
  snapshot?: string;
}

export interface SourceContext {
  tasks: TaskStore;
  rcloneConfig: string;
  env: NodeJS.ProcessEnv;
}

function pushTaskOf(tasks: TaskStore, name: string): SynchronizeTask | SnapshotTask {
  const t = tasks.get(name);
  if (t.type !== 'synchronize' && t.type !== 'snapshot') {
    throw new CryptsyncError('usage', 'NOT_SERVER_TASK', `--from-task: task "${name}" is a ${t.type} task; name a synchronize or snapshot task (its destination holds the server copy)`, { subject: 'from-task' });
  }
  if (parseRemoteSide(t.dest)?.daemon) {
    throw new CryptsyncError('usage', 'DAEMON_NOT_SUPPORTED', `--from-task: task "${name}" pushes to an rsync daemon; restoring from a daemon is not supported (use its ssh path)`, { subject: 'from-task' });
  }
  return t;
}

async function cipherOf(ctx: SourceContext, spec: string, loc: ServerLocation): Promise<{ cipher: Cipher; location: ServerLocation }> {
  const r = await openCryptRemote(spec, ctx.rcloneConfig, ctx.env);
  // `REMOTE:sub`: the copy of that sub folder lies under its encrypted name
  const location = r.plainPath === '' ? loc : childLocation(loc, standardPathToDisk(r.cipher.encryptDirName(r.plainPath)));
  return { cipher: r.cipher, location };
}

/** Resolves the source; a snapshot task's snapshot ('latest' unless named) is picked by `pickSnapshotLocation`. */
export async function resolveServerSource(
  ctx: SourceContext,
  i: ServerSourceInput,
  pickSnapshotLocation: (task: SnapshotTask, which: string) => Promise<{ name: string; location: ServerLocation }>,
): Promise<ServerSource> {
  if ((i.fromTask === undefined) === (i.location === undefined)) {
    throw new UsageError('name the server copy: --from-task TASK or a [user@]host:path (not both)', 'from-task');
  }
  if (i.location !== undefined) {
    if (i.snapshot !== undefined) throw new UsageError('--snapshot goes with --from-task (a snapshot task); for an explicit location name the snapshot folder in the path', 'snapshot');
    if (parseRemoteSide(i.location) === null && !isAbsolute(i.location)) {
      throw new UsageError(`the server copy must be [user@]host:path or an absolute folder, got "${i.location}"`, 'source');
    }
    if (parseRemoteSide(i.location)?.daemon) throw new UsageError('restoring from an rsync daemon is not supported; give the ssh path [user@]host:path', 'source');
    const loc: ServerLocation = {
      spec: i.location,
      ...(i.sshPort !== undefined ? { sshPort: i.sshPort } : {}),
      ...(i.sshKey !== undefined ? { sshKey: i.sshKey } : {}),
      ...(i.sshOptions?.length ? { sshOptions: i.sshOptions } : {}),
    };
    if (i.cipher) return { location: loc, cipher: i.cipher, label: i.location };
    if (i.remote === undefined) throw new UsageError('--remote REMOTE: is needed to read an explicit server location (its keys decrypt the copy)', 'remote');
    const c = await cipherOf(ctx, i.remote, loc);
    return { location: c.location, cipher: c.cipher, label: i.location };
  }
  const task = pushTaskOf(ctx.tasks, i.fromTask as string);
  let location = locationOf(task);
  let snapshot: string | undefined;
  if (task.type === 'snapshot') {
    const picked = await pickSnapshotLocation(task, i.snapshot ?? 'latest');
    location = picked.location;
    snapshot = picked.name;
  } else if (i.snapshot !== undefined) {
    throw new UsageError(`--snapshot: task "${task.name}" is a synchronize task (a mirror, no snapshots)`, 'snapshot');
  }
  const encryptTask = task.connectedTo !== undefined ? ctx.tasks.get(task.connectedTo) : undefined;
  const enc = encryptTask?.type === 'encrypt' ? encryptTask : undefined;
  const base = { label: task.name, pushTask: task, ...(enc ? { encryptTask: enc } : {}), ...(snapshot !== undefined ? { snapshot } : {}) };
  if (i.cipher) return { ...base, location, cipher: i.cipher };
  if (i.remote !== undefined) return { ...base, ...(await cipherOf(ctx, i.remote, location)) };
  if (!enc) {
    throw new CryptsyncError('usage', 'REMOTE_REQUIRED', `--from-task: task "${task.name}" is not connected to an encrypt task; give --remote REMOTE: for the keys`, { subject: 'remote' });
  }
  // the push task's source is the encrypt task's catalog folder itself: the dest mirrors it
  const r = await openCryptRemote(enc.remote, enc.config ?? ctx.rcloneConfig, ctx.env);
  return { ...base, location, cipher: r.cipher };
}
