// Installs the Debian packages cryptsync and its tests need, when they are missing.
// Dependency-free on purpose: it runs before `npm ci`. As root it uses apt-get; otherwise it
// stops with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** binary to look for -> Debian package that provides it */
export const RUNTIME_PACKAGES = [
  ['rsync', 'rsync'],
  ['ssh', 'openssh-client'],
];
export const TEST_PACKAGES = [
  ['rclone', 'rclone'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['chromium', 'chromium'],
  ['strace', 'strace'],
  // systemd-analyze verify checks the unit `cryptsync service install` writes
  ['systemd-analyze', 'systemd'],
  // a certificate for the STARTTLS test of e-mail notifications
  ['openssl', 'openssl'],
];

function has(bin) {
  if (bin.startsWith('/')) return existsSync(bin);
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function ensureSystemPackages(list) {
  const missing = [...new Set(list.filter(([bin]) => !has(bin)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error(`cryptsync needs these Debian packages: ${missing.join(', ')}.`);
    console.error(`Install them as root, then run this command again:\n  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.error(`Installing Debian packages: ${missing.join(', ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/** Installs npm dependencies (and builds through `prepare`) when node_modules is missing or stale. */
export function ensureNpmDeps(root) {
  const stamp = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(stamp)) {
    console.error('Installing npm dependencies (npm ci) ...');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  }
}

export function build(root) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
