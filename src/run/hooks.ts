// Pre- and post-commands of a task: spawned from an argv array (never a shell), output kept in a
// bounded tail, success judged by the exit code.
import { spawn } from 'node:child_process';
import { TailBuffer } from '../util/tail-buffer.js';

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
