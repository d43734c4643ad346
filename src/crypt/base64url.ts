// RFC 4648 section 5 URL-safe base64 without padding (Go RawURLEncoding). Node's decoder skips
// bad characters silently, so the alphabet and length are checked first.
import { CryptError } from './crypt-error.js';

const VALID = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64url');
}

export function decodeBase64url(s: string, subject: string): Buffer {
  if (!VALID.test(s) || s.length % 4 === 1) {
    throw new CryptError('BAD_NAME_ENCODING', 'illegal base64 data', subject);
  }
  return Buffer.from(s, 'base64url');
}

export function base64urlDecodedLength(s: string): number {
  return Math.floor((s.length * 6) / 8);
}

/** Decodes into `out` (which must hold base64urlDecodedLength(s) bytes); returns the byte count. */
export function decodeBase64urlInto(s: string, out: Buffer, subject: string): number {
  if (!VALID.test(s) || s.length % 4 === 1) {
    throw new CryptError('BAD_NAME_ENCODING', 'illegal base64 data', subject);
  }
  return out.write(s, 0, 'base64url');
}
