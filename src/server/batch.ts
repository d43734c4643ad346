// "Estimate all" and "Run all with changes" (RsyncOSX ⌘T / ⌘B): one task after another through
// the engine's own startRun/waitRun, so the page may close while a batch goes on. It decides
// nothing about a task itself: which tasks have changes comes from the engine's estimate.
import type { EnginePort } from './engine-port.js';
import type { EventHub } from './event-hub.js';
import { CryptsyncError } from '../util/errors.js';
import { mayHaveChanges } from '../run/index.js';

import type { BatchMode, BatchState } from './api-types.js';

export type { BatchMode, BatchState };

export class BatchRunner {
  private state: BatchState | null = null;

  constructor(
    private readonly engine: EnginePort,
    private readonly hub: EventHub,
  ) {}

  get current(): BatchState | null {
    return this.state;
  }

  /** Starts a batch and returns the task names it will go through, in table order. */
  start(mode: BatchMode): string[] {
    if (this.state) throw new CryptsyncError('conflict', 'BATCH_RUNNING', `a batch (${this.state.mode}) is already running`);
    const tasks = this.engine
      .listTasks()
      .filter((t) => t.running === null && (mode === 'estimate' || mayHaveChanges(t.estimate)))
      .map((t) => t.name);
    const state: BatchState = { mode, tasks, done: [], current: null, currentRunId: null, aborted: false };
    this.state = state;
    this.publish();
    void this.loop(state);
    return tasks;
  }

  abort(): boolean {
    const s = this.state;
    if (!s) return false;
    s.aborted = true;
    if (s.currentRunId !== null) this.engine.abortRun(s.currentRunId);
    return true;
  }

  private async loop(s: BatchState): Promise<void> {
    try {
      for (const name of s.tasks) {
        if (s.aborted) break;
        s.current = name;
        try {
          const { runId } = this.engine.startRun(name, { dryRun: s.mode === 'estimate' });
          s.currentRunId = runId;
          this.publish();
          await this.engine.waitRun(runId);
        } catch (e) {
          // a task that cannot start (already running, removed meanwhile) does not stop the rest
          this.hub.publish({ type: 'batch-skip', task: name, message: e instanceof Error ? e.message : String(e) });
        }
        s.done.push(name);
        s.currentRunId = null;
      }
    } finally {
      s.current = null;
      this.state = null;
      this.hub.publish({ type: 'batch', state: null, finished: { mode: s.mode, done: s.done, aborted: s.aborted } });
    }
  }

  private publish(): void {
    this.hub.publish({ type: 'batch', state: this.state ? { ...this.state } : null });
  }
}
