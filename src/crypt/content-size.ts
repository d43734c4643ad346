// Size arithmetic of encrypted file content (spec section 2). Pure functions, no I/O.
import { BLOCK_DATA_SIZE, BLOCK_SIZE, BLOCK_TAG_SIZE, FILE_HEADER_SIZE } from './constants.js';
import { CryptError, MESSAGES } from './crypt-error.js';

export function encryptedSize(plainSize: number): number {
  const blocks = Math.floor(plainSize / BLOCK_DATA_SIZE);
  const rest = plainSize % BLOCK_DATA_SIZE;
  return FILE_HEADER_SIZE + blocks * BLOCK_SIZE + (rest === 0 ? 0 : rest + BLOCK_TAG_SIZE);
}

/** Plaintext size of an encrypted file of `encSize` bytes; throws TOO_SHORT / TRUNCATED_BLOCK_HEADER. */
export function decryptedSize(encSize: number, fileName?: string): number {
  if (encSize < FILE_HEADER_SIZE) throw new CryptError('TOO_SHORT', MESSAGES.TOO_SHORT, fileName);
  const k = encSize - FILE_HEADER_SIZE;
  const blocks = Math.floor(k / BLOCK_SIZE);
  let rest = k % BLOCK_SIZE;
  if (rest !== 0) {
    rest -= BLOCK_TAG_SIZE;
    if (rest <= 0) throw new CryptError('TRUNCATED_BLOCK_HEADER', MESSAGES.TRUNCATED_BLOCK_HEADER, fileName);
  }
  return blocks * BLOCK_DATA_SIZE + rest;
}
