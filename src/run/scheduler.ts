// The scheduler: runs a profile's scheduled tasks through the same Engine.startRun as `run`, inside
// the long-lived process (`cryptsync daemon`, `cryptsync serve`), one per home (scheduler-lock.ts).
//
// Contracts:
// - It ticks (every second) and compares the wall clock with each task's next slot; it never
//   sleeps until a slot, because timers do not count the time a machine sleeps.
// - A missed slot (the process was not running, the machine slept) runs ONCE, soon after: the next
//   slot is always counted from now after a run, never from the slot that was missed. At start
//   the reference is the task's last real run in the run log.
// - A wall-clock jump (the monotonic clock, which stops while the machine sleeps, did not move
//   with it) is announced; a jump back recomputes every next slot from the new time.
// - A task whose run is still going is never started again; a slot that passes meanwhile is
//   dropped. A run refused because another process runs the task skips that slot.
// - A failed run is retried after each of retryDelaysMs (5 min, 30 min), unless the next slot
//   comes first; every retry is announced and logged as started by 'retry'.
// Never prints: it announces through the engine's events.
import type { Task } from '../tasks/index.js';
import { nextSlot } from '../tasks/index.js';
import type { RunTrigger } from '../util/vocabulary.js';
import { describeError } from '../util/errors.js';
import type { Engine, ScheduleInfo } from './engine.js';

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5 * 60_000, 30 * 60_000];
const TICK_MS = 1000;
/** a wall clock that moved this much more (or less) than the monotonic one jumped */
const JUMP_MS = 30_000;
/** a slot run this late is logged as a catch-up */
const LATE_MS = 60_000;
/** how often overdue tasks are looked for */
const OVERDUE_CHECK_MS = 60_000;

/** The two clocks the scheduler reads; a test passes its own to act out a machine's sleep. */
export interface SchedulerClock {
  /** wall-clock ms (Date.now) */
  now(): number;
  /** monotonic ms that stop while the machine sleeps (performance.now) */
  monotonic(): number;
}

const REAL_CLOCK: SchedulerClock = { now: () => Date.now(), monotonic: () => performance.now() };

export interface SchedulerOptions {
  tickMs?: number;
  retryDelaysMs?: readonly number[];
  clock?: SchedulerClock;
}

interface TaskState {
  /** the schedule this state was computed for: an edit starts afresh */
  key: string;
  due: number | null;
  running: boolean;
  retries: number;
  retryAt: number | null;
}

const keyOf = (t: Task): string => `${t.schedule ?? ''}|${t.scheduleTimeZone ?? ''}`;

function slotAfter(t: Task, ms: number): number | null {
  return t.schedule ? (nextSlot(t.schedule, t.scheduleTimeZone, new Date(ms))?.getTime() ?? null) : null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class Scheduler implements ScheduleInfo {
  readonly #engine: Engine;
  readonly #tickMs: number;
  readonly #retryDelays: readonly number[];
  readonly #clock: SchedulerClock;
  readonly #states = new Map<string, TaskState>();
  /** per task, the last good backup an overdue notice was sent for */
  readonly #overdueSent = new Map<string, string | null>();
  #timer: NodeJS.Timeout | undefined;
  #wall: number;
  #mono: number;
  #lastOverdueCheck = 0;
  #started = false;

  constructor(engine: Engine, o: SchedulerOptions = {}) {
    this.#engine = engine;
    this.#tickMs = o.tickMs ?? TICK_MS;
    this.#retryDelays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#clock = o.clock ?? REAL_CLOCK;
    this.#wall = this.#clock.now();
    this.#mono = this.#clock.monotonic();
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#engine.attachSchedule(this);
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  /** Stops starting runs; runs already going are the caller's to abort or wait for. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#engine.attachSchedule(undefined);
  }

  /** undefined: not known here yet (a new or just edited schedule); the caller computes it */
  nextRunAt(t: Task): string | null | undefined {
    const s = this.#states.get(t.name);
    return s && s.key === keyOf(t) ? iso(s.due) : undefined;
  }

  retryAt(t: Task): string | null {
    const s = this.#states.get(t.name);
    return s && s.key === keyOf(t) ? iso(s.retryAt) : null;
  }

  /** The scheduled tasks and their next slots, for the daemon's start-up line. */
  plan(): Array<{ task: string; nextRunAt: string | null }> {
    return [...this.#states.entries()].map(([task, s]) => ({ task, nextRunAt: iso(s.due) }));
  }

  #say(level: 'info' | 'warning', message: string, task?: string, retryAt?: number): void {
    this.#engine.announce({ type: 'notice', source: 'scheduler', level, message, ...(task ? { task } : {}), ...(retryAt !== undefined ? { retryAt: new Date(retryAt).toISOString() } : {}) });
  }

  /** Woke up / clock set: true when the wall clock moved forward more than the process could see. */
  #clockJump(now: number): 'forward' | 'back' | null {
    const mono = this.#clock.monotonic();
    const drift = now - this.#wall - (mono - this.#mono);
    this.#wall = now;
    this.#mono = mono;
    if (drift > JUMP_MS) {
      this.#say('info', `the clock jumped forward by ${Math.round(drift / 1000)} s (the machine slept or the time was set): missed runs catch up once`);
      return 'forward';
    }
    if (drift < -JUMP_MS) {
      this.#say('info', `the clock went back by ${Math.round(-drift / 1000)} s: next runs are counted from the new time`);
      return 'back';
    }
    return null;
  }

  #tick(): void {
    const now = this.#clock.now();
    const jump = this.#clockJump(now);
    let tasks: Task[];
    try {
      tasks = this.#engine.tasks.list().filter((t) => t.schedule !== undefined);
    } catch (e) {
      this.#say('warning', `cannot read the tasks: ${describeError(e)}`);
      return;
    }
    for (const name of this.#states.keys()) if (!tasks.some((t) => t.name === name)) this.#states.delete(name);
    for (const t of tasks) {
      const st = this.#stateOf(t, now);
      if (jump === 'back' && !st.running) st.due = slotAfter(t, now);
      if (st.running) continue;
      if (st.retryAt !== null && now >= st.retryAt) this.#start(t, st, 'retry');
      else if (st.due !== null && now >= st.due) this.#start(t, st, jump === 'forward' || now - st.due > LATE_MS ? 'catch-up' : 'schedule');
    }
    if (now - this.#lastOverdueCheck >= OVERDUE_CHECK_MS) {
      this.#lastOverdueCheck = now;
      this.#checkOverdue();
    }
  }

  #stateOf(t: Task, now: number): TaskState {
    const old = this.#states.get(t.name);
    if (old && old.key === keyOf(t)) return old;
    // at start, count from the last real run (a slot missed while no scheduler ran catches up);
    // after an edit of the schedule, from now
    const last = old ? undefined : this.#engine.log.lastRuns(this.#engine.profile).get(t.name)?.lastRunAt;
    const ref = last ? Math.min(Date.parse(last), now) : now;
    const st: TaskState = { key: keyOf(t), due: slotAfter(t, ref), running: old?.running ?? false, retries: 0, retryAt: null };
    this.#states.set(t.name, st);
    return st;
  }

  #start(t: Task, st: TaskState, trigger: RunTrigger): void {
    let runId: number;
    try {
      runId = this.#engine.startRun(t.name, { startedBy: trigger }).runId;
    } catch (e) {
      st.due = slotAfter(t, this.#clock.now());
      st.retryAt = null;
      this.#say('warning', `${t.name}: not started (${describeError(e)}); next run ${iso(st.due) ?? 'never'}`, t.name);
      return;
    }
    st.running = true;
    if (trigger === 'retry') st.retryAt = null;
    this.#engine
      .waitRun(runId)
      .then(
        (r) => this.#ended(t, st, trigger, r.status),
        () => this.#ended(t, st, trigger, 'failed'),
      );
  }

  #ended(t: Task, st: TaskState, trigger: RunTrigger, status: string): void {
    const now = this.#clock.now();
    st.running = false;
    st.due = slotAfter(t, now);
    if (status === 'ok' || status === 'aborted') {
      st.retries = 0;
      st.retryAt = null;
      return;
    }
    if (trigger !== 'retry') st.retries = 0;
    const delay = this.#retryDelays[st.retries];
    const at = delay === undefined ? null : now + delay;
    if (at === null || (st.due !== null && at >= st.due)) {
      st.retryAt = null;
      this.#say('warning', `${t.name}: ${status}; next run at the next slot, ${iso(st.due) ?? 'never'}`, t.name);
      return;
    }
    st.retries++;
    st.retryAt = at;
    this.#say('warning', `${t.name}: ${status}; retry ${st.retries} of ${this.#retryDelays.length} at ${new Date(at).toISOString()}`, t.name, at);
  }

  /** One overdue notice per task and last good backup, to the targets that want one. */
  #checkOverdue(): void {
    for (const t of this.#engine.tasks.list()) {
      if (!this.#engine.notifyTargetsOf(t.name).some((n) => n.type !== 'healthchecks' && (n.on ?? []).includes('overdue'))) continue;
      const v = this.#engine.getTask(t.name);
      if (!v.safety.overdue) {
        this.#overdueSent.delete(t.name);
        continue;
      }
      if (this.#overdueSent.get(t.name) === v.safety.lastGoodAt) continue;
      this.#overdueSent.set(t.name, v.safety.lastGoodAt);
      void this.#engine.notifyTask(t.name, 'overdue');
    }
  }
}
