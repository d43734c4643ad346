// Real servers that rclone itself provides, for tests: `rclone serve sftp` and `rclone serve webdav`
// on 127.0.0.1, a free port, a random user and password, over a given folder. The sftp server gets
// a fresh ed25519 host key, and the remote section pins it with known_hosts_file, so rclone checks
// the host key (without that file rclone 1.60 accepts any key; it never prompts either way).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ServeKind = 'sftp' | 'webdav';

export interface ServedRemote {
  kind: ServeKind;
  port: number;
  user: string;
  pass: string;
  /** the folder served */
  root: string;
  /** the rclone.conf section for it, named `name` */
  confSection(name: string, o?: { pass?: string }): string;
  /** stops the server (SIGTERM, then SIGKILL after 3 s); its host key stays pinned, so a client sees "server down" */
  stop(): Promise<void>;
  /** stop() and remove the host key and known_hosts files */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** rclone's own obscuring of a password for rclone.conf */
export function rcloneObscure(pass: string): string {
  const r = spawnSync('rclone', ['obscure', '-'], { input: pass, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rclone obscure failed: ${r.stderr}`);
  return r.stdout.trim();
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Starts `rclone serve KIND root` and waits until it accepts connections (at most 20 s). */
export async function startRcloneServe(kind: ServeKind, root: string): Promise<ServedRemote> {
  const keys = await mkdtemp(join(tmpdir(), 'cryptsync-serve-'));
  const conf = join(keys, 'serve.conf');
  await writeFile(conf, '');
  const user = `u${randomBytes(4).toString('hex')}`;
  const pass = randomBytes(16).toString('hex');
  const port = await freePort();
  const args = ['serve', kind, root, '--config', conf, '--addr', `127.0.0.1:${port}`, '--user', user, '--pass', pass];
  let knownHosts = '';
  if (kind === 'sftp') {
    const key = join(keys, 'host_ed25519');
    const g = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    if (g.status !== 0) throw new Error(`ssh-keygen failed: ${String(g.stderr)}`);
    // an empty authorized_keys: password logins only, whatever keys the user running tests has
    await writeFile(join(keys, 'authorized_keys'), '');
    args.push('--key', key, '--authorized-keys', join(keys, 'authorized_keys'));
    knownHosts = join(keys, 'known_hosts');
    const pub = (await readFile(`${key}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    await appendFile(knownHosts, `[127.0.0.1]:${port} ${pub}\n`);
  }
  // the password is on argv here only because this is a throwaway test server on loopback
  const child: ChildProcess = spawn('rclone', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async (): Promise<void> => {
    if (!gone) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  const dispose = async (): Promise<void> => {
    await stop();
    await rm(keys, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (gone || Date.now() > deadline) {
      await dispose();
      throw new Error(`rclone serve ${kind} did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const confSection = (name: string, o: { pass?: string } = {}): string => {
    const p = rcloneObscure(o.pass ?? pass);
    if (kind === 'sftp') {
      // shell_type none: rclone runs no commands on the server (serve sftp has no shell)
      return `[${name}]\ntype = sftp\nhost = 127.0.0.1\nport = ${port}\nuser = ${user}\npass = ${p}\nknown_hosts_file = ${knownHosts}\nshell_type = none\n\n`;
    }
    return `[${name}]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\nuser = ${user}\npass = ${p}\n\n`;
  };
  return { kind, port, user, pass, root, confSection, stop, dispose };
}
