// Encryption of names (spec section 3): per-segment standard (EME + PKCS#7 + an encoding),
// obfuscate or off, version tags, directory-name switch. Inputs and outputs are rclone Standard
// strings; converting to or from what is on disk is names-on-disk.ts's job.
import { DEFAULT_SUFFIX, NAME_BLOCK_SIZE, NAME_MAX_PADDED_BYTES } from './constants.js';
import { CryptError } from './crypt-error.js';
import { Eme } from './eme.js';
import { padInPlace, unpaddedLength } from './pkcs7.js';
import { base32hexDecodedLength, decodeBase32hexInto, encodeBase32hex } from './base32hex.js';
import { base64urlDecodedLength, decodeBase64urlInto, encodeBase64url } from './base64url.js';
import { base32768DecodedLength, decodeBase32768Into, encodeBase32768 } from './base32768.js';
import { deobfuscateSegment, keySum, obfuscateSegment } from './obfuscate.js';
import { addVersionTag, removeVersionTag } from './version-tag.js';
import { bytesToName, hasRawBytes, nameToBytes } from './names-on-disk.js';

export type FilenameEncryption = 'standard' | 'obfuscate' | 'off';
export type FilenameEncoding = 'base32' | 'base64' | 'base32768';

export interface NameCipherOptions {
  filenameEncryption: FilenameEncryption;
  filenameEncoding: FilenameEncoding;
  directoryNameEncryption: boolean;
  suffix: string;
}

interface Codec {
  encode(data: Uint8Array): string;
  /** an upper bound of the decoded size */
  decodedLength(s: string): number;
  decodeInto(s: string, out: Buffer, subject: string): number;
}

const CODECS: Record<FilenameEncoding, Codec> = {
  base32: { encode: encodeBase32hex, decodedLength: base32hexDecodedLength, decodeInto: decodeBase32hexInto },
  base64: { encode: encodeBase64url, decodedLength: base64urlDecodedLength, decodeInto: decodeBase64urlInto },
  base32768: { encode: encodeBase32768, decodedLength: base32768DecodedLength, decodeInto: decodeBase32768Into },
};

/** bound on remembered directory segments per direction (cleared when full) */
const SEGMENT_CACHE_ENTRIES = 4096;

/** UTF-8 needs at most 3 bytes per UTF-16 unit, so any segment short enough to encrypt fits. */
const SCRATCH_SIZE = 3 * (NAME_MAX_PADDED_BYTES + NAME_BLOCK_SIZE);

export class NameCipher {
  readonly #eme: Eme;
  readonly #keySum: number;
  readonly #opts: NameCipherOptions;
  readonly #codec: Codec;
  /** reused for every name: single-threaded, and no name operation re-enters another */
  readonly #scratch = Buffer.alloc(SCRATCH_SIZE);
  readonly #encCache = new Map<string, string>();
  readonly #decCache = new Map<string, string>();

  constructor(nameKey: Buffer, nameTweak: Buffer, opts: NameCipherOptions) {
    this.#eme = new Eme(nameKey, nameTweak);
    this.#keySum = keySum(nameKey);
    this.#opts = opts;
    this.#codec = CODECS[opts.filenameEncoding];
  }

  #tooLong(bytes: number, subject: string): CryptError {
    return new CryptError(
      'NAME_TOO_LONG',
      `name of ${bytes} bytes is too long to encrypt (at most ${NAME_MAX_PADDED_BYTES - 1})`,
      subject.slice(0, 64),
    );
  }

  /** EME + encoding of scratch[0..n), n the UTF-8 length of the name */
  #sealScratch(n: number, subject: string): string {
    if (n >= NAME_MAX_PADDED_BYTES) throw this.#tooLong(n, subject);
    const padded = padInPlace(this.#scratch, n);
    this.#eme.transformInPlace(this.#scratch, padded, true);
    return this.#codec.encode(this.#scratch.subarray(0, padded));
  }

  /** Standard mode, raw bytes in (for names that are not valid UTF-8). */
  encryptSegmentBytes(plain: Uint8Array, subject = Buffer.from(plain).toString('utf8')): string {
    if (plain.length === 0) return '';
    if (plain.length >= NAME_MAX_PADDED_BYTES) throw this.#tooLong(plain.length, subject);
    this.#scratch.set(plain, 0);
    return this.#sealScratch(plain.length, subject);
  }

  /** Standard mode: decodes and decrypts into a buffer, returns it and the plaintext length. */
  #open(enc: string): { buf: Buffer; n: number } {
    const max = this.#codec.decodedLength(enc);
    const buf = max <= this.#scratch.length ? this.#scratch : Buffer.allocUnsafe(max);
    const raw = this.#codec.decodeInto(enc, buf, enc);
    if (raw % NAME_BLOCK_SIZE !== 0) throw new CryptError('NOT_BLOCK_MULTIPLE', 'not a multiple of blocksize', enc);
    if (raw === 0) throw new CryptError('NAME_TOO_SHORT', `too short after ${this.#opts.filenameEncoding} decode`, enc);
    if (raw > NAME_MAX_PADDED_BYTES) {
      throw new CryptError('NAME_TOO_LONG', `too long after ${this.#opts.filenameEncoding} decode`, enc.slice(0, 64));
    }
    this.#eme.transformInPlace(buf, raw, false);
    return { buf, n: unpaddedLength(buf, raw, enc) };
  }

  /** Standard mode, raw bytes out (no UTF-8 check, as rclone). */
  decryptSegmentBytes(enc: string): Buffer {
    if (enc === '') return Buffer.alloc(0);
    const { buf, n } = this.#open(enc);
    return Buffer.from(buf.subarray(0, n));
  }

  /** One segment, without version-tag handling: standard or obfuscate. */
  encryptSegment(seg: string): string {
    if (this.#opts.filenameEncryption === 'obfuscate') return obfuscateSegment(seg, this.#keySum);
    if (seg === '') return '';
    if (seg.length >= NAME_MAX_PADDED_BYTES) throw this.#tooLong(Buffer.byteLength(seg), seg);
    // a raw-byte string (names-on-disk.ts) is encrypted as its exact bytes, as rclone does
    if (hasRawBytes(seg)) return this.encryptSegmentBytes(nameToBytes(seg), seg);
    return this.#sealScratch(this.#scratch.write(seg, 0, 'utf8'), seg);
  }

  decryptSegment(seg: string): string {
    if (this.#opts.filenameEncryption === 'obfuscate') return deobfuscateSegment(seg, this.#keySum, seg);
    if (seg === '') return '';
    const { buf, n } = this.#open(seg);
    const text = buf.toString('utf8', 0, n);
    // U+FFFD is where the bytes may not be UTF-8: then keep them exactly (a raw-byte string)
    return text.includes('\uFFFD') ? bytesToName(buf.subarray(0, n)) : text;
  }

  #lastSegment(seg: string, forward: boolean): string {
    const v = removeVersionTag(seg);
    if (v === null) return forward ? this.encryptSegment(seg) : this.decryptSegment(seg);
    const done = forward ? this.encryptSegment(v.rest) : this.decryptSegment(v.rest);
    return addVersionTag(done, v.tag);
  }

  /** Inner (directory) segments repeat across a tree; remembering them halves the work for deep trees. */
  #innerSegment(seg: string, forward: boolean): string {
    const cache = forward ? this.#encCache : this.#decCache;
    const hit = cache.get(seg);
    if (hit !== undefined) return hit;
    const done = forward ? this.encryptSegment(seg) : this.decryptSegment(seg);
    if (cache.size >= SEGMENT_CACHE_ENTRIES) cache.clear();
    cache.set(seg, done);
    return done;
  }

  #path(path: string, forward: boolean): string {
    if (!path.includes('/')) return this.#lastSegment(path, forward);
    const segs = path.split('/');
    const last = segs.length - 1;
    for (let i = 0; i < segs.length; i++) {
      if (i !== last && !this.#opts.directoryNameEncryption) continue;
      const seg = segs[i] as string;
      segs[i] = i === last ? this.#lastSegment(seg, forward) : this.#innerSegment(seg, forward);
    }
    return segs.join('/');
  }

  encryptFileName(path: string): string {
    if (this.#opts.filenameEncryption === 'off') return path + this.#opts.suffix;
    return this.#path(path, true);
  }

  decryptFileName(path: string): string {
    if (this.#opts.filenameEncryption === 'off') return this.#decryptOff(path);
    return this.#path(path, false);
  }

  /**
   * Every folder segment is encrypted in full, version-tag look-alikes included: that is how
   * rclone names the folders of the files it uploads, and the only form under which rclone can
   * decrypt those files' paths. (rclone's own mkdir of an empty folder keeps the tag out, a form
   * decryptDirName reads as well.)
   */
  encryptDirName(path: string): string {
    if (this.#opts.filenameEncryption === 'off' || !this.#opts.directoryNameEncryption) return path;
    return path
      .split('/')
      .map((seg) => this.#innerSegment(seg, true))
      .join('/');
  }

  decryptDirName(path: string): string {
    if (this.#opts.filenameEncryption === 'off' || !this.#opts.directoryNameEncryption) return path;
    return this.#path(path, false);
  }

  #decryptOff(path: string): string {
    const suffix = this.#opts.suffix;
    const rest = path.length - suffix.length;
    if (rest <= 0 || !path.endsWith(suffix)) {
      throw new CryptError('BAD_SUFFIX', `not an encrypted file - no "${suffix || DEFAULT_SUFFIX}" suffix`, path);
    }
    const plain = path.slice(0, rest);
    const v = removeVersionTag(plain);
    if (v !== null && v.rest === '') throw new CryptError('NOT_ENCRYPTED_NAME', 'not an encrypted file', path);
    return plain;
  }
}
