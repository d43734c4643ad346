// Pre- and post-commands of a task: spawned from an argv array (never a shell), output kept in a
// bounded tail, success judged by the exit code.
import { spawn } from 'node:child_process';
import { TailBuffer } from '../util/tail-buffer.js';
import type { HookKind } from '../util/vocabulary.js';
import type { RunLog } from '../store/index.js';

export interface HookResult {
  exitCode: number | null;
  error?: string;
  tail: string;
}

export function runHook(argv: string[], o: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<HookResult> {
  const tail = new TailBuffer(16 * 1024);
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      resolve({ exitCode: null, error: 'empty command', tail: '' });
      return;
    }
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env, cwd: o.cwd, signal: o.signal });
    child.stdout.on('data', (d: Buffer) => tail.push(d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => tail.push(d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const error = e.code === 'ENOENT' ? `command not found: ${cmd}` : e.name === 'AbortError' ? 'aborted' : e.message;
      resolve({ exitCode: null, error, tail: tail.toString() });
    });
    child.on('close', (code, signal) => {
      resolve({ exitCode: code, ...(signal ? { error: `killed by ${signal}` } : {}), tail: tail.toString() });
    });
  });
}

/** A pre- or post-command as a step of the run log; `failure` is null when it exited 0. */
export async function runHookStep(
  kind: HookKind,
  argv: string[],
  o: { runId: number; log: RunLog; signal: AbortSignal; env: NodeJS.ProcessEnv },
): Promise<{ failure: string | null }> {
  const hook = await runHook(argv, { signal: o.signal, env: o.env });
  const stepId = o.log.startStep(o.runId, { kind, command: argv.join(' ') });
  const failure = hook.exitCode === 0 ? null : hook.error ?? `exit code ${hook.exitCode}`;
  o.log.finishStep(stepId, {
    status: failure === null ? 'ok' : 'failed',
    exitCode: hook.exitCode,
    message: failure === null ? null : `${kind}-command failed: ${failure}`,
    outputTail: hook.tail,
  });
  return { failure };
}
