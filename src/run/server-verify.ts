// Verify the server copy of a push task. Quick: the server's listing against the local encrypted
// catalog it mirrors (encrypted names of files and folders, file sizes, mtimes to the second) → missing, extra and differing
// files, named by their decrypted paths. Deep (--read-data): fetch a resumable sample of the
// ciphertext (server-coverage.ts) in batches into a private staging folder, authenticate every
// chunk of every sampled file, and where the plain file is at hand (same size and mtime) compare
// the decrypted bytes with it, as rclone cryptcheck would; nothing decrypted is written anywhere.
// Logged as a server-verify run. Never writes on the server.
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CryptError, fsPath, standardPathToDisk, type Cipher } from '../crypt/index.js';
import { scanCatalog } from '../tree/index.js';
import { CancelledError } from '../util/errors.js';
import type { RunStatus } from '../util/vocabulary.js';
import { chooseSample, loadCoverage, saveCoverage, DEFAULT_SAMPLE, type SampleSpec } from './server-coverage.js';
import { fetchFromServer } from './server-fetch.js';
import { listServerCopy, type ServerEvent, type ServerRunEnv } from './server-restore.js';
import type { ServerCatalog, ServerEntry } from './server-names.js';
import type { ServerSource } from './server-source.js';
import { withStaging } from './server-staging.js';
import { loggedServerRun } from './server-run.js';

/** a deep verify fetches and checks at most this much per batch, so --max-duration can stop it between batches */
const BATCH_FILES = 200;
const BATCH_BYTES = 256 * 1024 * 1024;
const NS_PER_SEC = 1_000_000_000n;

export interface ServerVerifyOptions {
  readData: boolean;
  sample?: SampleSpec;
  maxDurationMs?: number;
  signal?: AbortSignal;
  /** the sample's order (tests replay it); default Math.random */
  random?: () => number;
}

export interface QuickReport {
  serverFiles: number;
  localFiles: number;
  matching: number;
  /** in the local catalog, not on the server (folders end in '/') */
  missing: string[];
  /** on the server, not in the local catalog (folders end in '/') */
  extra: string[];
  differing: Array<{ path: string; why: string }>;
  /** encrypted paths on the server whose names do not decrypt */
  undecryptable: string[];
}

export interface DeepReport {
  round: number;
  sampled: number;
  /** files read to the end and authenticated, chunk by chunk */
  authenticated: number;
  /** of those, compared byte for byte with the plain file */
  comparedWithPlain: number;
  failed: Array<{ path: string; code: string; message: string }>;
  /** the plain paths this verify read (the sample, as far as time allowed) */
  read: string[];
  /** files covered in this round so far, of all files on the server */
  covered: number;
  totalFiles: number;
  stoppedByTime: boolean;
}

export interface ServerVerifyResult {
  source: string;
  snapshot?: string;
  quick: QuickReport;
  deep?: DeepReport;
  /** everything that is not as it should be; 0 means the server copy checked out */
  problems: number;
}

function secOf(ns: bigint): number {
  return Number(ns / NS_PER_SEC);
}

async function quickCompare(src: ServerSource, cat: ServerCatalog, signal?: AbortSignal): Promise<QuickReport> {
  const root = src.pushTask?.source;
  const local = root === undefined ? { files: [], dirs: [] } : await scanCatalog(root, src.cipher, { includeReserved: true, ...(signal ? { signal } : {}) });
  const server = new Map(cat.files.map((f) => [f.enc, f]));
  const r: QuickReport = { serverFiles: cat.files.length, localFiles: local.files.length, matching: 0, missing: [], extra: [], differing: [], undecryptable: [...cat.undecryptable] };
  const seen = new Set<string>();
  for (const l of local.files) {
    const s = server.get(l.disk);
    if (!s) {
      r.missing.push(l.std);
      continue;
    }
    seen.add(l.disk);
    if (s.encSize !== l.encSize) r.differing.push({ path: l.std, why: `size: ${s.encSize} bytes on the server, ${l.encSize} in the local catalog` });
    else if (s.mtimeSec !== secOf(l.mtimeNs)) r.differing.push({ path: l.std, why: `modified: ${new Date(s.mtimeSec * 1000).toISOString()} on the server, ${new Date(secOf(l.mtimeNs) * 1000).toISOString()} in the local catalog` });
    else r.matching++;
  }
  for (const s of cat.files) if (!seen.has(s.enc)) r.extra.push(s.std);
  // folders too (an empty one holds nothing else that would tell), named with a trailing '/'
  const serverDirs = new Set(cat.dirs.map((d) => d.enc));
  const localDirs = new Set(local.dirs.map((d) => d.disk));
  for (const d of local.dirs) if (!serverDirs.has(d.disk)) r.missing.push(`${d.std}/`);
  for (const d of cat.dirs) if (!localDirs.has(d.enc)) r.extra.push(`${d.std}/`);
  r.missing.sort();
  r.extra.sort();
  return r;
}

/** The plain file to compare with, when it is at hand unchanged (same size and mtime second). */
async function plainTwin(src: ServerSource, f: ServerEntry): Promise<string | null> {
  const plainRoot = src.encryptTask?.source;
  if (plainRoot === undefined || f.size < 0) return null;
  const path = join(plainRoot, standardPathToDisk(f.std));
  const st = await stat(fsPath(path), { bigint: true }).catch(() => null);
  if (!st || !st.isFile() || Number(st.size) !== f.size || secOf(st.mtimeNs) !== f.mtimeSec) return null;
  return path;
}

/** Reads the whole file through the decryptor (every chunk authenticated); compares with `plain` if given. */
async function checkFile(cipher: Cipher, encPath: string, plain: string | null): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  const fh = plain === null ? null : await open(fsPath(plain), 'r');
  try {
    let pos = 0;
    for await (const chunk of cipher.decrypt(createReadStream(fsPath(encPath)))) {
      if (fh) {
        const other = Buffer.alloc(chunk.length);
        const { bytesRead } = await fh.read(other, 0, chunk.length, pos);
        if (bytesRead !== chunk.length || !other.equals(chunk)) return { ok: false, code: 'DIFFERS_FROM_PLAIN', message: `decrypts fine but differs from the plain file from byte ${pos} on` };
      }
      pos += chunk.length;
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e instanceof CryptError ? e.code : 'READ_FAILED', message: e instanceof Error ? e.message : String(e) };
  } finally {
    await fh?.close();
  }
}

function batchesOf(files: ServerEntry[]): ServerEntry[][] {
  const out: ServerEntry[][] = [];
  let cur: ServerEntry[] = [];
  let bytes = 0;
  for (const f of files) {
    if (cur.length > 0 && (cur.length >= BATCH_FILES || bytes + f.encSize > BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(f);
    bytes += f.encSize;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

async function deepCheck(re: ServerRunEnv, src: ServerSource, cat: ServerCatalog, o: ServerVerifyOptions, emit: (e: ServerEvent) => void): Promise<DeepReport> {
  const deadline = o.maxDurationMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + o.maxDurationMs;
  const profile = re.meta.profile;
  const chosen = chooseSample(cat.files, await loadCoverage(re.home, profile, src.label, src.snapshot), o.sample ?? DEFAULT_SAMPLE, o.random);
  const coverage = chosen.coverage;
  const r: DeepReport = { round: coverage.round, sampled: chosen.sample.length, authenticated: 0, comparedWithPlain: 0, failed: [], read: [], covered: coverage.covered.length, totalFiles: cat.files.length, stoppedByTime: false };
  const totalBytes = chosen.sample.reduce((a, f) => a + f.encSize, 0);
  let doneFiles = 0;
  let doneBytes = 0;
  await withStaging(re.home, async (staging) => {
    for (const [i, batch] of batchesOf(chosen.sample).entries()) {
      if (Date.now() >= deadline) {
        r.stoppedByTime = true;
        break;
      }
      const into = join(staging, `batch-${i}`);
      await mkdir(into, { mode: 0o700 });
      emit({ type: 'phase', phase: 'fetch', files: batch.length, bytes: batch.reduce((a, f) => a + f.encSize, 0) });
      const fetched = await fetchFromServer(src.location, batch, into, { listFile: join(staging, 'files-from'), env: re.env, ...(o.signal ? { signal: o.signal } : {}) });
      const missing = new Set(fetched.missing);
      emit({ type: 'phase', phase: 'decrypt', files: batch.length, bytes: fetched.bytes });
      for (const f of batch) {
        if (o.signal?.aborted) throw new CancelledError();
        const res = missing.has(f.enc)
          ? { ok: false as const, code: 'FETCH_INCOMPLETE', message: 'did not arrive whole from the server (changed or removed since the listing)' }
          : await (async () => {
              const plain = await plainTwin(src, f);
              const c = await checkFile(src.cipher, join(into, f.enc), plain);
              if (c.ok && plain !== null) r.comparedWithPlain++;
              return c;
            })();
        if (res.ok) r.authenticated++;
        else {
          r.failed.push({ path: f.std, code: res.code, message: res.message });
          emit({ type: 'error', path: f.std, code: res.code, message: res.message });
        }
        coverage.covered.push(f.enc);
        r.read.push(f.std);
        doneFiles++;
        doneBytes += f.encSize;
        emit({ type: 'progress', files: doneFiles, filesTotal: chosen.sample.length, bytes: doneBytes, bytesTotal: totalBytes, rateBps: 0, etaSec: null });
      }
      await rm(into, { recursive: true, force: true });
      // what was read so far stays covered even if a later batch is aborted
      await saveCoverage(re.home, profile, src.label, src.snapshot, coverage);
    }
  });
  r.covered = coverage.covered.length;
  return r;
}

function quickProblems(q: QuickReport): number {
  return q.missing.length + q.extra.length + q.differing.length + q.undecryptable.length;
}

export async function verifyServerCopy(re: ServerRunEnv, src: ServerSource, o: ServerVerifyOptions, onEvent?: (e: ServerEvent) => void): Promise<ServerVerifyResult & { runId: number }> {
  const emit = (e: ServerEvent): void => onEvent?.(e);
  const status = (v: ServerVerifyResult): RunStatus => (v.problems > 0 ? 'partial' : 'ok');
  return loggedServerRun(
    { ...re.meta, kind: 'server-verify', label: src.label, dryRun: false },
    async (run) => {
      emit({ type: 'server-run', runId: run.runId, kind: 'server-verify' });
      const cat = await run.step('fetch', async () => {
        emit({ type: 'phase', phase: 'list', files: 0, bytes: 0 });
        const c = await listServerCopy(src, { env: re.env, ...(o.signal ? { signal: o.signal } : {}) });
        return { value: c, tally: { files: c.files.length, bytes: c.files.reduce((a, f) => a + f.encSize, 0), message: `listed ${src.location.spec}` } };
      });
      const quick = await run.step('verify', async () => {
        emit({ type: 'phase', phase: 'check', files: cat.files.length, bytes: 0 });
        const q = await quickCompare(src, cat, o.signal);
        return { value: q, tally: { files: q.serverFiles, filesNew: q.extra.length, filesChanged: q.differing.length, filesDeleted: q.missing.length, message: 'quick: listing against the local catalog', problems: quickProblems(q) } };
      });
      let deep: DeepReport | undefined;
      if (o.readData) {
        deep = await run.step('verify', async () => {
          const d = await deepCheck(re, src, cat, o, emit);
          const message = `deep: ${d.authenticated} of ${d.sampled} sampled files authenticated (${d.comparedWithPlain} compared with the plain file); round ${d.round}: ${d.covered} of ${d.totalFiles} covered${d.stoppedByTime ? '; stopped by --max-duration' : ''}`;
          return { value: d, tally: { files: d.authenticated + d.failed.length, filesChanged: d.failed.length, message, problems: d.failed.length } };
        });
      }
      const problems = quickProblems(quick) + (deep?.failed.length ?? 0);
      return { source: src.label, ...(src.snapshot !== undefined ? { snapshot: src.snapshot } : {}), quick, ...(deep ? { deep } : {}), problems };
    },
    status,
  );
}
