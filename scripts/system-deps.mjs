// Installs the Debian packages cryptsync and its tests need, when they are missing.
// Dependency-free on purpose: it runs before `npm ci`. As root it uses apt-get; otherwise it
// stops with the exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { runWithHeartbeat } from './heartbeat.mjs';

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

export async function ensureSystemPackages(list) {
  const missing = [...new Set(list.filter(([bin]) => !has(bin)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error(`cryptsync needs these Debian packages: ${missing.join(', ')}.`);
    console.error(`Install them as root, then run this command again:\n  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.error(`Installing Debian packages: ${missing.join(', ')} (apt-get; chromium alone is a few minutes) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runWithHeartbeat('reading the Debian package lists', 'apt-get', ['update', '-qq'], { env });
  // without -qq apt prints a line per package it fetches, unpacks and sets up
  await runWithHeartbeat(`installing ${missing.join(', ')}`, 'apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/** "120 of 193 packages" while npm ci fills node_modules */
function npmProgress(root) {
  const lock = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8'));
  const fits = (list, value) => !Array.isArray(list) || list.some((x) => x === value || (x.startsWith('!') ? x.slice(1) !== value : false));
  const total = Object.entries(lock.packages ?? {}).filter(
    ([k, v]) => k.startsWith('node_modules/') && !k.slice(13).includes('/node_modules/') && fits(v.os, process.platform) && fits(v.cpu, process.arch),
  ).length;
  let have = 0;
  try {
    for (const name of readdirSync(`${root}/node_modules`)) {
      if (name.startsWith('.')) continue;
      have += name.startsWith('@') ? readdirSync(`${root}/node_modules/${name}`).length : 1;
    }
  } catch {
    have = 0;
  }
  return `${Math.min(have, total)} of ${total} packages in node_modules`;
}

/** Installs npm dependencies (and builds through `prepare`) when node_modules is missing or stale. */
export async function ensureNpmDeps(root) {
  const stamp = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(stamp)) {
    console.error('Installing npm dependencies (npm ci, about 2 minutes the first time) ...');
    await runWithHeartbeat('installing npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, progress: () => npmProgress(root) });
  }
}

export async function build(root) {
  console.error('Compiling cryptsync (tsc) ...');
  await runWithHeartbeat('compiling cryptsync', process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json'], { cwd: root });
}
