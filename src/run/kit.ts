// The emergency kit of a crypt remote: everything needed to get the files back WITHOUT cryptsync —
// the encryption settings and passwords, the server copies of the tasks that push this remote's
// catalog, an rclone.conf with an sftp remote per server and a crypt remote on top, and the exact
// stock rclone commands to list and restore (a snapshot task: one snapshot chosen by name).
// Builds data only; kit-format.ts writes it as text or HTML. Holds the plain passwords, so the
// caller shows it only after the user confirmed (or --yes) and writes it 0600.
import { isAbsolute } from 'node:path';
import { encodeConfigValue, getCryptRemote, loadRcloneConfig, parseRemoteSpec } from '../rclone/index.js';
import { obscure } from '../crypt/index.js';
import { parseRemoteSide, type SnapshotTask, type SynchronizeTask, type Task } from '../tasks/index.js';

/** What the kit's rclone.conf is saved as; every command names it with --config. */
export const KIT_CONFIG_FILE = 'kit-rclone.conf';

export interface KitCopy {
  task: string;
  type: 'synchronize' | 'snapshot';
  /** the task's destination as written in the task */
  dest: string;
  /** `user@host:path (port N)` or a local folder */
  where: string;
  /** reached over ssh (an sftp remote), not a local folder */
  ssh: boolean;
  /** rclone remote names in the kit's config */
  serverRemote: string;
  cryptRemote: string;
  /** the folder on the server (a snapshot task: its snapshot root) */
  path: string;
  /** stock rclone commands, in order; `SNAPSHOT` stands for a snapshot folder name */
  commands: Array<{ what: string; command: string }>;
}

export interface Kit {
  remote: string;
  madeAt: string;
  settings: { filenameEncryption: string; filenameEncoding: string; directoryNameEncryption: boolean; noDataEncryption: boolean; suffix: string };
  password: string;
  password2?: string;
  copies: KitCopy[];
  /** the whole rclone.conf to save as KIT_CONFIG_FILE */
  rcloneConf: string;
}

/** rclone remote names here only use letters, digits and '_', so RCLONE_CONFIG_<NAME>_<KEY> can name them. */
function remoteName(task: string, suffix: string): string {
  return `${task.replace(/[^A-Za-z0-9_]/g, '_')}_${suffix}`;
}

function envKey(remote: string, key: string): string {
  return `RCLONE_CONFIG_${remote.toUpperCase()}_${key.toUpperCase()}`;
}

/** a word for sh: bare when it is safe, else single-quoted */
function shWord(s: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function knownHostsOf(task: SynchronizeTask | SnapshotTask): string {
  const opt = (task.sshOptions ?? []).find((o) => /^userknownhostsfile=/i.test(o));
  return opt ? opt.slice(opt.indexOf('=') + 1) : '~/.ssh/known_hosts';
}

function section(name: string, options: Array<[string, string]>): string {
  return [`[${name}]`, ...options.map(([k, v]) => `${k} = ${encodeConfigValue(name, k, v)}`)].join('\n');
}

/** The push tasks whose source is this remote's catalog (connected to its encrypt task). */
function copiesOf(remote: string, tasks: Task[]): Array<SynchronizeTask | SnapshotTask> {
  const encrypts = new Set(tasks.filter((t) => t.type === 'encrypt' && parseRemoteSpec(t.remote).remote === remote).map((t) => t.name));
  return tasks.filter((t): t is SynchronizeTask | SnapshotTask => (t.type === 'synchronize' || t.type === 'snapshot') && t.connectedTo !== undefined && encrypts.has(t.connectedTo));
}

export async function buildKit(o: { remote: string; configPath: string; env: NodeJS.ProcessEnv; tasks: Task[]; now?: Date }): Promise<Kit> {
  const cfg = await loadRcloneConfig(o.configPath);
  const r = getCryptRemote(cfg, o.remote, o.env);
  const password = r.password.reveal();
  const password2 = r.password2?.reveal();
  const cryptOptions: Array<[string, string]> = [
    ['filename_encryption', r.filenameEncryption],
    ['directory_name_encryption', String(r.directoryNameEncryption)],
    ['filename_encoding', r.filenameEncoding],
    ...(r.noDataEncryption ? ([['no_data_encryption', 'true']] as Array<[string, string]>) : []),
    ...(r.suffix !== '.bin' ? ([['suffix', r.suffix === '' ? 'none' : r.suffix]] as Array<[string, string]>) : []),
    ['password', obscure(password)],
    ...(password2 !== undefined ? ([['password2', obscure(password2)]] as Array<[string, string]>) : []),
  ];
  const sections: string[] = [];
  const copies: KitCopy[] = [];
  for (const t of copiesOf(o.remote, o.tasks)) {
    const side = parseRemoteSide(t.dest);
    if (side?.daemon) continue; // an rsync daemon has no sftp; not reachable by stock rclone
    const serverRemote = remoteName(t.name, 'server');
    const cryptRemote = remoteName(t.name, 'crypt');
    const path = (side ? side.path : t.dest).replace(/\/+$/, '') || '/';
    let base: string;
    if (side) {
      sections.push(
        section(serverRemote, [
          ['type', 'sftp'],
          ['host', side.host],
          ...(side.user !== undefined ? ([['user', side.user]] as Array<[string, string]>) : []),
          ['port', String(t.sshPort ?? 22)],
          ...(t.sshKey !== undefined ? ([['key_file', t.sshKey]] as Array<[string, string]>) : ([['key_use_agent', 'true']] as Array<[string, string]>)),
          ['known_hosts_file', knownHostsOf(t)],
          ['shell_type', 'unix'],
          ['md5sum_command', 'none'],
          ['sha1sum_command', 'none'],
        ]),
      );
      base = `${serverRemote}:${path}`;
    } else {
      sections.push(section(serverRemote, [['type', 'alias'], ['remote', isAbsolute(path) ? path : `./${path}`]]));
      base = `${serverRemote}:`;
    }
    const cfgFlag = `--config ${KIT_CONFIG_FILE}`;
    const commands: KitCopy['commands'] = [];
    if (t.type === 'synchronize') {
      sections.push(section(cryptRemote, [['type', 'crypt'], ['remote', base], ...cryptOptions]));
      commands.push(
        { what: 'list the top folders by their real names', command: `rclone ${cfgFlag} lsd ${cryptRemote}:` },
        { what: 'list every file', command: `rclone ${cfgFlag} ls ${cryptRemote}:` },
        { what: 'restore everything into ./restored', command: `rclone ${cfgFlag} copy ${cryptRemote}: ./restored` },
      );
    } else {
      // the snapshot folders carry plain dated names: the crypt remote is pointed at one of them
      const snap = side ? `${serverRemote}:${path}/SNAPSHOT` : `${serverRemote}:SNAPSHOT`;
      sections.push(section(cryptRemote, [['type', 'crypt'], ['remote', snap], ...cryptOptions]));
      const pick = `${envKey(cryptRemote, 'remote')}=${shWord(snap)}`;
      commands.push(
        { what: 'list the snapshots (one folder per run, named by its UTC time)', command: `rclone ${cfgFlag} lsf --dirs-only ${base}` },
        { what: 'list the files of one snapshot (put its name for SNAPSHOT)', command: `${pick} rclone ${cfgFlag} ls ${cryptRemote}:` },
        { what: 'restore that snapshot into ./restored', command: `${pick} rclone ${cfgFlag} copy ${cryptRemote}: ./restored` },
      );
    }
    copies.push({
      task: t.name,
      type: t.type,
      dest: t.dest,
      ssh: side !== null,
      where: side ? `${side.user ? `${side.user}@` : ''}${side.host}:${path} (ssh port ${t.sshPort ?? 22}${t.sshKey ? `, key ${t.sshKey}` : ''})` : path,
      serverRemote,
      cryptRemote,
      path,
      commands,
    });
  }
  return {
    remote: o.remote,
    madeAt: (o.now ?? new Date()).toISOString(),
    settings: { filenameEncryption: r.filenameEncryption, filenameEncoding: r.filenameEncoding, directoryNameEncryption: r.directoryNameEncryption, noDataEncryption: r.noDataEncryption, suffix: r.suffix },
    password,
    ...(password2 !== undefined ? { password2 } : {}),
    copies,
    rcloneConf: sections.length ? `${sections.join('\n\n')}\n` : '',
  };
}
