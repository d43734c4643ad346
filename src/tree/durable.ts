// Makes written files and folder entries durable: survives a power loss, not only a kill. Node has
// no syncfs(2), so a whole group of freshly written files is flushed with one `sync -f` (coreutils:
// syncfs on the filesystem holding each path given), far cheaper than an fdatasync per small
// file; where that is unavailable (not Linux, old coreutils) or fails, each file is fdatasync'ed
// instead, several at once. Folder entries (renames, creations, deletions) become durable the
// same way: one syncfs per filesystem, else an fsync of each folder. Paths may be raw-byte strings (crypt/names-on-disk.ts). Must never
// change file contents or names.
import { open, stat } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { fsPath, hasRawBytes } from '../crypt/names-on-disk.js';
import { mapLimit } from '../util/map-limit.js';

/** fdatasync / fsync calls in flight at once (the libuv pool runs them; the disk queues them) */
const SYNC_CONCURRENCY = 8;

/** false once `sync -f` failed: the rest of this process syncs file by file (CRYPTSYNC_NO_SYNCFS=1 forces that) */
let syncfsUsable = process.platform === 'linux' && process.env.CRYPTSYNC_NO_SYNCFS !== '1';

function syncfsOf(paths: string[]): Promise<boolean> {
  // argv is text: a name that is not UTF-8 cannot reach sync(1) byte for byte
  if (!syncfsUsable || paths.length === 0 || paths.some(hasRawBytes)) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('sync', ['-f', '--', ...paths], (e) => {
      if (e) syncfsUsable = false;
      resolve(!e);
    });
  });
}

async function syncOne(path: string, data: boolean): Promise<void> {
  const fh = await open(fsPath(path), 'r');
  try {
    if (data) await fh.datasync();
    else await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Makes the contents of `files` durable. `fsRoots` holds one path on each filesystem the files
 * live on: one syncfs each covers every file written there before the call. Falls back to an
 * fdatasync per file. Rejects only when a file cannot be synced (EIO, gone).
 */
export async function flushFiles(files: string[], fsRoots: string[]): Promise<void> {
  if (files.length === 0) return;
  if (await syncfsOf(fsRoots)) return;
  await mapLimit(files, SYNC_CONCURRENCY, (f) => syncOne(f, true));
}

/** errors of a folder fsync that mean "nothing to make durable here", not a failure */
const FOLDER_SKIP = new Set(['ENOENT', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

/**
 * Makes the entries renamed into, created in or removed from `dirs` durable: one syncfs per
 * filesystem the folders live on (it commits every folder's metadata at once), else an fsync of
 * each folder. A folder that is gone (removed later in the same run) is skipped, as is one whose
 * filesystem cannot sync folders (EINVAL); any other failure rejects.
 */
export async function syncFolders(dirs: Iterable<string>): Promise<void> {
  const list = [...dirs];
  if (list.length === 0) return;
  const perDevice = new Map<number, string>();
  for (const d of list) {
    try {
      const st = await stat(fsPath(d));
      if (!perDevice.has(st.dev)) perDevice.set(st.dev, d);
    } catch (e) {
      if (!FOLDER_SKIP.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
  if (await syncfsOf([...perDevice.values()])) return;
  await mapLimit(list, SYNC_CONCURRENCY, async (d) => {
    try {
      await syncOne(d, false);
    } catch (e) {
      if (!FOLDER_SKIP.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  });
}
