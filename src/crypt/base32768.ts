// base32768 (SafeEncoding) for names: 15 bits per BMP character, a final 7-bit character for short
// tails, padding bits set to 1. Decoding stops at the first 7-bit character and ignores leftover bits.
import { FIFTEEN_BIT_BLOCKS, SEVEN_BIT_BLOCKS } from './base32768-alphabet.js';
import { CryptError } from './crypt-error.js';

const BLOCK_BITS = 5;
const WIDE = 15;
const NARROW = 7;
/** block start -> (index << 1) | isNarrow */
const LOOKUP = new Map<number, number>();
FIFTEEN_BIT_BLOCKS.forEach((b, i) => LOOKUP.set(b, i << 1));
SEVEN_BIT_BLOCKS.forEach((b, i) => LOOKUP.set(b, (i << 1) | 1));

function emit(v: number, width: number): number {
  const table = width === WIDE ? FIFTEEN_BIT_BLOCKS : SEVEN_BIT_BLOCKS;
  return (table[v >> BLOCK_BITS] as number) + (v & 31);
}

export function encodeBase32768(data: Uint8Array): string {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = ((acc << 8) | byte) & 0x3fffff;
    bits += 8;
    if (bits >= WIDE) {
      bits -= WIDE;
      out.push(emit((acc >> bits) & 0x7fff, WIDE));
    }
  }
  if (bits > 0) {
    const width = bits <= NARROW ? NARROW : WIDE;
    const fill = width - bits;
    const v = (((acc & ((1 << bits) - 1)) << fill) | ((1 << fill) - 1)) & ((1 << width) - 1);
    out.push(emit(v, width));
  }
  return String.fromCharCode(...out);
}

export function base32768DecodedLength(s: string): number {
  return Math.floor((s.length * WIDE) / 8);
}

/** Decodes into `out` (which must hold base32768DecodedLength(s) bytes); returns the byte count. */
export function decodeBase32768Into(s: string, out: Uint8Array, subject: string): number {
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) continue;
    const entry = LOOKUP.get(c & ~31);
    if (entry === undefined) {
      throw new CryptError('BAD_NAME_ENCODING', `illegal base32768 data at input character ${i}`, subject);
    }
    const narrow = (entry & 1) === 1;
    const width = narrow ? NARROW : WIDE;
    const v = ((entry >> 1) << BLOCK_BITS) | (c & 31);
    acc = ((acc << width) | v) & 0x3fffff;
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    if (narrow) break;
  }
  return o;
}

export function decodeBase32768(s: string, subject: string): Buffer {
  const out = Buffer.allocUnsafe(base32768DecodedLength(s));
  return out.subarray(0, decodeBase32768Into(s, out, subject));
}
