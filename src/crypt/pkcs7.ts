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
