// BLAKE2b-256 (sodium-native crypto_generichash) for the manifest: the hash of a whole ciphertext
// file (header nonce included, read as it lies on disk), the head hash of a manifest, the MAC of
// a manifest, and the derivation of the MAC key from the crypt keys. The MAC key is separate
// from the content and name keys by a domain-separated KDF (HKDF-SHA256 with a cryptsync-only
// label, docs/manifest.md): it is never used to encrypt, and nothing else uses it.
import { open } from 'node:fs/promises';
import { hkdfSync } from 'node:crypto';
import sodium from 'sodium-native';
import type { DerivedKeys } from '../crypt/index.js';
import { fsPath } from '../crypt/index.js';
import { FILE_HEADER_SIZE, FILE_MAGIC_SIZE } from '../crypt/index.js';

export const HASH_BYTES = 32;
/** the KDF's label: a new format version with a new MAC key gets a new label */
export const MAC_KEY_LABEL = 'cryptsync manifest MAC key v1';
const MAC_KEY_SALT = 'cryptsync integrity';
const READ_CHUNK = 1024 * 1024;

/** The manifest MAC key: HKDF-SHA256(dataKey ‖ nameKey ‖ nameTweak, salt, label), 32 bytes. */
export function manifestMacKey(keys: DerivedKeys): Buffer {
  const ikm = Buffer.concat([keys.dataKey, keys.nameKey, keys.nameTweak]);
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.from(MAC_KEY_SALT, 'utf8'), Buffer.from(MAC_KEY_LABEL, 'utf8'), HASH_BYTES));
}

/** BLAKE2b-256 of `data`, keyed when `key` is given (the MAC), as lowercase hex. */
export function blake2b(data: Uint8Array, key?: Uint8Array): string {
  const out = Buffer.alloc(HASH_BYTES);
  if (key) sodium.crypto_generichash(out, data, key);
  else sodium.crypto_generichash(out, data);
  return out.toString('hex');
}

/** Constant-time comparison of two hex digests of the same length. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface CiphertextFacts {
  /** BLAKE2b-256 of every byte of the file */
  hash: string;
  /** the file's 24-byte header nonce in hex; null when the file is too short to have one */
  nonce: string | null;
  size: number;
}

/** Hashes a ciphertext file whole (a raw-byte path goes through fsPath). */
export async function hashCiphertext(path: string): Promise<CiphertextFacts> {
  const fh = await open(fsPath(path), 'r');
  try {
    const state = Buffer.alloc(sodium.crypto_generichash_STATEBYTES);
    sodium.crypto_generichash_init(state, null, HASH_BYTES);
    // sized to the file: most catalog files are small, and a zeroed MiB per file adds up
    const buf = Buffer.allocUnsafe(Math.max(FILE_HEADER_SIZE, Math.min(READ_CHUNK, Number((await fh.stat()).size) + 1)));
    let size = 0;
    let header = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, size);
      if (bytesRead === 0) break;
      if (header.length < FILE_HEADER_SIZE) header = Buffer.concat([header, buf.subarray(0, Math.min(bytesRead, FILE_HEADER_SIZE - header.length))]);
      sodium.crypto_generichash_update(state, buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    const out = Buffer.alloc(HASH_BYTES);
    sodium.crypto_generichash_final(state, out);
    return { hash: out.toString('hex'), nonce: nonceOf(header), size };
  } finally {
    await fh.close();
  }
}

/** Reads only the header nonce of a ciphertext file (one small read). */
export async function readNonce(path: string): Promise<string | null> {
  const fh = await open(fsPath(path), 'r');
  try {
    const buf = Buffer.alloc(FILE_HEADER_SIZE);
    const { bytesRead } = await fh.read(buf, 0, FILE_HEADER_SIZE, 0);
    return nonceOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

function nonceOf(header: Buffer): string | null {
  return header.length < FILE_HEADER_SIZE ? null : header.subarray(FILE_MAGIC_SIZE, FILE_HEADER_SIZE).toString('hex');
}
