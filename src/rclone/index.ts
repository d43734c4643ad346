// Public API of rclone.conf handling: crypt remotes, remote specs, local roots.
export { type RcloneConfig, type RcloneSection, loadRcloneConfig, parseRcloneConfig, listRemotes, ENCRYPTED_CONFIG_MARKER } from './config-file.js';
export { type CryptRemoteConfig, getCryptRemote, describeCryptRemote, effectiveOptions } from './crypt-remote.js';
export { type NewCryptRemote, addCryptRemote, removeRemote, validateRemoteName, CONFIG_FILE_MODE } from './edit-config.js';
export { parseRemoteSpec } from './remote-spec.js';
export { encodeConfigValue } from './config-value.js';
export { generatePassword, generatedStrengthText, GENERATED_PASSWORD_BITS, MIN_PASSWORD_BITS, MAX_PASSWORD_BITS } from './generate-password.js';
export { parseGoBool } from './parse-bool.js';
export { type OpenedCryptRemote, openCryptRemote, resolveLocalRoot, cipherForRemote, encryptedFilePath } from './open-remote.js';
// rclone as a process: a pure argv builder, a pure JSON-log parser and tally, a runner with abort.
export { rcloneSyncArgs, rcloneFilterFlags, assertNoSecretFlag, RCLONE_LOG_FLAGS, type RcloneSyncOptions, type RcloneFilterOptions } from './sync-args.js';
export { parseRcloneLogLine, type RcloneLogEvent, type RcloneStats, type RcloneFileAction, type RcloneLevel } from './json-log.js';
export { RcloneLogTally, type RcloneCounts, type RcloneLogError, type RcloneTallyOptions } from './log-tally.js';
export { describeRcloneExit, classifyRcloneExit, RCLONE_NO_TRANSFER_EXIT, type RcloneOutcome } from './exit-codes.js';
export { runRclone, rcloneEnv, resolveRclonePath, DEFAULT_RCLONE_PATH, RCLONE_PATH_ENV, DEFAULT_GRACE_MS as DEFAULT_RCLONE_GRACE_MS, type RunRcloneOptions, type RcloneRunResult } from './runner.js';
