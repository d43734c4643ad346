// The one error type of the crypt layer. Each failure has a stable `code`; the message names the
// file or name it is about and never contains key material or passwords.
import { CryptsyncError } from '../util/errors.js';

export type CryptErrorCode =
  | 'TOO_SHORT'
  | 'BAD_MAGIC'
  | 'TRUNCATED_BLOCK_HEADER'
  | 'AUTH_FAILED'
  | 'NOT_BLOCK_MULTIPLE'
  | 'NAME_TOO_SHORT'
  | 'NAME_TOO_LONG'
  | 'BAD_NAME_ENCODING'
  | 'BAD_PADDING'
  | 'BAD_SUFFIX'
  | 'NOT_ENCRYPTED_NAME'
  | 'BAD_NONCE'
  | 'BAD_OFFSET'
  | 'BAD_OBSCURED';

export class CryptError extends CryptsyncError {
  override readonly code: CryptErrorCode;
  constructor(code: CryptErrorCode, message: string, subject?: string) {
    super('crypto', code, subject === undefined ? message : `${subject}: ${message}`, subject === undefined ? {} : { subject });
    this.name = 'CryptError';
    this.code = code;
  }
}

/** Messages as rclone >= 1.63 words them, so users can search for them. */
export const MESSAGES = {
  TOO_SHORT: 'file is too short to be encrypted',
  BAD_MAGIC: 'not an encrypted file - bad magic string',
  TRUNCATED_BLOCK_HEADER: 'file has truncated block header',
  AUTH_FAILED: 'failed to authenticate decrypted block - bad password?',
} as const;
