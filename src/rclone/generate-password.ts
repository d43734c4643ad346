// Random passwords like `rclone config` generates them: N bits of CSPRNG output, base64url
// without padding. The result is a secret: callers show it once and never log it.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../util/errors.js';

export const MIN_PASSWORD_BITS = 64;
export const MAX_PASSWORD_BITS = 1024;
/**
 * The one strength of a generated password everywhere (CLI, web UI, demo): 256 bits, 43
 * characters, short enough to write down. The web UI generates in the browser with the same
 * count (web/src/views/remotes-view.tsx); test/cli/password-strength-same.test.ts holds them together.
 */
export const GENERATED_PASSWORD_BITS = 256;

/** "256-bit (43 characters)": how the front ends state it */
export function generatedStrengthText(bits = GENERATED_PASSWORD_BITS): string {
  return `${bits}-bit (${Math.ceil(Math.ceil(bits / 8) * 4 / 3)} characters)`;
}

export function generatePassword(bits: number): string {
  if (!Number.isInteger(bits) || bits < MIN_PASSWORD_BITS || bits > MAX_PASSWORD_BITS) {
    throw new UsageError(`password strength must be ${MIN_PASSWORD_BITS}..${MAX_PASSWORD_BITS} bits, got ${bits}`, 'bits');
  }
  return randomBytes(Math.ceil(bits / 8)).toString('base64url');
}
