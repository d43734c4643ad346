// Key derivation (spec section 1): scrypt(password, password2 or the default salt) split into the
// data key, the name key and the name tweak. Never logs or stores the password.
import { scrypt, scryptSync } from 'node:crypto';
import { DEFAULT_SALT, DERIVED_KEY_BYTES, KEY_SIZE, NAME_TWEAK_SIZE, SCRYPT_N, SCRYPT_P, SCRYPT_R } from './constants.js';

export interface DerivedKeys {
  dataKey: Buffer;
  nameKey: Buffer;
  nameTweak: Buffer;
}

const SCRYPT_OPTS = { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, maxmem: 64 * 1024 * 1024 };

function saltFor(password2: string | undefined): Buffer {
  return password2 === undefined || password2 === '' ? DEFAULT_SALT : Buffer.from(password2, 'utf8');
}

function split(raw: Buffer): DerivedKeys {
  return {
    dataKey: Buffer.from(raw.subarray(0, KEY_SIZE)),
    nameKey: Buffer.from(raw.subarray(KEY_SIZE, 2 * KEY_SIZE)),
    nameTweak: Buffer.from(raw.subarray(2 * KEY_SIZE, 2 * KEY_SIZE + NAME_TWEAK_SIZE)),
  };
}

/** Derives the keys without blocking the event loop. An empty password gives all-zero keys (as rclone). */
export function deriveKeys(password: string, password2?: string): Promise<DerivedKeys> {
  if (password === '') return Promise.resolve(split(Buffer.alloc(DERIVED_KEY_BYTES)));
  return new Promise((resolve, reject) => {
    scrypt(Buffer.from(password, 'utf8'), saltFor(password2), DERIVED_KEY_BYTES, SCRYPT_OPTS, (e, key) => {
      if (e) reject(e);
      else resolve(split(key));
    });
  });
}

export function deriveKeysSync(password: string, password2?: string): DerivedKeys {
  if (password === '') return split(Buffer.alloc(DERIVED_KEY_BYTES));
  return split(scryptSync(Buffer.from(password, 'utf8'), saltFor(password2), DERIVED_KEY_BYTES, SCRYPT_OPTS));
}
