// "My laptop is gone": the pieces of the guided recovery, for a cryptsync home that may be empty.
// The crypt settings come typed in or from an rclone.conf (cryptsync's, the user's, or an
// emergency kit, whose sftp remote also tells the server); the server copy is listed for its
// snapshots (none: a mirror); the restore itself is the engine's server restore with a cryptcheck
// of the restored files against the fetched ciphertext; at the end the remote and a task can be
// saved so backups continue. Keys stay in memory until the user asks to save them.
import { mkdir, readFile } from 'node:fs/promises';
import { Cipher, type FilenameEncoding, type FilenameEncryption } from '../crypt/index.js';
import { cipherForRemote, getCryptRemote, parseRcloneConfig, type RcloneConfig } from '../rclone/index.js';
import { CryptsyncError } from '../util/errors.js';
import type { ServerLocation } from './server-listing.js';
import { entryOf, listSnapshotNames, type SnapshotEntry } from './snapshots/index.js';
import { KIT_CONF_BEGIN, KIT_CONF_END } from './kit-format.js';

export interface CryptSettings {
  filenameEncryption: FilenameEncryption;
  filenameEncoding: FilenameEncoding;
  directoryNameEncryption: boolean;
  noDataEncryption: boolean;
  suffix: string;
  password: string;
  password2?: string;
}

export interface RecoverKeys {
  settings: CryptSettings;
  cipher: Cipher;
  /** the server copy the config's remote wraps (an emergency kit's sftp remote), when it names one */
  server?: ServerLocation;
}

export function cipherOf(s: CryptSettings): Promise<Cipher> {
  return Cipher.create({
    password: s.password,
    ...(s.password2 !== undefined ? { password2: s.password2 } : {}),
    filenameEncryption: s.filenameEncryption,
    filenameEncoding: s.filenameEncoding,
    directoryNameEncryption: s.directoryNameEncryption,
    noDataEncryption: s.noDataEncryption,
    suffix: s.suffix,
  });
}

/** An rclone.conf, or the rclone.conf block of an emergency kit (text or HTML page). */
async function readConfig(path: string): Promise<RcloneConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CryptsyncError('not-found', 'CONFIG_NOT_FOUND', `--rclone-config: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { subject: 'rclone-config' });
  }
  const a = text.indexOf(KIT_CONF_BEGIN);
  const b = text.indexOf(KIT_CONF_END);
  if (a >= 0 && b > a) {
    text = text.slice(a + KIT_CONF_BEGIN.length, b).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return parseRcloneConfig(text, path);
}

/** The ssh side of an sftp remote: `user@host:path`, its port, key and pinned known_hosts. */
function sftpLocation(cfg: RcloneConfig, wrapped: string): ServerLocation | undefined {
  // the path exactly as written (an sftp path may be absolute: parseRemoteSpec would trim its '/')
  const colon = wrapped.indexOf(':');
  if (colon < 1) return undefined;
  const path = wrapped.slice(colon + 1);
  const s = cfg.sections.get(wrapped.slice(0, colon))?.options;
  if (!s) return undefined;
  // an emergency kit points a snapshot task's crypt remote at `<root>/SNAPSHOT`: the root is the copy
  const folder = path.replace(/\/SNAPSHOT$/, '');
  if (s.get('type') === 'alias') return { spec: (s.get('remote') ?? '') + (folder ? `/${folder.replace(/^\/+/, '')}` : '') };
  if (s.get('type') !== 'sftp' || !s.get('host')) return undefined;
  const user = s.get('user');
  const port = Number(s.get('port') ?? '22');
  const known = s.get('known_hosts_file');
  return {
    spec: `${user ? `${user}@` : ''}${s.get('host') as string}:${folder}`,
    ...(Number.isInteger(port) && port !== 22 ? { sshPort: port } : {}),
    ...(s.get('key_file') ? { sshKey: s.get('key_file') as string } : {}),
    ...(known && !known.startsWith('~') ? { sshOptions: [`UserKnownHostsFile=${known}`] } : {}),
  };
}

export async function keysFromConfig(path: string, remote: string, env: NodeJS.ProcessEnv): Promise<RecoverKeys> {
  const cfg = await readConfig(path);
  const r = getCryptRemote(cfg, remote, env);
  const settings: CryptSettings = {
    filenameEncryption: r.filenameEncryption,
    filenameEncoding: r.filenameEncoding,
    directoryNameEncryption: r.directoryNameEncryption,
    noDataEncryption: r.noDataEncryption,
    suffix: r.suffix,
    password: r.password.reveal(),
    ...(r.password2 ? { password2: r.password2.reveal() } : {}),
  };
  const server = sftpLocation(cfg, r.remote);
  return { settings, cipher: await cipherForRemote(r), ...(server ? { server } : {}) };
}

/** The crypt remotes in a config (or kit), for the question "which one?". */
export async function cryptRemotesIn(path: string): Promise<string[]> {
  const cfg = await readConfig(path);
  return [...cfg.sections.entries()].filter(([, s]) => s.options.get('type') === 'crypt').map(([n]) => n);
}

/** The snapshots in the server folder (oldest first); none means the folder is a mirror. */
export function snapshotsAt(root: ServerLocation, o: { env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<SnapshotEntry[]> {
  return listSnapshotNames(root, o).then((names) => names.map((n) => entryOf(root, n)));
}

export interface SaveRecovered {
  /** the crypt remote's name; the encrypt task is `<name>-enc`, the push task `<name>` */
  name: string;
  /** a new folder for the local encrypted catalog */
  catalog: string;
  /** the restored plain folder, which the encrypt task will back up from now on */
  plain: string;
  settings: CryptSettings;
  server: ServerLocation;
  /** the server folder holds snapshots: the push task is a snapshot task */
  snapshots: boolean;
}

interface SaveTarget {
  addRemote(i: { name: string; path: string; filenameEncryption: string; filenameEncoding: string; directoryNameEncryption: boolean; password: string; password2?: string; allowWeakPassword: boolean }): Promise<unknown>;
  addTask(input: unknown): Promise<unknown>;
  connect(push: string, encrypt: string): Promise<void>;
}

/**
 * Saves the remote (its catalog in a new folder) and a connected encrypt + push task, so the next
 * run backs the restored folder up to the same server copy. The password is the backup's own, so
 * the strength estimate does not refuse it. The first run encrypts everything again (new nonces).
 */
export async function saveRecovered(e: SaveTarget, o: SaveRecovered): Promise<{ remote: string; encryptTask: string; pushTask: string }> {
  await mkdir(o.catalog, { recursive: true, mode: 0o700 });
  await e.addRemote({
    name: o.name,
    path: o.catalog,
    filenameEncryption: o.settings.filenameEncryption,
    filenameEncoding: o.settings.filenameEncoding,
    directoryNameEncryption: o.settings.directoryNameEncryption,
    password: o.settings.password,
    ...(o.settings.password2 !== undefined ? { password2: o.settings.password2 } : {}),
    allowWeakPassword: true,
  });
  const encryptTask = `${o.name}-enc`;
  await e.addTask({ name: encryptTask, type: 'encrypt', source: o.plain, remote: `${o.name}:` });
  await e.addTask({
    name: o.name,
    type: o.snapshots ? 'snapshot' : 'synchronize',
    source: o.catalog,
    dest: o.server.spec,
    ...(o.server.sshPort !== undefined ? { sshPort: o.server.sshPort } : {}),
    ...(o.server.sshKey !== undefined ? { sshKey: o.server.sshKey } : {}),
    ...(o.server.sshOptions?.length ? { sshOptions: o.server.sshOptions } : {}),
  });
  await e.connect(o.name, encryptTask);
  return { remote: o.name, encryptTask, pushTask: o.name };
}
