// A throw-away account that can log in over ssh with a password (useradd + chpasswd; root only),
// for the ssh set-up tests: its home sits in `parent`, which is opened for it to reach.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export const IS_ROOT = process.getuid?.() === 0;

export interface PasswordUser {
  name: string;
  password: string;
  home: string;
  remove(): void;
}

export async function makePasswordUser(prefix: string, parent: string): Promise<PasswordUser> {
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  await chmod(parent, 0o711); // the account must reach its home inside it
  const home = join(parent, 'user-home');
  await mkdir(home, { mode: 0o755 });
  execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', name]);
  execFileSync('chpasswd', { input: `${name}:${password}\n` });
  const id = Number(execFileSync('id', ['-u', name]).toString().trim());
  await chown(home, id, id);
  return { name, password, home, remove: () => void spawnSync('userdel', [name]) };
}
