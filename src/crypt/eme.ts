// EME (ECB-Mix-ECB, Halevi-Rogaway) wide-block encryption over AES-256, as rclone uses it for
// names (spec section 4). One instance per key: the AES key schedule and the masks
// L_0..L_127 are computed once. Not safe to share across threads (scratch buffers are reused).
import { AesBlock } from './aes-block.js';
import { EME_MAX_BLOCKS, NAME_BLOCK_SIZE } from './constants.js';

const GF_REDUCTION = 0x87;
const B = NAME_BLOCK_SIZE;

/** Doubling in GF(2^128), little-endian byte order, in place. */
function double(b: Uint8Array, o = 0): void {
  const top = (b[o + B - 1] as number) >> 7;
  for (let j = B - 1; j > 0; j--) {
    b[o + j] = (((b[o + j] as number) << 1) & 0xff) | ((b[o + j - 1] as number) >> 7);
  }
  b[o] = (((b[o] as number) << 1) & 0xff) ^ (top ? GF_REDUCTION : 0);
}

function xorBlock(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number): void {
  for (let i = 0; i < B; i++) dst[dOff + i] = (dst[dOff + i] as number) ^ (src[sOff + i] as number);
}

export class Eme {
  readonly #aes: AesBlock;
  readonly #tweak: Buffer;
  /** L_0 .. L_127 concatenated */
  readonly #masks: Buffer;
  readonly #mp = Buffer.alloc(B);
  readonly #mc = Buffer.alloc(B);
  readonly #m = Buffer.alloc(B);

  constructor(key: Buffer, tweak: Buffer) {
    this.#aes = new AesBlock(key);
    this.#tweak = Buffer.from(tweak);
    const l = Buffer.alloc(B);
    this.#aes.encrypt(l, 0, l, 0);
    this.#masks = Buffer.alloc(B * EME_MAX_BLOCKS);
    for (let j = 0; j < EME_MAX_BLOCKS; j++) {
      double(l);
      l.copy(this.#masks, j * B);
    }
  }

  encrypt(p: Uint8Array): Buffer {
    const buf = Buffer.from(p);
    this.transformInPlace(buf, buf.length, true);
    return buf;
  }

  decrypt(c: Uint8Array): Buffer {
    const buf = Buffer.from(c);
    this.transformInPlace(buf, buf.length, false);
    return buf;
  }

  /** Transforms buf[0..n) in place (n a multiple of 16, 16..2048). */
  transformInPlace(buf: Uint8Array, n: number, forward: boolean): void {
    const m = n / B;
    if (!Number.isInteger(m) || m < 1 || m > EME_MAX_BLOCKS) {
      throw new RangeError(`EME operates on 1 to ${EME_MAX_BLOCKS} blocks, got ${n} bytes`);
    }
    const aes = this.#aes;
    const masks = this.#masks;
    for (let i = 0; i < n; i++) buf[i] = (buf[i] as number) ^ (masks[i] as number);
    const mp = this.#mp;
    this.#tweak.copy(mp);
    for (let o = 0; o < n; o += B) {
      if (forward) aes.encrypt(buf, o, buf, o);
      else aes.decrypt(buf, o, buf, o);
      xorBlock(mp, 0, buf, o);
    }
    const mc = this.#mc;
    if (forward) aes.encrypt(mp, 0, mc, 0);
    else aes.decrypt(mp, 0, mc, 0);
    const mask = this.#m;
    for (let i = 0; i < B; i++) mask[i] = (mp[i] as number) ^ (mc[i] as number);
    for (let o = B; o < n; o += B) {
      double(mask);
      xorBlock(buf, o, mask, 0);
    }
    // Y_0 = MC ^ T ^ Y_1 ^ ... ^ Y_{m-1}
    buf.set(mc, 0);
    xorBlock(buf, 0, this.#tweak, 0);
    for (let o = B; o < n; o += B) xorBlock(buf, 0, buf, o);
    for (let o = 0; o < n; o += B) {
      if (forward) aes.encrypt(buf, o, buf, o);
      else aes.decrypt(buf, o, buf, o);
    }
    for (let i = 0; i < n; i++) buf[i] = (buf[i] as number) ^ (masks[i] as number);
  }
}
