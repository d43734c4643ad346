// Writes the next manifest of a catalog after a successful encrypt (either engine): lists the
// catalog, hashes each ciphertext file whole, links to the previous manifest (its head hash and
// a window of older heads) and to this machine's record of the chain, seals and writes it
// atomically (manifest-file.ts), then records generation, head and the local facts. A file whose
// encrypted path, size, mtime, ctime and inode are what the record says they were when the
// previous (authentic) manifest was written keeps that manifest's hash; every other file is read.
// When nothing differs from the previous manifest, that one stays (no new generation to push).
import { stat } from 'node:fs/promises';
import type { Cipher } from '../crypt/index.js';
import { fsPath } from '../crypt/index.js';
import { mapLimit } from '../util/map-limit.js';
import { CancelledError } from '../util/errors.js';
import { hashCiphertext, manifestMacKey } from './hashing.js';
import { CHAIN_WINDOW, headHash, serializeManifest, type ChainLink, type Manifest, type ManifestEntry, type ManifestFile } from './manifest-format.js';
import { sealManifest, writeManifestFile } from './manifest-file.js';
import { listCatalog, loadManifestOrCopy } from './load.js';
import { catalogSubject, readChainRecord, writeChainRecord, type LocalFacts } from './client-state.js';

const HASH_CONCURRENCY = 8;

export interface WriteManifestInput {
  root: string;
  cipher: Cipher;
  /** the cryptsync home (the chain record lives there) */
  home: string;
  signal?: AbortSignal;
  now?: Date;
}

export interface WrittenManifest {
  generation: number;
  head: string;
  /** false when the catalog is exactly what the previous manifest says: that one stays */
  written: boolean;
  /** why no manifest is kept for this catalog at all (see manifestUnavailable) */
  skipped?: string;
  files: number;
  dirs: number;
  /** files read and hashed (the others kept the previous manifest's hash) */
  hashed: number;
  /** what the writer noticed about the previous manifest, for the step's output */
  notes: string[];
}

/** the same entries in the same canonical order, field by field */
function sameEntries(a: readonly ManifestEntry[], b: readonly ManifestEntry[]): boolean {
  if (a.length !== b.length) return false;
  const key = (e: ManifestEntry): string => (e.type === 'dir' ? `d\0${e.path}\0${e.enc}` : `f\0${e.path}\0${e.enc}\0${e.size}\0${e.mtimeNs}\0${e.hash}\0${e.nonce ?? ''}`);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}

function sameFacts(a: LocalFacts | undefined, b: LocalFacts): boolean {
  return a !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/**
 * Why a catalog gets no manifest, or null. With no_data_encryption the manifest's content would
 * lie on disk unencrypted, plain paths of names that are encrypted included: none is written.
 */
export function manifestUnavailable(cipher: Cipher): string | null {
  if (cipher.options.noDataEncryption && cipher.options.filenameEncryption !== 'off') {
    return 'the remote has no_data_encryption: a manifest would show the plain names on disk; none is written';
  }
  return null;
}

export async function writeCatalogManifest(o: WriteManifestInput): Promise<WrittenManifest> {
  const { root, cipher } = o;
  const unavailable = manifestUnavailable(cipher);
  if (unavailable !== null) return { generation: 0, head: '', written: false, skipped: unavailable, files: 0, dirs: 0, hashed: 0, notes: [] };
  const subject = await catalogSubject(root);
  const record = await readChainRecord(o.home, subject);
  const [listing, loaded] = await Promise.all([listCatalog(root, cipher, o.signal), loadManifestOrCopy(root, cipher, o.home, record)]);
  const notes: string[] = [];
  const prev = loaded.state === 'ok' ? loaded : undefined;
  if (loaded.state === 'ok' && loaded.fromCopy) notes.push(`the catalog's manifest was removed; this one follows generation ${loaded.manifest.generation} from this machine's copy`);
  if (loaded.state === 'forged') notes.push(`the previous manifest is not authentic (${loaded.message}); this one links to this machine's record instead`);
  if (prev && record && prev.manifest.generation < record.generation) {
    notes.push(`the catalog held manifest generation ${prev.manifest.generation}, older than generation ${record.generation} this machine wrote or verified`);
  }
  // the previous manifest's hashes are reused only where the record's facts were taken for it
  const reusable = new Map<string, ManifestFile>();
  if (prev && record?.head === prev.head && record.facts) {
    for (const e of prev.manifest.entries) if (e.type === 'file') reusable.set(e.enc, e);
  }
  const facts: Record<string, LocalFacts> = {};
  let hashed = 0;
  const files = await mapLimit(listing.files, HASH_CONCURRENCY, async (f): Promise<ManifestFile> => {
    if (o.signal?.aborted) throw new CancelledError();
    const path = `${root}/${f.disk}`;
    const st = await stat(fsPath(path), { bigint: true });
    const mine: LocalFacts = [Number(st.size), st.mtimeNs.toString(), st.ctimeNs.toString(), st.ino.toString()];
    const old = reusable.get(f.disk);
    if (old && old.size === mine[0] && old.mtimeNs === st.mtimeNs && sameFacts(record?.facts?.[f.disk], mine)) {
      facts[f.disk] = mine;
      return { ...old, path: f.std };
    }
    const h = await hashCiphertext(path);
    hashed++;
    // a file that changed while it was read is recorded without facts: the next write reads it again
    const after = await stat(fsPath(path), { bigint: true });
    if (after.ctimeNs === st.ctimeNs && after.size === st.size) facts[f.disk] = mine;
    return { type: 'file', path: f.std, enc: f.disk, size: h.size, mtimeNs: st.mtimeNs, hash: h.hash, nonce: h.nonce };
  });
  const entries: ManifestEntry[] = [...files, ...listing.dirs.map((d): ManifestEntry => ({ type: 'dir', path: d.std, enc: d.disk }))];
  // nothing changed since the previous manifest (that this machine also knows as the head): it
  // stays, so a run that changed nothing pushes nothing
  if (prev && !prev.fromCopy && (!record || record.head === prev.head) && sameEntries(prev.manifest.entries, entries)) {
    await writeChainRecord(o.home, { subject, generation: prev.manifest.generation, head: prev.head, time: (o.now ?? new Date()).toISOString(), facts }, prev.sealed);
    return { generation: prev.manifest.generation, head: prev.head, written: false, files: files.length, dirs: listing.dirs.length, hashed, notes };
  }
  const last: ChainLink | undefined = prev ? { generation: prev.manifest.generation, head: prev.head } : record ? { generation: record.generation, head: record.head } : undefined;
  const older = prev && last?.head === prev.head ? prev.manifest.chain : [];
  const generation = Math.max(prev?.manifest.generation ?? 0, record?.generation ?? 0) + 1;
  const manifest: Manifest = {
    generation,
    time: (o.now ?? new Date()).toISOString(),
    previous: last?.head ?? null,
    chain: last ? [last, ...older].slice(0, CHAIN_WINDOW) : [],
    entries,
  };
  const plain = serializeManifest(manifest, manifestMacKey(cipher.keys));
  const head = headHash(plain);
  if (o.signal?.aborted) throw new CancelledError();
  const sealed = await sealManifest(cipher, plain);
  await writeManifestFile(root, cipher, sealed);
  await writeChainRecord(o.home, { subject, generation, head, time: manifest.time, facts }, sealed);
  return { generation, head, written: true, files: files.length, dirs: listing.dirs.length, hashed, notes };
}
