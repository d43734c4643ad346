// Runs the real `cryptsync` command as a process (bin/cryptsync.js), for end-to-end tests.
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'cryptsync.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cryptsync(args: string[], o: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: o.env, cwd: o.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}

/** Parses --json output: one JSON object per line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A clean environment for a cryptsync home: no RCLONE_CONFIG leaking in from the caller. */
export function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CRYPTSYNC_HOME: home, ...extra };
  delete env.RCLONE_CONFIG;
  delete env.CRYPTSYNC_DEBUG;
  return env;
}

/**
 * Starts `cryptsync ARGS`, waits until its stdout matches `ready` (it must still be running then),
 * sends SIGINT as Ctrl+C does, and resolves with the exit code and what it printed.
 */
export async function interruptWhen(args: string[], o: { env: NodeJS.ProcessEnv; ready: RegExp; delayMs?: number }): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: o.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<number | null>((res) => child.on('close', res));
  let exited = false;
  void closed.then(() => (exited = true));
  await new Promise<void>((res) => {
    const check = () => (o.ready.test(stdout) || exited ? res() : setTimeout(check, 50));
    check();
  });
  if (exited) throw new Error(`cryptsync ${args.join(' ')} ended before ${o.ready}:\n${stdout}`);
  if (o.delayMs) await new Promise((res) => setTimeout(res, o.delayMs));
  child.kill('SIGINT');
  return { code: await closed, stdout };
}
