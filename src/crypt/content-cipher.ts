// File content encryption (spec section 2): a 32-byte header, then 64 KiB chunks sealed with
// NaCl secretbox under nonces initial+0, initial+1, ... Streaming works on any input slicing in
// bounded memory (one chunk buffer). Never yields plaintext of a chunk that failed to authenticate.
import sodium from 'sodium-native';
import { randomBytes } from 'node:crypto';
import {
  BLOCK_DATA_SIZE,
  BLOCK_SIZE,
  BLOCK_TAG_SIZE,
  FILE_HEADER_SIZE,
  FILE_MAGIC,
  FILE_MAGIC_SIZE,
  NONCE_SIZE,
} from './constants.js';
import { CryptError, MESSAGES } from './crypt-error.js';
import { addToNonce, incrementNonce } from './nonce.js';

export interface FileEncryptor {
  /** the 32-byte file header (empty with no_data_encryption) */
  readonly header: Buffer;
  /** the initial nonce */
  readonly nonce: Buffer;
  /** Seals the next chunk (1..BLOCK_DATA_SIZE bytes). With `out` the result is written there (needs plain.length + 16 bytes). */
  sealBlock(plain: Uint8Array, out?: Buffer): Buffer;
}

export interface FileDecryptor {
  /** Opens the next sealed chunk (17..BLOCK_SIZE bytes). With `out` the plaintext is written there. */
  openBlock(sealed: Uint8Array, out?: Buffer): Buffer;
}

class SecretboxEncryptor implements FileEncryptor {
  readonly header: Buffer;
  readonly nonce: Buffer;
  readonly #counter: Buffer;
  readonly #key: Buffer;
  constructor(key: Buffer, nonce: Uint8Array) {
    this.#key = key;
    this.nonce = Buffer.from(nonce);
    this.#counter = Buffer.from(nonce);
    this.header = Buffer.concat([FILE_MAGIC, this.nonce]);
  }
  sealBlock(plain: Uint8Array, out?: Buffer): Buffer {
    if (plain.length === 0 || plain.length > BLOCK_DATA_SIZE) throw new RangeError(`chunk of ${plain.length} bytes`);
    const dst = (out ?? Buffer.allocUnsafe(plain.length + BLOCK_TAG_SIZE)).subarray(0, plain.length + BLOCK_TAG_SIZE);
    sodium.crypto_secretbox_easy(dst, plain, this.#counter, this.#key);
    incrementNonce(this.#counter);
    return dst;
  }
}

class SecretboxDecryptor implements FileDecryptor {
  readonly #counter: Buffer;
  readonly #key: Buffer;
  readonly #fileName: string | undefined;
  constructor(key: Buffer, nonce: Uint8Array, fileName: string | undefined) {
    this.#key = key;
    this.#counter = Buffer.from(nonce);
    this.#fileName = fileName;
  }
  openBlock(sealed: Uint8Array, out?: Buffer): Buffer {
    if (sealed.length <= BLOCK_TAG_SIZE) {
      throw new CryptError('TRUNCATED_BLOCK_HEADER', MESSAGES.TRUNCATED_BLOCK_HEADER, this.#fileName);
    }
    const n = sealed.length - BLOCK_TAG_SIZE;
    const dst = (out ?? Buffer.allocUnsafe(n)).subarray(0, n);
    if (!sodium.crypto_secretbox_open_easy(dst, sealed, this.#counter, this.#key)) {
      throw new CryptError('AUTH_FAILED', MESSAGES.AUTH_FAILED, this.#fileName);
    }
    incrementNonce(this.#counter);
    return dst;
  }
}

class PassthroughEncryptor implements FileEncryptor {
  readonly header = Buffer.alloc(0);
  readonly nonce = Buffer.alloc(0);
  sealBlock(plain: Uint8Array, out?: Buffer): Buffer {
    if (out) {
      out.set(plain);
      return out.subarray(0, plain.length);
    }
    return Buffer.from(plain);
  }
}

class PassthroughDecryptor implements FileDecryptor {
  openBlock(sealed: Uint8Array, out?: Buffer): Buffer {
    if (out) {
      out.set(sealed);
      return out.subarray(0, sealed.length);
    }
    return Buffer.from(sealed);
  }
}

/** Validates the header and returns the initial nonce. */
export function parseHeader(header: Uint8Array, fileName?: string): Buffer {
  if (header.length < FILE_HEADER_SIZE) throw new CryptError('TOO_SHORT', MESSAGES.TOO_SHORT, fileName);
  if (!FILE_MAGIC.equals(header.subarray(0, FILE_MAGIC_SIZE))) {
    throw new CryptError('BAD_MAGIC', MESSAGES.BAD_MAGIC, fileName);
  }
  return Buffer.from(header.subarray(FILE_MAGIC_SIZE, FILE_HEADER_SIZE));
}

export function newEncryptor(dataKey: Buffer, noData: boolean, nonce?: Uint8Array): FileEncryptor {
  if (noData) return new PassthroughEncryptor();
  if (nonce !== undefined && nonce.length !== NONCE_SIZE) {
    throw new CryptError('BAD_NONCE', `nonce must be ${NONCE_SIZE} bytes, got ${nonce.length}`);
  }
  return new SecretboxEncryptor(dataKey, nonce ?? randomBytes(NONCE_SIZE));
}

export function newDecryptor(dataKey: Buffer, noData: boolean, header: Uint8Array, fileName?: string, blockIndex = 0): FileDecryptor {
  if (noData) return new PassthroughDecryptor();
  const nonce = parseHeader(header, fileName);
  if (blockIndex > 0) addToNonce(nonce, blockIndex);
  return new SecretboxDecryptor(dataKey, nonce, fileName);
}

/**
 * Cuts any slicing of `source` into pieces of exactly `size` bytes (the last one shorter). Yielded
 * buffers are views into a reused buffer or into the input: consume each before asking for the next.
 */
async function* fixedChunks(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const buf = Buffer.allocUnsafe(size);
  let fill = 0;
  for await (const piece of source) {
    let pos = 0;
    while (pos < piece.length) {
      if (fill === 0 && piece.length - pos >= size) {
        yield piece.subarray(pos, pos + size);
        pos += size;
        continue;
      }
      const n = Math.min(size - fill, piece.length - pos);
      buf.set(piece.subarray(pos, pos + n), fill);
      fill += n;
      pos += n;
      if (fill === size) {
        yield buf;
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

export async function* encryptStream(enc: FileEncryptor, source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  if (enc.header.length > 0) yield Buffer.from(enc.header);
  for await (const chunk of fixedChunks(source, BLOCK_DATA_SIZE)) yield enc.sealBlock(chunk);
}

/** Reads exactly the header from the front of `source`, returns it and an iterable of the rest. */
async function splitHeader(
  source: AsyncIterable<Uint8Array>,
  fileName: string | undefined,
): Promise<{ header: Buffer; rest: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let have = 0;
  let leftover: Uint8Array | undefined;
  while (have < FILE_HEADER_SIZE) {
    const r = await it.next();
    if (r.done) throw new CryptError('TOO_SHORT', MESSAGES.TOO_SHORT, fileName);
    const need = FILE_HEADER_SIZE - have;
    if (r.value.length > need) {
      parts.push(Buffer.from(r.value.subarray(0, need)));
      leftover = r.value.subarray(need);
      have += need;
    } else {
      parts.push(Buffer.from(r.value));
      have += r.value.length;
    }
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (leftover && leftover.length > 0) yield leftover;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
  return { header: Buffer.concat(parts), rest };
}

export async function* decryptBlocks(
  dec: FileDecryptor,
  blocks: AsyncIterable<Uint8Array>,
  discard: number,
): AsyncGenerator<Buffer> {
  let skip = discard;
  for await (const sealed of fixedChunks(blocks, BLOCK_SIZE)) {
    const plain = dec.openBlock(sealed);
    if (skip > 0) {
      const s = Math.min(skip, plain.length);
      skip -= s;
      if (s < plain.length) yield plain.subarray(s);
    } else {
      yield plain;
    }
  }
}

export async function* decryptStream(
  dataKey: Buffer,
  noData: boolean,
  source: AsyncIterable<Uint8Array>,
  fileName: string | undefined,
): AsyncGenerator<Buffer> {
  if (noData) {
    for await (const piece of source) yield Buffer.from(piece);
    return;
  }
  const { header, rest } = await splitHeader(source, fileName);
  const dec = newDecryptor(dataKey, false, header, fileName);
  yield* decryptBlocks(dec, rest, 0);
}

export interface SeekPlan {
  underlyingOffset: number;
  blockIndex: number;
  discard: number;
}

export function seekPlan(plainOffset: number, noData: boolean): SeekPlan {
  if (!Number.isSafeInteger(plainOffset) || plainOffset < 0) {
    throw new CryptError('BAD_OFFSET', `bad plaintext offset ${plainOffset}`);
  }
  if (noData) return { underlyingOffset: plainOffset, blockIndex: 0, discard: 0 };
  const blockIndex = Math.floor(plainOffset / BLOCK_DATA_SIZE);
  return {
    underlyingOffset: FILE_HEADER_SIZE + blockIndex * BLOCK_SIZE,
    blockIndex,
    discard: plainOffset % BLOCK_DATA_SIZE,
  };
}
