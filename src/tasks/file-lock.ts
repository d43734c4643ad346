// A small cross-process lock around read-modify-write of tasks.json, so the CLI, the web server
// and a finishing run (snapshot number) cannot lose each other's edits. An exclusive-create lock
// file next to tasks.json holding the owner's pid; a lock whose owner is gone, or older than
// LOCK_STALE_MS, is from a killed process and is taken over. It guards only the short edit,
// never a whole run.
import { open, readFile, stat, unlink, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CryptsyncError } from '../util/errors.js';

export const LOCK_WAIT_MS = 5000;
export const LOCK_STALE_MS = 30_000;
const RETRY_MS = 15;

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(lockPath).catch(() => undefined);
      if (st && (Date.now() - st.mtimeMs > LOCK_STALE_MS || !(await ownerAlive(lockPath)))) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) {
        throw new CryptsyncError('conflict', 'TASKS_LOCKED', `${lockPath}: another cryptsync is editing the tasks; try again (remove the file if no cryptsync is running)`, {
          subject: lockPath,
        });
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function ownerAlive(lockPath: string): Promise<boolean> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  // no pid yet: the owner is between creating and writing the file
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
