// Test helpers around the real rclone binary and the shared crypt vectors: write an rclone.conf,
// run rclone, copy the vectors to a writable temp folder (restoring what git loses).
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, utimes, writeFile, chmod, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { obscure } from '../../src/crypt/index.js';

/** The shared vectors sit beside the project root (../shared), wherever the project is cloned. */
export const VECTORS_SOURCE =
  process.env.CRYPT_VECTORS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'crypt-vectors');

/** The empty folders a git checkout of the vectors loses (relative to the vectors root). */
export const VECTOR_EMPTY_DIRS = [
  'enc/std_pw/omm6gsrjl6urk3bs9hgns4ii8g',
  'enc/std_pw_salt/7ts81eb1vg3s117pg4g00vchhc',
  'enc/std_b32768/褶䁜铕䈛盋鞑楜㢒䢿',
  'enc/std_nodir/empty dir',
  'enc/off/empty dir',
  'enc/nodata/omm6gsrjl6urk3bs9hgns4ii8g',
  'enc/std_b64/xaxoc3OpvboNfExhfhJSRA',
  'enc/obf/142.fnquz ejs',
  'enc/emptypw/0vnoaroqp5onq61tb5upuoa77c',
  'plain/empty dir',
];
/** 2024-01-02 03:04:05.123456789 UTC; utimes takes seconds as a float (microsecond precision survives) */
export const VECTOR_MTIME_SECONDS = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000 + 0.123456789;

export interface RcloneRemote {
  name: string;
  /** key = value pairs; `password`/`password2` given in plain text are obscured when `plainPasswords` is set */
  options: Record<string, string>;
}

export async function writeRcloneConf(dir: string, remotes: RcloneRemote[], opts: { plainPasswords?: boolean } = {}): Promise<string> {
  const lines: string[] = [];
  for (const r of remotes) {
    lines.push(`[${r.name}]`);
    for (const [k, v] of Object.entries(r.options)) {
      const value = opts.plainPasswords && (k === 'password' || k === 'password2') ? obscure(v) : v;
      lines.push(`${k} = ${value}`);
    }
    lines.push('');
  }
  const path = join(dir, 'rclone.conf');
  await writeFile(path, lines.join('\n'), { mode: 0o600 });
  return path;
}

export interface RcloneResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the real rclone. `input` is fed to stdin (for rcat). */
export function rclone(args: string[], opts: { config: string; cwd?: string; input?: Buffer; env?: NodeJS.ProcessEnv }): Promise<RcloneResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('rclone', ['--config', opts.config, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => errs.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(errs).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? Buffer.alloc(0));
  });
}

/** Nanosecond-exact file mtimes need touch(1): fs.utimes takes a double and loses the last digits. */
export const VECTOR_MTIME_TOUCH = '2024-01-02 03:04:05.123456789 UTC';

async function setMtimes(dir: string): Promise<void> {
  const r = spawnSync('find', [dir, '-type', 'f', '-exec', 'touch', '-d', VECTOR_MTIME_TOUCH, '{}', '+']);
  if (r.status === 0) return;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await setMtimes(p);
    else await utimes(p, VECTOR_MTIME_SECONDS, VECTOR_MTIME_SECONDS);
  }
}

async function makeWritable(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const st = await lstat(p);
    await chmod(p, e.isDirectory() ? 0o755 : (st.mode & 0o777) | 0o600);
    if (e.isDirectory()) await makeWritable(p);
  }
}

/** Copies the vectors into a fresh temp dir, recreating empty folders and mtimes. Returns the dir and a cleanup. */
export async function copyVectors(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'cryptsync-vectors-'));
  const dir = join(base, 'crypt-vectors');
  await cp(VECTORS_SOURCE, dir, { recursive: true });
  await chmod(dir, 0o755);
  await makeWritable(dir);
  for (const d of VECTOR_EMPTY_DIRS) await mkdir(join(dir, d), { recursive: true });
  await setMtimes(dir);
  return { dir, cleanup: () => rm(base, { recursive: true, force: true }) };
}

export async function tempDir(prefix = 'cryptsync-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
