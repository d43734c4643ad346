// The engine facade: the one API the CLI task commands and the web server both use (no logic is
// written twice). It owns the task store, the run log, active runs and live events; it polls
// the run log so runs started by another process (the CLI, cron) show up too.
// Never prints, never exits the process, never speaks HTTP.
import { join } from 'node:path';
import { RunLog, daysSince, type RunRecord, type RunStatus } from '../store/index.js';
import { TaskStore, isRsyncTask, parseRemoteSide, type Task } from '../tasks/index.js';
import type { MappingEntry, SyncEvent } from '../sync/index.js';
import type { ManifestReport } from '../integrity/index.js';
import { cryptsyncHome, defaultRcloneConfigPath } from '../util/home.js';
import { CryptsyncError } from '../util/errors.js';
import { ZERO_COUNTS, type EngineEvent, type Estimate, type StepKind, type StepCounts } from './events.js';
import type { TaskView, BrowseEntry } from './views.js';
import { failedStepOf, judgeSafety, type Attempt, type TaskSafety } from './safety.js';
import { nextSlot, profileNotifyPath, readProfileNotify, writeProfileNotify, type NotifyTarget } from '../tasks/index.js';
import { localHost, sendNotice, type Notice, type NotifyFailure } from './notify.js';
import type { RunTrigger } from '../util/vocabulary.js';
import type { LastRun } from '../store/index.js';

export type { TaskView, BrowseEntry };
import { prepareRun, executeRun, planSteps, isCombined, type RunEnv, type RunOutcome } from './run-task.js';
import { isProcessAlive } from './lock.js';
import { commandLinesFor, stepKindsOf } from './steps/index.js';
import { listRemoteViews, addRemote, removeRemote, type RemoteView, type AddRemoteInput } from './remotes.js';
import type { RunKind } from '../util/vocabulary.js';
import { createDemo } from './demo.js';
import { estimateFromRun, isMainStep, staleReason } from './estimate-state.js';
import { scanTaskServer, setUpTaskSsh, type SshTarget, type TaskSshInput } from './ssh-for-task.js';
import { taskPatchFor, type HostKey, type SshSetupResult } from './ssh-setup.js';
import { buildKit, type Kit } from './kit.js';
import type { ServerSourceInput } from './server-source.js';
import type { ServerEvent } from './server-restore.js';
import type { SnapshotEntry } from './snapshots/index.js';
import {
  browseServerCopy,
  catalogMapping,
  encryptIntoCatalog,
  restoreFromServerCopy,
  serverSnapshotsOf,
  verifyServerCopyOf,
  restoreFromCatalog,
  verifyCatalogOf,
  verifyManifestOf,
  type CatalogCallOptions,
  type VerifyOutcome,
  type CatalogContext,
  type EncryptInput,
  type RestoreInput,
  type ServerRestoreInput,
  type ServerVerifyInput,
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

/** What a scheduler running in this process knows beyond the schedule itself (run/scheduler.ts). */
export interface ScheduleInfo {
  nextRunAt(task: Task): string | null | undefined;
  retryAt(task: Task): string | null;
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
  #schedule: ScheduleInfo | undefined;

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
        // a restore or verify from a server is not a run of its task (the task is not busy)
        if (this.#active.has(r.id) || r.kind !== 'task') continue;
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
    const h = this.#history();
    return this.tasks.list().map((t) => this.#view(t, h));
  }

  getTask(name: string): TaskView {
    return this.#view(this.tasks.get(name), this.#history());
  }

  /** The scheduler of this process tells the views its next runs and retries. */
  attachSchedule(info: ScheduleInfo | undefined): void {
    this.#schedule = info;
  }

  #history(): History {
    return { last: this.log.lastRuns(this.profile), encryptSteps: this.log.lastStepRuns(this.profile, 'encrypt') };
  }

  /** "Is my data safe?" for one task (run/safety.ts). */
  #safety(t: Task, h: History, now: Date): TaskSafety {
    const own = h.last.get(t.name);
    let attempt: Attempt | null = own ? this.#attemptOf(t.name, own) : null;
    let lastGoodAt = own?.lastOkAt ?? null;
    if (t.type === 'encrypt') {
      for (const other of this.tasks.list()) {
        if (other.type === 'encrypt' || other.connectedTo !== t.name) continue;
        const step = h.encryptSteps.get(other.name);
        if (!step) continue;
        if (!attempt || step.lastRunAt > attempt.at) attempt = this.#attemptOf(other.name, step, 'encrypt');
        if (step.lastOkAt && (!lastGoodAt || step.lastOkAt > lastGoodAt)) lastGoodAt = step.lastOkAt;
      }
    }
    const planned = this.#schedule?.nextRunAt(t);
    const next = planned !== undefined ? planned : t.schedule ? (nextSlot(t.schedule, t.scheduleTimeZone, now)?.toISOString() ?? null) : null;
    return judgeSafety({
      attempt,
      lastGoodAt,
      thresholdDays: t.thresholdDays ?? DEFAULT_THRESHOLD_DAYS,
      scheduled: t.schedule !== undefined,
      nextRunAt: next,
      retryAt: this.#schedule?.retryAt(t) ?? null,
      now,
    });
  }

  /** The attempt a run log summary stands for, with who started it and its failed step (of `only`). */
  #attemptOf(task: string, l: LastRun, only?: 'encrypt'): Attempt {
    const r = this.log.listRuns({ task, profile: this.profile, limit: 20 }).find((x) => !x.dryRun && x.startedAt === l.lastRunAt);
    return { at: l.lastRunAt, status: l.status, startedBy: r?.startedBy ?? null, failedStep: r ? failedStepOf(r, only) : null };
  }

  #view(t: Task, h: History): TaskView {
    const l = lastRunOf(t, h.last, this.tasks.list());
    const thresholdDays = t.thresholdDays ?? DEFAULT_THRESHOLD_DAYS;
    const ds = l ? daysSince(l.lastRunAt) : null;
    const safety = this.#safety(t, h, new Date());
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
      overdue: safety.overdue,
      safety,
      estimate: this.#latestEstimate(t, l?.lastRunAt ?? null, h.last),
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
    const r = this.log.listRuns({ task: t.name, kind: 'task', profile: this.profile, limit: 10 }).find((x) => x.dryRun && x.status !== 'running' && x.status !== 'aborted');
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

  /** The emergency kit of a crypt remote (kit.ts): holds the plain passwords; the caller confirms first. */
  emergencyKit(name: string, o: { config?: string } = {}): Promise<Kit> {
    return buildKit({ remote: name, configPath: o.config ?? this.rcloneConfig, env: this.env, tasks: this.tasks.list() });
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
  startRun(name: string, o: { dryRun?: boolean; force?: boolean; onEvent?: (e: EngineEvent) => void; startedBy?: RunTrigger } = {}): { runId: number } {
    const prepared = prepareRun(this.runEnv, name, { dryRun: o.dryRun ?? false, ...(o.startedBy ? { startedBy: o.startedBy } : {}) });
    const controller = new AbortController();
    const onEvent = (e: EngineEvent): void => {
      if (o.onEvent) o.onEvent(e);
      this.#emit(e);
    };
    const targets = prepared.dryRun ? [] : this.#targetsOf(prepared.task);
    const started = this.#notify(targets, { event: 'start', task: prepared.task.name, host: localHost(), runId: prepared.runId, startedBy: prepared.startedBy, startedAt: prepared.startedAt }, onEvent);
    const done = executeRun(this.runEnv, prepared, { signal: controller.signal, onEvent, force: o.force ?? false })
      .then(async (outcome) => {
        await started;
        await this.#notify(targets, this.#runNotice(prepared.task, outcome), onEvent);
        return outcome;
      })
      .finally(() => {
        this.#active.delete(prepared.runId);
      });
    this.#seenRunId = Math.max(this.#seenRunId, prepared.runId);
    this.#active.set(prepared.runId, { controller, done, task: prepared.task.name });
    return { runId: prepared.runId };
  }

  /** The notice of a finished run: its counts and, when it failed, its failed step's first error line. */
  #runNotice(task: Task, outcome: RunOutcome): Notice {
    const r = this.log.getRun(outcome.runId);
    const failed = r ? failedStepOf(r) : null;
    // the counts of the last step that ran: for a combined run, what reached the destination
    const last = r?.steps.filter(isMainStep).at(-1);
    const counts: StepCounts = last
      ? { newFiles: last.filesNew, changedFiles: last.filesChanged, deletedFiles: last.filesDeleted, files: last.files, bytes: last.bytes }
      : { ...ZERO_COUNTS };
    return {
      event: outcome.status === 'ok' ? 'success' : 'failure',
      task: task.name,
      host: localHost(),
      runId: outcome.runId,
      status: outcome.status,
      ...(r ? { startedBy: r.startedBy, startedAt: r.startedAt } : {}),
      durationMs: outcome.durationMs,
      counts,
      ...(failed && outcome.status !== 'ok' ? { failedStep: failed.step, firstError: failed.message } : {}),
      source: task.source,
      destination: task.type === 'encrypt' ? task.remote : task.dest,
    };
  }

  /** Sends a notice; a target that fails is reported as a warning event, never as an error. */
  async #notify(targets: readonly NotifyTarget[], n: Notice, onEvent: (e: EngineEvent) => void = (e) => this.#emit(e)): Promise<NotifyFailure[]> {
    if (targets.length === 0) return [];
    const failures = await sendNotice(targets, n, { env: this.env });
    for (const f of failures) {
      onEvent({ type: 'notice', source: 'notify', task: n.task, level: 'warning', message: `notification to ${f.target} failed: ${f.message}` });
    }
    return failures;
  }

  /** The profile's own targets (profiles/<name>/notify.json), told about every task. */
  profileNotifyTargets(): NotifyTarget[] {
    return readProfileNotify(profileNotifyPath(this.home, this.profile));
  }

  /** Replaces the profile's own targets; [] removes them. */
  async setProfileNotifyTargets(targets: unknown[]): Promise<NotifyTarget[]> {
    return writeProfileNotify(profileNotifyPath(this.home, this.profile), targets);
  }

  /** A task's targets and the profile's. A broken notify.json is reported, never allowed to stop a run. */
  #targetsOf(t: Task): NotifyTarget[] {
    let profile: NotifyTarget[] = [];
    try {
      profile = this.profileNotifyTargets();
    } catch (e) {
      this.#emit({ type: 'notice', source: 'notify', task: t.name, level: 'warning', message: `profile notifications not sent: ${e instanceof Error ? e.message : String(e)}` });
    }
    return [...(t.notify ?? []), ...profile];
  }

  /** Every target a notice about this task goes to (the task's, then the profile's). */
  notifyTargetsOf(name: string): NotifyTarget[] {
    return this.#targetsOf(this.tasks.get(name));
  }

  /** `cryptsync notify test`, and the scheduler's overdue notices. */
  notifyTask(name: string, event: 'test' | 'overdue'): Promise<NotifyFailure[]> {
    const t = this.tasks.get(name);
    const v = this.getTask(name);
    return this.#notify(this.#targetsOf(t), {
      event,
      task: t.name,
      host: localHost(),
      lastGoodAt: v.safety.lastGoodAt,
      thresholdDays: v.safety.thresholdDays,
      source: t.source,
      destination: v.destination,
    });
  }

  /** Announces scheduler news to every subscriber (the daemon's log, the web UI). */
  announce(e: EngineEvent): void {
    this.#emit(e);
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

  listRuns(f: { task?: string; kind?: RunKind; status?: RunStatus; limit?: number } = {}): RunRecord[] {
    return this.log.listRuns({ ...f, profile: this.profile });
  }

  getRun(id: number): RunRecord | null {
    return this.log.getRun(id);
  }

  // ---- encrypted catalogs: browse, restore, mapping, verify, one-off encrypt (catalog-door.ts) ----
  // Each takes an encrypt task's name or a crypt remote spec 'REMOTE:[path]'; the CLI and the web
  // API both call these, so a catalog is opened and guarded one way only.

  get #catalogContext(): CatalogContext {
    return { home: this.home, env: this.env, tasks: this.tasks, rcloneConfig: this.rcloneConfig, log: this.log, profile: this.profile };
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
  verify(taskOrRemote: string, o: VerifyInput = {}, onEvent?: (e: SyncEvent) => void): Promise<VerifyOutcome> {
    return verifyCatalogOf(this.#catalogContext, taskOrRemote, o, onEvent);
  }

  /** Checks a catalog against its manifest (docs/manifest.md); records the chain's head when authentic. */
  verifyManifest(taskOrRemote: string, o: CatalogCallOptions & { deep?: boolean } = {}): Promise<ManifestReport> {
    return verifyManifestOf(this.#catalogContext, taskOrRemote, o);
  }

  // ---- server copies: browse, restore and verify straight from the server (server-*.ts) ----
  // The source is a synchronize/snapshot task (keys from its connected encrypt task) or an
  // explicit [user@]host:path with a crypt remote; restores and verifies are logged as runs.

  /** The snapshots of a snapshot task's server copy, for picking one to restore (a synchronize task: none). */
  serverSnapshots(task: string, o: CatalogCallOptions = {}): Promise<SnapshotEntry[]> {
    return serverSnapshotsOf(this.#catalogContext, task, o);
  }

  /** One folder of a server copy by decrypted names. */
  serverBrowse(source: ServerSourceInput, path = '', o: CatalogCallOptions = {}): Promise<BrowseEntry[]> {
    return browseServerCopy(this.#catalogContext, source, path, o);
  }

  /** Fetches only the picked ciphertext from the server and restores it; the target is guarded first. */
  serverRestore(o: ServerRestoreInput, onEvent?: (e: ServerEvent) => void): ReturnType<typeof restoreFromServerCopy> {
    return restoreFromServerCopy(this.#catalogContext, o, onEvent);
  }

  /** Quick or deep (--read-data) check of a push task's server copy. */
  serverVerify(o: ServerVerifyInput, onEvent?: (e: ServerEvent) => void): ReturnType<typeof verifyServerCopyOf> {
    return verifyServerCopyOf(this.#catalogContext, o, onEvent);
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

interface History {
  last: Map<string, LastRun>;
  encryptSteps: Map<string, LastRun>;
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
