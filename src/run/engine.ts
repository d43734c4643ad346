// The engine facade: the one API the CLI task commands and the web server both use (no logic is
// written twice). It owns the task store, the run log, active runs and live events; it polls
// the run log so runs started by another process (the CLI, cron) show up too.
// Never prints, never exits the process, never speaks HTTP.
import { join } from 'node:path';
import { RunLog, daysSince, type RunRecord, type RunStatus } from '../store/index.js';
import { TaskStore, isRsyncTask, parseRemoteSide, type Task } from '../tasks/index.js';
import type { MappingEntry, SyncEvent, VerifyResult } from '../sync/index.js';
import { cryptsyncHome, defaultRcloneConfigPath } from '../util/home.js';
import { CryptsyncError } from '../util/errors.js';
import type { EngineEvent, Estimate, StepKind } from './events.js';
import type { TaskView, BrowseEntry } from './views.js';

export type { TaskView, BrowseEntry };
import { prepareRun, executeRun, planSteps, isCombined, type RunEnv, type RunOutcome } from './run-task.js';
import { isProcessAlive } from './lock.js';
import { commandLinesFor, stepKindsOf } from './steps/index.js';
import { listRemoteViews, addRemote, removeRemote, type RemoteView, type AddRemoteInput } from './remotes.js';
import { createDemo } from './demo.js';
import { estimateFromRun, isMainStep, staleReason } from './estimate-state.js';
import { scanTaskServer, setUpTaskSsh, type SshTarget, type TaskSshInput } from './ssh-for-task.js';
import { taskPatchFor, type HostKey, type SshSetupResult } from './ssh-setup.js';
import {
  catalogMapping,
  encryptIntoCatalog,
  restoreFromCatalog,
  verifyCatalogOf,
  type CatalogCallOptions,
  type CatalogContext,
  type EncryptInput,
  type RestoreInput,
  type SyncOutcome,
  type VerifyInput,
} from './catalog-door.js';

export interface EngineOptions {
  home?: string;
  env?: NodeJS.ProcessEnv;
  profile?: string;
}

const DEFAULT_THRESHOLD_DAYS = 7;
const POLL_MS = 1000;

interface ActiveRun {
  controller: AbortController;
  done: Promise<RunOutcome>;
  task: string;
}

export class Engine {
  readonly home: string;
  readonly profile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly tasks: TaskStore;
  readonly log: RunLog;
  #listeners = new Set<(e: EngineEvent) => void>();
  #active = new Map<number, ActiveRun>();
  #poll: NodeJS.Timeout | undefined;
  #seenRunId = 0;
  #externalRunning = new Set<number>();

  private constructor(o: Required<EngineOptions>) {
    this.home = o.home;
    this.profile = o.profile;
    this.env = { ...o.env, CRYPTSYNC_HOME: o.home };
    this.tasks = TaskStore.open(o.home, o.profile, { rcloneConfig: defaultRcloneConfigPath(this.env, o.home) });
    this.log = RunLog.open(join(o.home, 'cryptsync.db'));
    this.log.markStaleRuns(isProcessAlive);
    this.#seenRunId = this.log.listRuns({ limit: 1 })[0]?.id ?? 0;
  }

  static open(o: EngineOptions = {}): Engine {
    const env = o.env ?? process.env;
    return new Engine({ home: o.home ?? cryptsyncHome(env), env, profile: o.profile ?? 'default' });
  }

  close(): void {
    for (const a of this.#active.values()) a.controller.abort();
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    this.log.close();
  }

  get rcloneConfig(): string {
    return defaultRcloneConfigPath(this.env, this.home);
  }

  private get runEnv(): RunEnv {
    return { home: this.home, profile: this.profile, env: this.env, tasks: this.tasks, log: this.log };
  }

  // ---- events ----

  subscribe(fn: (e: EngineEvent) => void): () => void {
    this.#listeners.add(fn);
    if (!this.#poll) {
      this.#poll = setInterval(() => this.#pollExternal(), POLL_MS);
      this.#poll.unref();
    }
    return () => {
      this.#listeners.delete(fn);
      if (this.#listeners.size === 0 && this.#poll) {
        clearInterval(this.#poll);
        this.#poll = undefined;
      }
    };
  }

  #emit(e: EngineEvent): void {
    for (const fn of this.#listeners) {
      try {
        fn(e);
      } catch {
        /* a broken listener must not break a run */
      }
    }
  }

  /** Runs started by other processes: announce new ones, and their end. */
  #pollExternal(): void {
    try {
      const fresh = this.log.listRuns({ sinceId: this.#seenRunId, profile: this.profile, limit: 100 });
      for (const r of fresh.sort((a, b) => a.id - b.id)) {
        this.#seenRunId = Math.max(this.#seenRunId, r.id);
        if (this.#active.has(r.id)) continue;
        this.#emit({ type: 'run-start', runId: r.id, task: r.task, dryRun: r.dryRun, steps: r.steps.filter(isMainStep).map((s) => s.kind as StepKind), startedAt: r.startedAt, external: true });
        if (r.status === 'running') this.#externalRunning.add(r.id);
        else this.#emitExternalEnd(r);
      }
      for (const id of [...this.#externalRunning]) {
        const r = this.log.getRun(id);
        if (!r || r.status === 'running') continue;
        this.#externalRunning.delete(id);
        this.#emitExternalEnd(r);
      }
    } catch {
      /* the db may be busy; try again next tick */
    }
  }

  #emitExternalEnd(r: RunRecord): void {
    const est = r.dryRun ? estimateFromRun(r) : undefined;
    this.#emit({ type: 'run-end', runId: r.id, task: r.task, status: r.status, exitCode: r.exitCode ?? 1, durationMs: r.durationMs ?? 0, external: true, ...(est ? { estimate: est } : {}) });
  }

  // ---- tasks ----

  listTasks(): TaskView[] {
    const last = this.log.lastRuns(this.profile);
    return this.tasks.list().map((t) => this.#view(t, last));
  }

  getTask(name: string): TaskView {
    return this.#view(this.tasks.get(name), this.log.lastRuns(this.profile));
  }

  #view(t: Task, last: Map<string, { lastRunAt: string; status: RunStatus }>): TaskView {
    const l = lastRunOf(t, last, this.tasks.list());
    const thresholdDays = t.thresholdDays ?? DEFAULT_THRESHOLD_DAYS;
    const ds = l ? daysSince(l.lastRunAt) : null;
    const running = [...this.#active.entries()].find(([, a]) => a.task === t.name)?.[0] ?? null;
    const base: TaskView = {
      name: t.name,
      type: t.type,
      combined: isCombined(t),
      steps: stepKindsOf(t),
      source: t.source,
      destination: t.type === 'encrypt' ? t.remote : t.dest,
      lastRunAt: l?.lastRunAt ?? null,
      lastStatus: l?.status ?? null,
      daysSince: ds,
      thresholdDays,
      overdue: ds !== null && ds > thresholdDays,
      estimate: this.#latestEstimate(t, l?.lastRunAt ?? null, last),
      running,
      task: t,
    };
    if (t.type !== 'encrypt' && t.connectedTo) base.connectedTo = t.connectedTo;
    if (isRsyncTask(t)) {
      const remote = parseRemoteSide(t.type === 'syncremote' ? t.source : t.dest);
      if (remote) {
        base.server = remote.host;
        if (remote.user) base.user = remote.user;
      }
      if (t.type === 'snapshot') base.snapshotNum = t.snapshotNum ?? 1;
    }
    return base;
  }

  /**
   * The newest finished estimate of a task (a failed one included: it carries its error), if no
   * real run came after it, marked stale when what it depends on changed since (estimate-state.ts).
   */
  #latestEstimate(t: Task, lastRunAt: string | null, last: Map<string, { lastRunAt: string }>): Estimate | null {
    const r = this.log.listRuns({ task: t.name, profile: this.profile, limit: 10 }).find((x) => x.dryRun && x.status !== 'running' && x.status !== 'aborted');
    if (!r) return null;
    if (lastRunAt && r.startedAt < lastRunAt) return null;
    const est = estimateFromRun(r);
    const edited = [this.#editedAt.get(t.name), t.type !== 'encrypt' && t.connectedTo ? this.#editedAt.get(t.connectedTo) : undefined].filter((x): x is string => x !== undefined).sort().pop();
    const stale = staleReason(est, t, this.tasks.list(), { lastRealRunAt: (n) => last.get(n)?.lastRunAt, editedAt: edited });
    if (stale) est.stale = stale;
    return est;
  }

  /** when this process changed a task's settings (an estimate taken before is stale) */
  readonly #editedAt = new Map<string, string>();
  #edited(...names: string[]): void {
    const now = new Date().toISOString();
    for (const n of names) this.#editedAt.set(n, now);
  }

  async addTask(input: unknown): Promise<TaskView> {
    const t = await this.tasks.add(input);
    this.#emit({ type: 'tasks-changed' });
    return this.getTask(t.name);
  }

  /** Adds tasks all or none, without checking that their folders exist here (imports). */
  async importTasks(inputs: unknown[]): Promise<string[]> {
    const added = await this.tasks.addMany(inputs, { checkFs: false });
    this.#emit({ type: 'tasks-changed' });
    return added.map((t) => t.name);
  }

  async editTask(name: string, patch: unknown): Promise<TaskView> {
    const t = await this.tasks.update(name, patch);
    this.#edited(name, t.name);
    this.#emit({ type: 'tasks-changed' });
    return this.getTask(t.name);
  }

  async removeTask(name: string): Promise<void> {
    await this.tasks.remove(name);
    this.#emit({ type: 'tasks-changed' });
  }

  async connect(syncName: string, encryptName: string): Promise<void> {
    await this.tasks.connect(syncName, encryptName);
    this.#edited(syncName);
    this.#emit({ type: 'tasks-changed' });
  }

  async disconnect(syncName: string): Promise<void> {
    await this.tasks.disconnect(syncName);
    this.#edited(syncName);
    this.#emit({ type: 'tasks-changed' });
  }

  // ---- ssh set-up of a task's server (ssh-for-task.ts) ----

  /** the host keys the server of rsync task `name` offers, to show their fingerprints */
  sshScan(name: string): Promise<SshTarget & { keys: HostKey[] }> {
    return scanTaskServer(this.tasks.get(name), this.env);
  }

  /** trusts the confirmed host key, makes and installs a key, tests it, and saves it all into the task */
  async sshSetup(name: string, i: Omit<TaskSshInput, 'env'>): Promise<SshSetupResult> {
    const task = this.tasks.get(name);
    const r = await setUpTaskSsh(this.home, task, { ...i, env: this.env });
    await this.editTask(name, taskPatchFor(isRsyncTask(task) ? task : {}, r));
    return r;
  }

  taskCommand(name: string, o: { dryRun?: boolean } = {}): Array<{ step: StepKind; shell: string }> {
    const steps = planSteps(this.tasks.get(name), this.tasks);
    return commandLinesFor(steps, { dryRun: o.dryRun ?? false, defaultConfig: this.rcloneConfig });
  }

  // ---- crypt remotes ----

  listRemotes(): Promise<RemoteView[]> {
    return listRemoteViews(this.rcloneConfig);
  }

  async addRemote(i: AddRemoteInput): Promise<{ remote: RemoteView; generatedPassword?: string }> {
    return addRemote(this.rcloneConfig, i);
  }

  /** Removes a crypt remote that no task uses; its encrypted catalog stays on disk. */
  async removeRemote(name: string): Promise<void> {
    await removeRemote(this.rcloneConfig, name, this.tasks.list());
  }

  // ---- runs ----

  /**
   * Starts a run and returns its id at once. `onEvent` sees every event of this run, from its
   * run-start on (a subscriber added after this call returns would miss the first ones).
   */
  startRun(name: string, o: { dryRun?: boolean; force?: boolean; onEvent?: (e: EngineEvent) => void } = {}): { runId: number } {
    const prepared = prepareRun(this.runEnv, name, { dryRun: o.dryRun ?? false });
    const controller = new AbortController();
    const onEvent = (e: EngineEvent): void => {
      if (o.onEvent) o.onEvent(e);
      this.#emit(e);
    };
    const done = executeRun(this.runEnv, prepared, { signal: controller.signal, onEvent, force: o.force ?? false }).finally(() => {
      this.#active.delete(prepared.runId);
    });
    this.#seenRunId = Math.max(this.#seenRunId, prepared.runId);
    this.#active.set(prepared.runId, { controller, done, task: prepared.task.name });
    return { runId: prepared.runId };
  }

  async waitRun(runId: number): Promise<{ status: RunStatus; exitCode: number; estimate?: Estimate }> {
    const a = this.#active.get(runId);
    if (a) return a.done;
    const r = this.log.getRun(runId);
    if (!r) throw new CryptsyncError('not-found', 'RUN_NOT_FOUND', `no run with id ${runId}`);
    return { status: r.status, exitCode: r.exitCode ?? 1 };
  }

  abortRun(runId: number): boolean {
    const a = this.#active.get(runId);
    if (!a) return false;
    a.controller.abort();
    return true;
  }

  activeRuns(): Array<{ runId: number; task: string }> {
    return [...this.#active.entries()].map(([runId, a]) => ({ runId, task: a.task }));
  }

  listRuns(f: { task?: string; status?: RunStatus; limit?: number } = {}): RunRecord[] {
    return this.log.listRuns({ ...f, profile: this.profile });
  }

  getRun(id: number): RunRecord | null {
    return this.log.getRun(id);
  }

  // ---- encrypted catalogs: browse, restore, mapping, verify, one-off encrypt (catalog-door.ts) ----
  // Each takes an encrypt task's name or a crypt remote spec 'REMOTE:[path]'; the CLI and the web
  // API both call these, so a catalog is opened and guarded one way only.

  get #catalogContext(): CatalogContext {
    return { home: this.home, env: this.env, tasks: this.tasks, rcloneConfig: this.rcloneConfig };
  }

  mapping(taskOrRemote: string, o: CatalogCallOptions = {}): Promise<MappingEntry[]> {
    return catalogMapping(this.#catalogContext, taskOrRemote, o);
  }

  async browse(taskOrRemote: string, path = '', o: CatalogCallOptions = {}): Promise<BrowseEntry[]> {
    const dir = path.replace(/^\/+|\/+$/g, '');
    const all = await this.mapping(taskOrRemote, o);
    const prefix = dir === '' ? '' : `${dir}/`;
    return all
      .filter((m) => m.plain.startsWith(prefix) && m.plain.length > prefix.length && !m.plain.slice(prefix.length).includes('/'))
      .map((m) => ({
        name: m.plain.slice(prefix.length),
        path: m.plain,
        type: m.type,
        size: m.size ?? 0,
        mtimeMs: m.mtimeMs ?? 0,
        encrypted: m.encrypted,
      }))
      .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  }

  /** Restores a catalog; the target goes through the restore guard first (restore-guard.ts). */
  restore(taskOrRemote: string, o: RestoreInput, onEvent?: (e: SyncEvent) => void): Promise<SyncOutcome & { target: string }> {
    return restoreFromCatalog(this.#catalogContext, taskOrRemote, o, onEvent);
  }

  /** cryptcheck: an encrypt task against its own catalog, or `plain` against a `REMOTE:`. */
  verify(taskOrRemote: string, o: VerifyInput = {}, onEvent?: (e: SyncEvent) => void): Promise<VerifyResult> {
    return verifyCatalogOf(this.#catalogContext, taskOrRemote, o, onEvent);
  }

  /** A one-off encrypt into a catalog (no run log entry), behind the same catalog guards as a task's encrypt step. */
  encrypt(taskOrRemote: string, o: EncryptInput, onEvent?: (e: SyncEvent) => void): Promise<SyncOutcome> {
    return encryptIntoCatalog(this.#catalogContext, taskOrRemote, o, onEvent);
  }

  async loadDemo(): Promise<{ tasks: string[]; folder: string }> {
    const r = await createDemo(this);
    this.#emit({ type: 'tasks-changed' });
    return r;
  }
}

/**
 * The last run of a task. An encrypt task also runs as the first step of each combined task
 * connected to it, so the newest of those runs counts for it too.
 */
function lastRunOf(
  t: Task,
  last: Map<string, { lastRunAt: string; status: RunStatus }>,
  all: Task[],
): { lastRunAt: string; status: RunStatus } | undefined {
  let best = last.get(t.name);
  if (t.type !== 'encrypt') return best;
  for (const other of all) {
    if (other.type === 'encrypt' || other.connectedTo !== t.name) continue;
    const l = last.get(other.name);
    if (l && (!best || l.lastRunAt > best.lastRunAt)) best = l;
  }
  return best;
}
