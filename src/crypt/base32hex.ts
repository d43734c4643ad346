// RFC 4648 base32hex, lower case, no '=' padding, as rclone writes names. Decoding is
// case-insensitive and (like Go) ignores unused trailing bits.
import { CryptError } from './crypt-error.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const BITS_PER_CHAR = 5;
/** remainders of length mod 8 that no byte count produces */
const INVALID_TAIL = new Set([1, 3, 6]);
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  DECODE[ALPHABET.toUpperCase().charCodeAt(i)] = i;
}

const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1');

/** reused output buffer: names are encoded one at a time on one thread */
let scratch = Buffer.allocUnsafe(4096);

export function encodeBase32hex(data: Uint8Array): string {
  const need = Math.ceil((data.length * 8) / BITS_PER_CHAR);
  if (need > scratch.length) scratch = Buffer.allocUnsafe(need);
  const out = scratch;
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    acc = ((acc << 8) | (data[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= BITS_PER_CHAR) {
      bits -= BITS_PER_CHAR;
      out[o++] = ALPHABET_CODES[(acc >> bits) & 31] as number;
    }
  }
  if (bits > 0) out[o++] = ALPHABET_CODES[(acc << (BITS_PER_CHAR - bits)) & 31] as number;
  return out.toString('latin1', 0, o);
}

/** Decodes into `out` (which must hold floor(5 * s.length / 8) bytes); returns the byte count. */
export function decodeBase32hexInto(s: string, out: Uint8Array, subject: string): number {
  if (s.endsWith('=')) throw new CryptError('BAD_NAME_ENCODING', 'bad base32 filename encoding', subject);
  if (INVALID_TAIL.has(s.length % 8)) {
    throw new CryptError('BAD_NAME_ENCODING', `illegal base32 data at input byte ${s.length}`, subject);
  }
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? (DECODE[c] as number) : -1;
    if (v < 0) throw new CryptError('BAD_NAME_ENCODING', `illegal base32 data at input byte ${i}`, subject);
    acc = ((acc << BITS_PER_CHAR) | v) & 0xffff;
    bits += BITS_PER_CHAR;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return o;
}

export function base32hexDecodedLength(s: string): number {
  return Math.floor((s.length * BITS_PER_CHAR) / 8);
}

export function decodeBase32hex(s: string, subject: string): Buffer {
  const out = Buffer.allocUnsafe(base32hexDecodedLength(s));
  return out.subarray(0, decodeBase32hexInto(s, out, subject));
}
