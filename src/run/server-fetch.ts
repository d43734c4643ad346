// Fetches chosen ciphertext files (and folders) from a server copy into a local folder with ONE
// real rsync: `--files-from` (NUL-separated, so any name works) over the task's own ssh settings
// (rsyncSshArgs: key, port, options, BatchMode). Only the listed paths travel; nothing is ever
// written on the server. Progress comes from rsync's --info=progress2; abort stops rsync's whole
// process group. Checks afterwards that every fetched file has the size the listing promised.
import { writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { fsPath, nameToBytes } from '../crypt/index.js';
import { runRsync, formatShellCommand, type RsyncProgress } from '../rsync/index.js';
import { CancelledError, CryptsyncError } from '../util/errors.js';
import { describeLocation, rsyncSshArgs, type ServerLocation } from './server-listing.js';
import type { ServerEntry } from './server-names.js';

const NUL = Buffer.of(0);

export interface FetchResult {
  /** encrypted paths of files that did not arrive whole (missing, or another size than listed) */
  missing: string[];
  /** the rsync command, for the run log (no secrets: keys are paths) */
  command: string;
  bytes: number;
  tail: string;
}

/** The argv (without 'rsync') that copies the paths in `listFile` from `loc` into `into`. */
export function fetchArgs(loc: ServerLocation, listFile: string, into: string): string[] {
  const src = loc.spec.endsWith('/') ? loc.spec : `${loc.spec}/`;
  return [
    '--archive',
    '--from0',
    `--files-from=${listFile}`,
    '--protect-args',
    '--info=progress2',
    '--stats',
    ...rsyncSshArgs(loc),
    '--',
    src,
    `${into}/`,
  ];
}

export async function fetchFromServer(
  loc: ServerLocation,
  entries: ServerEntry[],
  into: string,
  o: { listFile: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv; onProgress?: (p: RsyncProgress) => void },
): Promise<FetchResult> {
  await writeFile(o.listFile, Buffer.concat(entries.flatMap((e) => [nameToBytes(e.enc), NUL])), { mode: 0o600 });
  const args = fetchArgs(loc, o.listFile, into);
  const command = formatShellCommand('rsync', args);
  const res = await runRsync(args, {
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.env ? { env: o.env } : {}),
    progressIntervalMs: 200,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  if (res.aborted) throw new CancelledError();
  // 23/24: some files could not be read or vanished since the listing; judged file by file below
  if (res.exitCode !== 0 && res.exitCode !== 23 && res.exitCode !== 24) {
    throw new CryptsyncError('external', 'FETCH_FAILED', `fetching from ${describeLocation(loc)} failed: ${res.message}`, { subject: loc.spec });
  }
  const missing: string[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (e.kind !== 'file') continue;
    const st = await lstat(fsPath(join(into, e.enc))).catch(() => null);
    if (!st || !st.isFile() || st.size !== e.encSize) missing.push(e.enc);
    else bytes += st.size;
  }
  return { missing, command, bytes, tail: res.tail };
}
