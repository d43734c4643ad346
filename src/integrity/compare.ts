// Compares a catalog's listing with its (authentic) manifest and names each difference by path
// (findings.ts). Cheap: the listing's sizes and mtimes, and for an entry that differs one read
// of its 32-byte header, whose nonce tells a cut or grown copy of the same ciphertext (same
// nonce), another entry's content (its nonce) and a fresh ciphertext (a nonce the manifest does
// not know) apart. Deep: every file hashed whole; a fresh ciphertext is also opened chunk by
// chunk to tell a valid one from a damaged one. Reads only; never writes.
import { createReadStream } from 'node:fs';
import type { Cipher } from '../crypt/index.js';
import { BLOCK_SIZE, FILE_HEADER_SIZE, fsPath } from '../crypt/index.js';
import type { CatalogEntry } from '../tree/index.js';
import { mapLimit } from '../util/map-limit.js';
import { CancelledError } from '../util/errors.js';
import { hashCiphertext, readNonce } from './hashing.js';
import type { Manifest, ManifestFile } from './manifest-format.js';
import type { CatalogListing } from './load.js';
import { finding, type Finding } from './findings.js';

const READ_CONCURRENCY = 8;

export interface CompareInput {
  root: string;
  cipher: Cipher;
  manifest: Manifest;
  listing: CatalogListing;
  deep: boolean;
  signal?: AbortSignal;
}

interface Looked {
  nonce: string | null;
  hash?: string;
}

async function authenticates(cipher: Cipher, path: string): Promise<boolean> {
  try {
    for await (const _ of cipher.decrypt(createReadStream(fsPath(path)))) {
      // every chunk is opened (authenticated) and dropped
    }
    return true;
  } catch {
    return false;
  }
}

function cutDetail(o: CatalogEntry, m: ManifestFile): Finding {
  if (o.encSize === FILE_HEADER_SIZE) return finding('header-only', o.std, `only the 32-byte header is left of ${m.size} bytes (decrypts as an empty file)`);
  const body = o.encSize - FILE_HEADER_SIZE;
  if (body > 0 && body % BLOCK_SIZE === 0) {
    return finding('truncated', o.std, `cut at a 64 KiB chunk boundary: ${body / BLOCK_SIZE} of ${Math.ceil((m.size - FILE_HEADER_SIZE) / BLOCK_SIZE)} chunks left, ${o.encSize} of ${m.size} bytes (decrypts as a shorter file)`);
  }
  return finding('truncated', o.std, `${o.encSize} of ${m.size} bytes left`);
}

/** One observed file against its manifest entry; `other` finds the entry owning a nonce. */
async function judge(o: CatalogEntry, m: ManifestFile, seen: Looked, i: CompareInput, other: (nonce: string | null, hash?: string) => ManifestFile | undefined): Promise<Finding | null> {
  const path = `${i.root}/${o.disk}`;
  if (seen.hash !== undefined && seen.hash === m.hash) {
    return o.mtimeNs === m.mtimeNs ? null : finding('mtime-changed', o.std, 'same ciphertext, another mtime');
  }
  if (seen.nonce !== null && seen.nonce === m.nonce) {
    if (o.encSize < m.size) return cutDetail(o, m);
    if (o.encSize > m.size) return finding('grown', o.std, `${m.size} bytes grew to ${o.encSize} under the same nonce`);
    if (seen.hash !== undefined) return finding('corrupt', o.std, 'bytes changed under the same nonce (not written by an encrypt)');
    return o.mtimeNs === m.mtimeNs ? null : finding('mtime-changed', o.std, 'same size and nonce, another mtime');
  }
  if (seen.nonce === null && o.encSize < FILE_HEADER_SIZE && m.size >= FILE_HEADER_SIZE) return finding('truncated', o.std, `${o.encSize} bytes left, shorter than a header`);
  const owner = other(seen.nonce, seen.hash);
  if (owner && owner.enc !== m.enc) return finding('swapped', o.std, `holds the content of ${owner.path}`);
  if (i.deep && !(await authenticates(i.cipher, path))) return finding('corrupt', o.std, 'does not authenticate (damaged or forged ciphertext)');
  if (o.mtimeNs < m.mtimeNs) return finding('older-version', o.std, `replaced by an older version (mtime ${nsIso(o.mtimeNs)}, the manifest's ${nsIso(m.mtimeNs)})`);
  if (o.encSize === m.size && o.mtimeNs === m.mtimeNs) return finding('replaced', o.std, 'another ciphertext with the manifest\'s size and mtime');
  return finding('changed', o.std, `rewritten (${m.size} → ${o.encSize} bytes)`);
}

function nsIso(ns: bigint): string {
  return new Date(Number(ns / 1000000n)).toISOString();
}

export async function compareWithManifest(i: CompareInput): Promise<Finding[]> {
  const mFiles = new Map<string, ManifestFile>();
  const byNonce = new Map<string, ManifestFile>();
  const byHash = new Map<string, ManifestFile>();
  const mDirs = new Map<string, string>();
  for (const e of i.manifest.entries) {
    if (e.type === 'dir') {
      mDirs.set(e.enc, e.path);
      continue;
    }
    mFiles.set(e.enc, e);
    if (e.nonce !== null) byNonce.set(e.nonce, e);
    byHash.set(e.hash, e);
  }
  const other = (nonce: string | null, hash?: string): ManifestFile | undefined => (hash !== undefined ? byHash.get(hash) : undefined) ?? (nonce !== null ? byNonce.get(nonce) : undefined);
  const out: Finding[] = [];
  const movedTo = new Map<string, string>();
  const judged = await mapLimit(i.listing.files, READ_CONCURRENCY, async (o): Promise<Finding | null> => {
    if (i.signal?.aborted) throw new CancelledError();
    const m = mFiles.get(o.disk);
    if (m && !i.deep && o.encSize === m.size && o.mtimeNs === m.mtimeNs) return null;
    const path = `${i.root}/${o.disk}`;
    const seen: Looked = i.deep ? await hashCiphertext(path) : { nonce: await readNonce(path) };
    if (m) return judge(o, m, seen, i, other);
    const owner = other(seen.nonce, seen.hash);
    if (owner) {
      movedTo.set(owner.enc, o.std);
      return finding('renamed', o.std, `not in the manifest; holds the content of ${owner.path}`);
    }
    if (i.deep && !(await authenticates(i.cipher, path))) return finding('corrupt', o.std, 'not in the manifest, and does not authenticate');
    return finding('injected', o.std, 'not in the manifest');
  });
  for (const f of judged) if (f) out.push(f);
  const present = new Set(i.listing.files.map((f) => f.disk));
  for (const m of mFiles.values()) {
    if (present.has(m.enc)) continue;
    const to = movedTo.get(m.enc);
    out.push(finding('deleted', m.path, to === undefined ? 'in the manifest, not in the catalog' : `in the manifest, not in the catalog; its content is at ${to}`));
  }
  const dirsNow = new Set(i.listing.dirs.map((d) => d.disk));
  for (const [enc, path] of mDirs) if (!dirsNow.has(enc)) out.push(finding('deleted', path, 'folder in the manifest, not in the catalog'));
  for (const d of i.listing.dirs) if (!mDirs.has(d.disk)) out.push(finding('injected', d.std, 'folder not in the manifest'));
  for (const u of i.listing.undecryptable) out.push(finding('undecryptable-name', u, 'an encrypted name that does not decrypt with these keys'));
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
