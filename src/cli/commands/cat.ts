// `cryptsync cat REMOTE:PATH`: the decrypted content of one file on stdout, like `rclone cat`.
// Only authenticated chunks are written; a damaged file ends with its typed error (non-zero exit)
// after the verified chunks before the damage.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { CryptsyncError, UsageError } from '../../util/errors.js';
import { encryptedFilePath, openCryptRemote } from '../../rclone/index.js';
import { FILE_HEADER_SIZE, decryptedSize } from '../../crypt/index.js';
import { configPathOf } from './remote.js';

type Opts = Record<string, unknown>;

function nonNegative(v: unknown, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0`, flag);
  return n;
}

async function readHeader(path: string, spec: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await fh.read(buf, 0, FILE_HEADER_SIZE, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw new CryptsyncError('io', 'READ_FAILED', `${spec}: ${(e as Error).message}`, { subject: spec });
  } finally {
    await fh.close();
  }
}

/**
 * Like rclone ("Seek beyond end of file", exit 1): an offset past the plaintext end is an error,
 * an offset equal to the size writes nothing. A size that is not a valid encrypted size is left to
 * the decryptor, which reports the damage with its own typed error.
 */
function refuseOffsetPastEnd(offset: number, encSize: number, spec: string): void {
  let plainSize: number;
  try {
    plainSize = decryptedSize(encSize, spec);
  } catch {
    return;
  }
  if (offset > plainSize) {
    throw new CryptsyncError('io', 'OFFSET_PAST_END', `${spec}: --offset ${offset} is beyond the end of the file (${plainSize} bytes)`, {
      subject: spec,
    });
  }
}

export function registerCat(program: Command, io: CliIo): void {
  program
    .command('cat')
    .argument('<remote-path>', 'REMOTE:path/to/file')
    .option('--offset <n>', 'start at this plaintext byte offset')
    .option('--count <n>', 'write at most this many bytes')
    .option('--config <file>', 'rclone config file')
    .option('--json', 'report errors as JSON lines on stdout (the content itself is raw bytes)')
    .description('write the decrypted content of one file to stdout, like rclone cat')
    .action(async (spec: string, o: Opts) => {
      const offset = nonNegative(o.offset, '--offset') ?? 0;
      let left = nonNegative(o.count, '--count') ?? Number.POSITIVE_INFINITY;
      const opened = await openCryptRemote(spec, configPathOf(o, io), io.env);
      if (opened.plainPath === '') throw new UsageError(`${spec}: name a file, as REMOTE:path/to/file`, spec);
      const path = encryptedFilePath(opened, opened.plainPath);
      const st = await stat(path).catch(() => undefined);
      if (!st) throw new CryptsyncError('not-found', 'FILE_NOT_FOUND', `${spec}: file not found (looked for ${path})`, { subject: spec });
      if (st.isDirectory()) throw new UsageError(`${spec}: is a directory`, spec);
      refuseOffsetPastEnd(offset, st.size, spec);
      const { cipher } = opened;
      let source: AsyncIterable<Buffer>;
      if (offset === 0) {
        source = cipher.decrypt(createReadStream(path), { fileName: spec });
      } else {
        const header = await readHeader(path, spec);
        const plan = cipher.seekPlan(offset);
        source = cipher.decryptFrom(header, createReadStream(path, { start: plan.underlyingOffset }), offset, { fileName: spec });
      }
      for await (const chunk of source) {
        if (left <= 0) break;
        const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        if (!io.stdout.write(piece)) await once(io.stdout, 'drain');
      }
    });
}
