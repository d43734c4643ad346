// Public API of rclone.conf handling: crypt remotes, remote specs, local roots.
export { type RcloneConfig, type RcloneSection, loadRcloneConfig, parseRcloneConfig, listRemotes, ENCRYPTED_CONFIG_MARKER } from './config-file.js';
export { type CryptRemoteConfig, getCryptRemote, describeCryptRemote, effectiveOptions } from './crypt-remote.js';
export { type NewCryptRemote, addCryptRemote, removeRemote, validateRemoteName, CONFIG_FILE_MODE } from './edit-config.js';
export { parseRemoteSpec } from './remote-spec.js';
export { generatePassword, MIN_PASSWORD_BITS, MAX_PASSWORD_BITS } from './generate-password.js';
export { parseGoBool } from './parse-bool.js';
export { type OpenedCryptRemote, openCryptRemote, resolveLocalRoot, cipherForRemote, encryptedFilePath } from './open-remote.js';
