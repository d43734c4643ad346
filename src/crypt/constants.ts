// Format numbers of rclone's crypt backend (spec/rclone-crypt.md sections 1, 2, 3). Every byte
// layout decision in src/crypt refers to these names; never hard-code the numbers elsewhere.

/** "RCLONE\0\0": the first 8 bytes of every encrypted file. */
export const FILE_MAGIC = Buffer.from([0x52, 0x43, 0x4c, 0x4f, 0x4e, 0x45, 0x00, 0x00]);
export const FILE_MAGIC_SIZE = 8;
export const NONCE_SIZE = 24;
/** magic + initial nonce */
export const FILE_HEADER_SIZE = FILE_MAGIC_SIZE + NONCE_SIZE;
/** plaintext bytes per chunk */
export const BLOCK_DATA_SIZE = 65536;
/** Poly1305 tag in front of each sealed chunk */
export const BLOCK_TAG_SIZE = 16;
export const BLOCK_SIZE = BLOCK_DATA_SIZE + BLOCK_TAG_SIZE;

export const KEY_SIZE = 32;
export const NAME_TWEAK_SIZE = 16;
/** scrypt output: dataKey (32) + nameKey (32) + nameTweak (16) */
export const DERIVED_KEY_BYTES = KEY_SIZE + KEY_SIZE + NAME_TWEAK_SIZE;
export const SCRYPT_N = 16384;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
/** rclone's built-in salt, used when password2 is absent or empty */
export const DEFAULT_SALT = Buffer.from('a80df43a8fbd0308a7cab83e581f86b1', 'hex');

/** AES block size, used by EME and the PKCS#7 name padding */
export const NAME_BLOCK_SIZE = 16;
/** EME handles 1..128 blocks, so a padded name is at most 2048 bytes */
export const EME_MAX_BLOCKS = 128;
export const NAME_MAX_PADDED_BYTES = NAME_BLOCK_SIZE * EME_MAX_BLOCKS;

/** Suffix of file names when filename_encryption = off (always this in rclone 1.60). */
export const DEFAULT_SUFFIX = '.bin';
