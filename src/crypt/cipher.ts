// The crypt facade: one object per crypt remote holding the derived keys, the name cipher and the
// content cipher. Holds keys in memory only; never serialises them or puts them in messages.
import { DEFAULT_SUFFIX, KEY_SIZE, NAME_TWEAK_SIZE } from './constants.js';
import { type DerivedKeys, deriveKeys, deriveKeysSync } from './keys.js';
import { NameCipher, type FilenameEncoding, type FilenameEncryption } from './name-cipher.js';
import {
  type FileDecryptor,
  type FileEncryptor,
  type SeekPlan,
  decryptBlocks,
  decryptStream,
  encryptStream,
  newDecryptor,
  newEncryptor,
  seekPlan,
} from './content-cipher.js';
import { decryptedSize, encryptedSize } from './content-size.js';

export interface CipherOptions {
  /** revealed (plain) password */
  password: string;
  /** revealed (plain) password2, the salt */
  password2?: string;
  filenameEncryption?: FilenameEncryption;
  filenameEncoding?: FilenameEncoding;
  directoryNameEncryption?: boolean;
  noDataEncryption?: boolean;
  suffix?: string;
}

export type CipherSettings = Required<Omit<CipherOptions, 'password' | 'password2'>>;

function settingsOf(opts: Omit<CipherOptions, 'password' | 'password2'>): CipherSettings {
  return {
    filenameEncryption: opts.filenameEncryption ?? 'standard',
    filenameEncoding: opts.filenameEncoding ?? 'base32',
    directoryNameEncryption: opts.directoryNameEncryption ?? true,
    noDataEncryption: opts.noDataEncryption ?? false,
    suffix: opts.suffix ?? DEFAULT_SUFFIX,
  };
}

export class Cipher {
  readonly keys: DerivedKeys;
  readonly options: CipherSettings;
  readonly #names: NameCipher;

  private constructor(keys: DerivedKeys, options: CipherSettings) {
    if (keys.dataKey.length !== KEY_SIZE || keys.nameKey.length !== KEY_SIZE || keys.nameTweak.length !== NAME_TWEAK_SIZE) {
      throw new RangeError('derived keys have the wrong sizes');
    }
    this.keys = keys;
    this.options = options;
    this.#names = new NameCipher(keys.nameKey, keys.nameTweak, options);
  }

  static async create(opts: CipherOptions): Promise<Cipher> {
    return new Cipher(await deriveKeys(opts.password, opts.password2), settingsOf(opts));
  }

  static createSync(opts: CipherOptions): Cipher {
    return new Cipher(deriveKeysSync(opts.password, opts.password2), settingsOf(opts));
  }

  /** For worker threads: the keys travel, the password does not. */
  static fromKeys(keys: DerivedKeys, opts: Omit<CipherOptions, 'password' | 'password2'>): Cipher {
    return new Cipher(
      { dataKey: Buffer.from(keys.dataKey), nameKey: Buffer.from(keys.nameKey), nameTweak: Buffer.from(keys.nameTweak) },
      settingsOf(opts),
    );
  }

  encryptFileName(path: string): string {
    return this.#names.encryptFileName(path);
  }
  decryptFileName(path: string): string {
    return this.#names.decryptFileName(path);
  }
  encryptDirName(path: string): string {
    return this.#names.encryptDirName(path);
  }
  decryptDirName(path: string): string {
    return this.#names.decryptDirName(path);
  }
  /** One segment in standard/obfuscate mode, no version tags; identity-free (ignores 'off'). */
  encryptSegment(seg: string): string {
    return this.#names.encryptSegment(seg);
  }
  decryptSegment(seg: string): string {
    return this.#names.decryptSegment(seg);
  }
  /** Standard mode on raw bytes, for names that are not valid UTF-8. */
  encryptSegmentBytes(seg: Buffer): string {
    return this.#names.encryptSegmentBytes(seg);
  }
  decryptSegmentBytes(seg: string): Buffer {
    return this.#names.decryptSegmentBytes(seg);
  }

  encryptedSize(plainSize: number): number {
    return this.options.noDataEncryption ? plainSize : encryptedSize(plainSize);
  }
  decryptedSize(encSize: number, fileName?: string): number {
    return this.options.noDataEncryption ? encSize : decryptedSize(encSize, fileName);
  }

  newEncryptor(nonce?: Uint8Array): FileEncryptor {
    return newEncryptor(this.keys.dataKey, this.options.noDataEncryption, nonce);
  }
  newDecryptor(header: Uint8Array, fileName?: string): FileDecryptor {
    return newDecryptor(this.keys.dataKey, this.options.noDataEncryption, header, fileName);
  }

  encrypt(source: AsyncIterable<Uint8Array>, opts: { nonce?: Uint8Array } = {}): AsyncGenerator<Buffer> {
    return encryptStream(this.newEncryptor(opts.nonce), source);
  }
  decrypt(source: AsyncIterable<Uint8Array>, opts: { fileName?: string } = {}): AsyncGenerator<Buffer> {
    return decryptStream(this.keys.dataKey, this.options.noDataEncryption, source, opts.fileName);
  }

  seekPlan(plainOffset: number): SeekPlan {
    return seekPlan(plainOffset, this.options.noDataEncryption);
  }

  /** `blocks` must start at seekPlan(plainOffset).underlyingOffset of the encrypted file. */
  decryptFrom(
    header: Uint8Array,
    blocks: AsyncIterable<Uint8Array>,
    plainOffset: number,
    opts: { fileName?: string } = {},
  ): AsyncGenerator<Buffer> {
    const plan = this.seekPlan(plainOffset);
    if (this.options.noDataEncryption) return decryptStream(this.keys.dataKey, true, blocks, opts.fileName);
    const dec = newDecryptor(this.keys.dataKey, false, header, opts.fileName, plan.blockIndex);
    return decryptBlocks(dec, blocks, plan.discard);
  }
}
