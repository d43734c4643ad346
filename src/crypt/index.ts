// Public API of the rclone-compatible crypt library. Depends on nothing in src except util.
export * from './constants.js';
export { CryptError, type CryptErrorCode } from './crypt-error.js';
export { type DerivedKeys, deriveKeys, deriveKeysSync } from './keys.js';
export { type FilenameEncryption, type FilenameEncoding } from './name-cipher.js';
export { type FileEncryptor, type FileDecryptor, type SeekPlan, parseHeader } from './content-cipher.js';
export { encryptedSize, decryptedSize } from './content-size.js';
export { Cipher, type CipherOptions, type CipherSettings } from './cipher.js';
export { obscure, reveal } from './obscure.js';
export { diskToStandard, standardToDisk, diskPathToStandard, standardPathToDisk, bytesToName, nameToBytes, hasRawBytes, fsPath, displayName } from './names-on-disk.js';
export { removeVersionTag, addVersionTag } from './version-tag.js';
