// One profile's saved tasks: $CRYPTSYNC_HOME/profiles/<profile>/tasks.json. Every read sees the
// file as it is on disk now (hand edits, the web server and the CLI share it); every change is
// validated, then written atomically under a lock. A corrupt file is reported and never
// overwritten. This store never runs tasks and never reads passwords.
import { readdirSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { CryptsyncError, UsageError } from '../util/errors.js';
import { findCatalogFolder } from './crypt-catalog.js';
import { encryptTasksOfHome, findCatalogClash, type CatalogWriter } from './catalog-owners.js';
import { readTasksFile, writeTasksFile, tightenTasksFile, withTasksFileLock, TASKS_FILE_NAME } from './tasks-file.js';
import { TASK_NAME_PATTERN, type EncryptTask, type Task, type TaskType } from './task-schema.js';
import { TASK_TYPE_INFO, PUSH_TYPES, isPushTask } from './task-types.js';
import { validateTask, ValidationError, type ValidationIssue } from './validate.js';
import { didYouMean } from '../util/did-you-mean.js';

export const DEFAULT_PROFILE = 'default';
const PROFILES_DIR = 'profiles';

/** Finds the local folder of a crypt remote's ciphertext when its name is encrypted (a crypt
 *  remote with a sub path). Default: src/rclone's openCryptRemote with the config's password. */
export type CatalogResolver = (spec: string, configPath: string) => Promise<string>;

export interface TaskStoreOptions {
  /** the rclone.conf for encrypt tasks without their own `config` */
  rcloneConfig?: string;
  resolveCatalog?: CatalogResolver;
}

function checkProfileName(profile: string): void {
  if (!TASK_NAME_PATTERN.test(profile) || profile === '.' || profile === '..') {
    throw new UsageError(`profile name "${profile}" is not valid: use 1 to 64 letters, digits, ".", "_" or "-"`, 'profile');
  }
}

function samePath(a: string, b: string): boolean {
  const strip = (p: string): string => {
    const n = normalize(p);
    return n.length > 1 && n.endsWith(sep) ? n.slice(0, -1) : n;
  };
  return strip(a) === strip(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class TaskStore {
  readonly path: string;
  readonly profile: string;
  readonly rcloneConfig: string;
  readonly #resolveCatalog: CatalogResolver | undefined;
  readonly #home: string;
  #cache: { mtimeMs: number; size: number; ino: number; tasks: Task[] } | undefined;
  /** in-process queue so edits from one process never interleave */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(path: string, profile: string, opts: TaskStoreOptions, home: string) {
    this.path = path;
    this.profile = profile;
    this.rcloneConfig = opts.rcloneConfig ?? (process.env.RCLONE_CONFIG || join(home, 'rclone.conf'));
    this.#resolveCatalog = opts.resolveCatalog;
    this.#home = home;
  }

  /** Creates nothing until the first write. */
  static open(home: string, profile: string = DEFAULT_PROFILE, opts: TaskStoreOptions = {}): TaskStore {
    checkProfileName(profile);
    const path = join(home, PROFILES_DIR, profile, TASKS_FILE_NAME);
    tightenTasksFile(path);
    return new TaskStore(path, profile, opts, home);
  }

  /** All tasks, in file order. Throws for a corrupt or invalid file. */
  list(): Task[] {
    let st;
    try {
      st = statSync(this.path);
    } catch {
      this.#cache = undefined;
      return [];
    }
    const c = this.#cache;
    if (c && c.mtimeMs === st.mtimeMs && c.size === st.size && c.ino === st.ino) return structuredClone(c.tasks);
    const tasks = readTasksFile(this.path);
    this.#cache = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, tasks };
    return structuredClone(tasks);
  }

  get(name: string): Task {
    const all = this.list();
    const t = all.find((x) => x.name === name);
    if (!t) throw notFound(name, this.profile, all);
    return t;
  }

  /** Validates (by default including the file system) and appends a task. Warnings do not stop it. */
  async add(input: unknown, opts: { checkFs?: boolean } = {}): Promise<Task> {
    const [task] = await this.addMany([input], opts);
    return task as Task;
  }

  /**
   * Adds several tasks at once, all or none (e.g. an import). checkFs: false skips the existence
   * checks, for tasks whose folders live on another machine or an unmounted disk.
   */
  addMany(inputs: unknown[], opts: { checkFs?: boolean } = {}): Promise<Task[]> {
    return this.#edit(async (tasks) => {
      const added: Task[] = [];
      const catalogFolders = await this.#catalogFolders(tasks);
      for (const input of inputs) {
        const label = isPlainObject(input) && typeof input.name === 'string' ? `task "${input.name}"` : 'task';
        const r = validateTask(input, { existing: [...tasks, ...added], checkFs: opts.checkFs ?? true, catalogFolders });
        if (!r.task) throw new ValidationError(label, r.errors, r.warnings);
        await this.#refuseSharedCatalog(r.task, [...tasks, ...added], label);
        added.push(r.task);
      }
      const next = [...tasks, ...added];
      await this.#recheckConnections(next, tasks);
      return { tasks: next, result: added };
    });
  }

  /**
   * Applies a patch: fields in it replace the task's, a field set to null is removed. Renaming
   * follows connections; changing an encrypt task others are connected to into another type is refused.
   */
  update(name: string, patch: unknown): Promise<Task> {
    return this.#edit(async (tasks) => {
      if (!isPlainObject(patch)) throw new UsageError('the changes to a task must be a JSON object');
      const index = tasks.findIndex((t) => t.name === name);
      if (index < 0) throw notFound(name, this.profile, tasks);
      const old = tasks[index] as Task;
      const merged: Record<string, unknown> = { ...old };
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      if (!(typeof merged.type === 'string' && merged.type in TASK_TYPE_INFO && TASK_TYPE_INFO[merged.type as TaskType].push)) delete merged.connectedTo;
      if (merged.type !== 'snapshot') delete merged.snapshotNum;
      if (merged.type !== 'snapshot') delete merged.retention;
      const newName = typeof merged.name === 'string' ? merged.name : name;
      const dependants = tasks.filter((t) => t.type !== 'encrypt' && t.connectedTo === name);
      if (old.type === 'encrypt' && merged.type !== 'encrypt' && dependants.length > 0) {
        throw new CryptsyncError('conflict', 'TASK_CONNECTED', `task "${name}" is connected to ${dependants.map((d) => `"${d.name}"`).join(', ')}; disconnect first (cryptsync task disconnect ${dependants[0]?.name})`, { subject: name });
      }
      const others = tasks.filter((_, i) => i !== index);
      const r = validateTask(merged, { existing: others, checkFs: true, catalogFolders: await this.#catalogFolders(others) });
      if (!r.task) throw new ValidationError(`task "${name}"`, r.errors, r.warnings);
      await this.#refuseSharedCatalog(r.task, others, `task "${name}"`);
      const next = tasks.map((t, i) => {
        if (i === index) return r.task as Task;
        if (newName !== name && t.type !== 'encrypt' && t.connectedTo === name) return { ...t, connectedTo: newName };
        return t;
      });
      await this.#recheckConnections(next, tasks);
      return { tasks: next, result: r.task };
    });
  }

  /** Refuses while another task is connected to this one (disconnect first). */
  remove(name: string): Promise<void> {
    return this.#edit(async (tasks) => {
      if (!tasks.some((t) => t.name === name)) throw notFound(name, this.profile, tasks);
      const dependant = tasks.find((t) => t.type !== 'encrypt' && t.connectedTo === name);
      if (dependant) {
        throw new CryptsyncError('conflict', 'TASK_CONNECTED', `task "${name}" is connected to "${dependant.name}"; disconnect first (cryptsync task disconnect ${dependant.name})`, { subject: name });
      }
      return { tasks: tasks.filter((t) => t.name !== name), result: undefined };
    });
  }

  /**
   * Makes a push task (synchronize, snapshot, cloud) run as combined with an encrypt task. Its source must be
   * that task's encrypted catalog folder; if not, the error says which folder to set.
   */
  connect(syncName: string, encryptName: string): Promise<void> {
    return this.#edit(async (tasks) => {
      const sync = tasks.find((t) => t.name === syncName);
      const enc = tasks.find((t) => t.name === encryptName);
      if (!sync) throw notFound(syncName, this.profile, tasks);
      if (!enc) throw notFound(encryptName, this.profile, tasks);
      if (!isPushTask(sync)) {
        throw new CryptsyncError('usage', 'NOT_CONNECTABLE', `task "${syncName}" is a ${sync.type} task; only ${PUSH_TYPES.join(', ')} tasks can be connected to an encrypt task`, { subject: syncName });
      }
      if (enc.type !== 'encrypt') {
        throw new CryptsyncError('usage', 'NOT_ENCRYPT_TASK', `task "${encryptName}" is a ${enc.type} task; connect "${syncName}" to an encrypt task`, { subject: encryptName });
      }
      await this.#checkConnection(sync, enc);
      const next = tasks.map((t) => (t.name === syncName ? { ...t, connectedTo: encryptName } : t)) as Task[];
      return { tasks: next, result: undefined };
    });
  }

  /** Back to two plain tasks; both keep every other setting. */
  disconnect(syncName: string): Promise<void> {
    return this.#edit(async (tasks) => {
      const sync = tasks.find((t) => t.name === syncName);
      if (!sync) throw notFound(syncName, this.profile, tasks);
      if (!isPushTask(sync) || sync.connectedTo === undefined) {
        throw new CryptsyncError('usage', 'NOT_CONNECTED', `task "${syncName}" is not connected to an encrypt task`, { subject: syncName });
      }
      const next = tasks.map((t) => {
        if (t.name !== syncName) return t;
        const copy = { ...t } as Record<string, unknown>;
        delete copy.connectedTo;
        return copy as Task;
      });
      return { tasks: next, result: undefined };
    });
  }

  /** The snapshot number the next run of a snapshot task writes. */
  setSnapshotNum(name: string, n: number): Promise<void> {
    return this.#edit(async (tasks) => {
      const t = tasks.find((x) => x.name === name);
      if (!t) throw notFound(name, this.profile, tasks);
      if (t.type !== 'snapshot') throw new UsageError(`task "${name}" is a ${t.type} task, not a snapshot task`, name);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`snapshot number must be a whole number >= 1, got ${n}`, 'snapshotNum');
      return { tasks: tasks.map((x) => (x.name === name ? { ...x, snapshotNum: n } : x)) as Task[], result: undefined };
    });
  }

  /** A connected task must push exactly its encrypt task's catalog; the error says how to fix it. */
  async #checkConnection(sync: Task, enc: EncryptTask): Promise<void> {
    const folder = await this.catalogFolder(enc);
    if (samePath(folder, sync.source)) return;
    const profileFlag = this.profile === DEFAULT_PROFILE ? '' : ` --profile ${this.profile}`;
    throw new CryptsyncError(
      'config',
      'CONNECT_SOURCE_MISMATCH',
      `task "${sync.name}" pushes ${sync.source}, but encrypt task "${enc.name}" writes its encrypted catalog to ${folder} (${enc.remote}); ` +
        `a combined task must push exactly that folder. Fix: cryptsync task edit ${sync.name} --source ${folder}${profileFlag}, then connect again`,
      { subject: `${sync.name}.source` },
    );
  }

  /** After an add or edit: a connection that is new, or whose source or encrypt task changed, is checked again. */
  async #recheckConnections(next: Task[], before: Task[]): Promise<void> {
    for (const t of next) {
      if (t.type === 'encrypt' || t.connectedTo === undefined) continue;
      const enc = next.find((x) => x.name === t.connectedTo);
      if (enc?.type !== 'encrypt') continue; // validation already reported it
      const old = before.find((x) => x.name === t.name);
      const oldEnc = before.find((x) => x.name === t.connectedTo);
      const unchanged =
        old !== undefined && old.type !== 'encrypt' && old.connectedTo === t.connectedTo && old.source === t.source &&
        oldEnc?.type === 'encrypt' && oldEnc.remote === enc.remote && oldEnc.config === enc.config;
      if (!unchanged) await this.#checkConnection(t, enc);
    }
  }

  /** The local folder an encrypt task writes its ciphertext to (from its rclone.conf). */
  async catalogFolder(enc: EncryptTask): Promise<string> {
    const configPath = enc.config ?? this.rcloneConfig;
    if (this.#resolveCatalog) {
      const light = await findCatalogFolder(enc.remote, configPath, { lightOnly: true });
      if (light.ok) return light.folder;
      return this.#resolveCatalog(enc.remote, configPath);
    }
    const found = await findCatalogFolder(enc.remote, configPath);
    if (found.ok) return found.folder;
    throw new CryptsyncError('config', 'CATALOG_UNKNOWN', `encrypt task "${enc.name}": cannot tell where its encrypted catalog is: ${found.message}`, {
      subject: `${enc.name}.remote`,
    });
  }

  /** An encrypt task may not share (or nest) a catalog with another encrypt task of any profile. */
  async #refuseSharedCatalog(task: Task, sameProfile: Task[], label: string): Promise<void> {
    if (task.type !== 'encrypt') return;
    const others: CatalogWriter[] = [
      ...sameProfile.filter((t): t is EncryptTask => t.type === 'encrypt' && t.name !== task.name),
      ...encryptTasksOfHome(this.#home, listProfiles(this.#home).filter((p) => p !== this.profile)),
    ];
    const clash = await findCatalogClash(task, others, (t) => t.config ?? this.rcloneConfig);
    if (clash) throw new ValidationError(label, [{ path: 'remote', message: clash.message }]);
  }

  /** Catalog folders that can be known without a password (for "does not exist yet" warnings). */
  async #catalogFolders(tasks: Task[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const t of tasks) {
      if (t.type !== 'encrypt') continue;
      const found = await findCatalogFolder(t.remote, t.config ?? this.rcloneConfig, { lightOnly: true });
      if (found.ok) out.set(normalize(found.folder).replace(/\/+$/, '') || '/', t.name);
    }
    return out;
  }

  #edit<T>(change: (tasks: Task[]) => Promise<{ tasks: Task[]; result: T }>): Promise<T> {
    const run = this.#queue.then(() =>
      withTasksFileLock(this.path, async () => {
        const tasks = readTasksFile(this.path); // throws for a corrupt file: it is never overwritten
        const { tasks: next, result } = await change(tasks);
        await writeTasksFile(this.path, next);
        this.#cache = undefined;
        return result;
      }),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function notFound(name: string, profile: string, tasks: readonly Task[]): CryptsyncError {
  const hint = didYouMean(name, tasks.map((t) => t.name), `tasks in profile "${profile}"`);
  return new CryptsyncError('not-found', 'TASK_NOT_FOUND', `no task "${name}" in profile "${profile}"${hint}`, { subject: name });
}

/** Profile names under the home, 'default' always first (it exists without a folder). */
export function listProfiles(home: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(join(home, PROFILES_DIR), { withFileTypes: true })
      .filter((d) => d.isDirectory() && TASK_NAME_PATTERN.test(d.name))
      .map((d) => d.name);
  } catch {
    /* no profiles folder yet */
  }
  const rest = names.filter((n) => n !== DEFAULT_PROFILE).sort();
  return [DEFAULT_PROFILE, ...rest];
}

export type { ValidationIssue };
