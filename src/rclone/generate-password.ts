// Random passwords like `rclone config` generates them: N bits of CSPRNG output, base64url
// without padding. The result is a secret: callers show it once and never log it.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../util/errors.js';

export const MIN_PASSWORD_BITS = 64;
export const MAX_PASSWORD_BITS = 1024;

export function generatePassword(bits: number): string {
  if (!Number.isInteger(bits) || bits < MIN_PASSWORD_BITS || bits > MAX_PASSWORD_BITS) {
    throw new UsageError(`password strength must be ${MIN_PASSWORD_BITS}..${MAX_PASSWORD_BITS} bits, got ${bits}`, 'bits');
  }
  return randomBytes(Math.ceil(bits / 8)).toString('base64url');
}
