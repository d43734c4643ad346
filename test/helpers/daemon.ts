// `cryptsync daemon --json` as a real process for scheduler tests: its JSON lines as they come,
// a wait for a line that matches, and a stop (SIGTERM) that resolves with the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export interface DaemonProcess {
  proc: ChildProcess;
  events(): Array<Record<string, unknown>>;
  output(): string;
  /** resolves with the first event (in arrival order, counting from the start) for which `pred` holds */
  waitFor(pred: (e: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** resolves when `n` events match */
  waitForCount(pred: (e: Record<string, unknown>) => boolean, n: number, what: string, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<number | null>;
}

export function startDaemon(env: NodeJS.ProcessEnv, args: string[] = []): DaemonProcess {
  const proc = spawn(process.execPath, [BIN, 'daemon', '--json', ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const events: Array<Record<string, unknown>> = [];
  let partial = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.trim().startsWith('{')) events.push(JSON.parse(l) as Record<string, unknown>);
  });
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  const waitForCount = async (pred: (e: Record<string, unknown>) => boolean, n: number, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = events.filter(pred);
      if (hits.length >= n) return hits.slice(0, n);
      if (proc.exitCode !== null) throw new Error(`daemon exited (${proc.exitCode}) before ${what}:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    proc,
    events: () => events,
    output,
    waitFor: async (pred, what, timeoutMs) => (await waitForCount(pred, 1, what, timeoutMs))[0] as Record<string, unknown>,
    waitForCount,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
