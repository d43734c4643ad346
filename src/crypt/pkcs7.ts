// PKCS#7 padding to 16 bytes for names, with rclone's strict unpadding checks.
import { NAME_BLOCK_SIZE } from './constants.js';
import { CryptError } from './crypt-error.js';

export function pad(data: Buffer): Buffer {
  const n = NAME_BLOCK_SIZE - (data.length % NAME_BLOCK_SIZE);
  const out = Buffer.alloc(data.length + n, n);
  data.copy(out, 0);
  return out;
}

export function unpad(data: Buffer, subject: string): Buffer {
  if (data.length === 0 || data.length % NAME_BLOCK_SIZE !== 0) {
    throw new CryptError('NOT_BLOCK_MULTIPLE', 'not a multiple of blocksize', subject);
  }
  const n = data[data.length - 1] as number;
  if (n === 0) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - too short', subject);
  if (n > NAME_BLOCK_SIZE) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - too long', subject);
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - not all the same', subject);
  }
  return data.subarray(0, data.length - n);
}

/** Pads buf[0..n) in place; buf must have room for 16 more bytes. Returns the padded length. */
export function padInPlace(buf: Uint8Array, n: number): number {
  const k = NAME_BLOCK_SIZE - (n % NAME_BLOCK_SIZE);
  buf.fill(k, n, n + k);
  return n + k;
}

/** Checks the padding of buf[0..n) strictly and returns the unpadded length. */
export function unpaddedLength(buf: Uint8Array, n: number, subject: string): number {
  if (n === 0 || n % NAME_BLOCK_SIZE !== 0) {
    throw new CryptError('NOT_BLOCK_MULTIPLE', 'not a multiple of blocksize', subject);
  }
  const k = buf[n - 1] as number;
  if (k === 0) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - too short', subject);
  if (k > NAME_BLOCK_SIZE) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - too long', subject);
  for (let i = n - k; i < n; i++) {
    if (buf[i] !== k) throw new CryptError('BAD_PADDING', 'bad PKCS#7 padding - not all the same', subject);
  }
  return n - k;
}
