// Single-block AES-256 in plain TypeScript (T-table form), for name encryption only. Names need
// a few AES blocks each, and a call into OpenSSL through node:crypto costs microseconds per call,
// which dominated EME; this runs a block in well under a microsecond. File content never uses
// this (that is sodium's secretbox). Checked against node:crypto in test/crypt/aes-block.test.ts.
// Not constant-time; acceptable here because names are not secret from the local machine.

const ROUNDS = 14;
const KEY_WORDS = 8;
const ROUND_KEY_WORDS = 4 * (ROUNDS + 1);
const AES_POLY = 0x11b;

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
const TE = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
const TD = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;

function xtime(a: number): number {
  return (a & 0x80 ? (a << 1) ^ AES_POLY : a << 1) & 0xff;
}
function mul(a: number, b: number): number {
  let r = 0;
  for (let x = a, y = b; y > 0; y >>= 1, x = xtime(x)) if (y & 1) r ^= x;
  return r;
}
function rotr(w: number, n: number): number {
  return ((w >>> n) | (w << (32 - n))) >>> 0;
}

(function buildTables(): void {
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x = x ^ xtime(x); // multiply by the generator 3
  }
  for (let a = 0; a < 256; a++) {
    const inv = a === 0 ? 0 : (exp[(255 - (log[a] as number)) % 255] as number);
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    s ^= 0x63;
    SBOX[a] = s;
    INV_SBOX[s] = a;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i] as number;
    const e = ((xtime(s) << 24) | (s << 16) | (s << 8) | (xtime(s) ^ s)) >>> 0;
    const si = INV_SBOX[i] as number;
    const d = ((mul(si, 0x0e) << 24) | (mul(si, 0x09) << 16) | (mul(si, 0x0d) << 8) | mul(si, 0x0b)) >>> 0;
    for (let t = 0; t < 4; t++) {
      (TE[t] as Uint32Array)[i] = rotr(e, 8 * t);
      (TD[t] as Uint32Array)[i] = rotr(d, 8 * t);
    }
  }
})();

const [TE0, TE1, TE2, TE3] = TE;
const [TD0, TD1, TD2, TD3] = TD;

function subWord(w: number): number {
  return (
    (((SBOX[w >>> 24] as number) << 24) |
      ((SBOX[(w >>> 16) & 255] as number) << 16) |
      ((SBOX[(w >>> 8) & 255] as number) << 8) |
      (SBOX[w & 255] as number)) >>>
    0
  );
}

export class AesBlock {
  readonly #ek = new Uint32Array(ROUND_KEY_WORDS);
  readonly #dk = new Uint32Array(ROUND_KEY_WORDS);

  constructor(key: Uint8Array) {
    if (key.length !== 4 * KEY_WORDS) throw new RangeError('AES-256 needs a 32-byte key');
    const ek = this.#ek;
    for (let i = 0; i < KEY_WORDS; i++) {
      ek[i] = (((key[4 * i] as number) << 24) | ((key[4 * i + 1] as number) << 16) | ((key[4 * i + 2] as number) << 8) | (key[4 * i + 3] as number)) >>> 0;
    }
    let rcon = 1;
    for (let i = KEY_WORDS; i < ROUND_KEY_WORDS; i++) {
      let t = ek[i - 1] as number;
      if (i % KEY_WORDS === 0) {
        t = (subWord(rotr(t, 24)) ^ (rcon << 24)) >>> 0;
        rcon = xtime(rcon);
      } else if (i % KEY_WORDS === 4) t = subWord(t);
      ek[i] = ((ek[i - KEY_WORDS] as number) ^ t) >>> 0;
    }
    // equivalent inverse cipher: round keys reversed, InvMixColumns on the inner rounds
    const dk = this.#dk;
    for (let r = 0; r <= ROUNDS; r++) {
      for (let j = 0; j < 4; j++) {
        const w = ek[4 * (ROUNDS - r) + j] as number;
        dk[4 * r + j] =
          r === 0 || r === ROUNDS
            ? w
            : ((TD[0][SBOX[w >>> 24] as number] as number) ^
                (TD[1][SBOX[(w >>> 16) & 255] as number] as number) ^
                (TD[2][SBOX[(w >>> 8) & 255] as number] as number) ^
                (TD[3][SBOX[w & 255] as number] as number)) >>>
              0;
      }
    }
  }

  /** Encrypts 16 bytes at src[so..] into dst[dOff..] (may be the same place). */
  encrypt(src: Uint8Array, so: number, dst: Uint8Array, dOff: number): void {
    const rk = this.#ek;
    let s0 = load(src, so) ^ (rk[0] as number);
    let s1 = load(src, so + 4) ^ (rk[1] as number);
    let s2 = load(src, so + 8) ^ (rk[2] as number);
    let s3 = load(src, so + 12) ^ (rk[3] as number);
    for (let k = 4; k < 4 * ROUNDS; k += 4) {
      const a = (TE0[s0 >>> 24] as number) ^ (TE1[(s1 >>> 16) & 255] as number) ^ (TE2[(s2 >>> 8) & 255] as number) ^ (TE3[s3 & 255] as number) ^ (rk[k] as number);
      const b = (TE0[s1 >>> 24] as number) ^ (TE1[(s2 >>> 16) & 255] as number) ^ (TE2[(s3 >>> 8) & 255] as number) ^ (TE3[s0 & 255] as number) ^ (rk[k + 1] as number);
      const c = (TE0[s2 >>> 24] as number) ^ (TE1[(s3 >>> 16) & 255] as number) ^ (TE2[(s0 >>> 8) & 255] as number) ^ (TE3[s1 & 255] as number) ^ (rk[k + 2] as number);
      s3 = (TE0[s3 >>> 24] as number) ^ (TE1[(s0 >>> 16) & 255] as number) ^ (TE2[(s1 >>> 8) & 255] as number) ^ (TE3[s2 & 255] as number) ^ (rk[k + 3] as number);
      s0 = a;
      s1 = b;
      s2 = c;
    }
    const k = 4 * ROUNDS;
    store(dst, dOff, lastRound(SBOX, s0, s1, s2, s3) ^ (rk[k] as number));
    store(dst, dOff + 4, lastRound(SBOX, s1, s2, s3, s0) ^ (rk[k + 1] as number));
    store(dst, dOff + 8, lastRound(SBOX, s2, s3, s0, s1) ^ (rk[k + 2] as number));
    store(dst, dOff + 12, lastRound(SBOX, s3, s0, s1, s2) ^ (rk[k + 3] as number));
  }

  decrypt(src: Uint8Array, so: number, dst: Uint8Array, dOff: number): void {
    const rk = this.#dk;
    let s0 = load(src, so) ^ (rk[0] as number);
    let s1 = load(src, so + 4) ^ (rk[1] as number);
    let s2 = load(src, so + 8) ^ (rk[2] as number);
    let s3 = load(src, so + 12) ^ (rk[3] as number);
    for (let k = 4; k < 4 * ROUNDS; k += 4) {
      const a = (TD0[s0 >>> 24] as number) ^ (TD1[(s3 >>> 16) & 255] as number) ^ (TD2[(s2 >>> 8) & 255] as number) ^ (TD3[s1 & 255] as number) ^ (rk[k] as number);
      const b = (TD0[s1 >>> 24] as number) ^ (TD1[(s0 >>> 16) & 255] as number) ^ (TD2[(s3 >>> 8) & 255] as number) ^ (TD3[s2 & 255] as number) ^ (rk[k + 1] as number);
      const c = (TD0[s2 >>> 24] as number) ^ (TD1[(s1 >>> 16) & 255] as number) ^ (TD2[(s0 >>> 8) & 255] as number) ^ (TD3[s3 & 255] as number) ^ (rk[k + 2] as number);
      s3 = (TD0[s3 >>> 24] as number) ^ (TD1[(s2 >>> 16) & 255] as number) ^ (TD2[(s1 >>> 8) & 255] as number) ^ (TD3[s0 & 255] as number) ^ (rk[k + 3] as number);
      s0 = a;
      s1 = b;
      s2 = c;
    }
    const k = 4 * ROUNDS;
    store(dst, dOff, lastRound(INV_SBOX, s0, s3, s2, s1) ^ (rk[k] as number));
    store(dst, dOff + 4, lastRound(INV_SBOX, s1, s0, s3, s2) ^ (rk[k + 1] as number));
    store(dst, dOff + 8, lastRound(INV_SBOX, s2, s1, s0, s3) ^ (rk[k + 2] as number));
    store(dst, dOff + 12, lastRound(INV_SBOX, s3, s2, s1, s0) ^ (rk[k + 3] as number));
  }
}

function load(b: Uint8Array, o: number): number {
  return (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0;
}

function store(b: Uint8Array, o: number, w: number): void {
  b[o] = w >>> 24;
  b[o + 1] = (w >>> 16) & 255;
  b[o + 2] = (w >>> 8) & 255;
  b[o + 3] = w & 255;
}

/** the final round's column: S-box of one byte from each of four state words, no MixColumns */
function lastRound(S: Uint8Array, w0: number, w1: number, w2: number, w3: number): number {
  return (((S[w0 >>> 24] as number) << 24) | ((S[(w1 >>> 16) & 255] as number) << 16) | ((S[(w2 >>> 8) & 255] as number) << 8) | (S[w3 & 255] as number)) >>> 0;
}
