// What this machine knows about each manifest chain (docs/manifest.md): per local catalog and
// per server destination, the last generation and head hash it wrote or verified, so an older
// manifest (rollback) or a different one of the same line (fork) is caught. A local catalog's
// record also holds the local facts of each ciphertext file (size, mtime, ctime, inode) the head
// was hashed from, so the next write re-hashes only files whose facts changed, and a copy of the
// sealed (encrypted) manifest it wrote or verified last, so a catalog whose manifest was removed
// (a stock `rclone sync` removes it) is still checked against it. One JSON file and one sealed
// copy per chain in <home>/integrity/, written atomically, 0600 in a 0700 folder. No secret.
import { readFile, realpath } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ensurePrivateDir } from '../util/home.js';
import { CryptsyncError } from '../util/errors.js';

/** [ciphertext size, mtime ns, ctime ns, inode] as decimal strings where they exceed 2^53 */
export type LocalFacts = [number, string, string, string];

export interface ChainRecord {
  /** what the chain belongs to: `catalog <real path>` or `server <destination>` */
  subject: string;
  generation: number;
  head: string;
  /** ISO time of the write or verify that recorded it */
  time: string;
  /** local catalogs only: the facts by encrypted path of the files hashed into `head` */
  facts?: Record<string, LocalFacts>;
}

const STATE_DIR = 'integrity';

/** The subject of a local catalog: its real path (a symlinked path names the same chain). */
export async function catalogSubject(root: string): Promise<string> {
  let real = resolve(root);
  try {
    real = await realpath(root);
  } catch {
    // not there yet: the path as given
  }
  return `catalog ${real}`;
}

/** The subject of a server destination (a push task's `host:path`, a snapshot folder under it). */
export function serverSubject(destination: string): string {
  return `server ${destination}`;
}

function recordPath(home: string, subject: string, ext = 'json'): string {
  return join(home, STATE_DIR, `${createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 32)}.${ext}`);
}

/** This machine's copy of the sealed manifest it wrote or verified last, or null. */
export async function readSealedCopy(home: string, subject: string): Promise<Buffer | null> {
  try {
    return await readFile(recordPath(home, subject, 'manifest'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The record of a chain, or null when this machine has none; a damaged record throws (never read as "none"). */
export async function readChainRecord(home: string, subject: string): Promise<ChainRecord | null> {
  let text: string;
  try {
    text = await readFile(recordPath(home, subject), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let r: ChainRecord | undefined;
  try {
    r = JSON.parse(text) as ChainRecord;
  } catch {
    r = undefined;
  }
  if (r?.subject !== subject || !Number.isSafeInteger(r.generation) || typeof r.head !== 'string') {
    throw new CryptsyncError('config', 'CHAIN_RECORD_DAMAGED', `the manifest chain record ${recordPath(home, subject)} is damaged; move it away to start over (rollback detection for ${subject} restarts then)`, {
      subject: recordPath(home, subject),
    });
  }
  return r;
}

/** Records a chain's head; with `sealed`, the manifest's ciphertext is kept too (first, so the record never names a head whose copy is missing). */
export async function writeChainRecord(home: string, r: ChainRecord, sealed?: Buffer): Promise<void> {
  const dir = join(home, STATE_DIR);
  ensurePrivateDir(dir);
  if (sealed) await writeFileAtomic(recordPath(home, r.subject, 'manifest'), sealed);
  await writeFileAtomic(recordPath(home, r.subject), `${JSON.stringify(r)}\n`);
}
