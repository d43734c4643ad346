// The wrong-password check shared by encrypt (both engines), restore, verify, mapping and doctor:
// decides, before anything is written, whether the catalog was written under this remote's
// password and name settings. It probes a bounded sample spread over the catalog (a few names per
// folder, a few dozen folders, the first chunk of a few files), so its cost does not grow with
// the catalog. Never writes; never reads more than CONTENT_SAMPLES chunks.
//
// Evidence, strongest first:
// - content: a file's first chunk either authenticates (Poly1305) under the data key or not. One
//   success proves the password (all keys come from it); every sample failing proves it wrong.
//   Works whatever the name settings, so files whose names did not decrypt are sampled too.
// - names: only names that were really encrypted count: standard mode, folder names only with
//   directory_name_encryption, and not a bare version tag (nothing of it is encrypted). A wrong
//   key still "decrypts" about 1 name in 256 (the PKCS#7 check), so most sampled names must
//   decrypt, not just one. Plain folder names, off and obfuscate mode names (a wrong key reads
//   them as well as the right one) and well-known junk (lost+found, .DS_Store...) say nothing.
import { open, stat } from 'node:fs/promises';
import { BLOCK_DATA_SIZE, CryptError, diskToStandard, fsPath, hasRawBytes, removeVersionTag, type Cipher } from '../crypt/index.js';
import { CryptsyncError } from '../util/errors.js';
import { isJunkName } from '../util/junk-names.js';
import { TEMP_PATTERN, readDirEntries, IndexList, type CatalogEntry, type CatalogScan, type CatalogTableScan, type DirEntry } from '../tree/index.js';
import type { CryptDest } from './events.js';

/** files whose first chunk is authenticated */
const CONTENT_SAMPLES = 4;
/** names looked at per folder, evenly spaced over its listing */
const NAMES_PER_DIR = 24;
/** sub folders descended into per folder, evenly spaced */
const SUBDIRS_PER_DIR = 6;
/** folders listed at most */
const MAX_DIRS = 40;
/** the probe stops once it has this many evidence names and content candidates */
const ENOUGH_NAMES = 64;
const ENOUGH_CANDIDATES = 16;

export interface KeyCheck {
  /** what the verdict rests on */
  basis: 'content' | 'names' | 'nothing';
  namesDecrypted: number;
  namesFailed: number;
  contentAuthenticated: number;
  contentFailed: number;
}

interface Probe {
  namesDecrypted: number;
  namesFailed: number;
  /** first undecryptable evidence name, for the message */
  firstFailed?: string;
  /** relative disk paths of regular files, in probe order */
  candidates: string[];
}

/** `count` indices spread evenly over 0..n-1 (all of them when n <= count) */
function spread(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/** Whether this name was encrypted under the name key, so that decrypting it tests the key. */
function carriesNameKey(cipher: Cipher, stdName: string, isDir: boolean): boolean {
  const o = cipher.options;
  if (o.filenameEncryption !== 'standard') return false;
  if (isDir && !o.directoryNameEncryption) return false;
  const v = removeVersionTag(stdName);
  return v === null || v.rest !== '';
}

function nameDecrypts(cipher: Cipher, stdName: string, isDir: boolean): boolean {
  try {
    if (isDir) cipher.decryptDirName(stdName);
    else cipher.decryptFileName(stdName);
    return true;
  } catch {
    return false;
  }
}

async function probeCatalog(dest: CryptDest): Promise<Probe> {
  const out: Probe = { namesDecrypted: 0, namesFailed: 0, candidates: [] };
  let queue = [''];
  let listed = 0;
  while (queue.length > 0 && listed < MAX_DIRS) {
    const next: string[] = [];
    for (const rel of queue) {
      if (listed >= MAX_DIRS) break;
      listed++;
      let ents: DirEntry[];
      try {
        // names that are not UTF-8 (obfuscate, off) come back byte-exact, so their files can be opened
        const abs = rel === '' ? dest.root : `${dest.root}/${rel}`;
        ents = readDirEntries(abs, hasRawBytes(abs));
      } catch {
        continue; // missing or unreadable: the caller's own scan reports it; no evidence either way
      }
      const useful = ents.filter((d) => (d.isFile() || d.isDirectory()) && !isJunkName(d.name) && !TEMP_PATTERN.test(d.name));
      const dirs: string[] = [];
      for (const i of spread(useful.length, NAMES_PER_DIR)) {
        const d = useful[i] as DirEntry;
        const path = rel === '' ? d.name : `${rel}/${d.name}`;
        const isDir = d.isDirectory();
        if (isDir) dirs.push(path);
        else out.candidates.push(path);
        const std = diskToStandard(d.name);
        if (!carriesNameKey(dest.cipher, std, isDir)) continue;
        if (nameDecrypts(dest.cipher, std, isDir)) out.namesDecrypted++;
        else {
          out.namesFailed++;
          out.firstFailed ??= path;
        }
      }
      // folders whose names did not decrypt are entered too: their files' contents are evidence
      for (const i of spread(dirs.length, SUBDIRS_PER_DIR)) next.push(dirs[i] as string);
      const names = out.namesDecrypted + out.namesFailed;
      if (names >= ENOUGH_NAMES && out.candidates.length >= ENOUGH_CANDIDATES) return out;
    }
    queue = next;
  }
  return out;
}

type ChunkVerdict = 'authenticated' | 'failed' | 'no-evidence';

/** Authenticates the first chunk of one file. A file that is not rclone-crypt data (no magic, too short) is no evidence. */
async function checkFirstChunk(dest: CryptDest, rel: string): Promise<ChunkVerdict> {
  const { cipher } = dest;
  const headerSize = cipher.encryptedSize(0);
  const abs = `${dest.root}/${rel}`;
  let buf: Buffer;
  try {
    const size = (await stat(fsPath(abs))).size;
    if (size <= headerSize) return 'no-evidence';
    buf = Buffer.allocUnsafe(Math.min(size, cipher.encryptedSize(BLOCK_DATA_SIZE)));
    const fh = await open(fsPath(abs), 'r');
    try {
      buf = buf.subarray(0, (await fh.read(buf, 0, buf.length, 0)).bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return 'no-evidence'; // unreadable: the run itself reports it
  }
  try {
    cipher.newDecryptor(buf.subarray(0, headerSize), rel).openBlock(buf.subarray(headerSize));
    return 'authenticated';
  } catch (e) {
    return e instanceof CryptError && e.code === 'AUTH_FAILED' ? 'failed' : 'no-evidence';
  }
}

function refuse(code: 'WRONG_PASSWORD' | 'NAME_SETTINGS_MISMATCH', label: string, subject: string, why: string): CryptsyncError {
  const what =
    code === 'WRONG_PASSWORD'
      ? `wrong password for the encrypted catalog at ${label}`
      : `the encrypted catalog at ${label} opens with this password, but its names do not decrypt: do filename_encryption, filename_encoding and directory_name_encryption match the settings it was written with?`;
  return new CryptsyncError('crypto', code, `${what} (${why}); nothing was written`, { subject });
}

/**
 * Throws CryptsyncError WRONG_PASSWORD (exit 12) when the catalog at dest.root is not encrypted
 * under dest.cipher's password, or NAME_SETTINGS_MISMATCH when the password is right but the
 * name settings are not. `scan`, the caller's listing of the catalog (possibly filtered), only adds
 * content samples; names are judged on the probe's unfiltered sample. A missing, empty or
 * junk-only catalog passes (basis 'nothing'). With
 * no_data_encryption only names can be judged, and the message says so. `label` names the
 * catalog in messages (a remote or task name).
 */
/** disk paths of up to `count` files with contents (more than a header), spread over the scan */
function contentSamples(scan: CatalogScan | CatalogTableScan, headerSize: number, count: number): string[] {
  if (Array.isArray(scan.files)) {
    const withContent = scan.files.filter((f) => f.encSize > headerSize);
    return spread(withContent.length, count).map((i) => (withContent[i] as CatalogEntry).disk);
  }
  const t = scan.files;
  const withContent = new IndexList();
  for (let i = 0; i < t.count; i++) if ((t.encSize[i] as number) > headerSize) withContent.push(i);
  return spread(withContent.length, count).map((k) => t.disk(withContent.at(k)));
}

export async function checkCatalogKey(dest: CryptDest, scan?: CatalogScan | CatalogTableScan, label = dest.root): Promise<KeyCheck> {
  const probe = await probeCatalog(dest);
  // the caller's scan covers the whole catalog: sample contents from all over it first
  if (scan) probe.candidates.unshift(...contentSamples(scan, dest.cipher.encryptedSize(0), CONTENT_SAMPLES * 2));
  const res: KeyCheck = {
    basis: 'nothing',
    namesDecrypted: probe.namesDecrypted,
    namesFailed: probe.namesFailed,
    contentAuthenticated: 0,
    contentFailed: 0,
  };
  const noData = dest.cipher.options.noDataEncryption;
  if (!noData) {
    // spread over the probe order (which is spread over the folders); files that are no
    // evidence (empty, not crypt data) leave room for the next pick
    const picks = scan ? probe.candidates.map((_, i) => i).slice(0, CONTENT_SAMPLES * 4) : spread(probe.candidates.length, CONTENT_SAMPLES * 4);
    for (const i of picks) {
      if (res.contentAuthenticated + res.contentFailed >= CONTENT_SAMPLES) break;
      const v = await checkFirstChunk(dest, probe.candidates[i] as string);
      if (v === 'authenticated') res.contentAuthenticated++;
      else if (v === 'failed') res.contentFailed++;
      if (res.contentAuthenticated > 0) break; // one authenticated chunk proves the password
    }
  }
  const names = probe.namesDecrypted + probe.namesFailed;
  const namesMostlyFail = names > 0 && probe.namesDecrypted * 2 <= names;
  const nameWhy = `${probe.namesFailed} of ${names} sampled names do not decrypt${probe.firstFailed ? `, first ${probe.firstFailed}` : ''}`;
  if (res.contentAuthenticated > 0) {
    res.basis = 'content';
    if (namesMostlyFail) throw refuse('NAME_SETTINGS_MISMATCH', label, dest.root, nameWhy);
    return res;
  }
  if (res.contentFailed > 0) {
    res.basis = 'content';
    throw refuse('WRONG_PASSWORD', label, dest.root, `the contents of ${res.contentFailed} sampled files fail to authenticate`);
  }
  if (names === 0) return res;
  res.basis = 'names';
  if (namesMostlyFail) {
    const namesOnly = noData ? '; judged from names only: the remote has no_data_encryption, so file contents carry no key check' : '';
    throw refuse('WRONG_PASSWORD', label, dest.root, nameWhy + namesOnly);
  }
  return res;
}

/**
 * The same check for callers without a scan of their own (the rclone engine, doctor): the probe
 * alone, never a full listing.
 */
export async function checkCatalogPassword(dest: CryptDest, label: string): Promise<KeyCheck> {
  return checkCatalogKey(dest, undefined, label);
}
