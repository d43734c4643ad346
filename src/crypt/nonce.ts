// The 24-byte chunk nonce is a little-endian 192-bit counter: chunk i uses initial + i (mod 2^192).
import { NONCE_SIZE } from './constants.js';

/** Adds 1 in place. */
export function incrementNonce(nonce: Uint8Array): void {
  for (let i = 0; i < NONCE_SIZE; i++) {
    const v = ((nonce[i] as number) + 1) & 0xff;
    nonce[i] = v;
    if (v !== 0) return;
  }
}

/** Adds a non-negative integer (up to 2^53) in place. */
export function addToNonce(nonce: Uint8Array, n: number): void {
  let carry = n;
  for (let i = 0; i < NONCE_SIZE && carry > 0; i++) {
    const sum = (nonce[i] as number) + (carry % 256);
    nonce[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
}
