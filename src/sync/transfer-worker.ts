// Worker thread body: encrypts, decrypts and verifies whole files with synchronous fs calls (a
// worker may block; the main thread may not). Every write goes to a temporary name in the final
// folder, gets its exact mtime, then is renamed into place, so a kill at any moment leaves only
// complete files under real names. A source that changes while being read is reported, never
// stored. Per-file failures are results, not crashes. Never logs; never sees the password.
import { parentPort, workerData } from 'node:worker_threads';
import { openSync, readSync, writeSync, closeSync, fstatSync, renameSync, unlinkSync } from 'node:fs';
import { Cipher, BLOCK_DATA_SIZE, CryptError, parseHeader } from '../crypt/index.js';
import { setMtimeNs, tempNameFor } from '../target/index.js';
import type { WorkerInit, TransferJob, TransferResult, BatchRequest, EncryptJob, DecryptJob, VerifyJob } from './transfer-job.js';

/** blocks handled per read/write call for large files: 4 MiB of plaintext */
const BLOCKS_PER_IO = 64;
/** files up to this size are read in one call and written in one call */
const WHOLE_FILE_LIMIT = 4 * 1024 * 1024;

const init = workerData as WorkerInit;
const cipher = Cipher.fromKeys(init.keys, init.options);
const HEADER_SIZE = cipher.encryptedSize(0);
const SEALED_BLOCK = cipher.encryptedSize(BLOCK_DATA_SIZE) - HEADER_SIZE;

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

class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function readFull(fd: number, buf: Buffer, len: number, pos: number | null = null): number {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos === null ? null : pos + got);
    if (n === 0) break;
    got += n;
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

/** Writes via `fill(fd)` to a temp file next to `dst`, sets the mtime, renames into place. */
async function writeAtomic(dst: string, mtimeNs: bigint, fill: (fd: number) => void): Promise<void> {
  const tmp = tempNameFor(dirOf(dst));
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw ioFailure(e, 'cannot create file');
  }
  try {
    try {
      fill(fd);
    } finally {
      closeSync(fd);
    }
    await setMtimeNs(tmp, mtimeNs);
    renameSync(tmp, dst);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    if (e instanceof JobFailure || e instanceof CryptError) throw e;
    throw ioFailure(e, 'cannot write file');
  }
}

function openForRead(path: string): number {
  try {
    return openSync(path, 'r');
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

async function encryptFile(job: EncryptJob): Promise<number> {
  const mtimeNs = BigInt(job.mtimeNs);
  const fd = openForRead(job.src);
  try {
    const enc = cipher.newEncryptor();
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
      await writeAtomic(job.dst, mtimeNs, (wfd) => writeFull(wfd, out, total));
      return job.size;
    }
    const chunk = BLOCKS_PER_IO * BLOCK_DATA_SIZE;
    const plain = inBuffer(chunk);
    const out = outBuffer(BLOCKS_PER_IO * SEALED_BLOCK + HEADER_SIZE);
    await writeAtomic(job.dst, mtimeNs, (wfd) => {
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
    return job.size;
  } finally {
    closeSync(fd);
  }
}

async function decryptFile(job: DecryptJob): Promise<number> {
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
    await writeAtomic(job.dst, mtimeNs, (wfd) => {
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
    return total;
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

async function runJob(job: TransferJob): Promise<TransferResult> {
  try {
    if (job.kind === 'encrypt') return { ok: true, bytes: await encryptFile(job) };
    if (job.kind === 'decrypt') return { ok: true, bytes: await decryptFile(job) };
    const r = verifyFile(job);
    return { ok: true, bytes: r.bytes, same: r.same };
  } catch (e) {
    if (e instanceof JobFailure || e instanceof CryptError) return { ok: false, code: e.code, message: e.message };
    const io = ioFailure(e, 'failed');
    return { ok: false, code: io.code, message: io.message };
  }
}

parentPort?.on('message', (req: BatchRequest) => {
  void (async () => {
    const results: TransferResult[] = [];
    for (const job of req.jobs) results.push(await runJob(job));
    parentPort?.postMessage({ id: req.id, results });
  })();
});
