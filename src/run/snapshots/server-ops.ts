// The two changes cryptsync makes in a snapshot root besides rsync's own writes: renaming the
// finished partial folder to its dated name, and removing snapshots (prune, a stale partial
// folder). Every name is checked first (a snapshot name or the partial name, one path part), so
// no command can reach outside the root. Removal goes through rsync (`--delete` of an empty folder
// with `--include=/NAME/*** --exclude=*`), which needs no shell on the server and works with an
// rrsync-restricted key; the rename needs a shell over ssh (`mv`) on a server, `fs.rename` locally.
import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteShellWord, remoteSpec, runRsync } from '../../rsync/index.js';
import { CancelledError, CryptsyncError } from '../../util/errors.js';
import { describeLocation, rsyncSideOf, rsyncSshArgs, type ServerLocation } from '../server-listing.js';
import { isSnapshotName, PARTIAL_NAME } from './naming.js';

export interface ServerOpOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** A name that may be removed or renamed inside a snapshot root; anything else is a bug or an attack. */
export function checkedFolderName(name: string): string {
  if (name !== PARTIAL_NAME && !isSnapshotName(name)) {
    throw new CryptsyncError('internal', 'BAD_SNAPSHOT_NAME', `refusing to touch "${name}": not a snapshot folder name`, { subject: name });
  }
  return name;
}

/** The shell word for a server path: `~/x` keeps its `~` (expanded by the login shell), the rest is quoted. */
function remotePathWord(p: string): string {
  if (p === '~') return '~';
  if (p.startsWith('~/')) return `~/${quoteShellWord(p.slice(2))}`;
  return quoteShellWord(p);
}

/** The ssh argv (without 'ssh') that runs one shell line on the server of `root`, with the task's ssh settings. */
function sshArgvFor(root: ServerLocation, line: string): string[] {
  const s = rsyncSideOf(root);
  if (!s.remote) throw new Error('sshArgvFor: a local folder');
  const a: string[] = [];
  if (s.sshKey !== undefined) a.push('-i', s.sshKey);
  if (s.sshPort !== undefined) a.push('-p', String(s.sshPort));
  for (const kv of s.sshOptions ?? []) a.push('-o', kv);
  const host = s.remote.host.includes(':') ? `[${s.remote.host}]` : s.remote.host;
  return [...a, s.remote.user ? `${s.remote.user}@${host}` : host, '--', line];
}

function runSsh(args: string[], o: ServerOpOptions): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('ssh', args, { env: o.env ?? process.env, ...(o.signal ? { signal: o.signal } : {}), maxBuffer: 1024 * 1024 }, (err, _out, stderr) => {
      if (err && err.name === 'AbortError') return reject(new CancelledError());
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new CryptsyncError('external', 'SSH_NOT_FOUND', 'ssh not found (apt-get install openssh-client)'));
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

/**
 * Renames `from` to `to` inside the snapshot root, refusing when `to` exists (never merges into
 * or replaces a snapshot).
 */
export async function renameInRoot(root: ServerLocation, from: string, to: string, o: ServerOpOptions): Promise<void> {
  checkedFolderName(from);
  checkedFolderName(to);
  const s = rsyncSideOf(root);
  if (!s.remote) {
    const target = join(s.path, to);
    if (await stat(target).then(() => true, () => false)) {
      throw new CryptsyncError('conflict', 'SNAPSHOT_EXISTS', `snapshot ${target} already exists; the new one stays in ${join(s.path, from)}`, { subject: target });
    }
    await rename(join(s.path, from), target);
    return;
  }
  if (s.remote.daemon) throw daemonRefusal(root);
  const line = `cd -- ${remotePathWord(s.path)} && test ! -e ${quoteShellWord(to)} && mv -- ${quoteShellWord(from)} ${quoteShellWord(to)}`;
  const r = await runSsh(sshArgvFor(root, line), o);
  if (r.code === 0) return;
  const why = r.stderr.trim().split('\n').pop() || (r.code === 1 ? `${to} already exists, or the rename was refused` : `exit code ${String(r.code)}`);
  throw new CryptsyncError('external', 'SNAPSHOT_RENAME_FAILED',
    `could not rename ${from} to ${to} in ${describeLocation(root)}: ${why} (the finished snapshot stays under ${from} and the next run reuses it; the key needs a shell: rrsync-limited keys cannot rename)`,
    { subject: root.spec });
}

export function daemonRefusal(root: ServerLocation): CryptsyncError {
  return new CryptsyncError('config', 'SNAPSHOT_DAEMON', `snapshot tasks need ssh or a local folder, not an rsync daemon (${root.spec}): a finished snapshot is renamed into place, which a daemon cannot do`, { subject: 'dest' });
}

/**
 * Removes whole folders (snapshots or the partial folder) directly inside the snapshot root with
 * one rsync: an empty source, `--delete`, and an include rule per name. Everything else is
 * excluded, and rsync never deletes an excluded file, so nothing outside these names can go.
 */
export async function removeFromRoot(root: ServerLocation, names: readonly string[], o: ServerOpOptions): Promise<void> {
  if (names.length === 0) return;
  for (const n of names) checkedFolderName(n);
  const s = rsyncSideOf(root);
  if (s.remote?.daemon) throw daemonRefusal(root);
  const empty = await mkdtemp(join(tmpdir(), 'cryptsync-prune-'));
  try {
    const args = removeArgs(root, names, empty);
    const res = await runRsync(args, { ...(o.signal ? { signal: o.signal } : {}), ...(o.env ? { env: o.env } : {}) });
    if (res.aborted) throw new CancelledError();
    if (res.exitCode !== 0) {
      throw new CryptsyncError('external', 'SNAPSHOT_REMOVE_FAILED', `could not remove ${names.join(', ')} from ${describeLocation(root)}: ${res.message}`, { subject: root.spec });
    }
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}

/** The rsync argv (without 'rsync') that removes `names` from the root, from the empty folder `empty`. */
export function removeArgs(root: ServerLocation, names: readonly string[], empty: string): string[] {
  const s = rsyncSideOf(root);
  const rules = names.map((n) => `--include=/${checkedFolderName(n)}/***`);
  const folder = s.path.endsWith('/') ? s.path : `${s.path}/`;
  const dest = s.remote ? remoteSpec({ ...s.remote, path: folder }) : folder;
  return ['--recursive', '--delete', ...rsyncSshArgs(root), ...rules, '--exclude=*', `${empty}/`, dest];
}
