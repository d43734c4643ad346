// `cryptsync doctor`: checks that a task can run before it runs: rsync present (and its
// version), folders exist, the crypt remote loads and its password fits the catalog, the server
// answers on TCP and accepts a batch-mode ssh login, free space on the destination.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { statfs, stat } from 'node:fs/promises';
import { rsyncVersion } from '../rsync/index.js';
import { parseRemoteSide, type Task } from '../tasks/index.js';
import { openCryptRemote } from '../rclone/index.js';
import { describeError } from '../util/errors.js';
import { humanBytes } from '../util/human-bytes.js';
import { checkCatalogPassword } from '../sync/index.js';
import type { Engine } from './engine.js';

export interface DoctorCheck {
  task?: string;
  check: string;
  status: 'ok' | 'warning' | 'error';
  detail: string;
}

const TCP_TIMEOUT_MS = 5000;

function tcpReachable(host: string, port: number): Promise<string | null> {
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

function sshArgs(task: Task & { sshPort?: number | undefined; sshKey?: string | undefined; sshOptions?: string[] | undefined }, userHost: string, remoteCmd: string[]): string[] {
  const a = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5'];
  if (task.sshPort) a.push('-p', String(task.sshPort));
  if (task.sshKey) a.push('-i', task.sshKey);
  for (const o of task.sshOptions ?? []) a.push('-o', o);
  return [...a, userHost, '--', ...remoteCmd];
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', (e) => resolve({ code: null, out: e.message }));
    c.on('close', (code) => resolve({ code, out }));
  });
}

async function folderCheck(task: string, label: string, path: string): Promise<DoctorCheck> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) return { task, check: label, status: 'error', detail: `${path} is not a folder` };
    return { task, check: label, status: 'ok', detail: path };
  } catch {
    return { task, check: label, status: 'error', detail: `${path} does not exist` };
  }
}

async function freeSpace(task: string, path: string): Promise<DoctorCheck> {
  try {
    const s = await statfs(path);
    return { task, check: 'free space', status: 'ok', detail: `${humanBytes(s.bavail * s.bsize)} free at ${path}` };
  } catch (e) {
    return { task, check: 'free space', status: 'warning', detail: `cannot tell for ${path}: ${describeError(e)}` };
  }
}

async function checkTask(engine: Engine, task: Task): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const n = task.name;
  if (task.type === 'encrypt') {
    out.push(await folderCheck(n, 'source folder', task.source));
    try {
      const r = await openCryptRemote(task.remote, task.config ?? engine.rcloneConfig, engine.env);
      await checkCatalogPassword({ cipher: r.cipher, root: r.root }, task.remote);
      out.push({ task: n, check: 'crypt remote', status: 'ok', detail: `${task.remote} loads; catalog at ${r.root}` });
    } catch (e) {
      out.push({ task: n, check: 'crypt remote', status: 'error', detail: describeError(e) });
    }
    return out;
  }
  const remoteSpec = task.type === 'syncremote' ? task.source : task.dest;
  const localSpec = task.type === 'syncremote' ? task.dest : task.source;
  if (task.type !== 'syncremote') out.push(await folderCheck(n, 'source folder', localSpec));
  const side = parseRemoteSide(remoteSpec);
  if (!side) {
    out.push(await freeSpace(n, task.type === 'syncremote' ? localSpec : remoteSpec));
    return out;
  }
  const port = task.sshPort ?? (side.daemon ? 873 : 22);
  const tcp = await tcpReachable(side.host, port);
  if (tcp) {
    out.push({ task: n, check: 'server reachable', status: 'error', detail: `${side.host} port ${port}: ${tcp}` });
    return out;
  }
  out.push({ task: n, check: 'server reachable', status: 'ok', detail: `${side.host} port ${port} answers` });
  if (side.daemon) return out;
  const userHost = side.user ? `${side.user}@${side.host}` : side.host;
  const login = await run('ssh', sshArgs(task, userHost, ['df', '-Pk', side.path || '.']), engine.env);
  if (login.code === 0) {
    out.push({ task: n, check: 'ssh login', status: 'ok', detail: `batch-mode login to ${userHost} works` });
    const line = login.out.trim().split('\n').pop() ?? '';
    const avail = Number(line.split(/\s+/)[3]);
    if (Number.isFinite(avail)) out.push({ task: n, check: 'free space', status: 'ok', detail: `${humanBytes(avail * 1024)} free at ${userHost}:${side.path}` });
  } else if (login.code === 255) {
    out.push({ task: n, check: 'ssh login', status: 'error', detail: `ssh to ${userHost} port ${port} failed: ${login.out.trim().split('\n').pop()}` });
  } else {
    out.push({ task: n, check: 'ssh login', status: 'ok', detail: `batch-mode login to ${userHost} works` });
    out.push({ task: n, check: 'free space', status: 'warning', detail: `cannot tell for ${side.path}: ${login.out.trim().split('\n').pop()}` });
  }
  return out;
}

export async function runDoctor(engine: Engine, taskName?: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const v = await rsyncVersion();
  checks.push(
    v
      ? { check: 'rsync', status: 'ok', detail: `rsync ${v.version} (protocol ${v.protocol})` }
      : { check: 'rsync', status: 'error', detail: 'rsync is not installed or not on PATH (apt-get install rsync)' },
  );
  const tasks = taskName ? [engine.tasks.get(taskName)] : engine.tasks.list();
  for (const t of tasks) checks.push(...(await checkTask(engine, t)));
  return checks;
}
