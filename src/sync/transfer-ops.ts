// The per-file byte work of the sync engine: encrypt, decrypt and verify whole files with
// synchronous fs calls. Runs inside a worker thread (transfer-worker.ts) or, for small plans,
// inline on the calling thread. Every write goes to a temporary name in the final folder and gets
// its exact mtime; it reaches its real name only once its contents are on disk, so neither a kill
// nor a power loss leaves a torn or zero-filled file under a real name. A large file is
// fdatasync'ed and renamed here; a small one comes back under its temporary name, and the pool
// flushes many at once before renaming them (durable-commit.ts): an fdatasync per small file
// would cost more than the rest of its work. A source that changes while being read is reported, never stored.
// Per-file failures are results, not exceptions. Paths may be raw-byte strings (names that are
// not UTF-8, crypt/names-on-disk.ts): every fs call gets them through fsPath, byte-exact.
// Never logs; never sees the password.
import { openSync, readSync, writeSync, closeSync, fstatSync, fdatasyncSync, renameSync, unlinkSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { Cipher, BLOCK_DATA_SIZE, CryptError, NONCE_SIZE, parseHeader, fsPath } from '../crypt/index.js';
import { setMtimeNs, tempNameFor } from '../tree/index.js';
import { CryptsyncError } from '../util/errors.js';
import type { WorkerInit, TransferJob, TransferResult, EncryptJob, DecryptJob, VerifyJob } from './transfer-job.js';

/** blocks handled per read/write call for large files: 1 MiB of plaintext */
const BLOCKS_PER_IO = 16;
/**
 * files up to this size are read in one call and written in one call, and flushed in groups by
 * the pool; larger ones are fdatasync'ed on their own (cheap next to writing them)
 */
const WHOLE_FILE_LIMIT = 1024 * 1024;
/** nonces drawn from the CSPRNG at once (one call per this many files, not one per file) */
const NONCE_POOL = 1024;

export type BatchRunner = (jobs: TransferJob[]) => Promise<TransferResult[]>;

class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads up to len bytes; a short read means end of file (regular local files), which saves a syscall per small file. */
function readFull(fd: number, buf: Buffer, len: number): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, null);
    got += n;
    if (n === 0 || got < len) break;
  }
  return got;
}

function writeFull(fd: number, buf: Buffer, len: number): void {
  let done = 0;
  while (done < len) done += writeSync(fd, buf, done, len - done);
}

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

function ioFailure(e: unknown, what: string): JobFailure {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new JobFailure('UNREADABLE', `${what}: permission denied`);
  if (code === 'ENOENT') return new JobFailure('VANISHED', `${what}: no such file`);
  return new JobFailure('IO_ERROR', `${what}: ${code ?? (e as Error).message}`);
}

interface Staged {
  tmp: string;
  dst: string;
  mtimeNs: bigint;
  /** contents already fdatasync'ed: may be renamed at once */
  synced: boolean;
}

/** Writes via `fill(fd)` to a temp file next to `dst`, fdatasync'ed when `sync`; finishStaged completes it. */
function writeStaged(dst: string, mtimeNs: bigint, sync: boolean, fill: (fd: number) => void): Staged {
  const tmp = tempNameFor(dirOf(dst));
  let fd: number;
  try {
    fd = openSync(fsPath(tmp), 'wx', 0o644);
  } catch (e) {
    throw ioFailure(e, 'cannot create file');
  }
  try {
    try {
      fill(fd);
      if (sync) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    removeQuietly(tmp);
    if (e instanceof JobFailure || e instanceof CryptError) throw e;
    throw ioFailure(e, 'cannot write file');
  }
  return { tmp, dst, mtimeNs, synced: sync };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(fsPath(path));
  } catch {
    // already gone
  }
}

/** Renames a flushed temporary file into place; on failure removes it. */
function renameFlushed(tmp: string, dst: string): TransferResult {
  try {
    renameSync(fsPath(tmp), fsPath(dst));
    return { ok: true, bytes: 0 };
  } catch (e) {
    removeQuietly(tmp);
    return { ok: false, code: 'IO_ERROR', message: `cannot finish file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
}

/**
 * Sets the mtime; renames a synced file into place. Returns the temporary name of a file that
 * still needs a flush before its rename, or undefined when it is in place.
 */
async function finishStaged(st: Staged): Promise<string | undefined> {
  try {
    await setMtimeNs(st.tmp, st.mtimeNs);
    if (!st.synced) return st.tmp;
    renameSync(fsPath(st.tmp), fsPath(st.dst));
    return undefined;
  } catch (e) {
    removeQuietly(st.tmp);
    if (e instanceof JobFailure) throw e;
    if (e instanceof CryptsyncError && e.code === 'MTIME_NOT_REPRESENTABLE') {
      throw new JobFailure(e.code, `the filesystem cannot store this file's modification time (${st.mtimeNs} ns since 1970); not written`);
    }
    throw ioFailure(e, 'cannot finish file');
  }
}

function openForRead(path: string): number {
  try {
    return openSync(fsPath(path), 'r');
  } catch (e) {
    throw ioFailure(e, 'cannot open');
  }
}

function checkUnchanged(fd: number, size: number, mtimeNs: bigint, got: number): void {
  const st = fstatSync(fd, { bigint: true });
  if (got !== size || Number(st.size) !== size || st.mtimeNs !== mtimeNs) {
    throw new JobFailure('SOURCE_CHANGED', 'file changed while it was being read; not stored (it will be retried next run)');
  }
}

function failureOf(e: unknown): TransferResult {
  if (e instanceof JobFailure || e instanceof CryptError) return { ok: false, code: e.code, message: e.message };
  const io = ioFailure(e, 'failed');
  return { ok: false, code: io.code, message: io.message };
}


/** Builds the job runner for one thread; buffers are reused across jobs (first touch of memory is slow). */
export function createBatchRunner(init: WorkerInit): BatchRunner {
  const cipher = Cipher.fromKeys(init.keys, init.options);
  const HEADER_SIZE = cipher.encryptedSize(0);
  const SEALED_BLOCK = cipher.encryptedSize(BLOCK_DATA_SIZE) - HEADER_SIZE;

  const noncePool = Buffer.allocUnsafe(NONCE_POOL * NONCE_SIZE);
  let nonceNext = NONCE_POOL;
  /** a fresh random nonce; each pool slice is used once and copied by the encryptor */
  function freshNonce(): Buffer {
    if (nonceNext === NONCE_POOL) {
      randomFillSync(noncePool);
      nonceNext = 0;
    }
    const n = noncePool.subarray(nonceNext * NONCE_SIZE, (nonceNext + 1) * NONCE_SIZE);
    nonceNext++;
    return n;
  }

  let inBuf = Buffer.allocUnsafe(0);
  let outBuf = Buffer.allocUnsafe(0);
  function inBuffer(n: number): Buffer {
    if (inBuf.length < n) inBuf = Buffer.allocUnsafe(Math.max(n, inBuf.length * 2));
    return inBuf;
  }
  function outBuffer(n: number): Buffer {
    if (outBuf.length < n) outBuf = Buffer.allocUnsafe(Math.max(n, outBuf.length * 2));
    return outBuf;
  }

  function encryptFile(job: EncryptJob): { bytes: number; staged: Staged } {
    const mtimeNs = BigInt(job.mtimeNs);
    const fd = openForRead(job.src);
    try {
      const enc = cipher.newEncryptor(HEADER_SIZE === 0 ? undefined : freshNonce());
      if (job.size <= WHOLE_FILE_LIMIT) {
        // read one byte more than expected so growth is noticed
        const plain = inBuffer(job.size + 1);
        const got = readFull(fd, plain, job.size + 1);
        checkUnchanged(fd, job.size, mtimeNs, got);
        const total = cipher.encryptedSize(job.size);
        const out = outBuffer(total);
        out.set(enc.header, 0);
        let o = enc.header.length;
        for (let p = 0; p < job.size; p += BLOCK_DATA_SIZE) {
          const blk = plain.subarray(p, Math.min(job.size, p + BLOCK_DATA_SIZE));
          o += enc.sealBlock(blk, out.subarray(o)).length;
        }
        return { bytes: job.size, staged: writeStaged(job.dst, mtimeNs, false, (wfd) => writeFull(wfd, out, total)) };
      }
      const chunk = BLOCKS_PER_IO * BLOCK_DATA_SIZE;
      const plain = inBuffer(chunk);
      const out = outBuffer(BLOCKS_PER_IO * SEALED_BLOCK + HEADER_SIZE);
      const staged = writeStaged(job.dst, mtimeNs, true, (wfd) => {
        writeFull(wfd, enc.header, enc.header.length);
        let total = 0;
        for (;;) {
          const got = readFull(fd, plain, chunk);
          if (got === 0) break;
          total += got;
          if (total > job.size) break;
          let o = 0;
          for (let p = 0; p < got; p += BLOCK_DATA_SIZE) {
            o += enc.sealBlock(plain.subarray(p, Math.min(got, p + BLOCK_DATA_SIZE)), out.subarray(o)).length;
          }
          writeFull(wfd, out, o);
          if (got < chunk) break;
        }
        checkUnchanged(fd, job.size, mtimeNs, total);
      });
      return { bytes: job.size, staged };
    } finally {
      closeSync(fd);
    }
  }

  function decryptFile(job: DecryptJob): { bytes: number; staged: Staged } {
    const mtimeNs = BigInt(job.mtimeNs);
    const fd = openForRead(job.src);
    try {
      const header = Buffer.allocUnsafe(HEADER_SIZE);
      const hn = readFull(fd, header, HEADER_SIZE);
      const dec = cipher.newDecryptor(header.subarray(0, hn), job.name);
      const chunkSealed = BLOCKS_PER_IO * SEALED_BLOCK;
      const sealed = inBuffer(chunkSealed);
      const plain = outBuffer(BLOCKS_PER_IO * BLOCK_DATA_SIZE);
      let total = 0;
      const staged = writeStaged(job.dst, mtimeNs, job.size > WHOLE_FILE_LIMIT, (wfd) => {
        for (;;) {
          const got = readFull(fd, sealed, chunkSealed);
          if (got === 0) break;
          let o = 0;
          for (let p = 0; p < got; p += SEALED_BLOCK) {
            o += dec.openBlock(sealed.subarray(p, Math.min(got, p + SEALED_BLOCK)), plain.subarray(o)).length;
          }
          writeFull(wfd, plain, o);
          total += o;
          if (got < chunkSealed) break;
        }
        if (total !== job.size) throw new JobFailure('SIZE_MISMATCH', `decrypted ${total} bytes, expected ${job.size}`);
      });
      return { bytes: total, staged };
    } finally {
      closeSync(fd);
    }
  }

  /** true when re-encrypting the plain file with the encrypted file's nonce gives the same bytes */
  function verifyFile(job: VerifyJob): { bytes: number; same: boolean } {
    const pfd = openForRead(job.plain);
    try {
      const efd = openForRead(job.enc);
      try {
        const header = Buffer.allocUnsafe(HEADER_SIZE);
        const hn = readFull(efd, header, HEADER_SIZE);
        if (hn < HEADER_SIZE) throw new CryptError('TOO_SHORT', 'file is too short to be encrypted', job.name);
        const nonce = HEADER_SIZE === 0 ? undefined : parseHeader(header, job.name);
        const enc = cipher.newEncryptor(nonce);
        if (!enc.header.equals(header)) return { bytes: 0, same: false };
        const chunk = BLOCKS_PER_IO * BLOCK_DATA_SIZE;
        const plain = inBuffer(chunk);
        const mine = outBuffer(BLOCKS_PER_IO * SEALED_BLOCK * 2);
        let bytes = 0;
        for (;;) {
          const got = readFull(pfd, plain, chunk);
          let o = 0;
          for (let p = 0; p < got; p += BLOCK_DATA_SIZE) {
            o += enc.sealBlock(plain.subarray(p, Math.min(got, p + BLOCK_DATA_SIZE)), mine.subarray(o)).length;
          }
          const theirs = mine.subarray(BLOCKS_PER_IO * SEALED_BLOCK);
          const tn = readFull(efd, theirs, o + (got < chunk ? 1 : 0));
          if (tn !== o || !mine.subarray(0, o).equals(theirs.subarray(0, o))) return { bytes, same: false };
          bytes += got;
          if (got < chunk) return { bytes, same: true };
        }
      } finally {
        closeSync(efd);
      }
    } finally {
      closeSync(pfd);
    }
  }

  /** Does the byte work of one job; writes are staged, not yet under their real name. */
  function runJob(job: TransferJob): { result: TransferResult; staged?: Staged } {
    try {
      if (job.kind === 'verify') {
        const r = verifyFile(job);
        return { result: { ok: true, bytes: r.bytes, same: r.same } };
      }
      if (job.kind === 'rename') return { result: renameFlushed(job.tmp, job.dst) };
      const r = job.kind === 'encrypt' ? encryptFile(job) : decryptFile(job);
      return { result: { ok: true, bytes: r.bytes }, staged: r.staged };
    } catch (e) {
      return { result: failureOf(e) };
    }
  }



  // A batch writes all its files first, then sets all mtimes at once (one round trip to the mtime
  // helper instead of one per file), then renames the synced ones into place.
  return async (jobs) => {
    const done = jobs.map(runJob);
    return Promise.all(
      done.map(async (d): Promise<TransferResult> => {
        if (!d.staged) return d.result;
        try {
          const tmp = await finishStaged(d.staged);
          return tmp === undefined || !d.result.ok ? d.result : { ...d.result, tmp };
        } catch (e) {
          return failureOf(e);
        }
      }),
    );
  };
}
