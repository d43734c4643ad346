// A real OpenSSH server on a free loopback port, for tests that need rsync over ssh. Everything
// lives in a temp dir: generated host key and client key, authorized_keys, known_hosts, config,
// pid file. It must never touch ~/.ssh or the system sshd config (as root it only ensures that
// /run/sshd, sshd's required privilege-separation dir, exists).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const SSHD_PATH = '/usr/sbin/sshd';
const LOOPBACK = '127.0.0.1';
const PRIVSEP_DIR = '/run/sshd';
const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
const START_ATTEMPTS = 3;
const STOP_TIMEOUT_MS = 5_000;

export interface SshServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  /** private key for the client (ssh -i) */
  keyPath: string;
  knownHostsPath: string;
  /** KEY=VALUE items for ssh -o: pinned known_hosts, strict checking, no prompts */
  sshOptions: string[];
  /** the temp dir holding keys and config; tests may put server folders here too */
  dir: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /**
   * accounts that may also log in with their password (for ssh set-up tests); their keys are read
   * from their own ~/.ssh/authorized_keys, as ssh-copy-id writes them
   */
  passwordUsers?: string[];
}

export async function startSshd(opts: SshdOptions = {}): Promise<SshServer> {
  const dir = await mkdtemp(join(tmpdir(), 'cryptsync-sshd-'));
  try {
    if (process.getuid?.() === 0) await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    const hostKey = join(dir, 'host_ed25519');
    const keyPath = join(dir, 'client_ed25519');
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cryptsync-test-host', '-f', hostKey]);
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cryptsync-test-client', '-f', keyPath]);
    const authorizedKeys = join(dir, 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${keyPath}.pub`), { mode: 0o600 });
    const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const user = userInfo().username;

    let lastError = '';
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'sshd_config');
      await writeFile(configPath, sshdConfig({ port, dir, hostKey, authorizedKeys, user, passwordUsers: opts.passwordUsers ?? [] }));
      const knownHostsPath = join(dir, 'known_hosts');
      await writeFile(knownHostsPath, `[${LOOPBACK}]:${port} ${hostPub}\n`);
      const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < 8192) stderr += c.toString();
      });
      const ready = await waitForBanner(port, child);
      if (!ready) {
        await killAndWait(child);
        lastError = stderr.trim() || 'sshd did not answer';
        continue;
      }
      const sshOptions = [
        `UserKnownHostsFile=${knownHostsPath}`,
        'GlobalKnownHostsFile=/dev/null',
        'StrictHostKeyChecking=yes',
        'BatchMode=yes',
        'IdentitiesOnly=yes',
        'PasswordAuthentication=no',
        'ConnectTimeout=10',
      ];
      return {
        host: LOOPBACK,
        port,
        user,
        keyPath,
        knownHostsPath,
        sshOptions,
        dir,
        stop: async () => {
          await killAndWait(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error(`could not start ${SSHD_PATH}: ${lastError}`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function sshdConfig(c: { port: number; dir: string; hostKey: string; authorizedKeys: string; user: string; passwordUsers: string[] }): string {
  return [
    `Port ${c.port}`,
    `ListenAddress ${LOOPBACK}`,
    `HostKey ${c.hostKey}`,
    `PidFile ${join(c.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${c.authorizedKeys}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    `AllowUsers ${[c.user, ...c.passwordUsers].join(' ')}`,
    'LogLevel ERROR',
    // Nothing from the login user's home (~/.ssh/rc, environment) and no slow lookups per login.
    'PermitUserRC no',
    'PermitUserEnvironment no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    ...c.passwordUsers.flatMap((u) => [`Match User ${u}`, '  PasswordAuthentication yes', '  AuthorizedKeysFile .ssh/authorized_keys']),
    '',
  ].join('\n');
}

/** A port the kernel just handed out; sshd may still lose a race for it, hence the retries. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** true once the server sends its SSH banner; false if sshd exits or time runs out */
async function waitForBanner(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await readsBanner(port)) return true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return false;
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: LOOPBACK, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d: Buffer) => done(d.toString().startsWith('SSH-')));
    sock.once('error', () => done(false));
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
