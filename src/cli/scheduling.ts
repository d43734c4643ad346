// The scheduler as the long-lived commands run it (`cryptsync daemon`, `cryptsync serve`): take
// the home's scheduler lock, start the Scheduler on the engine, print what it does (one line per
// run start, run end and scheduler notice; JSON lines with --json), and on stop abort the runs
// still going and wait (bounded) until they are logged as aborted.
import { Scheduler, acquireSchedulerLock, DEFAULT_RETRY_DELAYS_MS, type Engine, type EngineEvent } from '../run/index.js';
import { UsageError } from '../util/errors.js';
import { type CliIo, out, jsonLine } from './io.js';

/** How long a stop waits for aborted runs to record their end before closing the engine. */
const STOP_GRACE_MS = 15_000;

/** Runs this process started are aborted on stop, and logged as aborted before the exit. */
export async function abortActiveRuns(engine: Engine): Promise<void> {
  const active = engine.activeRuns();
  for (const a of active) engine.abortRun(a.runId);
  const ended = Promise.all(active.map((a) => engine.waitRun(a.runId).catch(() => undefined)));
  await Promise.race([ended, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
}

/** Resolves at the first SIGINT or SIGTERM (Ctrl+C, systemctl stop, launchd). */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Test knob, honoured only with CRYPTSYNC_TEST=1: retry delays in seconds ("2,4") instead of
 * 5 and 30 minutes, so a test can watch retries happen.
 */
function retryDelays(env: NodeJS.ProcessEnv): readonly number[] {
  const raw = env.CRYPTSYNC_TEST === '1' ? env.CRYPTSYNC_TEST_RETRY_SECONDS : undefined;
  if (raw === undefined || raw === '') return DEFAULT_RETRY_DELAYS_MS;
  if (!/^\d+(,\d+)*$/.test(raw)) throw new UsageError(`CRYPTSYNC_TEST_RETRY_SECONDS: expected seconds such as "2,4", got "${raw}"`);
  return raw.split(',').map((s) => Number(s) * 1000);
}

function stamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** One line per event worth a log line; null for the rest (progress, step events). */
export function schedulerLine(e: EngineEvent): string | null {
  switch (e.type) {
    case 'run-start':
      return e.dryRun ? null : `run #${e.runId} of ${e.task} started${e.external ? ' by another process' : ` (${e.startedBy ?? 'manual'})`}`;
    case 'run-end':
      return e.estimate ? null : `run #${e.runId} of ${e.task}: ${e.status} in ${Math.round(e.durationMs / 1000)} s (exit code ${e.exitCode})`;
    case 'log':
      return e.level === 'error' ? `run #${e.runId} ${e.step}: ${e.message.split('\n')[0]}` : null;
    case 'notice':
      return `${e.level === 'warning' ? 'warning: ' : ''}${e.message}`;
    default:
      return null;
  }
}

export interface RunningScheduler {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/** Takes the lock (throws SCHEDULER_HELD, exit code 4, when another process holds it) and starts scheduling. */
export function startScheduling(engine: Engine, io: CliIo, o: { command: string; json: boolean }): RunningScheduler {
  const lock = acquireSchedulerLock(engine.home, { command: o.command, profile: engine.profile });
  const scheduler = new Scheduler(engine, { retryDelaysMs: retryDelays(io.env) });
  const unsubscribe = engine.subscribe((e) => {
    if (e.type !== 'run-start' && e.type !== 'run-end' && e.type !== 'notice' && e.type !== 'log') return;
    if (o.json) {
      if (e.type !== 'log') jsonLine(io, { ...e, at: new Date().toISOString() });
      return;
    }
    const line = schedulerLine(e);
    if (line) out(io, `${stamp()} ${line}`);
  });
  scheduler.start();
  return {
    scheduler,
    async stop() {
      scheduler.stop();
      await abortActiveRuns(engine);
      unsubscribe();
      lock.release();
    },
  };
}
