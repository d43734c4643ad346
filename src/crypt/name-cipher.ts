// Encryption of names (spec section 3): per-segment standard (EME + PKCS#7 + an encoding),
// obfuscate or off, version tags, directory-name switch. Inputs and outputs are rclone Standard
// strings; converting to or from what is on disk is names-on-disk.ts's job.
import { DEFAULT_SUFFIX, NAME_MAX_PADDED_BYTES } from './constants.js';
import { CryptError } from './crypt-error.js';
import { Eme } from './eme.js';
import { pad, unpad } from './pkcs7.js';
import { decodeBase32hex, encodeBase32hex } from './base32hex.js';
import { decodeBase64url, encodeBase64url } from './base64url.js';
import { decodeBase32768, encodeBase32768 } from './base32768.js';
import { deobfuscateSegment, keySum, obfuscateSegment } from './obfuscate.js';
import { addVersionTag, removeVersionTag } from './version-tag.js';

export type FilenameEncryption = 'standard' | 'obfuscate' | 'off';
export type FilenameEncoding = 'base32' | 'base64' | 'base32768';

export interface NameCipherOptions {
  filenameEncryption: FilenameEncryption;
  filenameEncoding: FilenameEncoding;
  directoryNameEncryption: boolean;
  suffix: string;
}

const CODECS: Record<FilenameEncoding, { encode: (b: Buffer) => string; decode: (s: string, subject: string) => Buffer }> = {
  base32: { encode: encodeBase32hex, decode: decodeBase32hex },
  base64: { encode: encodeBase64url, decode: decodeBase64url },
  base32768: { encode: encodeBase32768, decode: decodeBase32768 },
};

export class NameCipher {
  readonly #eme: Eme;
  readonly #keySum: number;
  readonly #opts: NameCipherOptions;
  readonly #codec: (typeof CODECS)[FilenameEncoding];

  constructor(nameKey: Buffer, nameTweak: Buffer, opts: NameCipherOptions) {
    this.#eme = new Eme(nameKey, nameTweak);
    this.#keySum = keySum(nameKey);
    this.#opts = opts;
    this.#codec = CODECS[opts.filenameEncoding];
  }

  /** Standard mode, raw bytes in (for names that are not valid UTF-8). */
  encryptSegmentBytes(plain: Buffer, subject = plain.toString('utf8')): string {
    if (plain.length === 0) return '';
    if (plain.length >= NAME_MAX_PADDED_BYTES) {
      throw new CryptError(
        'NAME_TOO_LONG',
        `name of ${plain.length} bytes is too long to encrypt (at most ${NAME_MAX_PADDED_BYTES - 1})`,
        subject.slice(0, 64),
      );
    }
    return this.#codec.encode(this.#eme.encrypt(pad(plain)));
  }

  /** Standard mode, raw bytes out (no UTF-8 check, as rclone). */
  decryptSegmentBytes(enc: string): Buffer {
    if (enc === '') return Buffer.alloc(0);
    const raw = this.#codec.decode(enc, enc);
    if (raw.length % 16 !== 0) throw new CryptError('NOT_BLOCK_MULTIPLE', 'not a multiple of blocksize', enc);
    if (raw.length === 0) throw new CryptError('NAME_TOO_SHORT', `too short after ${this.#opts.filenameEncoding} decode`, enc);
    if (raw.length > NAME_MAX_PADDED_BYTES) {
      throw new CryptError('NAME_TOO_LONG', `too long after ${this.#opts.filenameEncoding} decode`, enc.slice(0, 64));
    }
    return Buffer.from(unpad(this.#eme.decrypt(raw), enc));
  }

  /** One segment, without version-tag handling: standard or obfuscate. */
  encryptSegment(seg: string): string {
    if (this.#opts.filenameEncryption === 'obfuscate') return obfuscateSegment(seg, this.#keySum);
    return this.encryptSegmentBytes(Buffer.from(seg, 'utf8'), seg);
  }

  decryptSegment(seg: string): string {
    if (this.#opts.filenameEncryption === 'obfuscate') return deobfuscateSegment(seg, this.#keySum, seg);
    return this.decryptSegmentBytes(seg).toString('utf8');
  }

  #lastSegment(seg: string, forward: boolean): string {
    const v = removeVersionTag(seg);
    if (v === null) return forward ? this.encryptSegment(seg) : this.decryptSegment(seg);
    const done = forward ? this.encryptSegment(v.rest) : this.decryptSegment(v.rest);
    return addVersionTag(done, v.tag);
  }

  #path(path: string, forward: boolean): string {
    const segs = path.split('/');
    const last = segs.length - 1;
    for (let i = 0; i < segs.length; i++) {
      if (i !== last && !this.#opts.directoryNameEncryption) continue;
      const seg = segs[i] as string;
      segs[i] = i === last ? this.#lastSegment(seg, forward) : forward ? this.encryptSegment(seg) : this.decryptSegment(seg);
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

  encryptDirName(path: string): string {
    if (this.#opts.filenameEncryption === 'off' || !this.#opts.directoryNameEncryption) return path;
    return this.#path(path, true);
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
