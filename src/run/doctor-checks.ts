// The checks `cryptsync doctor` is made of, shared by the step drivers: a folder exists, free
// space, a server answers on TCP, a program runs.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { statfs, stat } from 'node:fs/promises';
import { describeError } from '../util/errors.js';
import type { DoctorCheck } from './steps/driver.js';

export type { DoctorCheck };

const TCP_TIMEOUT_MS = 5000;

export function tcpReachable(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (err: string | null) => {
      sock.destroy();
      resolve(err);
    };
    sock.setTimeout(TCP_TIMEOUT_MS, () => done(`no answer within ${TCP_TIMEOUT_MS / 1000} s`));
    sock.once('connect', () => done(null));
    sock.once('error', (e) => done(e.message));
  });
}

export function sshArgs(task: { sshPort?: number | undefined; sshKey?: string | undefined; sshOptions?: string[] | undefined }, userHost: string, remoteCmd: string[]): string[] {
  const a = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'];
  if (task.sshPort) a.push('-p', String(task.sshPort));
  if (task.sshKey) a.push('-i', task.sshKey);
  for (const o of task.sshOptions ?? []) a.push('-o', o);
  return [...a, userHost, '--', ...remoteCmd];
}

export function runProgram(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', (e) => resolve({ code: null, out: e.message }));
    c.on('close', (code) => resolve({ code, out }));
  });
}

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export async function folderCheck(task: string, label: string, path: string): Promise<DoctorCheck> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return { task, check: label, status: 'error', detail: `${path} is not a folder` };
    return { task, check: label, status: 'ok', detail: path };
  } catch {
    return { task, check: label, status: 'error', detail: `${path} does not exist` };
  }
}

export async function freeSpace(task: string, path: string): Promise<DoctorCheck> {
  try {
    const s = await statfs(path);
    return { task, check: 'free space', status: 'ok', detail: `${humanBytes(s.bavail * s.bsize)} free at ${path}` };
  } catch (e) {
    return { task, check: 'free space', status: 'warning', detail: `cannot tell for ${path}: ${describeError(e)}` };
  }
}

