// The private folder that ciphertext fetched from a server waits in before it is decrypted:
// `<home>/staging/<pid>-<random>/` (0700, like the home), removed when the caller is done —
// after success, failure or abort alike. Folders left by a process that no longer runs (killed,
// powered off) are removed the next time one is made. Holds ciphertext only (and, for a deep
// verify, plaintext the user already has); never anything outside the home.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_DIR_MODE } from '../util/home.js';
import { isProcessAlive } from './lock.js';

const STAGING_DIR = 'staging';
const OWNER = /^(\d{1,10})-/;

export function stagingRoot(home: string): string {
  return join(home, STAGING_DIR);
}

async function removeAbandoned(root: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(OWNER.exec(n)?.[1] ?? NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) await rm(join(root, n), { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh private staging folder and removes the folder whatever `fn` does. */
export async function withStaging<T>(home: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const root = stagingRoot(home);
  ensurePrivateDir(home);
  ensurePrivateDir(root);
  await removeAbandoned(root);
  const dir = await mkdtemp(join(root, `${process.pid}-`));
  await chmod(dir, PRIVATE_DIR_MODE);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
