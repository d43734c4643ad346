// RFC 4648 section 5 URL-safe base64 without padding (Go RawURLEncoding). Node's decoder skips
// bad characters silently, so the alphabet and length are checked first.
import { CryptError } from './crypt-error.js';

const VALID = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(data: Buffer): string {
  return data.toString('base64url');
}

export function decodeBase64url(s: string, subject: string): Buffer {
  if (!VALID.test(s) || s.length % 4 === 1) {
    throw new CryptError('BAD_NAME_ENCODING', 'illegal base64 data', subject);
  }
  return Buffer.from(s, 'base64url');
}
