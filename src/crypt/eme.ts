// EME (ECB-Mix-ECB, Halevi-Rogaway) wide-block encryption over AES-256, as rclone uses it for
// names (spec section 4). The ECB cipher objects are created once per key and reused: with
// padding off and final() never called, update() is a pure block function.
import { createCipheriv, createDecipheriv, type Cipher as NodeCipher, type Decipher } from 'node:crypto';
import { EME_MAX_BLOCKS, NAME_BLOCK_SIZE } from './constants.js';

const GF_REDUCTION = 0x87;

/** Doubling in GF(2^128), little-endian byte order, in place. */
function double(b: Buffer): void {
  const top = (b[NAME_BLOCK_SIZE - 1] as number) >> 7;
  for (let j = NAME_BLOCK_SIZE - 1; j > 0; j--) {
    b[j] = (((b[j] as number) << 1) & 0xff) | ((b[j - 1] as number) >> 7);
  }
  b[0] = (((b[0] as number) << 1) & 0xff) ^ (top ? GF_REDUCTION : 0);
}

function xorInto(dst: Buffer, dOff: number, src: Buffer, sOff: number): void {
  for (let i = 0; i < NAME_BLOCK_SIZE; i++) {
    dst[dOff + i] = (dst[dOff + i] as number) ^ (src[sOff + i] as number);
  }
}

export class Eme {
  readonly #enc: NodeCipher;
  readonly #dec: Decipher;
  readonly #tweak: Buffer;
  /** L_0 .. L_127 concatenated */
  readonly #masks: Buffer;

  constructor(key: Buffer, tweak: Buffer) {
    this.#enc = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.#dec = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.#tweak = Buffer.from(tweak);
    const l = Buffer.from(this.#enc.update(Buffer.alloc(NAME_BLOCK_SIZE)));
    this.#masks = Buffer.alloc(NAME_BLOCK_SIZE * EME_MAX_BLOCKS);
    for (let j = 0; j < EME_MAX_BLOCKS; j++) {
      double(l);
      l.copy(this.#masks, j * NAME_BLOCK_SIZE);
    }
  }

  encrypt(p: Buffer): Buffer {
    return this.#transform(p, true);
  }

  decrypt(c: Buffer): Buffer {
    return this.#transform(c, false);
  }

  #aes(data: Buffer, forward: boolean): Buffer {
    return forward ? this.#enc.update(data) : this.#dec.update(data);
  }

  #transform(input: Buffer, forward: boolean): Buffer {
    const m = input.length / NAME_BLOCK_SIZE;
    if (!Number.isInteger(m) || m < 1 || m > EME_MAX_BLOCKS) {
      throw new RangeError(`EME operates on 1 to ${EME_MAX_BLOCKS} blocks, got ${input.length} bytes`);
    }
    const n = input.length;
    const ppp = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) ppp[i] = (input[i] as number) ^ (this.#masks[i] as number);
    const x = this.#aes(ppp, forward);
    const mp = Buffer.from(this.#tweak);
    for (let j = 0; j < m; j++) xorInto(mp, 0, x, j * NAME_BLOCK_SIZE);
    const mc = this.#aes(mp, forward);
    const mask = Buffer.allocUnsafe(NAME_BLOCK_SIZE);
    for (let i = 0; i < NAME_BLOCK_SIZE; i++) mask[i] = (mp[i] as number) ^ (mc[i] as number);
    const y = Buffer.from(x);
    for (let j = 1; j < m; j++) {
      double(mask);
      xorInto(y, j * NAME_BLOCK_SIZE, mask, 0);
    }
    const y0 = Buffer.from(mc);
    xorInto(y0, 0, this.#tweak, 0);
    for (let j = 1; j < m; j++) xorInto(y0, 0, y, j * NAME_BLOCK_SIZE);
    y0.copy(y, 0);
    const out = this.#aes(y, forward);
    for (let i = 0; i < n; i++) out[i] = (out[i] as number) ^ (this.#masks[i] as number);
    return out;
  }
}
