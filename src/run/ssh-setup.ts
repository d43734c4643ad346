// Setting up ssh to a server for the user, as a careful admin would: read the server's host key
// and show its fingerprint, trust it only after the user confirmed that fingerprint (written to
// cryptsync's own known_hosts, never StrictHostKeyChecking=no), make an ed25519 key when there is
// none, install it with ssh-copy-id when a password login is possible, and prove that a batch-mode
// key login works. Programs run with argv arrays; the password reaches ssh only through an askpass
// helper's environment, never argv, a file or a log. No printing: each step is reported through
// `onStep`, and questions go to the caller's `confirmHostKey`.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptsyncError, UsageError } from '../util/errors.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../util/home.js';

export interface HostKey {
  type: string;
  /** base64 key blob as in known_hosts */
  key: string;
  /** OpenSSH style `SHA256:…` */
  fingerprint: string;
}

export interface SshSetupInput {
  host: string;
  user?: string;
  port?: number;
  /** private key to use; default: `<home>/ssh/id_ed25519`, made when missing */
  keyPath?: string;
  /** asked only when the key is not installed yet: the account's password for ssh-copy-id (undefined: none) */
  askPassword?: () => Promise<string | undefined>;
  /** asked with the fingerprints of a host not trusted yet; true trusts them */
  confirmHostKey(keys: HostKey[]): Promise<boolean>;
  onStep?: (step: SshSetupStep) => void;
  env?: NodeJS.ProcessEnv;
}

export interface SshSetupStep {
  step: 'host-key' | 'key' | 'login' | 'install';
  status: 'ok' | 'done' | 'failed';
  detail: string;
}

export interface SshSetupResult {
  host: string;
  port: number;
  user?: string;
  keyPath: string;
  knownHostsPath: string;
  /** the ssh options a task needs to reach this server the same way */
  sshOptions: string[];
  steps: SshSetupStep[];
}

const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.$-]*$/;
const TIMEOUT_S = 10;

/** cryptsync's own ssh files: known_hosts and the key it makes */
export function sshDir(home: string): string {
  return join(home, 'ssh');
}

export function fingerprintOf(keyBase64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** the host as known_hosts names it: `host` on port 22, else `[host]:port` */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function run(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', (e) => resolve({ code: null, out, err: e.message }));
    c.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The server's host keys, read with ssh-keyscan. */
export async function scanHostKeys(host: string, port: number, env?: NodeJS.ProcessEnv): Promise<HostKey[]> {
  const r = await run('ssh-keyscan', ['-T', String(TIMEOUT_S), '-p', String(port), '-t', 'ed25519,ecdsa,rsa', '--', host], env ? { env } : {});
  const keys: HostKey[] = [];
  for (const line of r.out.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 3 || line.startsWith('#')) continue;
    const [, type, key] = parts as [string, string, string];
    keys.push({ type, key, fingerprint: fingerprintOf(key) });
  }
  if (keys.length === 0) {
    const why = r.code === null ? r.err : (r.err.split('\n').find((l) => l && !l.startsWith('#')) ?? 'no answer');
    throw new CryptsyncError('external', 'SSH_NO_HOST_KEY', `cannot read the host key of ${host} port ${port}: ${why.trim() || 'no ssh server answered'}`, { subject: host });
  }
  return keys;
}

/** Keys known_hosts already holds for this host (type -> key). */
async function knownKeys(file: string, name: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const [names, type, key] = line.trim().split(/\s+/);
    if (names && type && key && names.split(',').includes(name)) out.set(type, key);
  }
  return out;
}

function sshOptionsFor(knownHostsPath: string): string[] {
  return [`UserKnownHostsFile=${knownHostsPath}`, 'StrictHostKeyChecking=yes', `ConnectTimeout=${TIMEOUT_S}`];
}

function checkInput(i: SshSetupInput): number {
  if (!HOST.test(i.host) || i.host.startsWith('-')) throw new UsageError(`not a host name or address: '${i.host}'`, 'host');
  if (i.user !== undefined && (!USER.test(i.user) || i.user.startsWith('-'))) throw new UsageError(`not a user name: '${i.user}'`, 'user');
  const port = i.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`port must be 1..65535, got ${port}`, 'port');
  return port;
}

/** ssh options (-o) and the login as ssh and ssh-copy-id take them */
function loginArgs(r: Pick<SshSetupResult, 'port' | 'keyPath' | 'sshOptions'>, dest: string, extra: string[]): string[] {
  return ['-p', String(r.port), '-i', r.keyPath, '-o', 'IdentitiesOnly=yes', ...r.sshOptions.flatMap((o) => ['-o', o]), ...extra, dest];
}

/** Does a batch-mode key login work? '' when it does, else ssh's last line. */
async function keyLogin(r: SshSetupResult, dest: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const res = await run('ssh', [...loginArgs(r, dest, ['-o', 'BatchMode=yes', '-o', 'PasswordAuthentication=no']), '--', 'true'], env ? { env } : {});
  return res.code === 0 ? '' : res.err.trim().split('\n').pop() || `ssh exit code ${res.code}`;
}

async function ensureKey(path: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  if (existsSync(path)) {
    if (!existsSync(`${path}.pub`)) {
      const pub = await run('ssh-keygen', ['-y', '-f', path], env ? { env } : {});
      if (pub.code !== 0) throw new CryptsyncError('config', 'SSH_KEY_UNREADABLE', `cannot read the ssh key ${path}: ${pub.err.trim()}`, { subject: path });
      await writeFile(`${path}.pub`, pub.out);
    }
    return false;
  }
  const r = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `cryptsync@${hostname()}`, '-f', path], env ? { env } : {});
  if (r.code !== 0) throw new CryptsyncError('io', 'SSH_KEYGEN_FAILED', `ssh-keygen could not make ${path}: ${r.err.trim()}`, { subject: path });
  return true;
}

/** ssh-copy-id with the password handed over by an askpass helper that reads it from its env. */
async function installKey(r: SshSetupResult, dest: string, password: string, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cryptsync-askpass-'));
  try {
    const helper = join(dir, 'askpass');
    await writeFile(helper, '#!/bin/sh\nprintf \'%s\\n\' "$CRYPTSYNC_SSH_PASSWORD"\n', { mode: 0o700 });
    const childEnv: NodeJS.ProcessEnv = { ...env, SSH_ASKPASS: helper, SSH_ASKPASS_REQUIRE: 'force', CRYPTSYNC_SSH_PASSWORD: password };
    const args = ['-i', `${r.keyPath}.pub`, '-p', String(r.port), ...r.sshOptions.flatMap((o) => ['-o', o]), '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', dest];
    const res = await new Promise<{ code: number | null; err: string }>((resolve) => {
      // setsid-like: no controlling terminal, so ssh asks the helper instead of the terminal
      const c = spawn('ssh-copy-id', args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv, detached: true });
      let err = '';
      c.stdout.on('data', (d: Buffer) => (err += d.toString()));
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('error', (e) => resolve({ code: null, err: e.message }));
      c.on('close', (code) => resolve({ code, err }));
    });
    if (res.code === 0) return '';
    const line = res.err.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('/usr/bin/ssh-copy-id: INFO')).pop();
    return line?.replace(password, '***') || `ssh-copy-id exit code ${res.code}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The whole set-up. Refuses a host whose key differs from the one trusted before (that is what
 * an attack looks like) and a host key the user did not confirm.
 */
export async function setUpSsh(home: string, i: SshSetupInput): Promise<SshSetupResult> {
  const port = checkInput(i);
  const env = i.env ?? process.env;
  const dir = sshDir(home);
  ensurePrivateDir(dir);
  const knownHostsPath = join(dir, 'known_hosts');
  const steps: SshSetupStep[] = [];
  const report = (s: SshSetupStep): void => {
    steps.push(s);
    i.onStep?.(s);
  };
  const result: SshSetupResult = {
    host: i.host,
    port,
    ...(i.user !== undefined ? { user: i.user } : {}),
    keyPath: i.keyPath ?? join(dir, 'id_ed25519'),
    knownHostsPath,
    sshOptions: sshOptionsFor(knownHostsPath),
    steps,
  };
  const dest = i.user ? `${i.user}@${i.host}` : i.host;

  const name = knownHostsName(i.host, port);
  const scanned = await scanHostKeys(i.host, port, env);
  const known = await knownKeys(knownHostsPath, name);
  const changed = scanned.filter((k) => known.has(k.type) && known.get(k.type) !== k.key);
  if (changed.length > 0) {
    throw new CryptsyncError(
      'guard',
      'SSH_HOST_KEY_CHANGED',
      `the ${changed[0]!.type} host key of ${name} CHANGED (now ${changed[0]!.fingerprint}): someone may be impersonating the server. ` +
        `If the server was reinstalled, check the new fingerprint with its admin, then remove the old key: ssh-keygen -R '${name}' -f ${knownHostsPath}`,
      { subject: i.host },
    );
  }
  if (scanned.some((k) => known.get(k.type) === k.key)) {
    report({ step: 'host-key', status: 'ok', detail: `${name} is already trusted (${scanned.find((k) => known.get(k.type) === k.key)!.fingerprint})` });
  } else {
    if (!(await i.confirmHostKey(scanned))) {
      throw new CryptsyncError('guard', 'SSH_HOST_KEY_NOT_TRUSTED', `the host key of ${name} was not confirmed; nothing was changed`, { subject: i.host });
    }
    await appendFile(knownHostsPath, scanned.map((k) => `${name} ${k.type} ${k.key}\n`).join(''), { mode: PRIVATE_FILE_MODE });
    await chmod(knownHostsPath, PRIVATE_FILE_MODE);
    report({ step: 'host-key', status: 'done', detail: `trusted ${name}: ${scanned.map((k) => `${k.type} ${k.fingerprint}`).join(', ')} (in ${knownHostsPath})` });
  }

  const made = await ensureKey(result.keyPath, env);
  report({ step: 'key', status: made ? 'done' : 'ok', detail: made ? `made a new ed25519 key ${result.keyPath}` : `using the key ${result.keyPath}` });

  const first = await keyLogin(result, dest, env);
  if (first === '') {
    report({ step: 'login', status: 'ok', detail: `batch-mode key login to ${dest} port ${port} works` });
    return result;
  }
  const password = await i.askPassword?.();
  if (password === undefined || password === '') {
    report({ step: 'login', status: 'failed', detail: `the key is not accepted by ${dest} yet (${first})` });
    throw new CryptsyncError('external', 'SSH_KEY_NOT_INSTALLED', `the key ${result.keyPath} is not installed on ${dest} port ${port} (${first}); give the account's password once (--password-env VAR, or at the prompt) to install it, or add ${result.keyPath}.pub to ~/.ssh/authorized_keys there`, { subject: i.host });
  }
  const why = await installKey(result, dest, password, env);
  if (why !== '') {
    report({ step: 'install', status: 'failed', detail: why });
    throw new CryptsyncError('external', 'SSH_COPY_ID_FAILED', `could not install the key on ${dest} port ${port}: ${why}`, { subject: i.host });
  }
  report({ step: 'install', status: 'done', detail: `installed ${result.keyPath}.pub on ${dest} (ssh-copy-id)` });
  const second = await keyLogin(result, dest, env);
  if (second !== '') {
    report({ step: 'login', status: 'failed', detail: second });
    throw new CryptsyncError('external', 'SSH_LOGIN_FAILED', `the key was installed but a batch-mode login to ${dest} port ${port} still fails: ${second}`, { subject: i.host });
  }
  report({ step: 'login', status: 'ok', detail: `batch-mode key login to ${dest} port ${port} works` });
  return result;
}

/** ssh option keys the set-up decides; a task's other options are kept */
const SET_UP_KEYS = new Set(['userknownhostsfile', 'stricthostkeychecking', 'connecttimeout', 'identitiesonly']);

/** The fields of an rsync task that make its runs use this set-up (key, port, known_hosts). */
export function taskPatchFor(task: { sshOptions?: string[] | undefined }, r: SshSetupResult): { sshKey: string; sshPort: number; sshOptions: string[] } {
  const kept = (task.sshOptions ?? []).filter((o) => !SET_UP_KEYS.has(o.slice(0, o.indexOf('=')).toLowerCase()));
  return { sshKey: r.keyPath, sshPort: r.port, sshOptions: [...kept, ...r.sshOptions] };
}
