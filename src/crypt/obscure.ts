// rclone's "obscure" for passwords in rclone.conf (spec section 5): AES-256-CTR under a fixed,
// public key. This is NOT encryption; it only keeps passwords from being read at a glance.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptError } from './crypt-error.js';

const OBSCURE_KEY = Buffer.from('9c935b48730a554d6bfd7c63c886a92bd390198eb8128afbf4de162b8b95f638', 'hex');
const OBSCURE_IV_SIZE = 16;
const BASE64URL_RAW = /^[A-Za-z0-9_-]*$/;

export function obscure(plain: string, iv: Uint8Array = randomBytes(OBSCURE_IV_SIZE)): string {
  const c = createCipheriv('aes-256-ctr', OBSCURE_KEY, iv);
  const body = Buffer.concat([c.update(Buffer.from(plain, 'utf8')), c.final()]);
  return Buffer.concat([Buffer.from(iv), body]).toString('base64url');
}

export function reveal(obscured: string): string {
  if (!BASE64URL_RAW.test(obscured) || obscured.length % 4 === 1) {
    throw new CryptError('BAD_OBSCURED', 'base64 decode failed when revealing password - is it obscured?');
  }
  const raw = Buffer.from(obscured, 'base64url');
  if (raw.length < OBSCURE_IV_SIZE) {
    throw new CryptError('BAD_OBSCURED', 'input too short when revealing password - is it obscured?');
  }
  const d = createDecipheriv('aes-256-ctr', OBSCURE_KEY, raw.subarray(0, OBSCURE_IV_SIZE));
  return Buffer.concat([d.update(raw.subarray(OBSCURE_IV_SIZE)), d.final()]).toString('utf8');
}
